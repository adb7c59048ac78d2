package ecs

import (
	"errors"
	"os"
	"testing"

	"github.com/tracegrid/tracegrid/internal/testevents"
	"github.com/tracegrid/tracegrid/shared/failure"
)

// FuzzDecode feeds the decoder arbitrary bodies, seeded with every real ECS
// payload in the repository's testdata/events. It must
// never panic, must wrap every error in ErrMalformed, and must return only
// ECS failures that name what failed.
func FuzzDecode(f *testing.F) {
	for _, p := range testevents.Glob(f, "*ecs*") {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fs, err := Decode(body)
		if err != nil {
			if !errors.Is(err, ErrMalformed) || len(fs) != 0 {
				t.Fatalf("Decode = %d failures, %v", len(fs), err)
			}
			return
		}
		for _, x := range fs {
			if x.Platform != failure.ECS || x.EventID == "" || x.Workload == "" && x.Task == "" {
				t.Fatalf("incomplete failure %+v", x)
			}
			if !x.Recovered && len(x.Messages) == 0 && x.ExitCode == nil {
				t.Fatalf("failure with neither a message nor an exit code: %+v", x)
			}
		}
	})
}
