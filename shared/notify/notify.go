// Package notify renders a Diagnosis as a Slack Block Kit message and
// delivers it. (Placeholder API: the Slack implementation replaces this.)
package notify

import (
	"context"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
)

// Result says what happened to one notification.
type Result struct {
	// Posted is true when Slack accepted a new message or an update.
	Posted bool `json:"posted"`
	// Suppressed names why nothing was posted (dry_run, duplicate, ...).
	Suppressed string `json:"suppressed,omitempty"`
	Channel    string `json:"channel,omitempty"`
	TS         string `json:"ts,omitempty"`
}

// Notifier posts diagnoses to Slack.
type Notifier struct{}

// FromEnv builds a Notifier from SLACK_BOT_TOKEN/SLACK_CHANNEL,
// SLACK_WEBHOOK_URL, SLACK_API_URL and TRACEGRID_DRY_RUN.
func FromEnv() (*Notifier, error) { return &Notifier{}, nil }

// Notify posts (or updates) the Slack message for f. A returned error is
// transient: the caller should let the platform retry.
func (n *Notifier) Notify(ctx context.Context, f *failure.Failure, d classify.Diagnosis) (Result, error) {
	return Result{Suppressed: "not_implemented"}, nil
}
