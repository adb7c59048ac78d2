package terraform_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/internal/localproc"
	"github.com/tracegrid/tracegrid/internal/testevents"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

// TestGKEPushDeliveryReachesTheFunction sends the requests the GCP module's push subscription
// makes, a wrapped Pub/Sub push body POSTed at the module's push path, to the GKE function
// running under functions-framework-go's own server, and checks the answers Pub/Sub acts on:
// 2xx acknowledges, anything else is redelivered and in the end dead-lettered. There is no
// Eventarc in between, so the framework itself must turn the push into the messagePublished
// CloudEvent the function handles.
func TestGKEPushDeliveryReachesTheFunction(t *testing.T) {
	m := loadModule(t, "gcp")
	path, err := newEvaluator(m, defaults(t, m, requiredVars["gcp"])).eval(m.locals["push_path"])
	if err != nil {
		t.Fatal(err)
	}
	pushPath := path.AsString()
	if want := "/projects/p/topics/tracegrid-gke-events"; pushPath != want {
		t.Fatalf("push path %q, want %q (functions-framework-go reads the topic from projects/P/topics/T)", pushPath, want)
	}
	requireDir(t, "../functions/gke/cmd/local", "the GKE function under functions-framework-go")
	bin, err := localproc.Build(t.TempDir(), "local", localproc.GoBuild{Package: "./functions/gke/cmd/local", WorkDir: ".."})
	if err != nil {
		t.Fatal(err)
	}
	entry := testevents.Read(t, "gcp-gke-k8s-event-logentry.k8s_pod.Warning-Failed-pull-image.DERIVED.json")

	tests := []struct {
		name    string
		data    []byte
		outage  bool // Slack answers 503 to every post
		ack     bool // the answer is 2xx
		posted  int
		logLine string
	}{
		{name: "warning event is posted", data: entry, ack: true, posted: 1},
		{name: "unreadable message is acknowledged, not retried", data: []byte("not a LogEntry"), ack: true, logLine: "acknowledged"},
		{name: "Slack outage is redelivered", data: entry, outage: true, ack: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const token = "xoxb-test-token"
			slack := fakeslack.New(token)
			t.Cleanup(slack.Close)
			if tt.outage {
				fails := make([]fakeslack.Fail, 50)
				for i := range fails {
					fails[i] = fakeslack.Fail{Status: http.StatusServiceUnavailable}
				}
				slack.FailNext("chat.postMessage", fails...)
			}
			addr, err := localproc.FreeAddr()
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin)
			cmd.Env = append(os.Environ(),
				"PORT="+localproc.Port(addr),
				"SLACK_API_URL="+slack.APIURL(),
				"SLACK_BOT_TOKEN="+token,
				"SLACK_CHANNEL=C0123ALERTS",
				"SLACK_WEBHOOK_URL=", "SLACK_SECRET_VERSION=", "TRACEGRID_DRY_RUN=", "TRACEGRID_GCS_BUCKET=",
				// functions-framework-go bounds a request by this, as Cloud Run does; the
				// subscription's ack deadline matches the function's timeout.
				"CLOUD_RUN_TIMEOUT_SECONDS=3",
			)
			p := localproc.StartT(t, "function", cmd)
			if err := p.WaitListening(addr, 30*time.Second); err != nil {
				t.Fatalf("function did not listen: %v\n%s", err, p.Output)
			}

			status := postPush(t, "http://"+addr+pushPath, tt.data)
			if got := status/100 == 2; got != tt.ack {
				t.Fatalf("status %d, want acknowledged=%v\n%s", status, tt.ack, p.Output)
			}
			msgs := slack.Messages()
			if len(msgs) != tt.posted {
				t.Fatalf("%d Slack messages, want %d\n%s", len(msgs), tt.posted, p.Output)
			}
			for _, msg := range msgs {
				if msg.Metadata == nil || msg.Metadata.EventPayload["cause"] != "image_not_found" {
					t.Errorf("message metadata %+v, want cause image_not_found", msg.Metadata)
				}
			}
			if tt.outage && len(slack.Calls()) == 0 {
				t.Error("the function never tried Slack")
			}
			if tt.logLine != "" && !waitFor(func() bool { return strings.Contains(p.Output.String(), tt.logLine) }) {
				t.Errorf("no %q log line:\n%s", tt.logLine, p.Output)
			}
			for _, problem := range slack.Problems() {
				t.Errorf("Slack API misuse: %s", problem)
			}
		})
	}
}

// waitFor polls ok for up to 5 seconds: a pipe copies the function's output asynchronously.
func waitFor(ok func() bool) bool {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if ok() {
			return true
		}
	}
	return ok()
}

// postPush POSTs data the way a Pub/Sub push subscription without no_wrapper does: a JSON body
// with the message (base64 data, attributes, ids and publish time in both spellings Pub/Sub
// writes) and the subscription's name.
func postPush(t *testing.T, url string, data []byte) int {
	t.Helper()
	body, err := json.Marshal(map[string]any{
		"message": map[string]any{
			"attributes":   map[string]string{"logging.googleapis.com/timestamp": "2026-12-01T10:00:00.000000Z"},
			"data":         base64.StdEncoding.EncodeToString(data),
			"messageId":    "17361849205316283",
			"message_id":   "17361849205316283",
			"publishTime":  "2026-12-01T10:00:01.123Z",
			"publish_time": "2026-12-01T10:00:01.123Z",
		},
		"subscription": "projects/p/subscriptions/tracegrid-gke-push",
	})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
