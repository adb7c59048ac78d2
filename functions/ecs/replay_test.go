package ecs

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/internal/fakeclock"
	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
	"github.com/tracegrid/tracegrid/shared/notify/notifytest"
)

// replayCause is one reason a service's tasks stop, as a real EventBridge
// envelope from ../../testdata/events and the patches that make it so.
type replayCause struct {
	file  string
	set   map[string]any
	cause classify.Cause
}

// replayCauses are the three causes of the replay: an image that cannot be
// pulled, an OOM kill, and (the OOM envelope with exit code 1 and no
// container reason) an application crash.
var replayCauses = []replayCause{
	{evPull, nil, classify.Cause("image_not_found")},
	{evOOM, nil, classify.Cause("out_of_memory")},
	{evOOM, map[string]any{"detail.containers.0.exitCode": 1, "detail.containers.0.reason": nil}, classify.Cause("app_crash")},
}

// replayEvent is one EventBridge body the replay delivers and what it
// stands for.
type replayEvent struct {
	body     []byte
	resource string // as Failure.Resource() names it
	cause    classify.Cause
	eventID  string // taskArn#version, the dedup key
}

// replayStopped builds the "ECS Task State Change" STOPPED event of one task
// of service for cause c: the real envelope with the service's group, a
// task ARN of its own (in resources, detail and the container), the stop
// time and detail.version.
func replayStopped(t *testing.T, c replayCause, service string, task, version int, at time.Time) replayEvent {
	t.Helper()
	arn := fmt.Sprintf("arn:aws:ecs:eu-west-1:0123456789:task/Features/%032x", task)
	set := map[string]any{
		"id":                          fmt.Sprintf("d005c784-98bd-b9c9-043f-%012x", task),
		"time":                        at.Format(time.RFC3339),
		"resources.0":                 arn,
		"detail.group":                "service:" + service,
		"detail.taskArn":              arn,
		"detail.containers.0.taskArn": arn,
		"detail.stoppedAt":            at.Format(time.RFC3339Nano),
		"detail.updatedAt":            at.Format(time.RFC3339Nano),
		"detail.version":              version,
	}
	for k, v := range c.set {
		set[k] = v
	}
	return replayEvent{
		body:     patched(t, c.file, set),
		resource: service + " (Webapp)",
		cause:    c.cause,
		eventID:  fmt.Sprintf("%s#%d", arn, version),
	}
}

