package terraform_test

import (
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestGCPAppliesInOneStep checks what makes the GCP install a single `terraform apply`: nothing
// in the module waits for the Slack secret's version (which the user adds with gcloud, before or
// after), the function has no Eventarc trigger whose subscription would need its dead-letter
// policy set by hand, and no document tells the user to -target or to patch a subscription.
func TestGCPAppliesInOneStep(t *testing.T) {
	m := loadModule(t, "gcp")
	for _, b := range m.find("resource") {
		if b.Labels[0] == "google_secret_manager_secret_version" {
			continue
		}
		hclsyntax.VisitAll(b.Body, func(n hclsyntax.Node) hcl.Diagnostics {
			if e, ok := n.(hclsyntax.Expression); ok {
				for _, tr := range e.Variables() {
					if tr.RootName() == "google_secret_manager_secret_version" {
						t.Errorf("%s.%s refers to the secret version: it would wait for a version the user adds by hand", b.Labels[0], b.Labels[1])
					}
				}
			}
			return nil
		})
	}
	if len(m.find("resource", "google_eventarc_trigger")) > 0 {
		t.Error("an Eventarc trigger owns its push subscription: the dead-letter policy would be a manual step")
	}
	if len(m.find("resource", "google_pubsub_subscription", "push")) != 1 {
		t.Error("no push subscription of the module's own")
	}

	for _, doc := range []struct{ file, from, to string }{
		{"../docs/deploy.md", "## Google Cloud (GKE)", "### Cost at rest"},
		{"../README.md", "### Google Cloud (GKE)", "## Layout"},
		{"gcp/README.md", "", ""},
	} {
		b, err := os.ReadFile(doc.file)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if doc.from != "" {
			i := strings.Index(text, doc.from)
			if i < 0 {
				t.Fatalf("%s has no %q section", doc.file, doc.from)
			}
			text = text[i:]
			if j := strings.Index(text, doc.to); j >= 0 {
				text = text[:j]
			}
		}
		for _, step := range []string{"-target", "subscriptions update", "eventarc triggers", "apply again"} {
			if strings.Contains(text, step) {
				t.Errorf("%s: the GCP install tells the user %q", doc.file, step)
			}
		}
		if n := strings.Count(text, "terraform apply"); n > 1 {
			t.Errorf("%s: %d terraform applies for GCP, want one", doc.file, n)
		}
	}
}
