package gke

import (
	"path/filepath"
	"testing"

	"github.com/tracegrid/tracegrid/internal/testevents"
)

// FuzzDecode checks that no body makes the Pub/Sub CloudEvent/LogEntry
// decoder panic, and that every failure it returns is a Kubernetes one.
// Seeds: every real GCP payload in testdata/events and the DERIVED
// binary-mode request body.
func FuzzDecode(f *testing.F) {
	files := testevents.Glob(f, "gcp-*.json")
	for _, p := range files {
		f.Add(testevents.Read(f, filepath.Base(p)))
	}
	_, body := binaryRequest(f)
	f.Add(body)
	f.Add(structured(f, body))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := Decode(body)
		if err != nil && len(got) != 0 {
			t.Fatalf("failures %v with error %v", got, err)
		}
		for _, fl := range got {
			if fl == nil || fl.Platform != "kubernetes" {
				t.Fatalf("bad failure %+v", fl)
			}
		}
	})
}
