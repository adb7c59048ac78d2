package gke

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fsouza/fake-gcs-server/fakestorage"

	"github.com/tracegrid/tracegrid/internal/localproc"
	"github.com/tracegrid/tracegrid/internal/testevents"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

// The end-to-end tests build functions/gke/cmd/local, run it as a
// subprocess (functions-framework-go's own server, as on Cloud Functions),
// POST real Pub/Sub CloudEvents to it and read what a fake Slack received.

const slackToken = "xoxb-test-token"

var (
	buildOnce sync.Once
	localBin  string
	buildErr  error
)

// localBinary builds cmd/local once per test run.
func localBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gke-local-")
		if err != nil {
			buildErr = err
			return
		}
		localBin, buildErr = localproc.Build(dir, "local", localproc.GoBuild{Package: "./cmd/local"})
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return localBin
}

type function struct {
	url   string
	logs  *localproc.Buffer
	slack *fakeslack.Server
}

// startFunction runs the function on a free port with Slack at a fake
// server, plus extra environment, and waits until it accepts connections.
func startFunction(t *testing.T, extraEnv ...string) *function {
	t.Helper()
	slack := fakeslack.New(slackToken)
	t.Cleanup(slack.Close)
	return startFunctionWithSlack(t, slack, extraEnv...)
}

// startFunctionWithSlack starts another instance posting to slack.
func startFunctionWithSlack(t *testing.T, slack *fakeslack.Server, extraEnv ...string) *function {
	t.Helper()
	bin := localBinary(t)
	addr, err := localproc.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	// Google calls (enrichment) go to a closed local port unless the test
	// serves them: no test reaches the real metadata server.
	noMetadata, err := localproc.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"GOOGLE_APPLICATION_CREDENTIALS=",
		"GCE_METADATA_HOST="+noMetadata,
		"PORT="+localproc.Port(addr),
		"SLACK_API_URL="+slack.APIURL(),
		"SLACK_BOT_TOKEN="+slackToken,
		"SLACK_CHANNEL=C0123ALERTS",
		"SLACK_WEBHOOK_URL=",
		"TRACEGRID_DRY_RUN=",
		"TRACEGRID_GCS_BUCKET=",
		// No registry check unless a test turns it on: none asks a real
		// registry over the internet.
		VerifyEnv+"=off",
	)
	cmd.Env = append(cmd.Env, extraEnv...)
	p := localproc.StartT(t, "function", cmd)
	if err := p.WaitListening(addr, 30*time.Second); err != nil {
		t.Fatalf("function did not listen: %v\n%s", err, p.Output)
	}
	return &function{url: "http://" + addr + "/", logs: p.Output, slack: slack}
}

// postBinary sends a binary-mode CloudEvent: the ce-* headers of the
// DERIVED Eventarc request, with id set to ceID, and body as the data.
func (fn *function) postBinary(t *testing.T, ceID string, body []byte) int {
	t.Helper()
	h, _ := binaryRequest(t)
	req, err := http.NewRequest(http.MethodPost, fn.url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		if strings.HasPrefix(strings.ToLower(k), "ce-") || k == "Content-Type" {
			req.Header[k] = v
		}
	}
	req.Header.Set("ce-id", ceID)
	return do(t, req)
}

// postStructured sends a structured-mode CloudEvent.
func (fn *function) postStructured(t *testing.T, event []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, fn.url, bytes.NewReader(event))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/cloudevents+json")
	return do(t, req)
}

func do(t *testing.T, req *http.Request) int {
	t.Helper()
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitForLog waits for the function's output, which a pipe copies
// asynchronously, to satisfy ok.
func (fn *function) waitForLog(ok func(logs string) bool) bool {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if ok(fn.logs.String()) {
			return true
		}
	}
	return ok(fn.logs.String())
}

func (fn *function) noSlackProblems(t *testing.T) {
	t.Helper()
	for _, p := range fn.slack.Problems() {
		t.Errorf("Slack API misuse: %s", p)
	}
}

// slackText is everything a person sees in a message: blocks and fallback.
func slackText(m fakeslack.Message) string { return m.Text + "\n" + m.BlocksJSON }

