package notify

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		gone     []string // must not survive
		kept     []string // must survive
	}{
		{"slack bot token", "posting with xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx failed", []string{"AbCdEfGh"}, []string{"xoxb-[REDACTED]", "failed"}},
		{"slack user token", "token xoxp-1-abc-def-ghi", []string{"abc-def"}, nil},
		{"bearer", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", []string{"eyJhbGci"}, []string{"Bearer [REDACTED]"}},
		{"url credentials", "Get https://deploy:s3cr3t-P4ss@registry.example.com/v2/: unauthorized", []string{"s3cr3t", "deploy:"}, []string{"https://[REDACTED]@registry.example.com/v2/"}},
		{"url token user", "clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r", []string{"ghp_abc"}, []string{"github.com/o/r"}},
		{"password pair", "DB_PASSWORD=hunter2 APP_ENV=prod", []string{"hunter2"}, []string{"DB_PASSWORD=[REDACTED]", "APP_ENV=prod"}},
		{"json password", `{"user":"app","password": "hunter2"}`, []string{"hunter2"}, []string{`"user":"app"`}},
		{"aws access key id", "AccessKeyId AKIAIOSFODNN7EXAMPLE denied", []string{"IOSFODNN7EXAMPLE"}, []string{"AKIAIOSF"}},
		{"aws secret key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", []string{"wJalrXUtnFEMI"}, nil},
		{"bare aws secret", "key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY here", []string{"wJalrXUtnFEMI"}, []string{"here"}},
		{"private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", []string{"MIIEow"}, []string{"[REDACTED PRIVATE KEY]"}},
		{"webhook url", "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX", []string{"XXXXXXXX"}, nil},
		// Not secrets: digests, commit hashes, ARNs and plain errors survive.
		{"digest", "image@sha256:9b2f5e1d0c8a7b6e5f4d3c2b1a09f8e7d6c5b4a392817161514131211100f0e0d", nil, []string{"sha256:9b2f5e1d0c8a7b6e5f4d3c2b1a09f8e7d6c5b4a392817161514131211100f0e0d"}},
		{"commit", "built from 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c", nil, []string{"3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c"}},
		{"arn", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf", nil, []string{"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"}},
		{"yaml password", "password: hunter2", []string{"hunter2"}, []string{"password: [REDACTED]"}},
		// Prose with colons, from testdata/corpus/messages.jsonl, survives.
		{"etc passwd", "open /tmp/containerd-mount916692511/etc/passwd: no such file or directory", nil, []string{"etc/passwd: no such file"}},
		{"anonymous token", "failed to fetch anonymous token: unexpected status: 403 Forbidden", nil, []string{"token: unexpected status"}},
		{"registry auth", "unable to pull secrets or registry auth: execution resource retrieval failed", nil, []string{"auth: execution resource"}},
		{"security token prose", "denied: The security token included in the request is invalid", nil, []string{"security token included"}},
		{"plain", "CannotPullContainerError: pull access denied for web, repository does not exist", nil, []string{"CannotPullContainerError: pull access denied for web, repository does not exist"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Redact(tc.in)
			for _, g := range tc.gone {
				if strings.Contains(got, g) {
					t.Errorf("Redact(%q) = %q still contains %q", tc.in, got, g)
				}
			}
			for _, k := range tc.kept {
				if !strings.Contains(got, k) {
					t.Errorf("Redact(%q) = %q lost %q", tc.in, got, k)
				}
			}
		})
	}
}

func TestRenderRedacts(t *testing.T) {
	f := renderCases[0].f
	f.Messages = []string{"Get https://bot:p4ssw0rd@registry.example.com/v2/: unauthorized"}
	f.LogTail = []string{"export SLACK_BOT_TOKEN=xoxb-1111-2222-abcdefabcdef"}
	d := renderCases[0].d
	d.Evidence = ""
	b, err := Payload(&f, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"p4ssw0rd", "abcdefabcdef"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("payload contains %q", secret)
		}
	}
}

// Redaction must never take away the words that name the cause: every
// message of the corpus (../../testdata/corpus/messages.jsonl) classifies
// the same after redaction. (Some real messages do carry credentials, such
// as a presigned URL's X-Amz-Credential, so the text itself may change.)
func TestRedactKeepsCorpus(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "corpus", "messages.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for line := range strings.Lines(string(b)) {
		var m struct {
			Platform failure.Platform
			Message  string
		}
		if err := json.Unmarshal([]byte(line), &m); err != nil || m.Message == "" {
			continue
		}
		n++
		got := Redact(m.Message)
		if before, after := classify.Text(m.Platform, m.Message), classify.Text(m.Platform, got); before.Cause != after.Cause {
			t.Errorf("Redact changed the cause from %s to %s:\n%s\n%s", before.Cause, after.Cause, m.Message, got)
		}
	}
	if n < 100 {
		t.Fatalf("read only %d corpus messages", n)
	}
}
