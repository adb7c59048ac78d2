package ecs

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/internal/testevents"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

const testToken = "xoxb-000000000000-0000000000000-tracegridtesttoken"

// slackEnv points the notifier at fake with a bot token.
func slackEnv(t *testing.T, fake *fakeslack.Server) {
	t.Setenv("SLACK_API_URL", fake.APIURL())
	t.Setenv("SLACK_BOT_TOKEN", testToken)
	t.Setenv("SLACK_CHANNEL", "C0TRACEGRID")
	t.Setenv("SLACK_WEBHOOK_URL", "")
	t.Setenv("SLACK_SECRET_ARN", "")
	t.Setenv("TRACEGRID_DRY_RUN", "")
	t.Setenv("TRACEGRID_STORM", "off")
	t.Setenv(EnvDynamoDBTable, "")
	t.Setenv(EnvEnrich, "off")
}

func TestHandleAcknowledgesBadInput(t *testing.T) {
	fake := fakeslack.New(testToken)
	defer fake.Close()
	slackEnv(t, fake)
	tests := []struct {
		name, body, logMsg string
	}{
		{"malformed JSON", `{"source": "aws.ecs", "detail-type": "ECS Task State Change", "detail": {`, "ignored malformed event"},
		{"unrelated event type", string(testevents.Read(t, evInstance)), "ignored event"},
		{"task event with missing fields", `{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{"lastStatus":"STOPPED"}}`, "ignored malformed event"},
		{"service action without a service", string(patched(t, evPlaceSpot, map[string]any{"resources": nil})), "ignored malformed event"},
		{"user stop", string(testevents.Read(t, evUserEC2)), "ignored event"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fn, logs := testFunction(nil)
			out, err := fn.Invoke(context.Background(), []byte(tc.body))
			if err != nil {
				t.Fatalf("Invoke returned %v: Lambda would retry bad input", err)
			}
			var s Summary
			if err := json.Unmarshal(out, &s); err != nil || s.Ignored == "" {
				t.Errorf("summary = %s (%v), want an ignored reason", out, err)
			}
			if !slices.ContainsFunc(logs.lines(t), func(l map[string]any) bool { return l["msg"] == tc.logMsg }) {
				t.Errorf("no %q log line in:\n%s", tc.logMsg, logs)
			}
		})
	}
	if n := len(fake.Calls()); n != 0 {
		t.Errorf("Slack got %d calls for events that post nothing", n)
	}
}

func TestHandleReportsAndDedups(t *testing.T) {
	fake := fakeslack.New(testToken)
	defer fake.Close()
	slackEnv(t, fake)
	fn, logs := testFunction(nil)
	body := testevents.Read(t, evOOM)
	for i, want := range []struct {
		posted     bool
		suppressed string
	}{{true, ""}, {false, "duplicate"}} {
		s, err := fn.Handle(context.Background(), body)
		if err != nil {
			t.Fatalf("delivery %d: %v", i+1, err)
		}
		if len(s.Results) != 1 || s.Results[0].Posted != want.posted || s.Results[0].Suppressed != want.suppressed {
			t.Fatalf("delivery %d: results = %+v, want posted=%v suppressed=%q", i+1, s.Results, want.posted, want.suppressed)
		}
	}
	msgs := fake.Messages()
	if len(msgs) != 1 {
		t.Fatalf("Slack has %d messages after a redelivery, want 1", len(msgs))
	}
	if p := fake.Problems(); len(p) > 0 {
		t.Errorf("Slack rule violations: %q", p)
	}
	if m := msgs[0].Metadata; m == nil || m.EventType != "tracegrid_failure" || m.EventPayload["cause"] != "out_of_memory" {
		t.Errorf("metadata = %+v", msgs[0].Metadata)
	}
	// The structured line CloudWatch Logs Insights queries.
	var reported map[string]any
	for _, l := range logs.lines(t) {
		if l["msg"] == "reported" {
			reported = l
			break
		}
	}
	if reported == nil {
		t.Fatalf("no reported line:\n%s", logs)
	}
	for k, v := range map[string]any{
		"cause": "out_of_memory", "slack_accepted": true, "resource": "Webapp",
		"task_arn":  "arn:aws:ecs:eu-west-1:0123456789:task/Features/33a7f27282624543abd4a00c3e84d0ee",
		"event_id":  "arn:aws:ecs:eu-west-1:0123456789:task/Features/33a7f27282624543abd4a00c3e84d0ee#7",
		"cluster":   "Features",
		"container": "Webapp",
	} {
		if reported[k] != v {
			t.Errorf("reported[%q] = %v, want %v", k, reported[k], v)
		}
	}
}