func TestE2EPostsDiagnosis(t *testing.T) {
	_, binaryBody := binaryRequest(t)
	tests := []struct {
		name   string
		post   func(t *testing.T, fn *function) int
		cause  string
		expect []string // substrings of the posted message
	}{
		{
			name: "binary mode, DERIVED Eventarc request wrapping the GKE pull failure",
			post: func(t *testing.T, fn *function) int {
				return fn.postBinary(t, "10000000000000001", binaryBody)
			},
			cause: "image_not_found",
			expect: []string{
				"gcloud container clusters get-credentials cluster-1 --location us-central1 --project my-project",
				"us-docker.pkg.dev/my-project/my-repo/app:does-not-exist",
				"app-7d9c6b5f4-abcde",
				"kubectl",
				"--namespace default",
			},
		},
		{
			name: "structured mode, real envelope, kubelet OOM state from the corpus",
			post: func(t *testing.T, fn *function) int {
				// node-problem-detector's OOMKilling node event, message from
				// kubernetes/node-problem-detector#766.
				entry := withEvent(t, "oom-1", "OOMKilling", "Memory cgroup out of memory: Killed process 3504804 (kubectl) total-vm:753508kB, anon-rss:58776kB, file-rss:29400kB, shmem-rss:0kB, UID:0 pgtables:288kB oom_score_adj:999", "spec.containers{app}")
				return fn.postStructured(t, structured(t, messagePublished(entry, "20000000000000002")))
			},
			cause:  "out_of_memory",
			expect: []string{"app-7d9c6b5f4-abcde", "--namespace default", "cluster-1"},
		},
		{
			name: "structured mode, crash loop BackOff from the corpus",
			post: func(t *testing.T, fn *function) int {
				// rancher/rancher#13457
				entry := withEvent(t, "backoff-1", "BackOff", "Back-off 20s restarting failed container=app pod=app-7d9c6b5f4-abcde_default(73c7ba9b-5641-11e8-b98a-aa6755e81c4d)", "spec.containers{app}")
				return fn.postStructured(t, structured(t, messagePublished(entry, "30000000000000003")))
			},
			cause:  "app_crash",
			expect: []string{"kubectl logs", "app-7d9c6b5f4-abcde", "--previous"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn := startFunction(t)
			if code := tt.post(t, fn); code/100 != 2 {
				t.Fatalf("status %d, want 2xx", code)
			}
			msgs := fn.slack.Messages()
			if len(msgs) != 1 {
				t.Fatalf("Slack got %d messages, want 1", len(msgs))
			}
			m := msgs[0]
			if m.Channel != "C0123ALERTS" {
				t.Errorf("channel %q", m.Channel)
			}
			if m.Metadata == nil || m.Metadata.EventType != "tracegrid_failure" {
				t.Fatalf("metadata %+v", m.Metadata)
			}
			if got := m.Metadata.EventPayload["cause"]; got != tt.cause {
				t.Errorf("cause %v, want %s", got, tt.cause)
			}
			if got := m.Metadata.EventPayload["platform"]; got != "kubernetes" {
				t.Errorf("platform %v", got)
			}
			text := slackText(m)
			for _, s := range tt.expect {
				if !strings.Contains(text, jsonEscaped(s)) && !strings.Contains(text, s) {
					t.Errorf("message lacks %q:\n%s", s, text)
				}
			}
			fn.noSlackProblems(t)
			if !fn.waitForLog(func(logs string) bool { return strings.Contains(logs, `"message":"reported"`) }) {
				t.Errorf("no structured \"reported\" log line:\n%s", fn.logs.String())
			}
		})
	}
}

// jsonEscaped is s as it appears inside a JSON string (BlocksJSON).
func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// TestE2EPoisonMessagesAreAcknowledged: unreadable messages get a 2xx (so
// Pub/Sub does not redeliver them for 7 days), a log line, and no post.
func TestE2EPoisonMessagesAreAcknowledged(t *testing.T) {
	fn := startFunction(t)
	audit := []byte(`{"insertId":"a1","logName":"projects/p/logs/cloudaudit.googleapis.com%2Factivity","protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog"},"resource":{"type":"k8s_cluster","labels":{"project_id":"p"}}}`)
	for name, body := range map[string][]byte{
		"bad base64":          []byte(`{"subscription":"projects/p/subscriptions/s","message":{"data":"%%%not-base64%%%","messageId":"1"}}`),
		"bad JSON in data":    messagePublishedRaw([]byte("{not json")),
		"non-event LogEntry":  messagePublished(audit, "2"),
		"body is not JSON":    []byte("garbage"),
		"text message (real)": testevents.Read(t, "gcp-pubsub.MessagePublishedData-text.google-cloudevents-testdata.json"),
	} {
		t.Run(name, func(t *testing.T) {
			before := strings.Count(fn.logs.String(), "acknowledged unreadable message")
			if code := fn.postBinary(t, "poison-"+name, body); code/100 != 2 {
				t.Fatalf("status %d, want 2xx", code)
			}
			if !fn.waitForLog(func(logs string) bool {
				return strings.Count(logs, "acknowledged unreadable message") == before+1
			}) {
				t.Errorf("want one new log line, log:\n%s", fn.logs.String())
			}
		})
	}
	if n := len(fn.slack.Calls()); n != 0 {
		t.Errorf("Slack got %d calls for poison messages", n)
	}
}

