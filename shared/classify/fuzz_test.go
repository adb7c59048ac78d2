package classify

import (
	"regexp"
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/shared/failure"
)

// FuzzClassify: any message yields a cause from the taxonomy, evidence that
// is text of the input (or empty), and no panic while rendering commands.
func FuzzClassify(f *testing.F) {
	for _, s := range loadSamples(f, corpusPath) {
		f.Add(string(s.Platform), s.Message)
	}
	f.Add("ecs", "")
	f.Add("kubernetes", `Failed to pull image "`)
	f.Add("aci", `pull access denied for https://`)
	f.Fuzz(func(t *testing.T, platform, message string) {
		d := Text(failure.Platform(platform), message)
		if _, ok := causes[d.Cause]; !ok {
			t.Fatalf("invalid cause %q", d.Cause)
		}
		if d.Evidence != "" && !strings.Contains(message, d.Evidence) {
			t.Fatalf("evidence %q is not in the message", d.Evidence)
		}
		if d.RunnerUp != "" {
			if _, ok := causes[d.RunnerUp]; !ok {
				t.Fatalf("invalid runner-up %q", d.RunnerUp)
			}
		}
		full := Classify(&failure.Failure{Platform: failure.Platform(platform), Messages: []string{message}, Task: message})
		if full.Cause != d.Cause {
			t.Fatalf("Classify %s, Text %s", full.Cause, d.Cause)
		}
	})
}

// namedNotFoundRegexp is what namedNotFound replaced; the two must agree on
// ASCII text.
var namedNotFoundRegexp = regexp.MustCompile(`(?i)(?:image|repository) "?[^\s"]+"? not found|failed to resolve ref(?:erence)? "?[^"\s]*"?: [^\s]+: not found`)

// FuzzNamedNotFound holds namedNotFound equal to the regexp on every corpus
// message and on the edges of its grammar (quotes, empty names, tabs,
// names at the start of the text).
func FuzzNamedNotFound(f *testing.F) {
	for _, path := range []string{corpusPath, blindPath} {
		for _, s := range loadSamples(f, path) {
			f.Add(s.Message)
		}
	}
	for _, s := range []string{
		`image "x" not found`, `IMAGE x NOT FOUND`, `image "" not found`, `image ""x" not found`, `image x" not found`,
		`image "x not found`, "image\tx not found", `x not found`, `"x" not found`, `image  x not found`,
		`repository docker.io/library/foo not found`, `myimage foo not found: manifest unknown`,
		`failed to resolve ref "docker.io/a:b": docker.io/a:b: not found`, `failed to resolve reference : x: not found`,
		`failed to resolve ref ": x: not found`, `failed to resolve ref """: x: not found`, `failed to resolve ref a"b": x: not found`,
		`failed to resolve ref x: : not found`, `failed to resolve refx: y: not found`, ` not found`, `image`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		if !isASCII(msg) {
			t.Skip("the regexp folds runes, namedNotFound whole byte strings: they agree on ASCII")
		}
		if got, want := namedNotFound(msg), namedNotFoundRegexp.MatchString(msg); got != want {
			t.Fatalf("namedNotFound(%q) = %v, the regexp says %v", msg, got, want)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
