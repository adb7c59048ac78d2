package report

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

func TestReport(t *testing.T) {
	oom := failure.Failure{
		Platform: failure.ECS, Cluster: "prod", Workload: "web", Task: "abc", Container: "app",
		Reason: "EssentialContainerExited", ExitCode: failure.IntPtr(137), EventID: "e1",
		Messages: []string{"OutOfMemoryError: Container killed due to memory usage", "Essential container in task exited"},
	}
	// A user stop, as in testdata/events/aws-ecs-task-state-change.STOPPED-UserInitiated-EC2.aws-samples.json.
	stopped := failure.Failure{Platform: failure.ECS, Cluster: "prod", Workload: "web", Reason: "UserInitiated",
		Messages: []string{"Task stopped by user"}, EventID: "e2"}
	for _, tc := range []struct {
		name     string
		f        failure.Failure
		fail     []fakeslack.Fail
		wantSupp string
		wantErr  func(error) bool
		wantLog  []string
	}{
		{name: "posted", f: oom, wantLog: []string{`msg=reported`, `cause=out_of_memory`, `action=post`}},
		{name: "expected stop skipped", f: stopped, wantSupp: "not_a_failure", wantLog: []string{`msg=skipped`, `cause=not_a_failure`}},
		{name: "permanent", f: oom, fail: []fakeslack.Fail{{Error: "invalid_auth"}},
			wantErr: func(err error) bool { var p *notify.PermanentError; return errors.As(err, &p) },
			wantLog: []string{"Slack refused the message permanently", "slack_error=invalid_auth"}},
		{name: "transient", f: oom, fail: []fakeslack.Fail{{Status: 429, RetryAfter: "3600"}},
			wantErr: func(err error) bool { return errors.Is(err, notify.ErrBudgetExhausted) },
			wantLog: []string{"the platform will retry"}},
		{name: "secret in resource", f: failure.Failure{Platform: failure.Docker, Workload: "job password=hunter2",
			Messages: []string{"exec format error"}}, wantLog: []string{"password=[REDACTED]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fakeslack.New("xoxb-report")
			defer s.Close()
			s.FailNext("chat.postMessage", tc.fail...)
			n, err := notify.New(notify.Config{BotToken: "xoxb-report", Channel: "C1", APIURL: s.APIURL()})
			if err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			r := &Reporter{Notifier: n, Log: slog.New(slog.NewTextHandler(&logs, nil))}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			out, err := r.Report(ctx, &tc.f)
			if tc.wantErr != nil {
				if err == nil || !tc.wantErr(err) {
					t.Fatalf("err = %v", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if out.Result.Suppressed != tc.wantSupp {
				t.Errorf("suppressed = %q, want %q", out.Result.Suppressed, tc.wantSupp)
			}
			for _, w := range tc.wantLog {
				if !strings.Contains(logs.String(), w) {
					t.Errorf("log %q lacks %q", logs.String(), w)
				}
			}
			if strings.Contains(logs.String(), "hunter2") {
				t.Errorf("secret logged: %s", logs.String())
			}
		})
	}
}
