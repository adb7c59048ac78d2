package notify

import (
	"errors"
	"net/url"
	"strings"
)

// ErrSecretValue says a secret holds neither a bot token nor a webhook URL.
// The value itself is never part of an error.
var ErrSecretValue = errors.New("Slack secret is neither a bot token (xox...) nor a webhook URL")

// SecretEnv tells what a Slack credential kept in a cloud secret store
// stands for: it returns the environment variable the value replaces
// (SLACK_BOT_TOKEN for xox... tokens, SLACK_WEBHOOK_URL for an http(s)
// URL) and the trimmed value, or ErrSecretValue.
func SecretEnv(value string) (name, trimmed string, err error) {
	value = strings.TrimSpace(value)
	switch {
	case strings.HasPrefix(value, "xox"):
		return "SLACK_BOT_TOKEN", value, nil
	case isURL(value):
		return "SLACK_WEBHOOK_URL", value, nil
	}
	return "", "", ErrSecretValue
}

// isURL reports whether s is an absolute http(s) URL, as a Slack incoming
// webhook (https://hooks.slack.com/services/...) or a proxy in front of it.
func isURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
