// Package gke is the Cloud Functions (2nd gen) adapter: a Cloud Logging
// sink publishes GKE Kubernetes Events (and, where routed, kubelet and
// kernel lines) to Pub/Sub, Eventarc delivers each message as a
// google.cloud.pubsub.topic.v1.messagePublished CloudEvent, and Handler
// turns it into a failure.Failure and reports it to Slack.
//
// The package registers Handler with functions-framework-go in init, so the
// Cloud Functions Go buildpack (function target "Handler") and
// functions/gke/cmd/local serve it the same way.
package gke

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"

	"cloud.google.com/go/storage"
	"github.com/GoogleCloudPlatform/functions-framework-go/functions"
	cloudevents "github.com/cloudevents/sdk-go/v2"

	"github.com/tracegrid/tracegrid/functions/gke/gcsstate"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/report"
)

// FunctionTarget is the name Handler is registered under: the value of
// GOOGLE_FUNCTION_TARGET at build time and FUNCTION_TARGET at run time.
const FunctionTarget = "Handler"

func init() {
	functions.CloudEvent(FunctionTarget, Handler)
}

var (
	setupOnce   sync.Once
	setupErr    error
	defaultFunc *Function
)

// Handler is the CloudEvent function. It reports every failure in the
// Pub/Sub message and returns nil (acknowledge) for messages that cannot be
// read or report nothing, so Pub/Sub does not redeliver them; it returns an
// error when Slack could not be reached or refused the configuration, and
// when the function is misconfigured, so Pub/Sub retries and the message
// ends in the dead-letter topic rather than being lost.
//
// The Slack settings come from the environment (SLACK_BOT_TOKEN and
// SLACK_CHANNEL, or SLACK_WEBHOOK_URL; see shared/notify). With
// TRACEGRID_GCS_BUCKET set, dedup and incident state live in that Cloud
// Storage bucket (functions/gke/gcsstate) and survive cold starts and
// concurrent instances; without it, in the instance's memory.
func Handler(ctx context.Context, e cloudevents.Event) error {
	setupOnce.Do(func() {
		if defaultFunc, setupErr = newFunction(context.Background()); setupErr != nil {
			cloudLogger().ErrorContext(ctx, "function misconfigured; messages are retried until it is fixed", slog.String("error", setupErr.Error()))
		}
	})
	if setupErr != nil {
		return setupErr
	}
	return defaultFunc.Handle(ctx, e)
}

// StateBucketEnv names the Cloud Storage bucket for notification state.
const StateBucketEnv = "TRACEGRID_GCS_BUCKET"

func newFunction(ctx context.Context) (*Function, error) {
	log := cloudLogger()
	opts := []notify.Option{notify.WithLogger(log)}
	var store notify.Store = notify.NewMemoryStore(nil)
	if bucket := os.Getenv(StateBucketEnv); bucket != "" {
		client, err := storage.NewClient(ctx)
		if err != nil {
			return nil, fmt.Errorf("gke: Cloud Storage client for %s=%s: %w", StateBucketEnv, bucket, err)
		}
		store = gcsstate.New(client, bucket)
		opts = append(opts, notify.WithStore(store))
	}
	stage, err := newStage(store)
	if err != nil {
		return nil, err
	}
	n, err := notify.FromEnv(opts...)
	if err != nil {
		return nil, err
	}
	return &Function{Reporter: &report.Reporter{Notifier: n, Log: log, Verify: stage}}, nil
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

// Function handles messagePublished CloudEvents with its Reporter.
type Function struct {
	Reporter *report.Reporter
}

// Handle decodes e and reports each failure it holds. See Handler for what
// the returned error means.
func (fn *Function) Handle(ctx context.Context, e cloudevents.Event) error {
	log := fn.logger().With(slog.String("ce_id", e.ID()), slog.String("ce_type", e.Type()))
	if e.Type() != MessagePublishedType {
		log.WarnContext(ctx, "acknowledged: not a Pub/Sub messagePublished event")
		return nil
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
		if _, err := fn.Reporter.Report(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

func (fn *Function) logger() *slog.Logger {
	if fn.Reporter != nil && fn.Reporter.Log != nil {
		return fn.Reporter.Log
	}
	return slog.Default()
}

// cloudLogger writes JSON lines that Cloud Logging reads as structured
// entries: "severity" and "message" are its special fields.
func cloudLogger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
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
	}))
}
