package ecs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/tracegrid/tracegrid/functions/ecs/dynamostate"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/redact"
	"github.com/tracegrid/tracegrid/shared/report"
	"github.com/tracegrid/tracegrid/shared/verify"
)

// Environment variables read by this adapter, beyond those of shared/notify
// (SLACK_BOT_TOKEN, SLACK_CHANNEL, SLACK_WEBHOOK_URL, SLACK_API_URL,
// TRACEGRID_DRY_RUN) and the AWS SDK's own.
const (
	// EnvSlackSecretARN names a Secrets Manager secret whose value is a Slack
	// bot token (xoxb-...) or an incoming webhook URL.
	EnvSlackSecretARN = "SLACK_SECRET_ARN"
	// EnvEnrich set to "off" skips the ECS and CloudWatch Logs calls.
	EnvEnrich = "TRACEGRID_ENRICH"
	// EnvDynamoDBTable names the DynamoDB table for durable dedup state.
	EnvDynamoDBTable = "TRACEGRID_DYNAMODB_TABLE"
)

// maxEventBytes is EventBridge's maximum event size (256 KiB).
const maxEventBytes = 256 << 10

// Function is the ECS adapter as one long-lived value: a Lambda handler (it
// implements lambda.Handler, so it receives the raw event bytes and can
// acknowledge bodies that are not JSON) and the core of LocalHandler. Its
// Slack notifier, secret and AWS clients are set up on the first event and
// kept for the life of the process.
type Function struct {
	log     *slog.Logger
	clients *awsClients

	// notifyOptions are appended to the notifier's options when setup
	// builds it, so they win over the defaults. Only tests set them
	// (before the first event), to inject a clock; production leaves it nil.
	notifyOptions []notify.Option

	mu       sync.Mutex
	notifier *notify.Notifier
	enricher *enricher
	verify   *verify.Stage // nil with TRACEGRID_VERIFY=off
}

// New returns a Function that logs JSON lines to stdout. awsOptions are
// passed to the AWS SDK's config loader (tests use them to observe calls).
func New(awsOptions ...func(*config.LoadOptions) error) *Function {
	return &Function{
		log:     slog.New(redact.Handler(slog.NewJSONHandler(os.Stdout, nil))),
		clients: newAWSClients(awsOptions...),
	}
}

// Summary is what one event produced; LocalHandler answers with it.
type Summary struct {
	// Ignored says why an event was acknowledged without a report
	// (malformed body, unrelated event type, expected stop).
	Ignored string   `json:"ignored,omitempty"`
	Results []Result `json:"results,omitempty"`
}

// Result is the outcome for one failure in an event.
type Result struct {
	Cause      string `json:"cause"`
	Title      string `json:"title"`
	Resource   string `json:"resource"`
	TaskARN    string `json:"task_arn,omitempty"`
	EventID    string `json:"event_id,omitempty"`
	Posted     bool   `json:"posted"`
	Suppressed string `json:"suppressed,omitempty"`
}

// Invoke implements lambda.Handler. It returns an error only when Slack
// delivery failed in a way worth a retry (Lambda retries, then the
// on-failure destination keeps the event); bad input is logged and
// acknowledged.
func (fn *Function) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	s, err := fn.Handle(ctx, payload)
	if err != nil {
		return nil, err
	}
	return json.Marshal(s)
}

// Handle decodes one EventBridge event, enriches its failures (unless
// TRACEGRID_ENRICH=off) and reports them. The error is non-nil only for a
// transient setup or delivery failure.
func (fn *Function) Handle(ctx context.Context, body []byte) (Summary, error) {
	ds, err := decode(body)
	if err != nil {
		fn.log.WarnContext(ctx, "ignored malformed event", slog.String("error", err.Error()), slog.Int("bytes", len(body)))
		return Summary{Ignored: err.Error()}, nil
	}
	if len(ds) == 0 {
		fn.log.InfoContext(ctx, "ignored event", ignoredAttrs(body)...)
		return Summary{Ignored: "no failure in event"}, nil
	}
	n, enr, err := fn.setup(ctx)
	if err != nil {
		fn.log.ErrorContext(ctx, "setup failed", slog.String("error", err.Error()))
		return Summary{}, err
	}
	var s Summary
	for _, d := range ds {
		f := d.failure
		log := fn.log.With(
			slog.String("task_arn", f.TaskARN),
			slog.String("cluster", f.Cluster),
			slog.String("workload", f.Workload),
			slog.String("container", f.Container),
			slog.String("reason", f.Reason),
		)
		if enr != nil {
			enr.enrich(ctx, d)
		}
		fn.observe(ctx, log, d)
		r := report.Reporter{Notifier: n, Log: log, Verify: fn.verify}
		out, err := r.Report(ctx, f)
		s.Results = append(s.Results, Result{
			Cause:      string(out.Diagnosis.Cause),
			Title:      out.Diagnosis.Title,
			Resource:   f.Resource(),
			TaskARN:    f.TaskARN,
			EventID:    f.EventID,
			Posted:     out.Result.Posted,
			Suppressed: out.Result.Suppressed,
		})
		if err != nil {
			return s, err
		}
	}
	return s, nil
}

