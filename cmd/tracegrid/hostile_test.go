package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/tracegrid/tracegrid/internal/testevents"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

// hostileText carries what the internet may put into an error message or an
// image name: Slack mrkdwn injection, terminal control, invalid UTF-8 and
// secrets (a password in a registry URL, a Slack token, a password pair).
const hostileText = "CannotPullContainerError: pull access denied for evil <!channel> <http://evil.example|click here> " +
	"https://bob:hunter2@registry.example.com/v2/app/manifests/latest \x1b[2J\x00\xff\xfe " +
	"xoxb-1234567890-0987654321-abcdefghijklmnopqrstuvwx password=hunter2: manifest unknown"

// secrets are the substrings that must reach neither Slack nor the logs.
var secrets = []string{"hunter2", "xoxb-1234567890"}

// TestHostileInput drives the three function handlers (as `tracegrid serve`
// mounts them) with hostile events: oversized, deeply nested, invalid UTF-8,
// control characters, mrkdwn injection and secrets. Every one is answered
// without a panic or a 5xx, and what reaches Slack and the logs is escaped
// and redacted.
func TestHostileInput(t *testing.T) {
	slack, srv, logs := startServe(t)

	ecsEvent := hostileECSEvent(t)
	gkeEvent := hostileGKEEvent(t)
	nested := strings.Repeat(`{"detail":`, 200000) + "1" + strings.Repeat("}", 200000)
	tests := []struct {
		name, path, contentType string
		body                    []byte
		posts                   bool // a Slack message is expected
	}{
		{"ecs injection and secrets", "/ecs", "application/json", ecsEvent, true},
		{"ecs 6 MB event", "/ecs", "application/json", sixMB(ecsEvent), false},
		{"ecs deeply nested", "/ecs", "application/json", []byte(nested), false},
		{"ecs invalid UTF-8 body", "/ecs", "application/json", []byte("\xff\xfe{\"detail-type\":\x00}"), false},
		{"gke injection and secrets", "/gke", "application/cloudevents+json", gkeEvent, true},
		{"gke 6 MB event", "/gke", "application/cloudevents+json", sixMB(gkeEvent), false},
		{"gke deeply nested LogEntry", "/gke", "application/cloudevents+json", pubsubEvent(t, []byte(nested)), false},
		{"azure 6 MB request", "/azure/AciEvent", "application/json", sixMB([]byte(`{"Data":{"eventGridEvent":"`)), false},
		{"azure deeply nested", "/azure/AciEvent", "application/json", []byte(nested), false},
		{"azure invalid UTF-8", "/azure/AciEvent", "application/json", []byte("{\"Data\":{\"eventGridEvent\":\"\xff\x00\"}}"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(slack.Messages())
			resp, err := http.Post(srv.URL+tt.path, tt.contentType, bytes.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			answer, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				t.Errorf("status %d (%s): hostile input must be acknowledged or refused, not retried", resp.StatusCode, trunc(string(answer)))
			}
			if got := len(slack.Messages()) - before; (got > 0) != tt.posts {
				t.Errorf("%d new Slack messages, want posts=%v", got, tt.posts)
			}
		})
	}

	for _, p := range slack.Problems() {
		t.Errorf("Slack would refuse a request: %s", p)
	}
	for _, m := range slack.Messages() {
		posted := m.Text + m.BlocksJSON
		for _, bad := range []string{"<!channel>", "<http://evil.example|click here>", "\x1b", "\x00", "\xff"} {
			if strings.Contains(posted, bad) {
				t.Errorf("Slack message carries %q unescaped: %s", bad, trunc(posted))
			}
		}
		for _, s := range secrets {
			if strings.Contains(posted, s) {
				t.Errorf("Slack message leaks %q", s)
			}
		}
	}
	out := logs()
	if !strings.Contains(out, "reported") {
		t.Errorf("no report log line captured: %s", trunc(out))
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("logs leak %q: %s", s, trunc(out))
		}
	}
}

