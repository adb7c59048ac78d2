package main

import (
	"embed"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/tracegrid/tracegrid/shared/classify"
)

// demoEvents are real events (see demo/SOURCES.md) that `tracegrid demo`
// explains without any cloud account.
//
//go:embed demo/*.json demo/*.yaml
var demoEvents embed.FS

func demoCmd(stdout io.Writer) error {
	names, err := fs.Glob(demoEvents, "demo/*")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for i, name := range names {
		data, err := demoEvents.ReadFile(name)
		if err != nil {
			return err
		}
		dec, err := detect(data, "")
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		rule := strings.Repeat("=", 78)
		fmt.Fprintf(stdout, "%s\n[%d/%d] %s  (%s)\n%s\n", rule, i+1, len(names), path.Base(name), dec.kind, rule)
		for _, f := range dec.failures {
			d := classify.Classify(f)
			printHuman(stdout, dec.kind, f, d)
			fmt.Fprintln(stdout, "\nSlack message that would be posted (chat.postMessage payload):")
			if err := printSlack(stdout, f, d); err != nil {
				return err
			}
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintln(stdout, "Try your own: go run ./cmd/tracegrid explain FILE   (see --help for every input kind)")
	return nil
}
