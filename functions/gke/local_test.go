package gke

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

// TestLocalHandler: the handler `tracegrid serve` mounts accepts the same
// binary and structured CloudEvents functions-framework-go does.
func TestLocalHandler(t *testing.T) {
	slack := fakeslack.New(slackToken)
	defer slack.Close()
	t.Setenv("SLACK_API_URL", slack.APIURL())
	t.Setenv("SLACK_BOT_TOKEN", slackToken)
	t.Setenv("SLACK_CHANNEL", "C0123ALERTS")
	t.Setenv("SLACK_WEBHOOK_URL", "")
	t.Setenv("TRACEGRID_DRY_RUN", "")
	t.Setenv("TRACEGRID_GCS_BUCKET", "")
	h, err := LocalHandler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	headers, body := binaryRequest(t)
	req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
	for k, v := range headers {
		if strings.HasPrefix(strings.ToLower(k), "ce-") || k == "Content-Type" {
			req.Header[k] = v
		}
	}
	if code := do(t, req); code != http.StatusOK {
		t.Fatalf("binary: status %d", code)
	}

	entry := withEvent(t, "local-2", "Unhealthy", `Readiness probe failed: Get "http://10.0.171.162:8080/readyz": dial tcp 10.0.171.162:8080: connect: connection refused`, "spec.containers{app}")
	req, _ = http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(structured(t, messagePublished(entry, "4"))))
	req.Header.Set("Content-Type", "application/cloudevents+json")
	if code := do(t, req); code != http.StatusOK {
		t.Fatalf("structured: status %d", code)
	}
	if n := len(slack.Messages()); n != 2 {
		t.Fatalf("Slack has %d messages, want 2", n)
	}
}
