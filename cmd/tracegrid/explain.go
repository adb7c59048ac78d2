package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/notify"
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
			err = printJSON(stdout, explainJSON{Failure: f, Diagnosis: d})
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

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
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
			fmt.Fprintf(w, "  # %s\n  %s\n", clean(c.Purpose), clean(c.Line))
		}
	}
	if len(f.LogTail) > 0 {
		fmt.Fprintln(w, "\nLast log lines:")
		for _, l := range f.LogTail {
			fmt.Fprintf(w, "  | %s\n", clean(l))
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

// clean replaces control characters in untrusted text, so an event cannot
// drive the terminal that prints it.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' && r != '\n') || (r >= 0x7f && r < 0xa0) {
			return '\uFFFD'
		}
		return r
	}, s)
}
