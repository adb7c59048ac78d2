package ecs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/internal/localproc"
	"github.com/tracegrid/tracegrid/internal/testevents"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
	"github.com/tracegrid/tracegrid/shared/notify/storetest"
)

// rieBinary finds the AWS Lambda Runtime Interface Emulator: env
// AWS_LAMBDA_RIE, else aws-lambda-rie on PATH (make test installs it into
// .bin, which it puts on PATH). Missing, the test skips, unless make test's
// TRACEGRID_REQUIRE_EMULATORS asks for every real runtime.
func rieBinary(t *testing.T) string {
	p, err := localproc.Find("AWS_LAMBDA_RIE", "aws-lambda-rie")
	if err != nil && os.Getenv(storetest.RequireEnv) != "" {
		t.Fatalf("aws-lambda-rie not found and %s is set (make test installs it into .bin): %v", storetest.RequireEnv, err)
	}
	if err != nil {
		t.Skip("aws-lambda-rie not found (set AWS_LAMBDA_RIE or run `make tools`, which installs it into .bin): skipping the end-to-end test under the Lambda emulator")
	}
	return p
}

// buildBootstrap builds functions/ecs/cmd/bootstrap for the host, with the
// tag the deployed binary uses (other flags as the test's own build, so the
// build cache is shared).
func buildBootstrap(t testing.TB, dir string) string {
	t.Helper()
	out, err := localproc.Build(dir, "bootstrap", localproc.GoBuild{Package: "./cmd/bootstrap", Flags: []string{"-tags", "lambda.norpc"}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// emulator is the bootstrap binary running under aws-lambda-rie.
type emulator struct {
	url    string
	output *localproc.Buffer // the emulator's output: the function's JSON logs
}

// startEmulator runs bootstrap under the emulator on a free loopback port
// (its Runtime API on another) with env, and waits until it accepts
// connections.
func startEmulator(t *testing.T, rie, bootstrap string, env []string) *emulator {
	cmd, addr, err := localproc.RIECommand(rie, bootstrap)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LOG_LEVEL=warn"}, env...)
	p := localproc.StartT(t, "emulator", cmd)
	if err := p.WaitListening(addr, 10*time.Second); err != nil {
		t.Fatalf("emulator did not listen: %v\n%s", err, p.Output)
	}
	return &emulator{url: "http://" + addr + localproc.RIEInvokePath, output: p.Output}
}

// invokeResult is the emulator's answer: the function's response, or its
// error ({"errorMessage","errorType"}).
type invokeResult struct {
	Summary
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
}

func (e *emulator) invoke(t *testing.T, body []byte) invokeResult {
	t.Helper()
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Post(e.url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r invokeResult
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("invoke answered %d %q: %v", resp.StatusCode, b, err)
	}
	return r
}

// stoppedTask returns a STOPPED envelope from testdata/events with a real
// corpus message as both the container reason and the task's stoppedReason,
// a distinct task id, and image as the container image.
func stoppedTask(t *testing.T, file string, n int, msg, image string, extra map[string]any) []byte {
	taskARN := fmt.Sprintf("arn:aws:ecs:eu-west-1:0123456789:task/Features/%032x", n)
	set := map[string]any{
		"detail.taskArn": taskARN, "resources": []any{taskARN}, "detail.containers.0.taskArn": taskARN,
		"detail.containers.0.reason": msg, "detail.stoppedReason": msg, "detail.containers.0.image": image,
	}
	for k, v := range extra {
		set[k] = v
	}
	return patched(t, file, set)
}

// lambdaUnderEmulator builds the bootstrap and runs it under aws-lambda-rie
// with Slack at the shared fake and ECS and CloudWatch Logs at a local
// endpoint serving recorded bodies (ECR too, once a test routes it), plus
// env.
func lambdaUnderEmulator(t *testing.T, env ...string) (*emulator, *fakeslack.Server, *fakeAWS) {
	rie := rieBinary(t)
	bootstrap := buildBootstrap(t, t.TempDir())
	fake := fakeslack.New(testToken)
	t.Cleanup(fake.Close)
	aws := newFakeAWS(t, map[string]awsReply{
		targetDescribeTaskDefinition: {body: recorded(t, "ecs.DescribeTaskDefinition.webapp-15.DERIVED.json")},
		targetGetLogEvents:           {body: recorded(t, "logs.GetLogEvents.awsdocs.json")},
	})
	env = append(append(awsEnv(t, aws),
		"SLACK_API_URL="+fake.APIURL(), "SLACK_BOT_TOKEN="+testToken, "SLACK_CHANNEL=C0TRACEGRID", "TRACEGRID_STORM=off"), env...)
	return startEmulator(t, rie, bootstrap, env), fake, aws
}

// TestLambdaUnderEmulator builds the bootstrap, runs it under the AWS Lambda
// Runtime Interface Emulator and invokes it with real EventBridge envelopes
// carrying real failure messages from the corpus. Slack is the shared fake;
// ECS and CloudWatch Logs are a local server reached through the SDK's
// endpoint overrides.
func TestLambdaUnderEmulator(t *testing.T) {
	emu, fake, _ := lambdaUnderEmulator(t, "AWS_LAMBDA_FUNCTION_TIMEOUT=5", EnvVerify+"=off")

	pullDenied := corpusMessage(t, "a2-ecr-app-repo:latest")
	notFound := corpusMessage(t, `"docker.io/library/ngin:latest"`)
	unreachable := corpusMessage(t, "tryretool/backend:2.110.5")
	asm := corpusMessage(t, "unable to retrieve secret from asm")
	posting := []struct {
		name     string
		body     []byte
		cause    string
		commands []string // substrings of the rendered message: commands with the real names
		text     []string // other substrings: the log tail, links
	}{
		{
			name:     "ECR pull forbidden (" + pullDenied.Source + ")",
			body:     stoppedTask(t, evPull, 1, pullDenied.Message, "123456789123.dkr.ecr.us-east-1.amazonaws.com/a2-ecr-app-repo:latest", nil),
			cause:    pullDenied.Cause,
			commands: []string{"a2-ecr-app-repo", "--region us-east-1"},
		},
		{
			name:     "Docker Hub image typo (" + notFound.Source + ")",
			body:     stoppedTask(t, evPull, 2, notFound.Message, "ngin:latest", nil),
			cause:    notFound.Cause,
			commands: []string{"ngin"},
		},
		{
			name:     "registry timeout (" + unreachable.Source + ")",
			body:     stoppedTask(t, evPull, 3, unreachable.Message, "tryretool/backend:2.110.5", nil),
			cause:    unreachable.Cause,
			commands: []string{"--region eu-west-1"},
		},
		{
			name:     "Secrets Manager unreachable (" + asm.Source + ")",
			body:     stoppedTask(t, evPull, 4, asm.Message, "0123456789.dkr.ecr.eu-west-1.amazonaws.com/webapp:d1a3f22", nil),
			cause:    asm.Cause,
			commands: []string{"--region eu-west-1"},
		},
		{
			name:     "OOM kill, enriched with the container's log tail",
			body:     testevents.Read(t, evOOM),
			cause:    "out_of_memory",
			commands: []string{"task-definition/webapp:15", "--region eu-west-1"},
			text:     []string{"Example event 3", "logsV2:log-groups/log-group/$252Fecs$252Fwebapp"},
		},
		{
			name: "ELB health checks",
			body: stoppedTask(t, evOOM, 5, "", "0123456789.dkr.ecr.eu-west-1.amazonaws.com/webapp:d1a3f22", map[string]any{
				"detail.stopCode": "ServiceSchedulerInitiated", "detail.stoppedReason": healthCheckStop, "detail.containers.0.reason": nil}),
			cause: "health_check_failed",
			text:  []string{"Example event 1"},
		},
	}
	for _, tc := range posting {
		t.Run(tc.name, func(t *testing.T) {
			before := len(fake.Messages())
			r := emu.invoke(t, tc.body)
			if r.ErrorMessage != "" {
				t.Fatalf("function error %s: %s", r.ErrorType, r.ErrorMessage)
			}
			msgs := fake.Messages()
			if len(msgs) != before+1 {
				t.Fatalf("Slack messages = %d, want %d; results %+v", len(msgs), before+1, r.Results)
			}
			m := msgs[len(msgs)-1]
			if m.Metadata == nil || m.Metadata.EventType != "tracegrid_failure" {
				t.Fatalf("metadata = %+v", m.Metadata)
			}
			if got := m.Metadata.EventPayload["cause"]; got != tc.cause {
				t.Errorf("metadata cause = %v, want %s", got, tc.cause)
			}
			rendered := m.Text + m.BlocksJSON
			for _, s := range append(tc.commands, tc.text...) {
				if !strings.Contains(rendered, s) {
					t.Errorf("message lacks %q:\n%s", s, m.BlocksJSON)
				}
			}
		})
	}

	silent := []struct {
		name string
		body []byte
	}{
		{"redelivery of the OOM event", testevents.Read(t, evOOM)},
		{"user stop", testevents.Read(t, evUserEC2)},
		{"deployment replacement", patched(t, evUserEC2, map[string]any{"detail.stopCode": "ServiceSchedulerInitiated",
			"detail.stoppedReason": corpusMessage(t, "Scaling activity initiated by (deployment ecs-svc/8709920613704280865)").Message})},
		{"clean batch exit", patched(t, evUserEC2, map[string]any{"detail.stopCode": "EssentialContainerExited",
			"detail.stoppedReason": "Essential container in task exited", "detail.group": "family:webapp"})},
		{"malformed JSON", []byte(`{"detail-type": "ECS Task State Change", "detail": [`)},
		{"unrelated event", testevents.Read(t, evInstance)},
		{"missing fields", []byte(`{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{"lastStatus":"STOPPED"}}`)},
	}
	for _, tc := range silent {
		t.Run(tc.name, func(t *testing.T) {
			before := len(fake.Calls())
			r := emu.invoke(t, tc.body)
			if r.ErrorMessage != "" {
				t.Fatalf("function error %s: %s (Lambda would retry)", r.ErrorType, r.ErrorMessage)
			}
			if calls := fake.Calls()[before:]; len(calls) != 0 {
				t.Errorf("Slack got %d calls", len(calls))
			}
		})
	}

	// The structured lines CloudWatch Logs Insights queries.
	if out := emu.output.String(); !strings.Contains(out, `"msg":"reported"`) || !strings.Contains(out, `"cause":"out_of_memory"`) ||
		!strings.Contains(out, `"task_arn":"arn:aws:ecs:eu-west-1:0123456789:task/Features/33a7f27282624543abd4a00c3e84d0ee"`) ||
		!strings.Contains(out, `"slack_accepted":true`) || strings.Contains(out, testToken) {
		t.Errorf("function logs lack the reported line (or leak the token):\n%s", out)
	}
	if p := fake.Problems(); len(p) > 0 {
		t.Errorf("Slack rule violations: %q", p)
	}

	t.Run("Slack outage fails the invocation", func(t *testing.T) {
		fails := make([]fakeslack.Fail, 50)
		for i := range fails {
			fails[i] = fakeslack.Fail{Status: http.StatusServiceUnavailable}
		}
		fake.FailNext("chat.postMessage", fails...)
		r := emu.invoke(t, stoppedTask(t, evPull, 6, corpusMessage(t, "logs:CreateLogGroup on resource").Message, "0123456789.dkr.ecr.eu-west-1.amazonaws.com/webapp:d1a3f22", nil))
		if r.ErrorMessage == "" {
			t.Fatalf("invocation succeeded during a Slack outage (%+v); Lambda would drop the event", r.Results)
		}
	})
}