func TestHandleSlackOutageIsRetried(t *testing.T) {
	fake := fakeslack.New(testToken)
	defer fake.Close()
	slackEnv(t, fake)
	fails := make([]fakeslack.Fail, 20)
	for i := range fails {
		fails[i] = fakeslack.Fail{Status: http.StatusServiceUnavailable}
	}
	fake.FailNext("chat.postMessage", fails...)
	fn, _ := testFunction(nil)
	// The Lambda context carries the function's deadline; delivery gives up
	// before it so the invocation fails (and is retried) instead of timing out.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := fn.Invoke(ctx, testevents.Read(t, evOOM))
	if err == nil {
		t.Fatal("Invoke = nil during a Slack outage; Lambda would drop the event")
	}
	if !errors.Is(err, notify.ErrBudgetExhausted) {
		t.Errorf("Invoke = %v, want a budget-exhausted delivery error", err)
	}
}

func TestSlackCredentialFromSecretsManager(t *testing.T) {
	fake := fakeslack.New(testToken)
	defer fake.Close()
	secret := func(v string) awsReply {
		return awsReply{body: strings.Replace(recorded(t, "secretsmanager.GetSecretValue.DERIVED.json"), "{{SECRET}}", v, 1)}
	}
	const arn = "arn:aws:secretsmanager:eu-west-1:0123456789:secret:tracegrid/slack-a1b2c3"
	tests := []struct {
		name    string
		value   string
		method  string // the fake Slack endpoint that must receive the post
		wantErr bool
	}{
		{"bot token", testToken, "chat.postMessage", false},
		{"incoming webhook", fake.WebhookURL(), "webhook", false},
		{"neither", "hunter2-not-a-slack-credential", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			aws := newFakeAWS(t, map[string]awsReply{targetGetSecretValue: secret(tc.value)})
			setEnv(t, awsEnv(t, aws))
			slackEnv(t, fake)
			t.Setenv("SLACK_BOT_TOKEN", "")
			t.Setenv("SLACK_SECRET_ARN", arn)
			rec := &opRecorder{}
			fn, logs := testFunction(rec)
			before := len(fake.Calls())
			_, err := fn.Handle(context.Background(), testevents.Read(t, evPull))
			checkIAM(t, rec)
			if strings.Contains(logs.String(), tc.value) || (err != nil && strings.Contains(err.Error(), tc.value)) {
				t.Errorf("the secret value leaked into logs or errors:\n%s\n%v", logs, err)
			}
			if tc.wantErr {
				if !errors.Is(err, notify.ErrSecretValue) {
					t.Fatalf("Handle = %v, want notify.ErrSecretValue", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			calls := fake.Calls()[before:]
			if len(calls) != 1 || calls[0].Method != tc.method {
				t.Fatalf("Slack calls = %+v, want one %s", calls, tc.method)
			}
			// Read once per cold start.
			if _, err := fn.Handle(context.Background(), testevents.Read(t, evOOM)); err != nil {
				t.Fatal(err)
			}
			if n := len(aws.calls(targetGetSecretValue)); n != 1 {
				t.Errorf("GetSecretValue called %d times, want once", n)
			}
		})
	}
}

func TestRecoveryPostsNothingNew(t *testing.T) {
	fake := fakeslack.New(testToken)
	defer fake.Close()
	slackEnv(t, fake)
	fn, _ := testFunction(nil)
	ctx := context.Background()
	if _, err := fn.Handle(ctx, testevents.Read(t, evOOM)); err != nil {
		t.Fatal(err)
	}
	running := patched(t, evRunning, map[string]any{"detail.group": "service:Webapp", "account": "0123456789", "region": "eu-west-1",
		"detail.clusterArn": "arn:aws:ecs:eu-west-1:0123456789:cluster/Features"})
	s, err := fn.Handle(ctx, running)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Results) != 1 {
		t.Fatalf("results = %+v", s.Results)
	}
	if n := len(fake.Messages()); n != 1 {
		t.Errorf("Slack has %d top-level messages after a recovery, want the 1 failure", n)
	}
	// Alone, a recovery has nothing to resolve and posts nothing.
	fn2, _ := testFunction(nil)
	if s, err := fn2.Handle(ctx, running); err != nil || len(s.Results) != 1 || s.Results[0].Posted {
		t.Errorf("lone recovery: %+v, %v", s, err)
	}
	if n := len(fake.Messages()); n != 1 {
		t.Errorf("a lone recovery posted: %d messages", n)
	}
}

func TestLocalHandler(t *testing.T) {
	fake := fakeslack.New(testToken)
	defer fake.Close()
	slackEnv(t, fake)
	h, err := LocalHandler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(string(testevents.Read(t, evPlaceCPU))))
	if err != nil {
		t.Fatal(err)
	}
	var s Summary
	err = json.NewDecoder(resp.Body).Decode(&s)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || len(s.Results) != 1 || !s.Results[0].Posted || s.Results[0].Cause != "insufficient_capacity" {
		t.Fatalf("POST: %d %+v %v", resp.StatusCode, s, err)
	}
	resp, err = http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET = %d, want 405", resp.StatusCode)
	}
}
