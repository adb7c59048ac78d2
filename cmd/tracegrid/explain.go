package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/redact"
	"github.com/tracegrid/tracegrid/shared/verify"

	"github.com/google/go-containerregistry/pkg/authn"
)

// maxInput bounds what explain reads: larger than any event a cloud delivers
// (EventBridge 256 KB, Lambda 6 MB, Pub/Sub 10 MB), small enough to be safe.
const maxInput = 8 << 20

func explainCmd(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := newFlags("explain")
	asJSON := fs.Bool("json", false, "print the diagnosis as JSON")
	asSlack := fs.Bool("slack", false, "print the Slack payload")
	platform := fs.String("platform", "", "platform of plain error text")
	check := fs.Bool("verify", false, "ask the registry about the image of a pull failure, with the local Docker credentials")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("%w: explain takes one FILE or -", errUsage)
	}
	if *asJSON && *asSlack {
		return fmt.Errorf("%w: --json and --slack are exclusive", errUsage)
	}
	switch p := failure.Platform(*platform); p {
	case "", failure.ECS, failure.Kubernetes, failure.ACI, failure.Docker:
	default:
		return fmt.Errorf("%w: --platform must be ecs, kubernetes, aci or docker, not %q", errUsage, p)
	}
	data, err := readInput(fs.Arg(0), stdin)
	if err != nil {
		return err
	}
	dec, err := detect(data, failure.Platform(*platform))
	if err != nil {
		return err
	}
	if len(dec.failures) == 0 {
		fmt.Fprintf(stdout, "Read %s: it reports no container failure, so Tracegrid would post nothing.\n", dec.kind)
		return nil
	}
	var checker verify.Checker
	if *check {
		// authn.DefaultKeychain reads $DOCKER_CONFIG/config.json (or
		// ~/.docker) and its credential helpers, as docker does.
		if checker, err = verify.NewRegistry(verify.WithKeychain(authn.DefaultKeychain)); err != nil {
			return err
		}
	}
	for i, f := range dec.failures {
		d := classify.Classify(f)
		if checker != nil {
			d = verifyImage(checker, f, d)
		}
		switch {
		case *asJSON:
			err = printRedactedJSON(stdout, explainJSON{Failure: f, Diagnosis: d})
		case *asSlack:
			err = printSlack(stdout, f, d)
		default:
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			printHuman(stdout, dec.kind, f, d)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// verifyImage asks the registry about the image of a pull failure (named
// by the event, or else by its message) and restates d with the answer.
func verifyImage(c verify.Checker, f *failure.Failure, d classify.Diagnosis) classify.Diagnosis {
	if f.Image == "" {
		f.Image = classify.ImageInMessage(f.Message())
	}
	if !verify.Needed(d, f) {
		return d
	}
	return verify.Apply(d, f, c.Check(context.Background(), f.Image))
}

// readInput reads FILE, or stdin for "" and "-", refusing oversized input.
func readInput(name string, stdin io.Reader) ([]byte, error) {
	r := stdin
	if name != "" && name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxInput {
		return nil, fmt.Errorf("input larger than %d MiB: not an event Tracegrid can receive", maxInput>>20)
	}
	return data, nil
}

// explainJSON is what --json prints for each failure.
type explainJSON struct {
	classify.Diagnosis
	Failure *failure.Failure `json:"failure"`
}

// printJSON prints v indented. C1 control characters (U+0080 to U+009F,
// which some terminals execute) are written as \u escapes, as encoding/json
// already does for C0.
func printJSON(w io.Writer, v any) error {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := io.WriteString(w, escapeC1(b.String()))
	return err
}

// escapeC1 writes C1 control characters as JSON \u escapes; they can only
// occur inside JSON strings.
func escapeC1(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x80 && r < 0xa0 }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r >= 0x80 && r < 0xa0 {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// printRedactedJSON prints v as JSON with every string redacted: commands
// word by word (redact.Command), log tails as one text (redact.Lines),
// everything else with redact.String, each cut to redact.Limit first.
func printRedactedJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		return err
	}
	return printJSON(w, redactTree("", tree))
}

func redactTree(key string, v any) any {
	switch v := v.(type) {
	case string:
		if key == "command" {
			return redact.Command(v)
		}
		s, _ := redact.Truncated(v, redact.Limit)
		return s
	case []any:
		if key == "log_tail" {
			lines := make([]string, len(v))
			for i, l := range v {
				lines[i], _ = l.(string)
			}
			out := []any{}
			for _, l := range redact.Lines(lines) {
				out = append(out, l)
			}
			return out
		}
		for i, e := range v {
			v[i] = redactTree(key, e)
		}
	case map[string]any:
		for k, e := range v {
			v[k] = redactTree(k, e)
		}
	}
	return v
}

func printSlack(w io.Writer, f *failure.Failure, d classify.Diagnosis) error {
	if d.Cause == classify.NotAFailure {
		_, err := fmt.Fprintf(w, "# %s: not a failure, nothing would be posted\n", f.Resource())
		return err
	}
	payload, err := notify.Payload(f, d)
	if err != nil {
		return err
	}
	var v any
	if err := json.Unmarshal(payload, &v); err != nil {
		return errors.New("slack payload is not JSON")
	}
	return printJSON(w, v)
}

// printHuman prints the diagnosis the way a person reads it first: cause,
// where, the line that decided it, then what to do.
func printHuman(w io.Writer, kind string, f *failure.Failure, d classify.Diagnosis) {
	fmt.Fprintf(w, "%s\n", clean(d.Title))
	fmt.Fprintf(w, "  cause       %s (%s confidence)\n", d.Cause, d.Confidence)
	if d.RunnerUp != "" {
		fmt.Fprintf(w, "  runner-up   %s\n", d.RunnerUp)
	}
	if r := f.Resource(); r != "" {
		fmt.Fprintf(w, "  resource    %s\n", clean(r))
	}
	if where := location(f); where != "" {
		fmt.Fprintf(w, "  where       %s\n", clean(where))
	}
	if f.Image != "" {
		fmt.Fprintf(w, "  image       %s\n", clean(f.Image))
	}
	fmt.Fprintf(w, "  read        %s\n", kind)
	if d.Evidence != "" {
		fmt.Fprintf(w, "  evidence    %s\n", oneLine(d.Evidence))
	}
	if d.Check != nil {
		fmt.Fprintf(w, "  registry    %s\n", oneLine(d.Check.Summary))
	}
	if d.Cause == classify.NotAFailure {
		fmt.Fprintln(w, "\nNot a failure: Tracegrid posts nothing for this.")
		return
	}
	if len(d.Fix) > 0 {
		fmt.Fprintln(w, "\nFix:")
		for i, step := range d.Fix {
			fmt.Fprintf(w, "  %d. %s\n", i+1, clean(step))
		}
	}
	if len(d.Commands) > 0 {
		fmt.Fprintln(w, "\nCommands:")
		for _, c := range d.Commands {
			fmt.Fprintf(w, "  # %s\n  %s\n", clean(c.Purpose), terminalSafe(redact.Command(c.Line)))
		}
	}
	if len(f.LogTail) > 0 {
		fmt.Fprintln(w, "\nLast log lines:")
		for _, l := range redact.Lines(f.LogTail) {
			fmt.Fprintf(w, "  | %s\n", terminalSafe(l))
		}
	}
	for _, l := range f.Links {
		fmt.Fprintf(w, "\n%s: %s", clean(l.Title), clean(l.URL))
	}
	if len(f.Links) > 0 {
		fmt.Fprintln(w)
	}
}

// location joins the platform, account, region and cluster that are known.
func location(f *failure.Failure) string {
	var parts []string
	for _, p := range []string{string(f.Platform), f.Account, f.Region, f.Cluster, f.ResourceGroup} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " / ")
}

// oneLine folds a multi-line message for the summary.
func oneLine(s string) string {
	return strings.Join(strings.Fields(clean(s)), " ")
}

// clean redacts untrusted text (cut to redact.Limit first) and replaces
// its control characters, so an event can neither leak a secret nor drive
// the terminal that prints it.
func clean(s string) string {
	s, _ = redact.Truncated(s, redact.Limit)
	return terminalSafe(s)
}

// terminalSafe replaces control characters other than tab and newline, and
// invisible format characters (bidi overrides such as U+202E, zero-width
// characters), which make what a reader sees differ from what a paste runs.
func terminalSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' && r != '\n') || (r >= 0x7f && r < 0xa0) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			return '\uFFFD'
		}
		return r
	}, s)
}
