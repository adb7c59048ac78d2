// Package notify renders a Diagnosis as a Slack Block Kit message and
// delivers it, one message per incident.
//
// Everything taken from a failure (messages, image and resource names, log
// lines, links) is cut, redacted (package shared/redact, gitleaks' rules
// plus Tracegrid's) and escaped for mrkdwn before it is
// rendered, so a crafted image name cannot mention @channel or plant a link.
//
// Delivery uses github.com/slack-go/slack: chat.postMessage and chat.update
// with a bot token, or an incoming webhook. Slack 429 answers are retried
// after their Retry-After, 5xx answers and timeouts with exponential
// backoff, as long as the caller's deadline allows; then Notify returns an
// error wrapping ErrBudgetExhausted so that the platform retries the event.
// Refusals no retry can fix (invalid_auth, channel_not_found, ...) return a
// *PermanentError.
//
// A post is made once even when Slack accepts it but answers too late: its
// intent id is stored before the call and sent in the message metadata
// (post_id); after a timeout, a reset or a 5xx, or in the platform's retry,
// conversations.history is searched for it before posting again (this needs
// channels:history; webhooks cannot look, so they are at least once). When
// Slack refuses to edit a message (cant_update_message, edit_window_closed)
// a new one is posted that links it. Edits of one message are paced
// (TRACEGRID_UPDATE_GAP), so a storm costs a few edits, not one per event.
//
// State kept in a Store (exact redeliveries, open incidents, storms) makes
// repeats update one message instead of posting again:
//
//   - one incident per platform, account, cluster, namespace, workload and
//     cause: the first failure posts; repeats within the incident window
//     update that message (count, last seen, affected tasks) and add a short
//     thread reply at most once per reply interval;
//   - a storm: past a threshold of new incidents within a window per
//     platform and account (and channel), new incidents fold into one storm
//     message grouped by cause, updated in place;
//   - a recovered workload (Failure.Recovered) gets a reply in its
//     incident's thread, and the message is marked resolved;
//   - with a webhook (no updates, no threads) repeats within the window are
//     suppressed.
//
// Configuration (environment, read by FromEnv):
//
//	SLACK_BOT_TOKEN, SLACK_CHANNEL  post with chat.postMessage to this channel (threads, updates)
//	SLACK_WEBHOOK_URL               post with an incoming webhook instead
//	SLACK_API_URL                   Web API base URL, default https://slack.com/api/
//	TRACEGRID_DRY_RUN=1             do not post; log the payload that would be posted
//	TRACEGRID_ROUTES                per-failure channels: kind:glob=channel,... with kind
//	                                account, cluster, namespace, workload (or service);
//	                                or a JSON array of {"kind","match","channel"}.
//	                                The most specific kind wins.
//	TRACEGRID_MENTION               user group id (S0123ABCD) mentioned on new incidents
//	                                with high confidence in production
//	TRACEGRID_PRODUCTION            globs naming production clusters, accounts or
//	                                resource groups, e.g. "prod-*,123456789012"
//	TRACEGRID_INCIDENT_WINDOW       how long repeats join an open incident, default 6h
//	TRACEGRID_REPLY_INTERVAL        least time between thread replies, default 5m
//	TRACEGRID_STORM                 storm threshold "N/window", default 5/10m, or "off"
//	TRACEGRID_UPDATE_GAP            least time between two edits of one message, default 3s
package notify