func messagePublishedRaw(data []byte) []byte {
	b, _ := json.Marshal(map[string]any{"message": map[string]any{"data": data, "messageId": "9"}})
	return b // []byte marshals as base64: valid base64 of invalid JSON
}

// TestE2ERoutineEventsPostNothing: Normal events, benign Warnings and the
// exporter's textPayload notices are acknowledged without a post.
func TestE2ERoutineEventsPostNothing(t *testing.T) {
	fn := startFunction(t)
	for i, entry := range [][]byte{
		testevents.Read(t, "gcp-gke-k8s-event-logentry.k8s_pod.Normal-Pulling.sekoia-real.json"),
		testevents.Read(t, "gcp-gke-k8s-event-logentry.k8s_pod.Normal-Created.sekoia-real.json"),
		testevents.Read(t, "gcp-gke-k8s-event-logentry.k8s_cluster.Warning-FailedToUpdateEndpoint.sekoia-real.json"),
		testevents.Read(t, "gcp-gke-k8s-event-logentry.k8s_node.Warning-NodeSysctlChange.sekoia-real.json"),
		[]byte(`{"insertId":"n1","logName":"projects/p/logs/events","resource":{"type":"k8s_cluster","labels":{"project_id":"p"}},"textPayload":"exporter notice"}`),
	} {
		if code := fn.postBinary(t, fmt.Sprint("routine-", i), messagePublished(entry, fmt.Sprint(i))); code/100 != 2 {
			t.Fatalf("entry %d: status %d", i, code)
		}
	}
	if n := len(fn.slack.Calls()); n != 0 {
		t.Errorf("Slack got %d calls for routine events", n)
	}
}

// TestE2ESlackOutageIsRetried: while Slack fails, the function answers
// non-2xx so Pub/Sub redelivers; the redelivery after the outage posts once.
func TestE2ESlackOutageIsRetried(t *testing.T) {
	// CLOUD_RUN_TIMEOUT_SECONDS bounds the request (functions-framework
	// reads it), so the notifier's retries stop within the test's time.
	fn := startFunction(t, "CLOUD_RUN_TIMEOUT_SECONDS=3")
	outage := make([]fakeslack.Fail, 50)
	for i := range outage {
		outage[i] = fakeslack.Fail{Status: http.StatusServiceUnavailable}
	}
	fn.slack.FailNext("chat.postMessage", outage...)
	_, body := binaryRequest(t)
	if code := fn.postBinary(t, "outage-1", body); code/100 == 2 {
		t.Fatalf("status %d during a Slack outage, want non-2xx so Pub/Sub retries", code)
	}
	if len(fn.slack.Calls()) == 0 {
		t.Fatal("the function never tried Slack")
	}
	if len(fn.slack.Messages()) != 0 {
		t.Fatal("a message was posted during the outage")
	}
	drainFailures(fn.slack)
	if code := fn.postBinary(t, "outage-1", body); code/100 != 2 {
		t.Fatalf("redelivery after the outage: status %d", code)
	}
	if n := len(fn.slack.Messages()); n != 1 {
		t.Fatalf("after the outage Slack has %d messages, want 1", n)
	}
}

