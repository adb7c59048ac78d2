// Package gke is the Cloud Functions (2nd gen) adapter: a Cloud Logging
// sink publishes GKE Kubernetes Events (and, where routed, kubelet and
// kernel lines) to Pub/Sub, Eventarc delivers each message as a
// google.cloud.pubsub.topic.v1.messagePublished CloudEvent, and Handler
// turns it into a failure.Failure, reads what the event lacks for runtime
// failures (Enricher: the container's last termination and log tail) and
// reports it to Slack. README.md lists the events, settings and IAM.
//
// The package registers Handler with functions-framework-go in init, so the
// Cloud Functions Go buildpack (function target "Handler") and
// functions/gke/cmd/local serve it the same way.
package gke

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/GoogleCloudPlatform/functions-framework-go/functions"
	cloudevents "github.com/cloudevents/sdk-go/v2"

	"github.com/tracegrid/tracegrid/functions/gke/gapi"
	"github.com/tracegrid/tracegrid/functions/gke/gcsstate"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/redact"
	"github.com/tracegrid/tracegrid/shared/report"
)

// FunctionTarget is the name Handler is registered under: the value of
// GOOGLE_FUNCTION_TARGET at build time and FUNCTION_TARGET at run time.
const FunctionTarget = "Handler"

func init() {
	functions.CloudEvent(FunctionTarget, Handler)
}

var (
	setupMu     sync.Mutex
	defaultFunc *Function
)

// Handler is the CloudEvent function. It reports every failure in the
// Pub/Sub message and returns nil (acknowledge) for messages that cannot be
// read or report nothing, so Pub/Sub does not redeliver them; it returns an
// error when Slack could not be reached or refused the configuration, and
// when the function is misconfigured, so Pub/Sub retries and the message
// ends in the dead-letter topic rather than being lost.
//
// The function is set up on the first event, and again on the next event
// when setup failed (a Slack secret without a version yet): see
// functions/gke/README.md for the settings it reads.
func Handler(ctx context.Context, e cloudevents.Event) error {
	fn, err := defaultFunction(ctx)
	if err != nil {
		cloudLogger().ErrorContext(ctx, "function misconfigured; messages are retried until it is fixed", slog.String("error", err.Error()))
		return err
	}
	return fn.Handle(ctx, e)
}

func defaultFunction(ctx context.Context) (*Function, error) {
	setupMu.Lock()
	defer setupMu.Unlock()
	if defaultFunc != nil {
		return defaultFunc, nil
	}
	fn, err := newFunction(ctx, os.Getenv)
	if err != nil {
		return nil, err
	}
	defaultFunc = fn
	return fn, nil
}

// StateBucketEnv names the Cloud Storage bucket for notification state.
const StateBucketEnv = "TRACEGRID_GCS_BUCKET"

// EnrichEnv set to "off" skips reading the pod and its logs.
const EnrichEnv = "TRACEGRID_ENRICH"

// newFunction builds the function from the environment: the Slack
// credential (from Secret Manager when SLACK_SECRET_VERSION is set), the
// state store and the enricher.
func newFunction(ctx context.Context, getenv func(string) string) (*Function, error) {
	log := cloudLogger()
	api := gapi.New()
	env := getenv
	if version := getenv(SlackSecretEnv); version != "" {
		name, value, err := readSlackSecret(ctx, api, orDefault(getenv(SecretManagerEndpointEnv), DefaultSecretManagerEndpoint), version)
		if err != nil {
			return nil, err
		}
		log.InfoContext(ctx, "Slack credential read from Secret Manager", slog.String("secret_version", version), slog.String("as", name))
		env = func(k string) string {
			if k == name {
				return value
			}
			return getenv(k)
		}
	}
	cfg, err := notify.ConfigFromEnv(env)
	if err != nil {
		return nil, fmt.Errorf("gke: Slack configuration: %w", err)
	}
	opts := []notify.Option{notify.WithLogger(log)}
	state := "memory"
	var store notify.Store = notify.NewMemoryStore(nil)
	if bucket := getenv(StateBucketEnv); bucket != "" {
		state = "gcs:" + bucket
		store = gcsstate.FromEnv(bucket)
		opts = append(opts, notify.WithStore(store))
	}
	stage, err := newStage(store)
	if err != nil {
		return nil, err
	}
	n, err := notify.New(cfg, opts...)
	if err != nil {
		return nil, fmt.Errorf("gke: Slack notifier: %w", err)
	}
	fn := &Function{Reporter: &report.Reporter{Notifier: n, Log: log, Verify: stage}}
	if !strings.EqualFold(getenv(EnrichEnv), "off") {
		fn.Enricher = &Enricher{
			API:                api,
			LoggingEndpoint:    orDefault(getenv(LoggingEndpointEnv), DefaultLoggingEndpoint),
			ContainerEndpoint:  orDefault(getenv(ContainerEndpointEnv), DefaultContainerEndpoint),
			KubernetesEndpoint: strings.TrimSuffix(getenv(KubernetesEndpointEnv), "/"),
			Timeout:            enrichTimeout,
			Log:                log,
		}
	}
	log.InfoContext(ctx, "configured", slog.Bool("enrich", fn.Enricher != nil), slog.String("state", state), slog.Bool("dry_run", cfg.DryRun))
	return fn, nil
}

