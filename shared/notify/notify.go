package notify

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/slack-go/slack"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/redact"
)

// Result says what happened to one notification.
type Result struct {
	// Posted is true when Slack accepted a new message, an update or a
	// thread reply.
	Posted bool `json:"posted"`
	// Action is what was done in Slack: post, update, reply, storm, resolve.
	Action string `json:"action,omitempty"`
	// Suppressed names why nothing was posted: dry_run, duplicate (an
	// exact redelivery), in_flight (another instance handles this event),
	// pending (another instance is posting the incident and will show this
	// one), repeat (counted; the message is current or, with a webhook,
	// cannot be updated), storm (counted in a storm message that cannot be
	// updated), no_open_incident (a recovery with nothing to resolve).
	Suppressed string `json:"suppressed,omitempty"`
	Channel    string `json:"channel,omitempty"`
	TS         string `json:"ts,omitempty"`
}

// Notifier posts diagnoses to Slack, one message per incident.
type Notifier struct {
	cfg  Config
	opts options
	log  *slog.Logger
	out  transport // nil in dry-run mode
}

// Option adjusts a Notifier built by New or FromEnv.
type Option func(*options)

type options struct {
	store          Store
	now            func() time.Time
	httpClient     *http.Client
	budget         time.Duration
	attemptTimeout time.Duration
	sleep          func(context.Context, time.Duration) error
	log            *slog.Logger
}

// WithStore keeps dedup and incident state in s (default: a MemoryStore,
// which lasts only as long as the warm instance).
func WithStore(s Store) Option { return func(o *options) { o.store = s } }

// WithClock replaces time.Now for incident windows, reply intervals and
// storm detection.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithHTTPClient sets the HTTP client for the Web API and webhooks.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.httpClient = c } }

// WithBudget bounds one Notify call when ctx has no deadline (default 20s):
// retries stop, and Notify returns an error, when it runs out.
func WithBudget(d time.Duration) Option { return func(o *options) { o.budget = d } }

// WithAttemptTimeout bounds one HTTP attempt (default 10s).
func WithAttemptTimeout(d time.Duration) Option { return func(o *options) { o.attemptTimeout = d } }

// WithSleep replaces the wait between retries (tests record the waits).
func WithSleep(sleep func(context.Context, time.Duration) error) Option {
	return func(o *options) { o.sleep = sleep }
}

// WithLogger sets the logger for retries, permanent errors and dry runs.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// New builds a Notifier for cfg.
func New(cfg Config, opts ...Option) (*Notifier, error) {
	o := options{
		now:            time.Now,
		httpClient:     &http.Client{},
		budget:         20 * time.Second,
		attemptTimeout: 10 * time.Second,
		sleep:          sleepCtx,
	}
	for _, opt := range opts {
		opt(&o)
	}
	if o.store == nil {
		o.store = NewMemoryStore(o.now)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if o.log == nil {
		o.log = slog.Default()
	}
	// Everything Notify logs is redacted, whatever the caller's handler.
	n := &Notifier{cfg: cfg, opts: o, log: slog.New(redact.Handler(o.log.Handler()))}
	switch {
	case cfg.DryRun:
	case cfg.BotToken != "":
		n.out = botTransport{api: slack.New(cfg.BotToken, slack.OptionAPIURL(cfg.APIURL), slack.OptionHTTPClient(o.httpClient))}
	default:
		n.out = webhookTransport{url: cfg.WebhookURL, client: o.httpClient}
	}
	return n, nil
}

// FromEnv builds a Notifier from the environment (see the package
// documentation for the variables).
func FromEnv(opts ...Option) (*Notifier, error) {
	cfg, err := ConfigFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	return New(cfg, opts...)
}

// Notify posts, updates or suppresses the Slack message for f. An error
// wrapping ErrBudgetExhausted (or any other non-permanent error) is
// transient: the caller should let the platform retry. A *PermanentError
// means Slack refused the configuration.
func (n *Notifier) Notify(ctx context.Context, f *failure.Failure, d classify.Diagnosis) (Result, error) {
	if n.cfg.DryRun {
		if f.Recovered {
			n.log.InfoContext(ctx, "dry run: would resolve the workload's open incidents", "resource", f.Resource())
			return Result{Suppressed: "dry_run"}, nil
		}
		payload, err := json.Marshal(Render(f, d))
		if err != nil {
			return Result{}, err
		}
		n.log.InfoContext(ctx, "dry run: would post to Slack", "payload", json.RawMessage(payload))
		return Result{Suppressed: "dry_run"}, nil
	}
	ctx, cancel := n.budgetCtx(ctx)
	defer cancel()
	claim, dup, err := n.claimEvent(ctx, f.EventID)
	if err != nil || dup != "" {
		return Result{Suppressed: dup}, err
	}
	res, err := n.deliver(ctx, f, d, claim)
	claim.finish(ctx, err == nil)
	return res, err
}

// budgetCtx bounds one Notify call: by the caller's deadline less a reserve
// (a tenth, at most 2s) so that Notify returns, and records the outcome,
// before the platform stops the function; by WithBudget without a deadline.
func (n *Notifier) budgetCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok {
		return context.WithTimeout(ctx, n.opts.budget)
	}
	reserve := min(time.Until(dl)/10, 2*time.Second)
	return context.WithDeadline(ctx, dl.Add(-reserve))
}

// deliver counts f in its incident and brings Slack up to date, or
// resolves the workload's incidents when f reports a recovery.
func (n *Notifier) deliver(ctx context.Context, f *failure.Failure, d classify.Diagnosis, claim *eventClaim) (Result, error) {
	if f.Recovered {
		return n.recoverWorkload(ctx, f)
	}
	key := incidentKey(f, d.Cause)
	if !claim.counted() {
		var err error
		if key, err = n.record(ctx, f, d); err != nil {
			return Result{}, err
		}
		claim.markCounted(ctx)
	}
	return n.syncIncident(ctx, key)
}
