package ecs

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/middleware"
	"github.com/tracegrid/tracegrid/internal/localproc"
	"github.com/tracegrid/tracegrid/internal/testevents"
)

// Envelopes from ../../testdata/events used by several tests.
const (
	evPull       = "aws-ecs-task-state-change.STOPPED-CannotPullContainerError.DERIVED.json"
	evOOM        = "aws-ecs-task-state-change.STOPPED-EssentialContainerExited-OOM.DERIVED.json"
	evUserEC2    = "aws-ecs-task-state-change.STOPPED-UserInitiated-EC2.aws-samples.json"
	evUserFarg   = "aws-ecs-task-state-change.STOPPED-Fargate-UserInitiated.third-party-capture-2024.json"
	evRunning    = "aws-ecs-task-state-change.full-example.awsdocs.json"
	evExit0      = "aws-ecs-task-state-change.STOPPED-container-exit0.aws-lambda-dotnet-test.json"
	evInstance   = "aws-ecs-container-instance-state-change.aws-lambda-go-testdata.json"
	evPlaceSpot  = "ecs-service-action.SERVICE_TASK_PLACEMENT_FAILURE.fargate-spot.awsdocs.json"
	evPlaceCPU   = "ecs-service-action.SERVICE_TASK_PLACEMENT_FAILURE.ec2-cpu.awsdocs.json"
	evImpaired   = "ecs-service-action.SERVICE_TASK_START_IMPAIRED.awsdocs.json"
	evSteady     = "ecs-service-action.SERVICE_STEADY_STATE.awsdocs.json"
	evDeployFail = "ecs-deployment-state-change.SERVICE_DEPLOYMENT_FAILED.awsdocs.json"
)

// patched returns the event in file with values set at dotted paths
// ("detail.containers.0.exitCode"); a nil value deletes the key.
func patched(t testing.TB, file string, set map[string]any) []byte {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(testevents.Read(t, file), &ev); err != nil {
		t.Fatal(err)
	}
	for path, v := range set {
		keys := strings.Split(path, ".")
		var cur any = ev
		for _, k := range keys[:len(keys)-1] {
			switch c := cur.(type) {
			case map[string]any:
				cur = c[k]
			case []any:
				i, _ := strconv.Atoi(k)
				cur = c[i]
			}
		}
		last := keys[len(keys)-1]
		switch c := cur.(type) {
		case map[string]any:
			if v == nil {
				delete(c, last)
			} else {
				c[last] = v
			}
		case []any:
			i, _ := strconv.Atoi(last)
			c[i] = v
		default:
			t.Fatalf("patch %s: no such path in %s", path, file)
		}
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// corpusEntry is one line of testdata/corpus/messages.jsonl.
type corpusEntry struct {
	Platform string `json:"platform"`
	Field    string `json:"field"`
	Message  string `json:"message"`
	Cause    string `json:"cause"`
	Source   string `json:"source"`
}

// corpusMessage returns the corpus entry for ECS whose message contains
// substr, so a test cites the real message it replays.
func corpusMessage(t testing.TB, substr string) corpusEntry {
	t.Helper()
	f, err := os.Open("../../testdata/corpus/messages.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e corpusEntry
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.Platform == "ecs" && strings.Contains(e.Message, substr) {
			return e
		}
	}
	t.Fatalf("no ECS corpus message contains %q", substr)
	return corpusEntry{}
}

// awsReply is one canned answer of the fake AWS endpoint.
type awsReply struct {
	status int
	body   string
}

// fakeAWS serves recorded awsJson1_1 responses keyed by X-Amz-Target and
// records the request bodies it received.
type fakeAWS struct {
	*httptest.Server
	mu       sync.Mutex
	replies  map[string]awsReply
	routes   map[string]func(req map[string]any) awsReply
	requests map[string][]map[string]any
}

// Operation targets (X-Amz-Target) of the APIs this function calls.
const (
	targetDescribeTaskDefinition = "AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition"
	targetGetLogEvents           = "Logs_20140328.GetLogEvents"
	targetGetSecretValue         = "secretsmanager.GetSecretValue"
	targetDescribeImages         = "AmazonEC2ContainerRegistry_V20150921.DescribeImages"
)

func newFakeAWS(t testing.TB, replies map[string]awsReply) *fakeAWS {
	f := &fakeAWS{replies: replies, requests: map[string][]map[string]any{}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.Header.Get("X-Amz-Target")
		if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
			http.Error(w, `{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}`, http.StatusForbidden)
			return
		}
		var req map[string]any
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &req)
		f.mu.Lock()
		f.requests[target] = append(f.requests[target], req)
		rep, ok := f.replies[target]
		route := f.routes[target]
		f.mu.Unlock()
		if route != nil {
			rep, ok = route(req), true
		}
		if !ok {
			rep = awsReply{http.StatusBadRequest, `{"__type":"UnknownOperationException"}`}
		}
		if rep.status == 0 {
			rep.status = http.StatusOK
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Requestid", "c0ffee00-0000-4000-8000-000000000000")
		w.WriteHeader(rep.status)
		_, _ = io.WriteString(w, rep.body)
	}))
	t.Cleanup(f.Close)
	return f
}

