package notify

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

var seenRe = regexp.MustCompile(`\*Seen:\* (\d+) times`)

// seenCount is the repeat count a message shows (1 when it shows none).
func seenCount(m fakeslack.Message) int {
	for _, b := range m.Blocks {
		if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil {
			if c := seenRe.FindStringSubmatch(s.Text.Text); c != nil {
				n, _ := strconv.Atoi(c[1])
				return n
			}
		}
	}
	return 1
}

// crash is a crash-looping pod of workload in namespace shop.
func crash(workload string, i int) (*failure.Failure, classify.Diagnosis) {
	f := &failure.Failure{
		Platform: failure.Kubernetes, Account: "acme-prod", Cluster: "prod-eu", Namespace: "shop",
		Workload: workload, Task: fmt.Sprintf("%s-7d9f-%03d", workload, i%4), Reason: "BackOff",
		Messages: []string{"Back-off restarting failed container"}, EventID: fmt.Sprintf("%s-%d", workload, i),
	}
	return f, classify.Diagnosis{Cause: classify.AppCrash, Title: "Application exited and keeps restarting", Confidence: classify.High}
}

func notifyAt(t *testing.T, h *harness, at time.Duration, f *failure.Failure, d classify.Diagnosis) Result {
	t.Helper()
	h.clock.Set(t0.Add(at))
	res, err := h.n.Notify(context.Background(), f, d)
	if err != nil {
		t.Fatalf("Notify(%s) at %s: %v", f.EventID, at, err)
	}
	return res
}

func TestIncidentLifecycle(t *testing.T) {
	h := newHarness(t, Config{ReplyInterval: 5 * time.Minute, IncidentWindow: time.Hour})
	steps := []struct {
		at         time.Duration
		cause      classify.Cause
		recovered  bool
		wantAction string
		wantSupp   string
	}{
		{0, classify.AppCrash, false, "post", ""},
		{time.Minute, classify.AppCrash, false, "update", ""},                // updated, no reply yet
		{6 * time.Minute, classify.AppCrash, false, "reply", ""},             // interval passed: reply
		{7 * time.Minute, classify.AppCrash, false, "update", ""},            // too soon for another
		{8 * time.Minute, classify.OutOfMemory, false, "post", ""},           // new cause, new incident
		{12 * time.Minute, classify.AppCrash, false, "reply", ""},            // due again
		{13 * time.Minute, "", true, "resolve", ""},                          // both incidents resolved
		{14 * time.Minute, "", true, "", "no_open_incident"},                 // nothing left open
		{15 * time.Minute, classify.AppCrash, false, "post", ""},             // failing again: new incident
		{15*time.Minute + 2*time.Hour, classify.AppCrash, false, "post", ""}, // window passed: new incident
	}
	for i, s := range steps {
		f, d := crash("cart", i)
		d.Cause = s.cause
		if f.Recovered = s.recovered; f.Recovered {
			f.Task = "cart-8e1a-000" // a pod of the fixed rollout is up
		}
		res := notifyAt(t, h, s.at, f, d)
		if res.Action != s.wantAction || res.Suppressed != s.wantSupp {
			t.Errorf("step %d (%s): %+v, want action %q suppressed %q", i, s.at, res, s.wantAction, s.wantSupp)
		}
	}
	msgs := h.slack.Messages()
	if len(msgs) != 4 {
		t.Fatalf("%d top-level messages, want 4", len(msgs))
	}
	first := msgs[0]
	if seenCount(first) != 5 || !strings.HasPrefix(first.Text, ":white_check_mark:") {
		t.Errorf("first incident shows %d, text %q", seenCount(first), first.Text)
	}
	if !strings.Contains(first.BlocksJSON, "*Affected:* 4") {
		t.Errorf("first incident does not list the 4 pods: %s", first.BlocksJSON)
	}
	replies := h.slack.Replies(first.TS)
	if len(replies) != 3 || !strings.Contains(replies[2].Text, "recovered") {
		t.Errorf("replies = %+v", replies)
	}
	if oom := msgs[1]; oom.Metadata.EventPayload["cause"] != "out_of_memory" || !strings.HasPrefix(oom.Text, ":white_check_mark:") {
		t.Errorf("OOM incident = %q %v", oom.Text, oom.Metadata)
	}
}

