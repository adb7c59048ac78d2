package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/slack-go/slack"
)

// PermanentError is a Slack refusal that no retry will fix: a revoked or
// wrong token, a missing channel, a webhook that was deleted, a payload
// Slack rejects. Callers recognise it with errors.As and should log it as a
// configuration problem; the platform's retries would only repeat it.
type PermanentError struct {
	// Code is Slack's error code (invalid_auth, channel_not_found, ...) or
	// the HTTP status of a webhook response.
	Code string
	Err  error
}

// Error says what Slack refused and what to check.
func (e *PermanentError) Error() string {
	return "slack refused the message permanently (" + e.Code + "): check the token, channel or webhook configuration"
}

// Unwrap returns slack-go's error.
func (e *PermanentError) Unwrap() error { return e.Err }

// ErrBudgetExhausted is wrapped by the error Notify returns when Slack kept
// failing (rate limit, 5xx, timeouts) until the function's time budget ran
// out. The platform should retry the event later.
var ErrBudgetExhausted = errors.New("slack delivery ran out of time budget")

// errMessageGone means chat.update found no message to update (deleted).
var errMessageGone = errors.New("slack message to update no longer exists")

// errEditRefused means Slack will not let this token edit the message any
// more (another app's message after a token change, workspace edit limits):
// a new message takes its place.
var errEditRefused = errors.New("slack refuses to edit the message")

// permanentCodes are Web API error codes that retrying cannot fix
// (https://docs.slack.dev/reference/methods/chat.postMessage#errors).
var permanentCodes = map[string]bool{
	"invalid_auth": true, "not_authed": true, "account_inactive": true, "token_revoked": true,
	"token_expired": true, "no_permission": true, "missing_scope": true, "not_allowed_token_type": true,
	"channel_not_found": true, "not_in_channel": true, "is_archived": true, "restricted_action": true,
	"invalid_blocks": true, "invalid_blocks_format": true, "invalid_metadata_format": true,
	"invalid_metadata_schema": true, "msg_too_long": true, "too_many_attachments": true,
	"team_access_not_granted": true, "ekm_access_denied": true, "invalid_arguments": true,
}

// transport posts and updates Slack messages.
type transport interface {
	// post sends a new message (a thread reply when threadTS is set) and
	// returns its ts ("" for webhooks).
	post(ctx context.Context, channel, threadTS string, m Message) (ts string, err error)
	// update replaces the message at ts.
	update(ctx context.Context, channel, ts string, m Message) error
	// find returns the ts of the top-level message posted since about
	// since whose metadata carries postID, or "" (always "" for webhooks,
	// which cannot read a channel).
	find(ctx context.Context, channel, postID string, since time.Time) (string, error)
	// permalink returns a link to the message at ts.
	permalink(ctx context.Context, channel, ts string) (string, error)
}

// postIDKey is the metadata event_payload key holding a post's intent id.
const postIDKey = "post_id"

// botTransport uses the Web API with a bot token.
type botTransport struct{ api *slack.Client }

func (b botTransport) post(ctx context.Context, channel, threadTS string, m Message) (string, error) {
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl()}
	if len(m.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
	}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	} else {
		opts = append(opts, slack.MsgOptionMetadata(m.Metadata))
	}
	_, ts, err := b.api.PostMessageContext(ctx, channel, opts...)
	return ts, err
}

func (b botTransport) update(ctx context.Context, channel, ts string, m Message) error {
	_, _, _, err := b.api.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(m.Text, false),
		slack.MsgOptionBlocks(m.Blocks...), slack.MsgOptionMetadata(m.Metadata))
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "message_not_found":
			return errMessageGone
		case "cant_update_message", "edit_window_closed":
			return fmt.Errorf("%w (%s)", errEditRefused, se.Err)
		}
	}
	return err
}

func (b botTransport) find(ctx context.Context, channel, postID string, since time.Time) (string, error) {
	since = since.Add(-time.Minute) // clock skew between us and Slack
	h, err := b.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID: channel, Oldest: fmt.Sprintf("%d.%06d", since.Unix(), since.Nanosecond()/1000),
		Inclusive: true, Limit: 200, IncludeAllMetadata: true,
	})
	if err != nil {
		return "", err
	}
	for _, m := range h.Messages {
		if id, _ := m.Metadata.EventPayload[postIDKey].(string); id == postID && m.Metadata.EventType == MetadataEventType {
			return m.Timestamp, nil
		}
	}
	return "", nil
}