// startServe mounts the three handlers as `tracegrid serve` does, posting to
// a fake Slack with enrichment off; logs returns what they logged so far.
// It ends with the test.
func startServe(t *testing.T) (slack *fakeslack.Server, srv *httptest.Server, logs func() string) {
	slack = fakeslack.New("xoxb-test-token")
	t.Cleanup(slack.Close)
	t.Setenv("SLACK_API_URL", slack.APIURL())
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
	t.Setenv("SLACK_CHANNEL", "C0TRACEGRID")
	t.Setenv("TRACEGRID_ENRICH", "off")
	logs = captureOutput(t)
	mux, err := serveMux()
	if err != nil {
		t.Fatal(err)
	}
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return slack, srv, logs
}

// hostileECSEvent is the real CannotPullContainerError envelope with the
// hostile text as both reasons and a hostile image name.
func hostileECSEvent(t *testing.T) []byte {
	data := testevents.Read(t, "aws-ecs-task-state-change.STOPPED-CannotPullContainerError.DERIVED.json")
	var ev map[string]any
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatal(err)
	}
	detail := ev["detail"].(map[string]any)
	detail["stoppedReason"] = hostileText
	c := detail["containers"].([]any)[0].(map[string]any)
	c["reason"] = hostileText
	c["image"] = "registry.example.com/<!here>/app:`rm -rf /`"
	return mustJSON(t, ev)
}

// hostileGKEEvent is the real GKE pull-failure LogEntry carrying the hostile
// text, published through Pub/Sub as a structured CloudEvent.
func hostileGKEEvent(t *testing.T) []byte {
	data := testevents.Read(t, "gcp-gke-k8s-event-logentry.k8s_pod.Warning-Failed-pull-image.DERIVED.json")
	var entry map[string]any
	if err := json.Unmarshal(data, &entry); err != nil {
		t.Fatal(err)
	}
	entry["jsonPayload"].(map[string]any)["message"] = `Failed to pull image "evil<!channel>": ` + hostileText
	return pubsubEvent(t, mustJSON(t, entry))
}

// pubsubEvent publishes data through Pub/Sub as Eventarc delivers it: a
// structured messagePublished CloudEvent.
func pubsubEvent(t *testing.T, data []byte) []byte {
	ce := map[string]any{
		"specversion": "1.0",
		"id":          "hostile-1",
		"source":      "//pubsub.googleapis.com/projects/my-project/topics/tracegrid",
		"type":        "google.cloud.pubsub.topic.v1.messagePublished",
		"data": map[string]any{
			"subscription": "projects/my-project/subscriptions/tracegrid",
			"message": map[string]any{
				"messageId":   "hostile-1",
				"publishTime": "2024-01-01T00:00:06Z",
				"data":        base64.StdEncoding.EncodeToString(data),
			},
		},
	}
	return mustJSON(t, ce)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sixMB pads body to 6 MB (Lambda's synchronous payload limit) inside its
// first JSON string, so the event stays well-formed where it was.
func sixMB(body []byte) []byte {
	i := bytes.Index(body, []byte(`":"`))
	if i < 0 {
		return append(body, bytes.Repeat([]byte(" "), 6<<20)...)
	}
	pad := bytes.Repeat([]byte("A"), 6<<20)
	return append(append(append([]byte{}, body[:i+3]...), pad...), body[i+3:]...)
}

// captureOutput redirects the process's stdout and stderr (where the
// functions write their JSON logs) until the test ends; the returned
// function gives what was written so far.
func captureOutput(t *testing.T) func() string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = w, w
	var (
		mu  sync.Mutex
		buf bytes.Buffer
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		b := make([]byte, 32<<10)
		for {
			n, err := r.Read(b)
			mu.Lock()
			buf.Write(b[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		os.Stdout, os.Stderr = stdout, stderr
		w.Close()
		<-done
		r.Close()
	})
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		return buf.String()
	}
}