// TestRestartInPlaceDoesNotResolve: between crashes a crash-looping pod logs
// Pulled and Started, which the GKE function reports as recoveries. They must
// not resolve the crash loop (or it would flap: resolved, then a new post on
// the next BackOff); a new pod coming up does. For an image pull failure, the
// same pod starting is the recovery.
func TestRestartInPlaceDoesNotResolve(t *testing.T) {
	h := newHarness(t, Config{ReplyInterval: 5 * time.Minute, IncidentWindow: time.Hour})
	up := func(workload, pod string, i int) *failure.Failure {
		return &failure.Failure{Platform: failure.Kubernetes, Account: "acme-prod", Cluster: "prod-eu", Namespace: "shop",
			Workload: workload, Task: pod, Recovered: true, EventID: fmt.Sprintf("up-%s-%d", workload, i)}
	}
	f, d := crash("cart", 0) // pod cart-7d9f-000 crash-loops
	notifyAt(t, h, 0, f, d)
	pull := &failure.Failure{Platform: failure.Kubernetes, Account: "acme-prod", Cluster: "prod-eu", Namespace: "shop",
		Workload: "web", Task: "web-5c8d-000", Reason: "Failed", EventID: "web-0",
		Messages: []string{`Failed to pull image "shop/web:1.4": not found`}}
	notifyAt(t, h, 0, pull, classify.Diagnosis{Cause: classify.ImageNotFound, Title: "Image or tag does not exist", Confidence: classify.High})

	steps := []struct {
		name   string
		at     time.Duration
		f      *failure.Failure
		action string
		supp   string
	}{
		{"crash-looping pod starts again", time.Minute, up("cart", "cart-7d9f-000", 1), "", "no_open_incident"},
		{"the pod crashes again", 2 * time.Minute, nil, "update", ""},
		{"a new pod of the fixed rollout starts", 3 * time.Minute, up("cart", "cart-8e1a-000", 2), "resolve", ""},
		{"the pod that could not pull starts", 4 * time.Minute, up("web", "web-5c8d-000", 3), "resolve", ""},
	}
	for i, s := range steps {
		g := s.f
		if g == nil {
			g, d = crash("cart", 4)
		}
		res := notifyAt(t, h, s.at, g, d)
		if res.Action != s.action || res.Suppressed != s.supp {
			t.Errorf("step %d (%s): %+v, want action %q suppressed %q", i, s.name, res, s.action, s.supp)
		}
	}
	if n := len(h.slack.Messages()); n != 2 {
		t.Errorf("%d top-level messages, want the 2 incidents only", n)
	}
}

func TestDeletedMessageIsPostedAgain(t *testing.T) {
	h := newHarness(t, Config{})
	f, d := crash("cart", 0)
	first := notifyAt(t, h, 0, f, d)
	h.slack.Delete(first.Channel, first.TS)
	f, d = crash("cart", 1)
	res := notifyAt(t, h, time.Minute, f, d)
	if res.Action != "post" || res.TS == first.TS {
		t.Fatalf("after delete: %+v", res)
	}
	if m := h.slack.Messages(); len(m) != 1 || seenCount(m[0]) != 2 {
		t.Errorf("messages = %+v", m)
	}
}

func TestWebhookSuppressesRepeats(t *testing.T) {
	h := newHarness(t, Config{WebhookURL: "webhook"})
	var got []string
	for i := range 5 {
		f, d := crash("cart", i)
		res := notifyAt(t, h, time.Duration(i)*time.Minute, f, d)
		got = append(got, res.Action+res.Suppressed)
	}
	f, _ := crash("cart", 9)
	f.Recovered, f.Task = true, "cart-8e1a-000" // a pod of the fixed rollout is up
	res := notifyAt(t, h, 10*time.Minute, f, classify.Diagnosis{Cause: classify.NotAFailure})
	got = append(got, res.Action)
	if want := "post repeat repeat repeat repeat resolve"; strings.Join(got, " ") != want {
		t.Errorf("results %q, want %q", got, want)
	}
	msgs := h.slack.Messages()
	if len(msgs) != 2 || !strings.Contains(msgs[1].Text, "recovered at") {
		t.Errorf("webhook messages = %+v", msgs)
	}
}

