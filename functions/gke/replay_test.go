package gke

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"

	"github.com/tracegrid/tracegrid/internal/fakeclock"
	"github.com/tracegrid/tracegrid/internal/testevents"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
	"github.com/tracegrid/tracegrid/shared/notify/notifytest"
	"github.com/tracegrid/tracegrid/shared/report"
)

// The pod of the replay: the one in the DERIVED envelope.
const (
	replayPod = "app-7d9c6b5f4-abcde"
	replayUID = "00000000-0000-0000-0000-000000000000"
)

// crashLoopEntry is the DERIVED GKE Kubernetes-event LogEntry for the
// replay's pod, rewritten as the event exporter writes one update of an
// Event: its own insertId, the update's time as the entry timestamp (the
// exporter drops lastTimestamp), and the Event's reason, type, message,
// count and firstTimestamp. name is the Event object's metadata.name; the
// kubelet aggregates repeats of one event into one object whose count rises.
func crashLoopEntry(t testing.TB, insertID, name, typ, reason, message string, count int, first, at time.Time) []byte {
	t.Helper()
	var entry map[string]any
	if err := json.Unmarshal(testevents.Read(t, "gcp-gke-k8s-event-logentry.k8s_pod.Warning-Failed-pull-image.DERIVED.json"), &entry); err != nil {
		t.Fatal(err)
	}
	entry["insertId"] = insertID
	entry["timestamp"] = at.Format(time.RFC3339Nano)
	entry["receiveTimestamp"] = at.Add(900 * time.Millisecond).Format(time.RFC3339Nano)
	if typ == "Normal" {
		entry["severity"] = "INFO"
	}
	p := entry["jsonPayload"].(map[string]any)
	p["type"], p["reason"], p["message"] = typ, reason, message
	p["count"], p["firstTimestamp"] = count, first.Format(time.RFC3339)
	meta := p["metadata"].(map[string]any)
	meta["name"], meta["creationTimestamp"] = name, first.Format(time.RFC3339)
	b, err := json.Marshal(entry)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// publishedEvent is entry as Eventarc delivers it after the Logging sink
// published it to Pub/Sub at publishTime: the binary-mode request of the
// DERIVED Eventarc capture (its ce-* headers, ce-id the Pub/Sub message id)
// with MessagePublishedData as the body, read by the CloudEvents SDK as
// functions-framework-go reads it.
func publishedEvent(t testing.TB, entry []byte, messageID string, publishTime time.Time) cloudEventRequest {
	t.Helper()
	pt := publishTime.Format(time.RFC3339Nano)
	body, err := json.Marshal(map[string]any{
		"subscription": "projects/my-project/subscriptions/eventarc-us-central1-gke-events-fn-000-sub-000",
		"message": map[string]any{
			"@type":        "type.googleapis.com/google.pubsub.v1.PubsubMessage",
			"data":         base64.StdEncoding.EncodeToString(entry),
			"messageId":    messageID,
			"message_id":   messageID,
			"publishTime":  pt,
			"publish_time": pt,
			"attributes":   map[string]string{"logging.googleapis.com/timestamp": publishTime.Add(-time.Second).Format(time.RFC3339Nano)},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	headers, _ := binaryRequest(t)
	h := http.Header{}
	for k, v := range headers {
		if strings.HasPrefix(strings.ToLower(k), "ce-") || k == "Content-Type" {
			h[k] = v
		}
	}
	h.Set("ce-id", messageID)
	h.Set("ce-time", pt)
	return cloudEventRequest{header: h, body: body}
}

// cloudEventRequest is one HTTP delivery; a redelivery repeats it exactly.
type cloudEventRequest struct {
	header http.Header
	body   []byte
}

func (r cloudEventRequest) handle(t testing.TB, ctx context.Context, fn *Function) error {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://localhost:8080/", bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = r.header.Clone()
	e, err := cehttp.NewEventFromHTTPRequest(req)
	if err != nil {
		t.Fatalf("the CloudEvents SDK cannot read the delivery: %v", err)
	}
	return fn.Handle(ctx, *e)
}

// reported is the Reporter's "reported" log line: what Handle did with one
// failure.
type reported struct {
	Msg        string `json:"msg"`
	Cause      string `json:"cause"`
	Resource   string `json:"resource"`
	EventID    string `json:"event_id"`
	Action     string `json:"action"`
	Suppressed string `json:"suppressed"`
}

// takeReported reads and clears the "reported" and "skipped" lines logged
// into buf.
func takeReported(t testing.TB, buf *bytes.Buffer) []reported {
	t.Helper()
	var out []reported
	sc := bufio.NewScanner(buf)
	for sc.Scan() {
		var r reported
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if r.Msg == "reported" || r.Msg == "skipped" {
			out = append(out, r)
		}
	}
	buf.Reset()
	return out
}

// TestReplayCrashLoopThroughHandler is issue 6's GKE crash loop end to end
// through the Cloud Function's path: an hour of the kubelet's BackOff
// events for one crash-looping pod, as GKE event-exporter LogEntries
// published to Pub/Sub and delivered by Eventarc as messagePublished
// CloudEvents, go through Function.Handle (what Handler and
// functions-framework call) to a fake Slack, with the notifier's clock
// following the delivery times. Four deliveries are repeated exactly (at
// least once delivery). Before every crash the kubelet logs a Normal Started
// for the same pod, which the function reports as a recovery: those must
// resolve nothing (the pod restarting is part of the crash loop). Finally the
// fix is rolled out and a pod of the new ReplicaSet starts: its Started
// resolves the incident.
//
// Slack must show one top-level message for the incident, counting every
// distinct event and none of the redeliveries, thread replies at least the
// reply interval apart, metadata with the cause the kubelet's message
// stands for (app_crash), and the recovery as an update of that message and
// a thread note, not a new post.
//
// Left out: the kubelet's Pulled and Created events of every restart (Pulled
// is a recovery like Started; Created reports nothing).
func TestReplayCrashLoopThroughHandler(t *testing.T) {
	const (
		replyInterval = 5 * time.Minute
		run           = 3 * time.Second     // the container runs this long before it crashes
		latency       = 2 * time.Second     // event time to delivery
		ackDeadline   = 10 * time.Second    // a redelivery comes this long after the delivery
		maxBackoff    = 300 * time.Second   // kubelet's MaxContainerBackOff
		wantCause     = "app_crash"         // the kubelet's BackOff restarting message
		wantResource  = "default/app (app)" // Failure.Resource: namespace/workload (container)
	)
	redeliver := map[int]bool{1: true, 4: true, 9: true, 13: true} // event indexes

	fake := fakeslack.New(slackToken)
	defer fake.Close()
	env := map[string]string{
		"SLACK_BOT_TOKEN":          slackToken,
		"SLACK_CHANNEL":            "C0123ALERTS",
		"SLACK_API_URL":            fake.APIURL(),
		"TRACEGRID_REPLY_INTERVAL": replyInterval.String(),
	}
	cfg, err := notify.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	clk := fakeclock.New(start)
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	// As newFunction builds it from the environment, with the clock
	// injected (and the default in-memory store, on the same clock).
	n, err := notify.New(cfg, notify.WithLogger(log), notify.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	fn := &Function{Reporter: &report.Reporter{Notifier: n, Log: log}}
	ctx := context.Background()

	deliver := func(what string, r cloudEventRequest, at time.Time) reported {
		t.Helper()
		clk.Set(at)
		if err := r.handle(t, ctx, fn); err != nil {
			t.Fatalf("%s: Handle: %v", what, err)
		}
		got := takeReported(t, &logs)
		if len(got) != 1 {
			t.Fatalf("%s: %d reported lines %+v, want 1", what, len(got), got)
		}
		return got[0]
	}

	// An hour of crash loop: the container crashes, the kubelet logs
	// BackOff and waits 10s, 20s, 40s ... capped at 5 minutes before the
	// next restart.
	message := fmt.Sprintf("Back-off restarting failed container app in pod %s_default(%s)", replayPod, replayUID)
	eventName := replayPod + ".187b0c2d4e5f6a7b"
	var (
		at       = start
		distinct int
		actions  = map[string]int{}
		suppress = map[string]int{}
		last     time.Time
	)
	for backoff := 10 * time.Second; at.Before(start.Add(time.Hour)); backoff = min(2*backoff, maxBackoff) {
		// The container starts again (a recovery report from the failing
		// pod), runs a few seconds and crashes.
		startedID := fmt.Sprintf("1x8k2s%07d", distinct)
		started := crashLoopEntry(t, startedID, replayPod+".187b0c2d4e5f6a7c", "Normal", "Started", "Started container app", distinct+1, start, at)
		if r := deliver("restart "+startedID, publishedEvent(t, started, fmt.Sprint(12000000000000000+distinct), at.Add(time.Second)), at.Add(latency)); r.Action != "" || r.Suppressed != "no_open_incident" {
			t.Errorf("restart %s of the crash-looping pod: %+v, want it to resolve nothing", startedID, r)
		}
		at = at.Add(run)
		id := fmt.Sprintf("1x8k2f%07d", distinct)
		entry := crashLoopEntry(t, id, eventName, "Warning", "BackOff", message, distinct+1, start.Add(run), at)
		req := publishedEvent(t, entry, fmt.Sprint(11000000000000000+distinct), at.Add(time.Second))
		r := deliver("event "+id, req, at.Add(latency))
		if r.Cause != wantCause || r.Resource != wantResource || r.EventID != id || r.Suppressed != "" {
			t.Errorf("event %s: %+v, want cause %s, resource %s, not suppressed", id, r, wantCause, wantResource)
		}
		actions[r.Action]++
		if redeliver[distinct] {
			r := deliver("redelivery of "+id, req, at.Add(latency+ackDeadline))
			if r.Suppressed != "duplicate" || r.EventID != id {
				t.Errorf("redelivery of %s: %+v, want suppressed as a duplicate", id, r)
			}
			suppress[r.Suppressed]++
		}
		distinct++
		last = at
		at = at.Add(backoff)
	}
	if span := last.Sub(start); span < 55*time.Minute || span > time.Hour {
		t.Fatalf("the events span %s, want most of an hour", span)
	}

	// The fix is rolled out: a pod of the new ReplicaSet starts and stays up.
	upAt := last.Add(maxBackoff + time.Second)
	const fixedPod = "app-5b6c7d8e9-n3q7r"
	up := bytes.ReplaceAll(crashLoopEntry(t, "1x8k2fstarted", fixedPod+".187b0c2d4e5f6a7d", "Normal", "Started", "Started container app", 1, upAt, upAt),
		[]byte(replayPod), []byte(fixedPod))
	recovery := deliver("Started", publishedEvent(t, up, "11000000000009999", upAt.Add(time.Second)), upAt.Add(latency))
	if recovery.Action != "resolve" {
		t.Errorf("the Started event: %+v, want action resolve", recovery)
	}

	// Slack: one message for the incident, with every distinct event.
	msgs := fake.Messages()
	if len(msgs) != 1 {
		t.Fatalf("Slack has %d top-level messages for one crash loop, want 1", len(msgs))
	}
	m := msgs[0]
	incidents, storms := notifytest.Tally(t, msgs)
	if want := map[string]int{wantResource + "/" + wantCause: distinct}; fmt.Sprint(incidents) != fmt.Sprint(want) || storms != 0 {
		t.Errorf("Slack shows %v (storm %d), want %v", incidents, storms, want)
	}
	if m.Metadata == nil || m.Metadata.EventType != notify.MetadataEventType ||
		m.Metadata.EventPayload["cause"] != wantCause || m.Metadata.EventPayload["platform"] != "kubernetes" {
		t.Errorf("metadata %+v, want cause %s on kubernetes", m.Metadata, wantCause)
	}
	if suppress["duplicate"] != len(redeliver) {
		t.Errorf("%v redeliveries suppressed, want %d duplicates", suppress, len(redeliver))
	}
	if actions["post"] != 1 || actions["update"]+actions["reply"] != distinct-1 {
		t.Errorf("actions %v, want 1 post and %d updates or replies", actions, distinct-1)
	}

	// Thread replies: at least the interval apart, so at most one per
	// interval (plus the first) over the loop, and the log's count of them.
	replies := notifytest.CheckReplies(t, fake, replyInterval)
	if limit := int(last.Sub(start)/replyInterval) + 1; replies == 0 || replies > limit {
		t.Errorf("%d thread replies over %s, want between 1 and %d", replies, last.Sub(start), limit)
	}
	if replies != actions["reply"] {
		t.Errorf("Slack has %d thread replies, the function logged %d", replies, actions["reply"])
	}

	// The recovery: the message shows resolved (an update, not a post) and
	// the thread ends with the recovery note.
	if !strings.HasPrefix(m.Text, ":white_check_mark:") || !strings.Contains(notifytest.SectionTexts(m.Blocks), "*Resolved* at") {
		t.Errorf("message not marked resolved: %q", m.Text)
	}
	if m.Updates != distinct {
		t.Errorf("message updated %d times, want %d (one per repeat and the recovery)", m.Updates, distinct)
	}
	thread := fake.Replies(m.TS)
	if len(thread) != replies+1 || !strings.Contains(thread[len(thread)-1].Text, "recovered") {
		t.Errorf("thread has %d replies, want %d ending with the recovery note", len(thread), replies+1)
	}
	if p := fake.Problems(); len(p) > 0 {
		t.Errorf("Slack would reject: %q", p)
	}
	t.Logf("%d deliveries (%d BackOff events over %s, %d restarts of the failing pod, %d redeliveries suppressed, 1 Started of the fixed pod) through Handle -> %d top-level message, %d updates, %d thread replies + recovery note, %d Slack calls",
		2*distinct+len(redeliver)+1, distinct, last.Sub(start), distinct, suppress["duplicate"], len(msgs), m.Updates, replies, len(fake.Calls()))
}