// drainFailures pops the injected failures the notifier did not use, as
// Slack recovering would.
func drainFailures(s *fakeslack.Server) {
	for {
		before := len(s.Calls())
		resp, err := http.PostForm(s.APIURL()+"chat.postMessage", map[string][]string{"token": {"drain"}})
		if err != nil {
			return
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK || len(s.Calls()) == before {
			return
		}
	}
}

// TestE2ERedeliveryIsDeduplicated: Pub/Sub delivers at least once; the
// same LogEntry (same insertId) delivered twice posts one message.
func TestE2ERedeliveryIsDeduplicated(t *testing.T) {
	fn := startFunction(t)
	_, body := binaryRequest(t)
	for i := 0; i < 2; i++ {
		// Eventarc gives a redelivery the same id; a duplicate publish by
		// the sink gets a new one. Both carry the LogEntry's insertId.
		if code := fn.postBinary(t, fmt.Sprint("delivery-", i), body); code/100 != 2 {
			t.Fatalf("delivery %d: status %d", i, code)
		}
	}
	if n := len(fn.slack.Messages()); n != 1 {
		t.Fatalf("Slack has %d messages after a redelivery, want 1", n)
	}
	if n := len(fn.slack.Calls()); n != 1 {
		t.Errorf("Slack got %d calls, want 1 (the redelivery must not update or reply)", n)
	}
	fn.noSlackProblems(t)
}

// TestE2EDedupAcrossInstances: with TRACEGRID_GCS_BUCKET the dedup state
// lives in Cloud Storage (here fake-gcs-server, reached through the
// client's STORAGE_EMULATOR_HOST override), so a redelivery that lands on
// a second instance still posts nothing new.
func TestE2EDedupAcrossInstances(t *testing.T) {
	addr, err := localproc.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(localproc.Port(addr))
	gcs, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		Scheme: "http", Host: "127.0.0.1", Port: uint16(port), PublicHost: addr, Writer: io.Discard,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer gcs.Stop()
	gcs.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: "tracegrid-state"})
	env := []string{"TRACEGRID_GCS_BUCKET=tracegrid-state", "STORAGE_EMULATOR_HOST=" + addr}

	first := startFunction(t, env...)
	second := startFunctionWithSlack(t, first.slack, env...)
	_, body := binaryRequest(t)
	if code := first.postBinary(t, "10000000000000001", body); code/100 != 2 {
		t.Fatalf("first instance: status %d", code)
	}
	if code := second.postBinary(t, "10000000000000001", body); code/100 != 2 {
		t.Fatalf("second instance: status %d", code)
	}
	if n := len(first.slack.Messages()); n != 1 {
		t.Fatalf("Slack has %d messages after a redelivery to another instance, want 1", n)
	}
	if n := len(first.slack.Calls()); n != 1 {
		t.Errorf("Slack got %d calls, want 1", n)
	}
}

// TestE2ERecoveryResolvesButNeverPostsAlone: a Normal Started event is a
// recovery; alone it posts nothing, after a failure of the same workload
// it resolves that incident.
func TestE2ERecoveryResolvesButNeverPostsAlone(t *testing.T) {
	fn := startFunction(t)
	started := func(id string) []byte {
		return messagePublished(withEvent(t, id, "Started", "Started container app", "spec.containers{app}"), id)
	}
	if code := fn.postBinary(t, "started-1", started("started-1")); code/100 != 2 {
		t.Fatalf("status %d", code)
	}
	if n := len(fn.slack.Calls()); n != 0 {
		t.Fatalf("a recovery with no open incident made %d Slack calls", n)
	}
	_, body := binaryRequest(t)
	if code := fn.postBinary(t, "failure-1", body); code/100 != 2 {
		t.Fatalf("status %d", code)
	}
	if code := fn.postBinary(t, "started-2", started("started-2")); code/100 != 2 {
		t.Fatalf("status %d", code)
	}
	msgs := fn.slack.Messages()
	if len(msgs) != 1 {
		t.Fatalf("Slack has %d messages, want 1", len(msgs))
	}
	if msgs[0].Updates == 0 || !strings.Contains(slackText(msgs[0]), "resolved") {
		t.Errorf("the incident was not marked resolved: %d updates\n%s", msgs[0].Updates, slackText(msgs[0]))
	}
	fn.noSlackProblems(t)
}

// TestE2EMisconfiguredIsRetried: with no Slack destination the function
// says so in a log line and answers non-2xx, so the message is retried
// (and dead-lettered) instead of being acknowledged and lost.
func TestE2EMisconfiguredIsRetried(t *testing.T) {
	fn := startFunction(t, "SLACK_BOT_TOKEN=", "SLACK_CHANNEL=", "SLACK_WEBHOOK_URL=")
	_, body := binaryRequest(t)
	if code := fn.postBinary(t, "misconfigured-1", body); code/100 == 2 {
		t.Fatalf("status %d without a Slack destination, want non-2xx", code)
	}
	if !fn.waitForLog(func(logs string) bool { return strings.Contains(logs, "function misconfigured") }) {
		t.Errorf("no log line names the misconfiguration:\n%s", fn.logs.String())
	}
}