func TestStormFoldsRegistryOutage(t *testing.T) {
	h := newHarness(t, Config{StormThreshold: 5, StormWindow: 10 * time.Minute})
	// A registry outage: 30 services fail to pull within three minutes,
	// then each fails twice more.
	for round := range 3 {
		for s := range 30 {
			f := &failure.Failure{Platform: failure.ECS, Account: "123456789012", Cluster: "prod",
				Workload: fmt.Sprintf("svc-%02d", s), Task: fmt.Sprintf("t%d", round), EventID: fmt.Sprintf("%d-%d", s, round),
				Messages: []string{"CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: unexpected status code https://registry.example.com/v2/: 503 Service Unavailable"}}
			d := classify.Diagnosis{Cause: classify.RegistryUnreachable, Title: "Registry unreachable", Confidence: classify.High}
			notifyAt(t, h, time.Duration(round*200+s*5)*time.Second, f, d)
		}
	}
	msgs := h.slack.Messages()
	if len(msgs) != 6 {
		t.Fatalf("%d top-level messages, want 5 incidents and 1 storm", len(msgs))
	}
	storm := msgs[5]
	if !strings.Contains(storm.Text, "25 workloads failing") || strings.Count(storm.BlocksJSON, "×3") != 25 {
		t.Errorf("storm message = %q\n%s", storm.Text, storm.BlocksJSON)
	}
	for _, m := range msgs[:5] {
		if seenCount(m) != 3 {
			t.Errorf("incident %q shows %d", m.Text, seenCount(m))
		}
	}
	if storm.Metadata == nil || storm.Metadata.EventPayload["cause"] != "registry_unreachable" {
		t.Errorf("storm metadata = %+v", storm.Metadata)
	}
	// The registry is back: a folded service recovers, once.
	up := &failure.Failure{Platform: failure.ECS, Account: "123456789012", Cluster: "prod", Workload: "svc-29", Task: "t9", Recovered: true}
	var got []string
	for i := range 2 {
		up.EventID = fmt.Sprint("up", i)
		res := notifyAt(t, h, 11*time.Minute, up, classify.Diagnosis{Cause: classify.NotAFailure})
		got = append(got, res.Action+res.Suppressed)
	}
	if strings.Join(got, " ") != "resolve no_open_incident" {
		t.Errorf("recoveries: %q", got)
	}
	storm = h.slack.Messages()[5]
	if !strings.Contains(storm.Text, "24 workloads failing") || !strings.Contains(storm.BlocksJSON, "~`svc-29`~ ×3 recovered") {
		t.Errorf("storm after recovery = %q\n%s", storm.Text, storm.BlocksJSON)
	}
}

// A storm bigger than a record holds lists 200 workloads and counts the rest.
func TestStormOverflow(t *testing.T) {
	h := newHarness(t, Config{StormThreshold: 1, StormWindow: time.Hour})
	for s := range 206 {
		f := &failure.Failure{Platform: failure.Kubernetes, Account: "acme", Cluster: "c", Namespace: "ns",
			Workload: fmt.Sprintf("w%03d", s), Task: "p", EventID: fmt.Sprint(s)}
		notifyAt(t, h, time.Duration(s)*time.Second, f, classify.Diagnosis{Cause: classify.RegistryRateLimited, Title: "Rate limited", Confidence: classify.High})
	}
	msgs := h.slack.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	storm := msgs[1]
	if !strings.Contains(storm.Text, "205 workloads failing") || !strings.Contains(storm.BlocksJSON, "plus 5 workloads (5 events) not listed") {
		t.Errorf("storm = %q\n%s", storm.Text, storm.BlocksJSON)
	}
}

