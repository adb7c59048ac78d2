package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/internal/fakeclock"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

const testToken = "xoxb-test-0000-tracegrid"

// waits records the pauses the retry loop asked for instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) list() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// harness is a Notifier wired to a fake Slack, a memory store and a fake clock.
type harness struct {
	slack *fakeslack.Server
	clock *fakeclock.Clock
	store *MemoryStore
	waits *waits
	n     *Notifier
	logs  *bytes.Buffer
}

func newHarness(t testing.TB, cfg Config, opts ...Option) *harness {
	t.Helper()
	h := &harness{slack: fakeslack.New(testToken), clock: fakeclock.New(t0), waits: &waits{}, logs: &bytes.Buffer{}}
	t.Cleanup(h.slack.Close)
	h.store = NewMemoryStore(h.clock.Now)
	if cfg.APIURL == "" {
		cfg.APIURL = h.slack.APIURL()
	}
	if cfg.BotToken == "" && cfg.WebhookURL == "" && !cfg.DryRun {
		cfg.BotToken, cfg.Channel = testToken, "C0ALERTS"
	}
	if cfg.WebhookURL == "webhook" {
		cfg.WebhookURL = h.slack.WebhookURL()
	}
	base := []Option{WithStore(h.store), WithClock(h.clock.Now), WithSleep(h.waits.sleep),
		WithLogger(slog.New(slog.NewTextHandler(h.logs, nil)))}
	n, err := New(cfg, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	h.n = n
	t.Cleanup(func() {
		if p := h.slack.Problems(); len(p) > 0 {
			t.Errorf("fake Slack saw requests Slack would reject: %q", p)
		}
	})
	return h
}

func TestBotPostShape(t *testing.T) {
	h := newHarness(t, Config{})
	tc := renderCases[0]
	res, err := h.n.Notify(context.Background(), &tc.f, tc.d)
	if err != nil || !res.Posted || res.TS == "" || res.Channel != "C0ALERTS" {
		t.Fatalf("Notify = %+v, %v", res, err)
	}
	calls := h.slack.Calls()
	if len(calls) != 1 || calls[0].Method != "chat.postMessage" {
		t.Fatalf("calls = %+v", calls)
	}
	v := calls[0].Values
	// post_id is the post's intent id, random per post.
	v.Set("metadata", regexp.MustCompile(`"post_id":"[0-9a-z]+",`).ReplaceAllString(v.Get("metadata"), ""))
	for field, want := range map[string]string{
		"token": testToken, "channel": "C0ALERTS", "unfurl_links": "false", "unfurl_media": "false",
		"metadata": `{"event_type":"tracegrid_failure","event_payload":{"cause":"image_not_found","platform":"ecs","resource":"web (app)"}}`,
	} {
		if got := v.Get(field); got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	var posted, rendered any
	want, _ := json.Marshal(Render(&tc.f, tc.d).Blocks)
	if err := json.Unmarshal([]byte(v.Get("blocks")), &posted); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(want, &rendered)
	if !reflect.DeepEqual(posted, rendered) {
		t.Errorf("posted blocks differ from Render:\n%s\n%s", v.Get("blocks"), want)
	}
	if v.Get("text") == "" {
		t.Error("no fallback text")
	}
}

func TestWebhookBody(t *testing.T) {
	h := newHarness(t, Config{WebhookURL: "webhook"})
	tc := renderCases[1]
	res, err := h.n.Notify(context.Background(), &tc.f, tc.d)
	if err != nil || !res.Posted {
		t.Fatalf("Notify = %+v, %v", res, err)
	}
	msgs := h.slack.Messages()
	if len(msgs) != 1 || len(msgs[0].Blocks) == 0 || !strings.Contains(msgs[0].Text, "ledger") {
		t.Fatalf("messages = %+v", msgs)
	}
	body := string(h.slack.Calls()[0].Body)
	if !strings.Contains(body, `"blocks":[{"type":"header"`) || strings.Contains(body, "token") {
		t.Errorf("webhook body = %s", body)
	}
}

func TestDuplicateDelivery(t *testing.T) {
	h := newHarness(t, Config{})
	tc := renderCases[0]
	first, err := h.n.Notify(context.Background(), &tc.f, tc.d)
	if err != nil || !first.Posted {
		t.Fatalf("first = %+v, %v", first, err)
	}
	again, err := h.n.Notify(context.Background(), &tc.f, tc.d)
	if err != nil || again.Posted || again.Suppressed != "duplicate" {
		t.Fatalf("redelivery = %+v, %v", again, err)
	}
	if n := len(h.slack.Calls()); n != 1 {
		t.Errorf("%d Slack calls, want 1", n)
	}
}

func TestFailedPostIsNotMarkedDelivered(t *testing.T) {
	h := newHarness(t, Config{})
	tc := renderCases[0]
	h.slack.FailNext("chat.postMessage", fakeslack.Fail{Status: http.StatusTooManyRequests, RetryAfter: "120"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := h.n.Notify(ctx, &tc.f, tc.d)
	if !errors.Is(err, ErrBudgetExhausted) {
		t.Fatalf("err = %v, want ErrBudgetExhausted", err)
	}
	// The platform retries the same event: it must be posted now.
	res, err := h.n.Notify(context.Background(), &tc.f, tc.d)
	if err != nil || !res.Posted {
		t.Fatalf("retry = %+v, %v", res, err)
	}
	if n := len(h.slack.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

func TestDryRun(t *testing.T) {
	h := newHarness(t, Config{DryRun: true})
	tc := renderCases[0]
	tc.f.Messages = []string{"Get https://ci:tops3cret@registry.example.com/v2/: denied"}
	tc.d.Evidence = ""
	res, err := h.n.Notify(context.Background(), &tc.f, tc.d)
	if err != nil || res.Suppressed != "dry_run" {
		t.Fatalf("Notify = %+v, %v", res, err)
	}
	if n := len(h.slack.Calls()); n != 0 {
		t.Errorf("dry run called Slack %d times", n)
	}
	logs := h.logs.String()
	if !strings.Contains(logs, "would post") || !strings.Contains(logs, "image_not_found") || strings.Contains(logs, "tops3cret") {
		t.Errorf("dry-run log = %s", logs)
	}
}

func TestConfigFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(t *testing.T, c Config)
	}{
		{"bot", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_CHANNEL": "C1"}, "", func(t *testing.T, c Config) {
			if c.APIURL != DefaultAPIURL || c.StormThreshold != 5 || c.StormWindow != 10*time.Minute || c.IncidentWindow != 6*time.Hour {
				t.Errorf("%+v", c)
			}
		}},
		{"api url gets a slash", map[string]string{"SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/x", "SLACK_API_URL": "http://127.0.0.1:9/api"}, "", func(t *testing.T, c Config) {
			if c.APIURL != "http://127.0.0.1:9/api/" {
				t.Errorf("APIURL = %q", c.APIURL)
			}
		}},
		{"dry run needs nothing", map[string]string{"TRACEGRID_DRY_RUN": "1"}, "", nil},
		{"nothing", map[string]string{}, "no Slack destination", nil},
		{"token without channel", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_CHANNEL", nil},
		{"storm", map[string]string{"TRACEGRID_DRY_RUN": "1", "TRACEGRID_STORM": "20/15m", "TRACEGRID_REPLY_INTERVAL": "2m"}, "", func(t *testing.T, c Config) {
			if c.StormThreshold != 20 || c.StormWindow != 15*time.Minute || c.ReplyInterval != 2*time.Minute {
				t.Errorf("%+v", c)
			}
		}},
		{"storm off", map[string]string{"TRACEGRID_DRY_RUN": "1", "TRACEGRID_STORM": "off"}, "", func(t *testing.T, c Config) {
			if c.StormThreshold != 0 {
				t.Errorf("%+v", c)
			}
		}},
		{"bad storm", map[string]string{"TRACEGRID_DRY_RUN": "1", "TRACEGRID_STORM": "many"}, "TRACEGRID_STORM", nil},
		{"bad window", map[string]string{"TRACEGRID_DRY_RUN": "1", "TRACEGRID_INCIDENT_WINDOW": "soon"}, "TRACEGRID_INCIDENT_WINDOW", nil},
		{"bad mention", map[string]string{"TRACEGRID_DRY_RUN": "1", "TRACEGRID_MENTION": "@oncall"}, "TRACEGRID_MENTION", nil},
		{"bad route", map[string]string{"TRACEGRID_DRY_RUN": "1", "TRACEGRID_ROUTES": "pod:x=C1"}, "TRACEGRID_ROUTES", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ConfigFromEnv(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}