// TestReplayStoppedTasksThroughHandler is issue 6 end to end through the
// Lambda's path: 300 STOPPED task events (270 distinct over 10 services
// and 3 causes, then 30 exact redeliveries, shuffled with a fixed seed) go
// through Function.Handle to a fake Slack, with the notifier on an injected
// clock advancing 9s per delivery. Slack must show at most one top-level
// message per incident (the storm rule folds the rest into storm
// messages), count every distinct event once, suppress every redelivery,
// space thread replies by the reply interval, and carry the expected cause
// in metadata.
func TestReplayStoppedTasksThroughHandler(t *testing.T) {
	const (
		distinct       = 270
		redeliveries   = 30
		stormThreshold = 5
		stormWindow    = 10 * time.Minute
		replyInterval  = 5 * time.Minute
		arrivalGap     = 9 * time.Second
	)
	fake := fakeslack.New(testToken)
	defer fake.Close()
	slackEnv(t, fake)
	t.Setenv("TRACEGRID_STORM", fmt.Sprintf("%d/%s", stormThreshold, stormWindow))
	t.Setenv("TRACEGRID_REPLY_INTERVAL", replyInterval.String())
	t.Setenv("TRACEGRID_INCIDENT_WINDOW", "")
	t.Setenv("TRACEGRID_ROUTES", "")
	t.Setenv("TRACEGRID_MENTION", "")
	t.Setenv("TRACEGRID_PRODUCTION", "")

	// The three envelopes decode and classify as the causes they stand for.
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for _, c := range replayCauses {
		fs, err := Decode(replayStopped(t, c, "svc", 0, 1, start).body)
		if err != nil || len(fs) != 1 {
			t.Fatalf("%s %v: decoded %d failures, %v", c.file, c.set, len(fs), err)
		}
		if d := classify.Classify(fs[0]); d.Cause != c.cause {
			t.Fatalf("%s %v classified %s, want %s", c.file, c.set, d.Cause, c.cause)
		}
	}

	// 270 distinct events stopped over 45 minutes, each service failing
	// for its cause (svc-09 for two causes: 11 incidents), then 30 exact
	// redeliveries, all shuffled.
	rng := rand.New(rand.NewPCG(6, 2026))
	var events []replayEvent
	perIncident := map[string]int{} // "resource/cause" -> distinct events
	for i := range distinct {
		s := i % 10
		cause := s % 3
		if s == 9 && i%20 == 9 {
			cause = 1
		}
		at := start.Add(time.Duration(rng.IntN(45*60)) * time.Second)
		ev := replayStopped(t, replayCauses[cause], fmt.Sprintf("svc-%02d", s), i, 3, at)
		events = append(events, ev)
		perIncident[ev.resource+"/"+string(ev.cause)]++
	}
	for range redeliveries {
		events = append(events, events[rng.IntN(distinct)])
	}
	rng.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })

	clk := fakeclock.New(start)
	fn, _ := testFunction(nil)
	fn.notifyOptions = []notify.Option{notify.WithClock(clk.Now)}
	ctx := context.Background()
	suppressed := map[string]int{}
	seen := map[string]bool{}                  // event ids delivered so far
	firstArrival := map[string]time.Duration{} // incident -> arrival of its first event
	for i, ev := range events {
		arrival := time.Duration(i) * arrivalGap
		clk.Set(start.Add(arrival)) // arrival order, not event time
		s, err := fn.Handle(ctx, ev.body)
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if len(s.Results) != 1 {
			t.Fatalf("event %d: summary %+v, want one result", i, s)
		}
		r := s.Results[0]
		if r.Cause != string(ev.cause) || r.Resource != ev.resource || r.EventID != ev.eventID {
			t.Errorf("event %d: result %+v, want cause %s, resource %q, event id %s", i, r, ev.cause, ev.resource, ev.eventID)
		}
		if dup := seen[ev.eventID]; dup != (r.Suppressed == "duplicate") {
			t.Errorf("event %d (redelivery %v): suppressed %q", i, dup, r.Suppressed)
		}
		seen[ev.eventID] = true
		suppressed[r.Suppressed]++
		key := ev.resource + "/" + string(ev.cause)
		if _, ok := firstArrival[key]; !ok {
			firstArrival[key] = arrival
		}
	}
	if suppressed["duplicate"] != redeliveries {
		t.Errorf("suppressed = %v, want %d duplicates", suppressed, redeliveries)
	}

	msgs := fake.Messages()
	incidents, storms := notifytest.Tally(t, msgs) // fails on two top-level messages for one incident
	folded := notifytest.StormIncidents(t, msgs)
	stormMsgs := 0
	for _, m := range msgs {
		if m.Metadata == nil || m.Metadata.EventType != notify.MetadataEventType || m.Metadata.EventPayload["platform"] != "ecs" {
			t.Errorf("message %q has metadata %+v", m.Text, m.Metadata)
			continue
		}
		if notifytest.IsStorm(m) {
			stormMsgs++
			if c := fmt.Sprint(m.Metadata.EventPayload["cause"]); !slices.ContainsFunc(replayCauses, func(rc replayCause) bool { return string(rc.cause) == c }) {
				t.Errorf("storm metadata cause %q is none of the replayed causes", c)
			}
		}
	}
	// Every incident appears exactly once, on its own or in a storm, with
	// the cause its events stand for (from metadata or the storm's cause
	// heading) and the number of distinct events it had.
	shown := map[string]int{}
	for k, n := range incidents {
		shown[k] = n
	}
	for k, n := range folded {
		if _, dup := shown[k]; dup {
			t.Errorf("incident %s has its own message and a storm entry", k)
		}
		shown[k] = n
	}
	for k, want := range perIncident {
		if got, ok := shown[k]; !ok {
			t.Errorf("incident %s (%d events) is in no message", k, want)
		} else if got != want {
			t.Errorf("incident %s shows %d events, want %d", k, got, want)
		}
	}
	for k := range shown {
		if _, ok := perIncident[k]; !ok {
			t.Errorf("Slack shows incident %s, which the replay has no events for", k)
		}
	}
	sum := storms
	for _, n := range incidents {
		sum += n
	}
	if sum != distinct {
		t.Errorf("messages count %d events (incidents %v, storm %d), want %d", sum, incidents, storms, distinct)
	}

	// The storm rule: every incident starts within one storm window here,
	// so the first stormThreshold post on their own and the rest share one
	// storm message.
	arrivals := slices.Collect(maps.Values(firstArrival))
	if spread := slices.Max(arrivals) - slices.Min(arrivals); spread >= stormWindow {
		t.Fatalf("incidents start over %s, more than one storm window: the seed no longer makes one storm", spread)
	}
	if len(incidents) != stormThreshold || stormMsgs != 1 || len(msgs) != stormThreshold+1 {
		t.Errorf("%d top-level posts (%d incidents on their own, %d storm messages) for %d incidents, want %d on their own and 1 storm",
			len(msgs), len(incidents), stormMsgs, len(perIncident), stormThreshold)
	}

	// Thread replies: none closer than the interval in any thread, so at
	// most one per interval (plus the first) per incident over the replay.
	replies := notifytest.CheckReplies(t, fake, replyInterval)
	span := time.Duration(len(events)-1) * arrivalGap
	if limit := len(incidents) * (int(span/replyInterval) + 1); replies == 0 || replies > limit {
		t.Errorf("%d thread replies, want between 1 and %d", replies, limit)
	}
	for _, m := range msgs {
		if notifytest.IsStorm(m) && len(fake.Replies(m.TS)) > 0 {
			t.Errorf("storm message has %d thread replies", len(fake.Replies(m.TS)))
		}
	}
	if p := fake.Problems(); len(p) > 0 {
		t.Errorf("Slack would reject: %q", p)
	}
	t.Logf("%d events (%d distinct, %d redeliveries suppressed) through Handle -> %d top-level messages (%d incidents on their own, 1 storm of %d incidents counting %d events), %d thread replies, %d Slack calls",
		len(events), distinct, suppressed["duplicate"], len(msgs), len(incidents), len(folded), storms, replies, len(fake.Calls()))
}