func TestRoutingAndMention(t *testing.T) {
	routes, err := ParseRoutes("namespace:payments=C0PAY,cluster:prod-*=C0PROD,service:checkout=C0CHECKOUT")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Config{Routes: routes, Mention: "S0ONCALL", Production: []string{"prod-*"}})
	for _, tc := range []struct {
		cluster, namespace, workload string
		conf                         classify.Confidence
		wantChannel                  string
		wantMention                  bool
	}{
		{"prod-eu", "payments", "ledger", classify.High, "C0PAY", true},
		{"prod-eu", "shop", "checkout", classify.High, "C0CHECKOUT", true},
		{"prod-us", "shop", "cart", classify.Medium, "C0PROD", false},
		{"staging", "shop", "cart", classify.High, "C0ALERTS", false},
	} {
		f := &failure.Failure{Platform: failure.Kubernetes, Cluster: tc.cluster, Namespace: tc.namespace, Workload: tc.workload}
		d := classify.Diagnosis{Cause: classify.OutOfMemory, Title: "OOM", Confidence: tc.conf}
		res, err := h.n.Notify(context.Background(), f, d)
		if err != nil || res.Channel != tc.wantChannel {
			t.Errorf("%+v: %+v %v", tc, res, err)
		}
		msgs := h.slack.Messages()
		last := msgs[len(msgs)-1]
		if got := strings.HasPrefix(last.Text, "<!subteam^S0ONCALL> "); got != tc.wantMention {
			t.Errorf("%+v: text %q", tc, last.Text)
		}
	}
}

// Several instances of a function share one store: a crash loop seen by
// all of them at once still makes one message per incident with the right
// count. Like the platforms, an invocation that fails is retried.
func TestConcurrentInstances(t *testing.T) {
	h := newHarness(t, Config{})
	const instances = 8
	events := make(chan int)
	var wg sync.WaitGroup
	errs := make(chan error, instances)
	for range instances {
		n, err := New(h.n.cfg, WithStore(h.store), WithClock(h.clock.Now), WithSleep(h.waits.sleep))
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range events {
				f, d := crash([]string{"cart", "ledger"}[i%2], i/2) // 100 events per workload
				if i%10 == 0 {
					f.EventID = "dup" // redeliveries racing each other
				}
				var err error
				for range 3 { // the platform's retries
					if _, err = n.Notify(context.Background(), f, d); err == nil {
						break
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range 200 {
		events <- i
	}
	close(events)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	msgs := h.slack.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d top-level messages for 2 incidents", len(msgs))
	}
	total := seenCount(msgs[0]) + seenCount(msgs[1])
	if total != 181 { // 180 distinct ids + one "dup"
		t.Errorf("messages count %d events, want 181", total)
	}
}

// BenchmarkNotifyRepeat measures a repeat of an open incident: a store
// read-modify-write, a chat.update to a local Slack, and a thread reply when
// one is due.
func BenchmarkNotifyRepeat(b *testing.B) {
	h := newHarness(b, Config{})
	for i := 0; b.Loop(); i++ {
		h.clock.Advance(10 * time.Second)
		f, d := crash("cart", i)
		if _, err := h.n.Notify(context.Background(), f, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(h.slack.Calls()))/float64(b.N), "slack-calls/op")
}

// A cold start (a new instance with the same durable store) continues the
// open incident instead of posting again.
func TestColdStartContinuesIncident(t *testing.T) {
	h := newHarness(t, Config{})
	f, d := crash("cart", 0)
	first := notifyAt(t, h, 0, f, d)
	cold, err := New(h.n.cfg, WithStore(h.store), WithClock(h.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	f, d = crash("cart", 1)
	res, err := cold.Notify(context.Background(), f, d)
	if err != nil || res.Action != "update" || res.TS != first.TS {
		t.Fatalf("after cold start: %+v %v (first %+v)", res, err, first)
	}
	if m := h.slack.Messages(); len(m) != 1 || seenCount(m[0]) != 2 {
		t.Errorf("messages = %+v", m)
	}
}
