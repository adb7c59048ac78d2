package notify

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

// Finding 3: Slack accepts the post but answers after 15 s, past the
// client's attempt timeout (shortened here so the test does not wait). The
// retry looks the message up by its post_id and adopts it: one message,
// whether the lookup happens in the same invocation or in the platform's
// retry after the first invocation ran out of time.
func TestSlowSlackPostsOnce(t *testing.T) {
	slow := fakeslack.Fail{Accept: true, Delay: 15 * time.Second}
	t.Run("same invocation", func(t *testing.T) {
		h := newHarness(t, Config{}, WithAttemptTimeout(100*time.Millisecond))
		h.slack.FailNext("chat.postMessage", slow, slow)
		f, d := renderCases[0].f, renderCases[0].d
		res, err := h.n.Notify(context.Background(), &f, d)
		if err != nil || res.Action != "post" || res.TS == "" {
			t.Fatalf("Notify = %+v, %v", res, err)
		}
		if n := len(h.slack.Messages()); n != 1 {
			t.Errorf("%d messages, want 1", n)
		}
		if m := h.slack.Messages()[0]; m.TS != res.TS {
			t.Errorf("adopted ts %s, message is %s", res.TS, m.TS)
		}
	})
	t.Run("lambda retries", func(t *testing.T) {
		h := newHarness(t, Config{}, WithAttemptTimeout(100*time.Millisecond))
		h.slack.FailNext("chat.postMessage", slow, slow, slow)
		f, d := renderCases[0].f, renderCases[0].d
		var results []string
		for range 3 { // the invocation and Lambda's two async retries
			ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
			res, err := h.n.Notify(ctx, &f, d)
			cancel()
			results = append(results, fmt.Sprint(res.Action, res.Suppressed, err != nil))
		}
		if n := len(h.slack.Messages()); n != 1 {
			t.Errorf("%d messages, want 1 (results %q)", n, results)
		}
		if results[len(results)-1] != "duplicatefalse" && results[1] != "postfalse" {
			t.Errorf("results = %q", results)
		}
		// A later repeat updates the one message.
		f.EventID = "repeat"
		if res, err := h.n.Notify(context.Background(), &f, d); err != nil || res.Action != "update" {
			t.Errorf("repeat = %+v, %v", res, err)
		}
	})
}

// Finding 7: Slack refuses to edit the incident's message
// (cant_update_message, edit_window_closed). A new message takes its place,
// linking the old one, and later repeats update the new message.
func TestEditRefusedPostsNewMessage(t *testing.T) {
	for _, code := range []string{"cant_update_message", "edit_window_closed"} {
		t.Run(code, func(t *testing.T) {
			h := newHarness(t, Config{})
			for i := range 4 {
				if i == 1 {
					h.slack.FailNext("chat.update", fakeslack.Fail{Error: code})
				}
				f, d := crash("cart", i)
				if _, err := h.n.Notify(context.Background(), f, d); err != nil {
					t.Fatalf("event %d: %v", i, err)
				}
			}
			msgs := h.slack.Messages()
			if len(msgs) != 2 {
				t.Fatalf("%d messages, want the first and its replacement", len(msgs))
			}
			if !strings.Contains(msgs[1].BlocksJSON, "/archives/C0ALERTS/p"+strings.ReplaceAll(msgs[0].TS, ".", "")+"|an earlier message") {
				t.Errorf("replacement does not link the first message: %s", msgs[1].BlocksJSON)
			}
			if msgs[1].Updates < 1 || seenCount(msgs[1]) != 4 {
				t.Errorf("replacement shows %d after %d updates", seenCount(msgs[1]), msgs[1].Updates)
			}
		})
	}
}

// Finding 8: a 330-event storm, one event every 10 ms (Slack's tiers and
// Config.UpdateGap scaled down 50 times: 2 events a second, 3 s between
// edits, 50 calls a minute with a burst of 10), each event a concurrent
// invocation. Edits are paced, so Slack stays within its limit: no 429, no
// failed invocation, and the storm message ends with the exact count.
func TestStorm330EventsWithinRateLimit(t *testing.T) {
	const events, scale = 330, 50
	s := fakeslack.New(testToken)
	defer s.Close()
	s.RateLimit(50.0/60*scale, 10)
	n, err := New(Config{BotToken: testToken, Channel: "C0ALERTS", APIURL: s.APIURL(),
		StormThreshold: 5, StormWindow: 10 * time.Minute, UpdateGap: 3 * time.Second / scale})
	if err != nil {
		t.Fatal(err)
	}
	var failed atomic.Int32
	var wg sync.WaitGroup
	for i := range events {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := &failure.Failure{Platform: failure.ECS, Account: "123456789012", Cluster: "prod",
				Workload: fmt.Sprintf("svc-%03d", i), Task: "t", EventID: fmt.Sprint("storm-", i)}
			d := classify.Diagnosis{Cause: classify.RegistryUnreachable, Title: "Registry unreachable", Confidence: classify.High}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if _, err := n.Notify(ctx, f, d); err != nil {
				failed.Add(1)
				t.Log(err)
			}
		}()
		time.Sleep(time.Second / 2 / scale) // 2 events a second, scaled
	}
	wg.Wait()
	calls := s.Calls()
	t.Logf("%d events: %d Slack calls, %d answered 429, %d failed invocations", events, len(calls), s.RateLimited(), failed.Load())
	if s.RateLimited() > 0 || failed.Load() > 0 {
		t.Errorf("%d calls answered 429, %d invocations failed; want 0 and 0", s.RateLimited(), failed.Load())
	}
	if len(calls) > events/3 {
		t.Errorf("%d Slack calls for %d events", len(calls), events)
	}
	msgs := s.Messages()
	if len(msgs) != 6 {
		t.Fatalf("%d top-level messages, want 5 incidents and 1 storm", len(msgs))
	}
	if c := regexp.MustCompile(`(\d+) events since`).FindStringSubmatch(msgs[5].BlocksJSON); c == nil || c[1] != fmt.Sprint(events-5) {
		t.Errorf("storm message counts %v, want %d events", c, events-5)
	}
}

