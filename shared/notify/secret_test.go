package notify

import (
	"errors"
	"testing"
)

func TestSecretEnv(t *testing.T) {
	tests := []struct {
		value, name, trimmed string
		err                  error
	}{
		{"xoxb-123-456-abc\n", "SLACK_BOT_TOKEN", "xoxb-123-456-abc", nil},
		{" https://hooks.slack.com/services/T0/B0/x ", "SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/x", nil},
		{"http://proxy.internal:8080/slack", "SLACK_WEBHOOK_URL", "http://proxy.internal:8080/slack", nil},
		{"hunter2", "", "", ErrSecretValue},
		{"ftp://hooks.slack.com/x", "", "", ErrSecretValue},
		{"", "", "", ErrSecretValue},
	}
	for _, tt := range tests {
		name, trimmed, err := SecretEnv(tt.value)
		if name != tt.name || trimmed != tt.trimmed || !errors.Is(err, tt.err) {
			t.Errorf("SecretEnv(%q) = %q, %q, %v", tt.value, name, trimmed, err)
		}
		if err != nil && (trimmed != "" || len(err.Error()) == 0) {
			t.Errorf("SecretEnv(%q): the value leaks with the error", tt.value)
		}
	}
}