func (b botTransport) permalink(ctx context.Context, channel, ts string) (string, error) {
	return b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
}

// webhookTransport uses an incoming webhook: no threads, no updates.
type webhookTransport struct {
	url    string
	client *http.Client
}

func (w webhookTransport) post(ctx context.Context, _, _ string, m Message) (string, error) {
	msg := &slack.WebhookMessage{Text: m.Text}
	if len(m.Blocks) > 0 {
		msg.Blocks = &slack.Blocks{BlockSet: m.Blocks}
	}
	err := slack.PostWebhookCustomHTTPContext(ctx, w.url, w.client, msg)
	var ue *url.Error
	if errors.As(err, &ue) { // the webhook URL is a secret: keep it out of errors and logs
		return "", fmt.Errorf("post to SLACK_WEBHOOK_URL: %w", ue.Err)
	}
	return "", err
}

func (w webhookTransport) update(context.Context, string, string, Message) error {
	return errors.New("incoming webhooks cannot update messages")
}

// find cannot look: webhook posts are at least once.
func (w webhookTransport) find(context.Context, string, string, time.Time) (string, error) {
	return "", nil
}

func (w webhookTransport) permalink(context.Context, string, string) (string, error) {
	return "", errors.New("incoming webhooks have no permalinks")
}

// retry runs op until it succeeds, fails permanently, or the next wait would
// not fit in ctx's deadline. Each attempt gets at most attemptTimeout.
func (n *Notifier) retry(ctx context.Context, what string, op func(context.Context) error) error {
	for attempt := 0; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, n.opts.attemptTimeout)
		err := op(actx)
		cancel()
		if err == nil || errors.Is(err, errMessageGone) || errors.Is(err, errEditRefused) {
			return err
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w: %w", what, ErrBudgetExhausted, err)
		}
		wait, perm := n.classifyErr(err, attempt)
		if perm != nil {
			n.log.Error("slack refused the message; retrying will not help",
				"op", what, "slack_error", perm.Code)
			return perm
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return fmt.Errorf("%s: %w (next try in %s, %s left): %w", what, ErrBudgetExhausted, wait, time.Until(dl).Round(time.Millisecond), err)
		}
		n.log.Warn("slack delivery failed, retrying", "op", what, "attempt", attempt+1, "wait", wait.String(), "error", err.Error())
		if err := n.opts.sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s: %w: %w", what, ErrBudgetExhausted, err)
		}
	}
}

// ambiguous reports whether a failed call may still have been carried out
// by Slack: a timeout, a dropped connection or a 5xx from a proxy, as
// opposed to an answer from Slack saying no (ok:false, 429, 4xx).
func ambiguous(err error) bool {
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &rl), errors.As(err, &se):
		return false
	case errors.As(err, &sc):
		return sc.Code >= 500
	}
	return true
}

// classifyErr says how long to wait before the next attempt, or that the
// error is permanent.
func (n *Notifier) classifyErr(err error, attempt int) (time.Duration, *PermanentError) {
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &rl):
		return max(rl.RetryAfter, time.Second), nil
	case errors.As(err, &sc) && sc.Code != http.StatusTooManyRequests && sc.Code >= 400 && sc.Code < 500:
		// Webhooks answer 400 invalid_payload, 403 action_prohibited, 404
		// channel_not_found, 410 channel_is_archived
		// (https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks).
		return 0, &PermanentError{Code: fmt.Sprintf("http_%d", sc.Code), Err: err}
	case errors.As(err, &se) && permanentCodes[se.Err]:
		return 0, &PermanentError{Code: se.Err, Err: err}
	}
	// 5xx, 429 without Retry-After, timeouts, connection errors,
	// internal_error/fatal_error/ratelimited in a 200 body: back off.
	return backoff(attempt), nil
}

// backoff is the exponential wait before retry attempt+1: 500ms doubling,
// capped at 8s.
func backoff(attempt int) time.Duration {
	d := 500 * time.Millisecond << min(attempt, 4)
	return min(d, 8*time.Second)
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