// route answers target with fn's reply for each request body, instead of
// a fixed reply.
func (f *fakeAWS) route(target string, fn func(req map[string]any) awsReply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.routes == nil {
		f.routes = map[string]func(map[string]any) awsReply{}
	}
	f.routes[target] = fn
}

func (f *fakeAWS) calls(target string) []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[target]
}

// recorded reads a recorded response from testdata/aws.
func recorded(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata/aws", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// awsEnv points the AWS SDK at f with static test credentials, and keeps
// it away from the developer's own AWS configuration.
func awsEnv(t testing.TB, f *fakeAWS) []string {
	env := []string{
		"AWS_ENDPOINT_URL_ECS=" + f.URL,
		"AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=" + f.URL,
		"AWS_ENDPOINT_URL_SECRETS_MANAGER=" + f.URL,
		"AWS_ENDPOINT_URL_ECR=" + f.URL,
		"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
		"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_REGION=eu-west-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + filepath.Join(t.TempDir(), "none"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(t.TempDir(), "none"),
	}
	return env
}

func setEnv(t *testing.T, env []string) {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// opRecorder records the operations the SDK clients invoke, by service id
// and operation name, through a smithy Initialize middleware.
type opRecorder struct {
	mu  sync.Mutex
	ops []string
}

func (r *opRecorder) option() func(*config.LoadOptions) error {
	return config.WithAPIOptions([]func(*middleware.Stack) error{func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("tracegridRecordOperation",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				r.mu.Lock()
				r.ops = append(r.ops, middleware.GetServiceID(ctx)+":"+middleware.GetOperationName(ctx))
				r.mu.Unlock()
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	}})
}

// iamPrefix maps SDK service ids to IAM action prefixes.
var iamPrefix = map[string]string{
	"ECS":             "ecs",
	"CloudWatch Logs": "logs",
	"Secrets Manager": "secretsmanager",
	"DynamoDB":        "dynamodb",
	"ECR":             "ecr",
}

// actions returns the recorded operations as IAM actions.
func (r *opRecorder) actions(t testing.TB) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, op := range r.ops {
		svc, name, _ := strings.Cut(op, ":")
		p, ok := iamPrefix[svc]
		if !ok {
			t.Errorf("SDK call to service %q has no IAM prefix mapping", svc)
			continue
		}
		if a := p + ":" + name; !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// checkIAM fails t when the SDK invoked an operation missing from IAMActions.
func checkIAM(t testing.TB, r *opRecorder) {
	t.Helper()
	for _, a := range r.actions(t) {
		if !slices.Contains(IAMActions, a) {
			t.Errorf("the function called %s, which IAMActions (and so the Terraform policy) lacks", a)
		}
	}
}

// logBuffer is a concurrency-safe log sink for a JSON slog handler.
type logBuffer struct{ localproc.Buffer }

// lines returns the JSON log lines.
func (l *logBuffer) lines(t testing.TB) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		out = append(out, m)
	}
	return out
}

// testFunction returns a Function that logs to the returned buffer and
// records its SDK operations in rec.
func testFunction(rec *opRecorder) (*Function, *logBuffer) {
	buf := &logBuffer{}
	var opts []func(*config.LoadOptions) error
	if rec != nil {
		opts = append(opts, rec.option())
	}
	fn := New(opts...)
	fn.log = slog.New(slog.NewJSONHandler(buf, nil))
	return fn, buf
}
