package classify

import (
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