// Finding 5: a recovery resolves an incident only when it is newer than the
// latest failure, about the failing container, and not an older revision
// of the failing task definition.
func TestRecoveryMustMatchFailure(t *testing.T) {
	at := time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		fail, up failure.Failure
		resolves bool
	}{
		{"stale ECS RUNNING event",
			failure.Failure{Platform: failure.ECS, Cluster: "ord", Workload: "ordsvc", Task: "newtask", TaskDefinition: "ordsvc:8", Time: at},
			failure.Failure{Platform: failure.ECS, Cluster: "ord", Workload: "ordsvc", Task: "oldtask111", TaskDefinition: "ordsvc:8", Time: at.Add(-time.Hour)}, false},
		{"old revision still running during a failed deployment",
			failure.Failure{Platform: failure.ECS, Cluster: "ord", Workload: "ordsvc", Task: "newtask", TaskDefinition: "arn:aws:ecs:eu-west-1:1:task-definition/ordsvc:8", Time: at},
			failure.Failure{Platform: failure.ECS, Cluster: "ord", Workload: "ordsvc", Task: "oldtask", TaskDefinition: "arn:aws:ecs:eu-west-1:1:task-definition/ordsvc:7", Time: at.Add(time.Minute)}, false},
		{"fixed revision running",
			failure.Failure{Platform: failure.ECS, Cluster: "ord", Workload: "ordsvc", Task: "newtask", TaskDefinition: "ordsvc:8", Time: at},
			failure.Failure{Platform: failure.ECS, Cluster: "ord", Workload: "ordsvc", Task: "fixed", TaskDefinition: "ordsvc:9", Time: at.Add(time.Minute)}, true},
		{"sidecar started",
			failure.Failure{Platform: failure.Kubernetes, Namespace: "default", Workload: "api", Task: "api-6b9f8d7c5-q1w2e", Container: "api", Time: at},
			failure.Failure{Platform: failure.Kubernetes, Namespace: "default", Workload: "api", Task: "api-6b9f8d7c5-q1w2e", Container: "istio-proxy", Time: at.Add(time.Minute)}, false},
		{"main container started",
			failure.Failure{Platform: failure.Kubernetes, Namespace: "default", Workload: "api", Task: "api-6b9f8d7c5-q1w2e", Container: "api", Time: at},
			failure.Failure{Platform: failure.Kubernetes, Namespace: "default", Workload: "api", Task: "api-6b9f8d7c5-q1w2e", Container: "api", Time: at.Add(time.Minute)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			tc.fail.EventID, tc.up.EventID, tc.up.Recovered = "fail", "up", true
			d := classify.Diagnosis{Cause: classify.ImageNotFound, Title: "Image not found", Confidence: classify.High}
			if _, err := h.n.Notify(context.Background(), &tc.fail, d); err != nil {
				t.Fatal(err)
			}
			res, err := h.n.Notify(context.Background(), &tc.up, classify.Diagnosis{Cause: classify.NotAFailure})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Action == "resolve"; got != tc.resolves {
				t.Errorf("recovery = %+v, want resolved %v", res, tc.resolves)
			}
		})
	}
}

// Finding 10: an event acknowledged while another invocation is still
// posting its incident's message says so in the log, and the holder shows
// it once its post goes through.
func TestPendingBehindHolderIsLogged(t *testing.T) {
	h := newHarness(t, Config{}, WithAttemptTimeout(5*time.Second))
	h.slack.FailNext("chat.postMessage", fakeslack.Fail{Status: 503, Delay: 300 * time.Millisecond})
	first, d := crash("cart", 0)
	done := make(chan error)
	go func() {
		_, err := h.n.Notify(context.Background(), first, d)
		done <- err
	}()
	time.Sleep(100 * time.Millisecond) // the first holds the lease, its post unanswered
	second, _ := crash("cart", 1)
	res, err := h.n.Notify(context.Background(), second, d)
	if err != nil || res.Suppressed != "pending" {
		t.Fatalf("second = %+v, %v; want pending", res, err)
	}
	if !strings.Contains(h.logs.String(), "acknowledged while another invocation posts") {
		t.Errorf("no log line for the pending event: %s", h.logs)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if m := h.slack.Messages(); len(m) != 1 || seenCount(m[0]) != 2 {
		t.Errorf("messages = %d, want one showing 2", len(m))
	}
}

// A lone repeat of an incident is shown at once: pacing waits only when
// more changes queue up than one, or for a storm message.
func TestLoneRepeatIsNotPaced(t *testing.T) {
	h := newHarness(t, Config{})
	for i := range 3 {
		f, d := crash("cart", i)
		if res, err := h.n.Notify(context.Background(), f, d); err != nil || (i > 0 && res.Action != "update") {
			t.Fatalf("event %d: %+v, %v", i, res, err)
		}
	}
	if w := h.waits.list(); len(w) != 0 {
		t.Errorf("waited %v", w)
	}
}