// orDefault returns s without a trailing slash, or def when s is empty.
func orDefault(s, def string) string {
	return strings.TrimSuffix(cmp.Or(s, def), "/")
}

// LocalHandler serves Handler over HTTP the way functions-framework-go
// does (CloudEvents in binary or structured mode, through the CloudEvents
// SDK), for `tracegrid serve`.
func LocalHandler() (http.Handler, error) {
	p, err := cloudevents.NewHTTP()
	if err != nil {
		return nil, err
	}
	return cloudevents.NewHTTPReceiveHandler(context.Background(), p, Handler)
}

// Function handles messagePublished CloudEvents with its Reporter, after
// its Enricher (nil: none) has read what the event lacks.
type Function struct {
	Reporter *report.Reporter
	Enricher *Enricher
}

// Handle decodes e and reports each failure it holds. See Handler for what
// the returned error means.
func (fn *Function) Handle(ctx context.Context, e cloudevents.Event) error {
	log := fn.logger().With(slog.String("ce_id", e.ID()), slog.String("ce_type", e.Type()))
	if e.Type() != MessagePublishedType {
		log.WarnContext(ctx, "acknowledged: not a Pub/Sub messagePublished event")
		return nil
	}
	if len(e.Data()) > bigEvent { // bound the copies big events make
		bigSlots <- struct{}{}
		defer func() { <-bigSlots }()
	}
	failures, err := Decode(e.Data())
	if err != nil {
		log.WarnContext(ctx, "acknowledged unreadable message", slog.String("error", err.Error()))
		return nil
	}
	if len(failures) == 0 {
		log.DebugContext(ctx, "nothing to report")
		return nil
	}
	for _, f := range failures {
		if fn.Enricher != nil {
			fn.Enricher.Enrich(ctx, f)
		}
		if _, err := fn.Reporter.Report(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

// bigEvent is the size past which an event waits for one of bigSlots
// before it is decoded and reported. Cloud Logging entries hold at most
// 256 KB, but anyone who can publish to the topic can send 10 MB, and each
// event in flight holds several copies of it.
const bigEvent = 1 << 20

var bigSlots = make(chan struct{}, 2*runtime.GOMAXPROCS(0))

func (fn *Function) logger() *slog.Logger {
	if fn.Reporter != nil && fn.Reporter.Log != nil {
		return fn.Reporter.Log
	}
	return slog.Default()
}

// cloudLogger writes JSON lines that Cloud Logging reads as structured
// entries: "severity" and "message" are its special fields.
func cloudLogger() *slog.Logger {
	return slog.New(redact.Handler(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) > 0 {
				return a
			}
			switch a.Key {
			case slog.LevelKey:
				a.Key = "severity"
				if lvl, ok := a.Value.Any().(slog.Level); ok && lvl == slog.LevelWarn {
					a.Value = slog.StringValue("WARNING")
				}
			case slog.MessageKey:
				a.Key = "message"
			}
			return a
		},
	})))
}
