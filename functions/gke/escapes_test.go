package gke

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/internal/testevents"
)

// Finding 4 of the adversarial run: valid JSON that YAML cannot read (an
// escaped slash, a surrogate pair as ASCII-safe encoders write non-BMP
// characters, invalid UTF-8 bytes) was dropped as unreadable.
func TestDecodeJSONOnlyEscapes(t *testing.T) {
	entry := testevents.Read(t, "gcp-gke-k8s-event-logentry.k8s_pod.Warning-Failed-pull-image.DERIVED.json")
	withMessageSuffix := func(suffix string) []byte {
		return bytes.Replace(withEvent(t, "escapes-1", "Failed", "Failed to pull image: not found MARK", "spec.containers{app}"), []byte("MARK"), []byte(suffix), 1)
	}
	for name, tc := range map[string]struct {
		body []byte
		want string
	}{
		"escaped slash":  {bytes.Replace(entry, []byte("us-docker.pkg.dev/my-project"), []byte(`us-docker.pkg.dev\/my-project`), 1), "us-docker.pkg.dev/my-project"},
		"surrogate pair": {withMessageSuffix(` \ud83d\ude00`), "\U0001F600"},
		"invalid UTF-8":  {withMessageSuffix(" \xff\xfe"), "\uFFFD"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Decode(tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("got %d failures, want 1", len(got))
			}
			if all := strings.Join(got[0].Messages, "\n") + got[0].Image; !strings.Contains(all, tc.want) {
				t.Errorf("failure lost %q: %q", tc.want, all)
			}
		})
	}
}
