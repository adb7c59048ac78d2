package notify_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/internal/fakeclock"
	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
	"github.com/tracegrid/tracegrid/shared/notify/notifytest"
	"github.com/tracegrid/tracegrid/shared/report"
)

const token = "xoxb-replay-0000"

var start = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// replay wires a Reporter to a fake Slack with an injected clock.
type replay struct {
	slack    *fakeslack.Server
	clock    *fakeclock.Clock
	reporter *report.Reporter
	cfg      notify.Config
}

func newReplay(t *testing.T, cfg notify.Config) *replay {
	t.Helper()
	r := &replay{slack: fakeslack.New(token), clock: fakeclock.New(start)}
	t.Cleanup(func() {
		if p := r.slack.Problems(); len(p) > 0 {
			t.Errorf("Slack would reject: %q", p)
		}
		r.slack.Close()
	})
	cfg.BotToken, cfg.Channel, cfg.APIURL = token, "C0ALERTS", r.slack.APIURL()
	n, err := notify.New(cfg, notify.WithStore(notify.NewMemoryStore(r.clock.Now)), notify.WithClock(r.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	r.cfg = cfg
	r.reporter = &report.Reporter{Notifier: n, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return r
}

// ecsStopped builds the Failure an ECS decoder builds from an
// "ECS Task State Change" event with lastStatus STOPPED: the service from
// the task group, the container reason before the task stoppedReason, the
// dedup key taskArn + detail.version.
func ecsStopped(service string, cause int, task int, version int, at time.Time) failure.Failure {
	id := fmt.Sprintf("%032x", task*7919+cause)
	arn := "arn:aws:ecs:us-east-1:123456789012:task/prod/" + id
	image := "123456789012.dkr.ecr.us-east-1.amazonaws.com/" + service + ":v1.4.2"
	f := failure.Failure{
		Platform: failure.ECS, Account: "123456789012", Region: "us-east-1", Cluster: "prod",
		Workload: service, Task: id, TaskARN: arn, TaskDefinition: service + ":17", Container: "app",
		Image: image, Time: at, EventID: arn + "#" + strconv.Itoa(version),
	}
	switch cause {
	case 0: // as in testdata/events/aws-ecs-task-state-change.STOPPED-CannotPullContainerError.DERIVED.json
		f.Reason = "TaskFailedToStart"
		reason := "CannotPullContainerError: API error (404): repository 123456789012.dkr.ecr.us-east-1.amazonaws.com/" + service + " not found"
		f.Messages = []string{reason, reason}
	case 1: // as in testdata/events/aws-ecs-task-state-change.STOPPED-EssentialContainerExited-OOM.DERIVED.json
		f.Reason = "EssentialContainerExited"
		f.ExitCode = failure.IntPtr(137)
		f.Messages = []string{"OutOfMemoryError: Container killed due to memory usage", "Essential container in task exited"}
	default: // testdata/corpus: "Essential container in task exited" with a non-zero exit
		f.Reason = "EssentialContainerExited"
		f.ExitCode = failure.IntPtr(1)
		f.Messages = []string{"Essential container in task exited"}
	}
	return f
}

func TestReplayECSStoppedTasks(t *testing.T) {
	// The three causes these events stand for, as the classifier reads them.
	for cause, want := range []string{"image_not_found", "out_of_memory", "app_crash"} {
		f := ecsStopped("svc", cause, 0, 1, start)
		if d := classify.Classify(&f); string(d.Cause) != want {
			t.Fatalf("cause %d classified %s, want %s", cause, d.Cause, want)
		}
	}
	r := newReplay(t, notify.Config{StormThreshold: 5, StormWindow: 10 * time.Minute, ReplyInterval: 5 * time.Minute})
	rng := rand.New(rand.NewPCG(6, 2026))
	services := make([]string, 10)
	for i := range services {
		services[i] = fmt.Sprintf("svc-%02d", i)
	}
	// 270 distinct STOPPED events over 45 minutes, each service failing
	// for its cause (svc-09 for two causes: two incidents), then 30 exact
	// redeliveries, all shuffled.
	var events []failure.Failure
	for i := range 270 {
		s := i % 10
		cause := s % 3
		if s == 9 && i%20 == 9 {
			cause = 1
		}
		at := start.Add(time.Duration(rng.IntN(45*60)) * time.Second)
		events = append(events, ecsStopped(services[s], cause, i, 3, at))
	}
	distinct := len(events)
	for range 30 {
		events = append(events, events[rng.IntN(distinct)])
	}
	rng.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })

	ctx := context.Background()
	suppressed := map[string]int{}
	for i := range events {
		r.clock.Set(start.Add(time.Duration(i) * 9 * time.Second)) // arrival order, not event time
		out, err := r.reporter.Report(ctx, &events[i])
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		suppressed[out.Result.Suppressed]++
	}
	if suppressed["duplicate"] != 30 {
		t.Errorf("suppressed = %v, want 30 duplicates", suppressed)
	}
	msgs := r.slack.Messages()
	incidents, storms := notifytest.Tally(t, msgs)
	sum := storms
	for _, n := range incidents {
		sum += n
	}
	if sum != distinct {
		t.Errorf("messages count %d events (incidents %v, storm %d), want %d", sum, incidents, storms, distinct)
	}
	// 11 incidents (10 services, svc-09 twice); past the storm threshold
	// (5 new in 10 minutes) the rest fold into one storm message.
	if len(msgs) > 11 {
		t.Errorf("%d top-level posts for 11 incidents", len(msgs))
	}
	replies := notifytest.CheckReplies(t, r.slack, r.cfg.ReplyInterval)
	t.Logf("%d events (%d distinct) -> %d top-level messages (%d incidents on their own, storm counts %d), %d thread replies, %d Slack calls",
		len(events), distinct, len(msgs), len(incidents), storms, replies, len(r.slack.Calls()))
}

// gkeEvent builds the Failure a GKE decoder builds from a k8s_pod Warning
// LogEntry: the pod's owner as workload, the event reason and message, the
// LogEntry insertId as the dedup key.
func gkeEvent(workload, pod, reason, message string, at time.Time, insertID string) failure.Failure {
	return failure.Failure{
		Platform: failure.Kubernetes, Account: "acme-prod", Region: "europe-west1", Cluster: "gke-main",
		Namespace: "shop", Workload: workload, Task: pod, Container: workload, Reason: reason,
		Messages: []string{message}, Time: at, EventID: insertID,
	}
}

func TestReplayGKECrashLoopHour(t *testing.T) {
	r := newReplay(t, notify.Config{StormThreshold: 5, StormWindow: 10 * time.Minute, ReplyInterval: 5 * time.Minute})
	rng := rand.New(rand.NewPCG(8, 2026))
	pods := []string{"api-7d9f8c6b5-x2x9q", "api-7d9f8c6b5-k4m1z", "api-7d9f8c6b5-p8w3c"}
	ctx := context.Background()
	now := start
	distinct := 0
	var last failure.Failure
	for now.Before(start.Add(time.Hour)) {
		now = now.Add(time.Duration(10+rng.IntN(50)) * time.Second)
		r.clock.Set(now)
		pod := pods[rng.IntN(len(pods))]
		// The kubelet's BackOff event, as in the corpus ("Back-off
		// restarting failed container ... in pod ...").
		f := gkeEvent("api", pod, "BackOff", "Back-off restarting failed container api in pod "+pod+"_shop(5f1e2d3c)", now, fmt.Sprintf("1x%07d", distinct))
		distinct++
		if _, err := r.reporter.Report(ctx, &f); err != nil {
			t.Fatal(err)
		}
		if rng.IntN(8) == 0 { // Pub/Sub redelivers
			if out, err := r.reporter.Report(ctx, &f); err != nil || out.Result.Suppressed != "duplicate" {
				t.Fatalf("redelivery: %+v %v", out.Result, err)
			}
		}
		last = f
	}
	// The deployment is fixed: a pod of the new ReplicaSet starts and stays
	// up. (A crash-looping pod starting again between crashes resolves
	// nothing: TestRestartInPlaceDoesNotResolve.)
	r.clock.Set(now.Add(time.Minute))
	up := last
	up.Task = "api-5b6c7d8e9-n3q7r"
	up.Reason, up.Messages, up.Recovered, up.EventID = "Started", []string{"Started container api"}, true, "1xrecovered"
	up.Time = now.Add(time.Minute)
	out, err := r.reporter.Report(ctx, &up)
	if err != nil || out.Result.Action != "resolve" {
		t.Fatalf("recovery: %+v %v", out.Result, err)
	}

	msgs := r.slack.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d top-level messages for one crash loop", len(msgs))
	}
	incidents, _ := notifytest.Tally(t, msgs)
	for _, n := range incidents {
		if n != distinct {
			t.Errorf("message counts %d, want %d events", n, distinct)
		}
	}
	replies := notifytest.CheckReplies(t, r.slack, r.cfg.ReplyInterval)
	if max := int(time.Hour/r.cfg.ReplyInterval) + 1; replies > max || replies < max/2 {
		t.Errorf("%d thread replies in an hour, want between %d and %d", replies, max/2, max)
	}
	thread := r.slack.Replies(msgs[0].TS)
	if note := thread[len(thread)-1].Text; !strings.Contains(note, "recovered") {
		t.Errorf("last reply %q is not the recovery note", note)
	}
	if !strings.Contains(notifytest.SectionTexts(msgs[0].Blocks), "*Resolved* at") || !strings.HasPrefix(msgs[0].Text, ":white_check_mark:") {
		t.Errorf("parent not marked resolved: %q", msgs[0].Text)
	}
	t.Logf("%d crash-loop events in an hour -> 1 message, %d updates, %d thread replies", distinct, msgs[0].Updates, replies)
}
