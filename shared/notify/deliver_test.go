package notify

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

func TestDeliveryRetries(t *testing.T) {
	for _, tc := range []struct {
		name      string
		method    string // fakeslack method to fail
		webhook   bool
		fails     []fakeslack.Fail
		budget    time.Duration
		wantWaits []time.Duration
		wantErr   func(error) bool
		wantPosts int
	}{
		{
			name: "429 honours Retry-After", method: "chat.postMessage",
			fails:     []fakeslack.Fail{{Status: 429, RetryAfter: "3", Error: "ratelimited"}, {Status: 429, RetryAfter: "7", Error: "ratelimited"}},
			wantWaits: []time.Duration{3 * time.Second, 7 * time.Second}, wantPosts: 1,
		},
		{
			name: "5xx backs off", method: "chat.postMessage",
			fails:     []fakeslack.Fail{{Status: 500}, {Status: 503}, {Status: 502}},
			wantWaits: []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}, wantPosts: 1,
		},
		{
			name: "timeout is retried", method: "chat.postMessage",
			fails:     []fakeslack.Fail{{Delay: 5 * time.Second}},
			wantWaits: []time.Duration{500 * time.Millisecond}, wantPosts: 1,
		},
		{
			name: "internal_error in a 200 body is retried", method: "chat.postMessage",
			fails:     []fakeslack.Fail{{Error: "internal_error"}},
			wantWaits: []time.Duration{500 * time.Millisecond}, wantPosts: 1,
		},
		{
			name: "Retry-After beyond the budget fails now", method: "chat.postMessage",
			fails: []fakeslack.Fail{{Status: 429, RetryAfter: "600", Error: "ratelimited"}}, budget: 5 * time.Second,
			wantErr: func(err error) bool { return errors.Is(err, ErrBudgetExhausted) },
		},
		{
			name: "5xx until the budget runs out", method: "chat.postMessage", budget: 4 * time.Second,
			fails:     slices.Repeat([]fakeslack.Fail{{Status: 503}}, 10),
			wantWaits: []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second},
			wantErr:   func(err error) bool { return errors.Is(err, ErrBudgetExhausted) },
		},
		{
			name: "invalid_auth is permanent", method: "chat.postMessage",
			fails: []fakeslack.Fail{{Error: "invalid_auth"}},
			wantErr: func(err error) bool {
				var p *PermanentError
				return errors.As(err, &p) && p.Code == "invalid_auth"
			},
		},
		{
			name: "channel_not_found is permanent", method: "chat.postMessage",
			fails: []fakeslack.Fail{{Error: "channel_not_found"}},
			wantErr: func(err error) bool {
				var p *PermanentError
				return errors.As(err, &p) && p.Code == "channel_not_found"
			},
		},
		{
			name: "webhook 429", method: "webhook", webhook: true,
			fails:     []fakeslack.Fail{{Status: 429, RetryAfter: "2"}},
			wantWaits: []time.Duration{2 * time.Second}, wantPosts: 1,
		},
		{
			name: "webhook deleted is permanent", method: "webhook", webhook: true,
			fails: []fakeslack.Fail{{Status: http.StatusNotFound, Error: "no_service"}},
			wantErr: func(err error) bool {
				var p *PermanentError
				return errors.As(err, &p) && p.Code == "http_404"
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{}
			if tc.webhook {
				cfg.WebhookURL = "webhook"
			}
			h := newHarness(t, cfg, WithAttemptTimeout(time.Second))
			h.slack.FailNext(tc.method, tc.fails...)
			ctx := context.Background()
			if tc.budget > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.budget)
				defer cancel()
			}
			f := renderCases[0].f
			res, err := h.n.Notify(ctx, &f, renderCases[0].d)
			if tc.wantErr != nil {
				if err == nil || !tc.wantErr(err) {
					t.Fatalf("err = %v (%T)", err, err)
				}
			} else if err != nil || !res.Posted {
				t.Fatalf("Notify = %+v, %v", res, err)
			}
			if got := h.waits.list(); !slices.Equal(got, tc.wantWaits) {
				t.Errorf("waits = %v, want %v", got, tc.wantWaits)
			}
			if n := len(h.slack.Messages()); n != tc.wantPosts {
				t.Errorf("%d messages, want %d", n, tc.wantPosts)
			}
		})
	}
}

// A post that failed for good leaves nothing marked posted: once Slack is
// fixed, the platform's retry of the same event posts it.
func TestPermanentFailureThenFixed(t *testing.T) {
	h := newHarness(t, Config{})
	h.slack.FailNext("chat.postMessage", fakeslack.Fail{Error: "not_in_channel"})
	f, d := renderCases[0].f, renderCases[0].d
	if _, err := h.n.Notify(context.Background(), &f, d); err == nil {
		t.Fatal("no error")
	}
	res, err := h.n.Notify(context.Background(), &f, d)
	if err != nil || res.Action != "post" {
		t.Fatalf("retry = %+v, %v", res, err)
	}
	if m := h.slack.Messages(); len(m) != 1 || seenCount(m[0]) != 1 {
		t.Errorf("messages = %+v", m)
	}
}

// The webhook URL carries its secret in the path: a failed post must not
// put it in the error that callers log.
func TestWebhookURLNotInErrors(t *testing.T) {
	h := newHarness(t, Config{WebhookURL: "http://127.0.0.1:1/services/T0/B0/s3cretpath"})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	f := renderCases[0].f
	_, err := h.n.Notify(ctx, &f, renderCases[0].d)
	if err == nil || strings.Contains(err.Error(), "s3cretpath") || strings.Contains(h.logs.String(), "s3cretpath") {
		t.Fatalf("err = %v\nlogs: %s", err, h.logs)
	}
}
