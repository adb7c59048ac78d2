// Package report is the path every function shares once it has built a
// Failure: classify it, skip expected stops, notify Slack, and write one
// structured log line that says what happened.
package report

import (
	"context"
	"errors"
	"log/slog"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/redact"
	"github.com/tracegrid/tracegrid/shared/verify"
)

// Reporter classifies failures and hands them to a Notifier.
type Reporter struct {
	Notifier *notify.Notifier
	Log      *slog.Logger
	// Verify, when set, asks the registry about the image of a pull
	// failure before it is posted (the answer restates the diagnosis), and
	// remembers recoveries as the last time an image worked.
	Verify *verify.Stage
}

// Outcome is what Report did with one failure.
type Outcome struct {
	Diagnosis classify.Diagnosis
	Result    notify.Result
}

// Report classifies f and notifies Slack unless the failure is an expected
// stop (a recovery is passed on: it resolves open incidents). The error is
// non-nil when delivery failed: usually worth a platform retry (Slack
// unreachable, rate limited past the time budget); a *notify.PermanentError
// (errors.As) means the Slack configuration is wrong, and retries only keep
// the event for the dead-letter target.
func (r *Reporter) Report(ctx context.Context, f *failure.Failure) (Outcome, error) {
	d, check := r.Verify.Diagnose(ctx, f, classify.Classify(f))
	if err := r.Verify.Observe(ctx, f); err != nil {
		r.logger().WarnContext(ctx, "could not record the workload's start for the registry check", slog.String("error", err.Error()))
	}
	out := Outcome{Diagnosis: d}
	attrs := []any{
		slog.String("cause", string(d.Cause)),
		slog.String("confidence", string(d.Confidence)),
		slog.String("platform", string(f.Platform)),
		slog.String("resource", f.Resource()),
		slog.String("event_id", f.EventID),
	}
	if check != verify.NotChecked {
		attrs = append(attrs, slog.String("registry_check", check.String()))
	}
	if d.Cause == classify.NotAFailure && !f.Recovered {
		out.Result.Suppressed = "not_a_failure"
		r.logger().InfoContext(ctx, "skipped", append(attrs, slog.String("suppressed", out.Result.Suppressed))...)
		return out, nil
	}
	res, err := r.Notifier.Notify(ctx, f, d)
	out.Result = res
	attrs = append(attrs, slog.Bool("slack_accepted", res.Posted), slog.String("action", res.Action), slog.String("suppressed", res.Suppressed))
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
		var perm *notify.PermanentError
		if errors.As(err, &perm) {
			r.logger().ErrorContext(ctx, "Slack refused the message permanently; fix the Slack token, channel or webhook", append(attrs, slog.String("slack_error", perm.Code))...)
			return out, err
		}
		r.logger().ErrorContext(ctx, "notify failed; the platform will retry", attrs...)
		return out, err
	}
	r.logger().InfoContext(ctx, "reported", attrs...)
	return out, nil
}

// logger is r.Log (or the default logger) with every line redacted.
func (r *Reporter) logger() *slog.Logger {
	l := r.Log
	if l == nil {
		l = slog.Default()
	}
	return slog.New(redact.Handler(l.Handler()))
}