// observe records each container image of a running service task as the
// last time that image worked for the service, for the registry check.
func (fn *Function) observe(ctx context.Context, log *slog.Logger, d decoded) {
	if fn.verify == nil || !d.failure.Recovered || d.task == nil {
		return
	}
	for _, c := range d.task.Containers {
		if c.Image == "" {
			continue
		}
		f := *d.failure
		f.Image = c.Image
		if err := fn.verify.Observe(ctx, &f); err != nil {
			log.WarnContext(ctx, "could not record the workload's start for the registry check", slog.String("error", err.Error()))
		}
	}
}

// ignoredAttrs describe an event that posts nothing, for its log line.
func ignoredAttrs(body []byte) []any {
	var ev struct {
		ID         string `json:"id"`
		DetailType string `json:"detail-type"`
		Detail     struct {
			TaskArn    string `json:"taskArn"`
			LastStatus string `json:"lastStatus"`
			StopCode   string `json:"stopCode"`
			EventName  string `json:"eventName"`
		} `json:"detail"`
	}
	_ = json.Unmarshal(body, &ev) // decode already accepted the body
	return []any{
		slog.String("event_id", ev.ID), slog.String("detail_type", ev.DetailType), slog.String("task_arn", ev.Detail.TaskArn),
		slog.String("last_status", ev.Detail.LastStatus), slog.String("stop_code", ev.Detail.StopCode), slog.String("event_name", ev.Detail.EventName),
	}
}

// setup builds the notifier (reading the Slack secret once) and the
// enricher on first use; a failure is returned and retried next time.
func (fn *Function) setup(ctx context.Context) (*notify.Notifier, *enricher, error) {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	if fn.notifier != nil {
		return fn.notifier, fn.enricher, nil
	}
	getenv := os.Getenv
	if arn := os.Getenv(EnvSlackSecretARN); arn != "" {
		name, value, err := fn.slackSecret(ctx, arn)
		if err != nil {
			return nil, nil, err
		}
		getenv = func(k string) string {
			if k == name {
				return value
			}
			return os.Getenv(k)
		}
	}
	cfg, err := notify.ConfigFromEnv(getenv)
	if err != nil {
		return nil, nil, fmt.Errorf("slack configuration: %w", err)
	}
	opts := []notify.Option{notify.WithLogger(fn.log)}
	state := "memory"
	var store notify.Store = notify.NewMemoryStore(nil)
	if table := os.Getenv(EnvDynamoDBTable); table != "" {
		state = "dynamodb:" + table
		client, err := fn.clients.dynamoClient(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("dynamodb client: %w", err)
		}
		store = dynamostate.New(client, table)
		opts = append(opts, notify.WithStore(store))
	}
	opts = append(opts, fn.notifyOptions...)
	n, err := notify.New(cfg, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("slack notifier: %w", err)
	}
	fn.notifier = n
	if !strings.EqualFold(os.Getenv(EnvEnrich), "off") {
		fn.enricher = &enricher{clients: fn.clients, log: fn.log}
	}
	if !strings.EqualFold(os.Getenv(EnvVerify), "off") {
		other, err := verify.NewRegistry()
		if err != nil {
			return nil, nil, fmt.Errorf("registry check: %w", err)
		}
		// One cache per warm instance: a storm on one image makes one call.
		checker := &ecrChecker{clients: fn.clients, other: other, timeout: verify.DefaultTimeout, now: time.Now}
		fn.verify = &verify.Stage{Checker: verify.NewCache(checker, 0, nil), History: store}
	}
	fn.log.InfoContext(ctx, "configured", slog.String("slack", destination(cfg)), slog.Bool("enrich", fn.enricher != nil),
		slog.Bool("verify", fn.verify != nil), slog.String("state", state))
	return fn.notifier, fn.enricher, nil
}

// destination names where messages go, without the credential.
func destination(cfg notify.Config) string {
	switch {
	case cfg.DryRun:
		return "dry_run"
	case cfg.BotToken != "":
		return "bot:" + cfg.Channel
	}
	return "webhook"
}

// slackSecret reads the Slack credential from Secrets Manager and returns
// the environment variable it stands for (SLACK_BOT_TOKEN or
// SLACK_WEBHOOK_URL) and its value. It runs once per cold start.
func (fn *Function) slackSecret(ctx context.Context, arn string) (name, value string, err error) {
	client, err := fn.clients.secretsClient(ctx)
	if err != nil {
		return "", "", fmt.Errorf("secrets manager client: %w", err)
	}
	out, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
	if err != nil {
		return "", "", fmt.Errorf("read Slack secret %s: %w", arn, err)
	}
	name, value, err = notify.SecretEnv(aws.ToString(out.SecretString))
	if err != nil {
		return "", "", fmt.Errorf("ecs: %w (secret %s)", err, arn)
	}
	fn.log.InfoContext(ctx, "Slack credential read from Secrets Manager", slog.String("secret_arn", arn), slog.String("as", name))
	return name, value, nil
}

// LocalHandler returns the HTTP handler `tracegrid serve` mounts for ECS:
// POST one EventBridge event body and it runs the Lambda's path (decode,
// enrich per TRACEGRID_ENRICH, report) and answers 200 with a JSON Summary,
// or 502 when Slack delivery failed.
func LocalHandler() (http.Handler, error) {
	fn := New()
	if _, _, err := fn.setup(context.Background()); err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "POST an EventBridge event", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEventBytes))
		if err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		s, err := fn.Handle(r.Context(), body)
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": err.Error(), "results": s.Results})
			return
		}
		_ = json.NewEncoder(w).Encode(s)
	}), nil
}
