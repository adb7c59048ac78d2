package redact

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gitleaksconfig "github.com/zricethezav/gitleaks/v8/config"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
)

// cases is testdata/cases.json: secrets in the shapes gitleaks' rules and
// the adversarial report (finding 1) describe, each with the part that must
// go, and text that must survive untouched.
type cases struct {
	TruePositives []struct {
		ID, Text, Secret string
	} `json:"true_positives"`
	FalsePositives []string `json:"false_positives"`
}

func readCases(t testing.TB) cases {
	b, err := os.ReadFile(filepath.Join("testdata", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c cases
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestStringRedactsSecrets(t *testing.T) {
	for _, tc := range readCases(t).TruePositives {
		t.Run(tc.ID, func(t *testing.T) {
			got := String(tc.Text)
			if strings.Contains(got, tc.Secret) {
				t.Errorf("String(%q) = %q still holds %q", tc.Text, got, tc.Secret)
			}
			if !strings.Contains(got, "REDACTED") {
				t.Errorf("String(%q) = %q shows no mask", tc.Text, got)
			}
		})
	}
}

// The cases named gitleaks:<rule id> are found by that gitleaks rule on its
// own, so the maintained rule set (not only Tracegrid's) is in force.
func TestGitleaksRulesFindTheirSecrets(t *testing.T) {
	rules := map[string]*glRule{}
	for _, r := range gitleaks().Rules {
		rules[r.ID] = r
	}
	n := 0
	for _, tc := range readCases(t).TruePositives {
		id, ok := strings.CutPrefix(tc.ID, "gitleaks:")
		if !ok {
			continue
		}
		n++
		r := rules[id]
		if r == nil {
			t.Errorf("no gitleaks rule %s", id)
			continue
		}
		c := &glConfig{Allowlists: gitleaks().Allowlists, Rules: []*glRule{r}}
		if spans := c.spans(tc.Text); len(spans) == 0 {
			t.Errorf("gitleaks rule %s finds nothing in %q", id, tc.Text)
		}
	}
	if n < 5 {
		t.Fatalf("only %d gitleaks cases", n)
	}
}

func TestStringKeepsNonSecrets(t *testing.T) {
	for _, s := range readCases(t).FalsePositives {
		if got := String(s); got != s {
			t.Errorf("String changed a non-secret:\n%s\n%s", s, got)
		}
	}
}

// Redaction must never take away the words that name the cause: every
// message of the corpus (../../testdata/corpus/messages.jsonl) classifies
// the same after redaction. (Some real messages do carry credentials, such
// as a presigned URL's X-Amz-Credential, so the text itself may change.)
func TestStringKeepsCorpusCauses(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "corpus", "messages.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	n, changed := 0, 0
	for line := range strings.Lines(string(b)) {
		var m struct {
			Platform failure.Platform
			Message  string
		}
		if err := json.Unmarshal([]byte(line), &m); err != nil || m.Message == "" {
			continue
		}
		n++
		got := String(m.Message)
		if got != m.Message {
			changed++
		}
		if before, after := classify.Text(m.Platform, m.Message), classify.Text(m.Platform, got); before.Cause != after.Cause {
			t.Errorf("String changed the cause from %s to %s:\n%s\n%s", before.Cause, after.Cause, m.Message, got)
		}
	}
	if n < 100 {
		t.Fatalf("read only %d corpus messages", n)
	}
	t.Logf("%d corpus messages, %d with something redacted", n, changed)
}

// Finding 2: a private key in a log tail spans lines; redacting the lines
// one by one let the body out after its BEGIN line.
func TestLinesRedactsKeyAcrossLines(t *testing.T) {
	tail := []string{
		"loading TLS key",
		"-----BEGIN RSA PRIVATE KEY-----",
		"MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi6Z8BQJ0Yk2ZoVdgn5pJq0P5aY",
		"q1zB8GmX4xY7Jz6tK3lR9sW2vN0cF5hE8jD1bA4uQ7iO6yT3rL0eP9wS2dK5gH8f",
		"-----END RSA PRIVATE KEY-----",
		"panic: tls: failed to parse private key",
	}
	got := strings.Join(Lines(tail), "\n")
	for _, body := range tail[2:5] {
		if strings.Contains(got, body) {
			t.Errorf("Lines left %q:\n%s", body, got)
		}
	}
	for _, keep := range []string{"loading TLS key", "panic: tls: failed to parse private key"} {
		if !strings.Contains(got, keep) {
			t.Errorf("Lines lost %q:\n%s", keep, got)
		}
	}
}

// Finding 18: a secret-shaped value inside a copy-paste command becomes a
// named, quoted placeholder; the command's other words stay as they were.
func TestCommand(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"aws ecs describe-tasks --cluster prod --tasks arn:aws:ecs:eu-west-1:123456789012:task/prod/ghp_abcdefghijklmnopqrstuvwxyz0123456789 --region eu-west-1",
			"aws ecs describe-tasks --cluster prod --tasks '<tasks>' --region eu-west-1"},
		{"aws secretsmanager describe-secret --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf --region us-east-1",
			"aws secretsmanager describe-secret --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf --region us-east-1"},
		{"kubectl get secret regcred --namespace payments -o jsonpath='{.data.auth}'",
			"kubectl get secret regcred --namespace payments -o jsonpath='{.data.auth}'"},
		{"docker manifest inspect 'registry.example.com/app:xoxb-123456789012-abcdefabcdef'",
			"docker manifest inspect '<redacted>'"},
		{"kubectl get events --field-selector=involvedObject.name=api-7d9f",
			"kubectl get events --field-selector=involvedObject.name=api-7d9f"},
	} {
		if got := Command(tc.in); got != tc.want {
			t.Errorf("Command(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestHandlerRedactsLogLines(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(Handler(slog.NewJSONHandler(&buf, nil))).With("token_hint", "xoxb-123456789012-abcdefabcdef")
	log.WithGroup("g").Info("posting https://:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com failed",
		"task_arn", "arn:aws:ecs:eu-west-1:1:task/prod/ghp_abcdefghijklmnopqrstuvwxyz0123456789",
		"error", os.ErrNotExist, slog.Group("inner", "auth", "Authorization: Bearer abcdefghijklmnop"), "n", 3)
	out := buf.String()
	for _, secret := range []string{"abcdefabcdef", "ghp_abcdefghij", "abcdefghijklmnop"} {
		if strings.Contains(out, secret) {
			t.Errorf("log line holds %q: %s", secret, out)
		}
	}
	for _, keep := range []string{`"n":3`, "file does not exist", "task/prod/ghp_"} {
		if !strings.Contains(out, keep) {
			t.Errorf("log line lost %q: %s", keep, out)
		}
	}
}

// The embedded rule set is gitleaks' own, at the version go.mod requires.
func TestGitleaksConfigIsUpstream(t *testing.T) {
	if gitleaksConfig != gitleaksconfig.DefaultConfig {
		t.Fatal("shared/redact/gitleaks.toml differs from the gitleaks module's config/gitleaks.toml; copy it again (see gitleaks.go)")
	}
	if n := len(gitleaks().Rules); n < 200 {
		t.Fatalf("only %d gitleaks rules loaded", n)
	}
	for _, r := range gitleaks().Rules {
		r.regexp() // panics on a pattern Go's regexp cannot compile
	}
}

func BenchmarkString(b *testing.B) {
	text := strings.Repeat("CannotPullContainerError: pull access denied for web, repository does not exist or may require authorization: token xoxb-1-2 ", 80)[:Limit]
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		String(text)
	}
}
