package kube

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tracegrid/tracegrid/internal/testevents"
)

// FuzzParseDescribe checks that no input makes the describe parser panic
// and that a parsed failure is always a Kubernetes one. Seeds: the real
// describe samples in testdata/describe.
func FuzzParseDescribe(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "describe", "*.txt"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("State:          Terminated\n  Reason:       OOMKilled\n  Exit Code:    0")
	f.Fuzz(func(t *testing.T, text string) {
		got, err := ParseDescribe(text)
		if err == nil && got.Platform != "kubernetes" {
			t.Fatalf("platform %q", got.Platform)
		}
	})
}

// FuzzParseEvent checks that ParseEvent and Failure never panic. Seeds:
// the real Kubernetes Event YAML and the GKE jsonPayloads.
func FuzzParseEvent(f *testing.F) {
	files := testevents.Glob(f, "k8s-event.*")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, name := range []string{
		"gcp-gke-k8s-event-logentry.k8s_pod.Warning-Failed-pull-image.DERIVED.json",
		"gcp-gke-k8s-event-logentry.k8s_node.Warning-NodeSysctlChange.sekoia-real.json",
	} {
		f.Add(jsonPayload(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseEvent(data)
		if err != nil {
			return
		}
		if fl := e.Failure(); fl != nil && fl.Reason != e.Reason {
			t.Fatalf("reason %q != %q", fl.Reason, e.Reason)
		}
	})
}
