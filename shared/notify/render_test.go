package notify

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// renderCase is one golden rendering: testdata/<name>.json holds the payload.
type renderCase struct {
	name string
	f    failure.Failure
	d    classify.Diagnosis
}

var t0 = time.Date(2026, 11, 25, 3, 12, 40, 0, time.UTC)

var renderCases = []renderCase{
	{
		// The container reason of a real CannotPullContainerError
		// (testdata/events/aws-ecs-task-state-change.STOPPED-CannotPullContainerError.DERIVED.json).
		name: "ecs-image-pull-ambiguous",
		f: failure.Failure{
			Platform: failure.ECS, Account: "123456789012", Region: "us-east-1", Cluster: "prod",
			Workload: "web", Task: "0d1c6a8f3b2e4c5d9a7b6c5d4e3f2a1b", Container: "app",
			TaskDefinition: "web:42", Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1.2.3",
			Reason: "CannotPullContainerError", Time: t0, EventID: "arn:aws:ecs:us-east-1:123456789012:task/prod/0d1c#2",
			Messages: []string{"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1.2.3: not found"},
			Links:    []failure.Link{{Title: "Task", URL: "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/tasks/0d1c?region=us-east-1&x=1"}},
		},
		d: classify.Diagnosis{
			Cause: classify.ImageNotFound, Title: "Image tag does not exist", Confidence: classify.Medium,
			RunnerUp: classify.RegistryAuth,
			Evidence: "failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1.2.3: not found",
			Fix:      []string{"Check that tag v1.2.3 was pushed to web.", "If it was, check the execution role can pull from ECR."},
			Commands: []classify.Command{{Purpose: "List the tags in the repository", Line: "aws ecr describe-images --repository-name web --region us-east-1 --query 'imageDetails[].imageTags'"}},
		},
	},
	{
		name: "gke-oom-logtail",
		f: failure.Failure{
			Platform: failure.Kubernetes, Account: "acme-prod", Region: "europe-west1", Cluster: "gke-main",
			Namespace: "payments", Workload: "ledger", Task: "ledger-7d9f8c6b5-x2x9q", Container: "ledger",
			Reason: "OOMKilled", ExitCode: failure.IntPtr(137), Time: t0,
			Messages: []string{"Back-off restarting failed container ledger in pod ledger-7d9f8c6b5-x2x9q_payments"},
			LogTail:  []string{"starting ledger 2.4.1", "loaded 1843221 accounts", "GC overhead limit exceeded & <heap> dump"},
			Details:  map[string]string{"Memory limit": "512Mi", "Restarts": "7"},
		},
		d: classify.Diagnosis{
			Cause: classify.OutOfMemory, Title: "Container killed for exceeding its memory limit", Confidence: classify.High,
			Evidence: "OOMKilled (exit code 137)",
			Fix:      []string{"Raise the memory limit of container ledger above 512Mi, or reduce its heap."},
			Commands: []classify.Command{{Purpose: "See the last termination", Line: "kubectl -n payments get pod ledger-7d9f8c6b5-x2x9q -o jsonpath='{.status.containerStatuses[*].lastState}'"}},
		},
	},
	{
		name: "injection",
		f: failure.Failure{
			Platform: failure.Docker, Workload: "<!channel>", Image: "evil/<http://evil.example|click>:```latest",
			Messages: []string{"pull access denied for <!here> <http://evil.example|click here> &amp; ``` *bold*"},
			LogTail:  []string{"```", "<!subteam^S123> token=xoxb-1234-5678-abcdefgh"},
			Links:    []failure.Link{{Title: "<!channel>|x", URL: "https://user:hunter2@evil.example/a>b|c"}, {Title: "js", URL: "javascript:alert(1)"}},
		},
		d: classify.Diagnosis{
			Cause: classify.Unknown, Title: "Unrecognised failure", Confidence: classify.Low,
			Commands: []classify.Command{{Purpose: "Inspect <!channel>", Line: "docker pull 'evil/<http://evil.example|click>:```latest'"}},
		},
	},
}

func TestRenderGolden(t *testing.T) {
	for _, tc := range renderCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Payload(&tc.f, tc.d)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "render-"+tc.name+".json")
			if *update {
				if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
				t.Errorf("payload differs from %s (go test -update rewrites it):\n%s", path, got)
			}
			// The payload decodes as Block Kit and keeps the metadata contract.
			var back struct {
				Text     string              `json:"text"`
				Blocks   slack.Blocks        `json:"blocks"`
				Metadata slack.SlackMetadata `json:"metadata"`
			}
			if err := json.Unmarshal([]byte(`{"text":"x","blocks":`+string(blockJSON(t, got))+`}`), &back); err != nil {
				t.Fatal(err)
			}
			if len(back.Blocks.BlockSet) == 0 {
				t.Error("no blocks")
			}
			m := Render(&tc.f, tc.d)
			if m.Metadata.EventType != "tracegrid_failure" || m.Metadata.EventPayload["cause"] != string(tc.d.Cause) ||
				m.Metadata.EventPayload["platform"] != string(tc.f.Platform) || m.Metadata.EventPayload["resource"] == nil {
				t.Errorf("metadata = %+v", m.Metadata)
			}
		})
	}
}

func blockJSON(t *testing.T, payload []byte) json.RawMessage {
	t.Helper()
	var p struct {
		Blocks json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		t.Fatal(err)
	}
	return p.Blocks
}

// mrkdwnTexts returns every mrkdwn string of a message: the fallback text
// and all mrkdwn text objects.
func mrkdwnTexts(m Message) []string {
	out := []string{m.Text}
	for _, b := range m.Blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if b.Text != nil {
				out = append(out, b.Text.Text)
			}
			for _, f := range b.Fields {
				out = append(out, f.Text)
			}
		case *slack.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				if t, ok := e.(*slack.TextBlockObject); ok {
					out = append(out, t.Text)
				}
			}
		}
	}
	return out
}

func TestRenderEscapesInjection(t *testing.T) {
	tc := renderCases[2]
	m := Render(&tc.f, tc.d)
	for _, s := range mrkdwnTexts(m) {
		for _, bad := range []string{"<!channel>", "<!here>", "<!subteam", "<http://evil", "hunter2", "xoxb-1234"} {
			if strings.Contains(s, bad) {
				t.Errorf("mrkdwn %q contains live %q", s, bad)
			}
		}
		// Only our own link markup may open a "<": the link to evil.example
		// with its credentials removed and | > encoded.
		for i := strings.IndexByte(s, '<'); i >= 0; i = strings.IndexByte(s[i+1:], '<') {
			rest := s[i:]
			if !strings.HasPrefix(rest, "<https://evil.example/a%3Eb%7Cc|") {
				t.Errorf("unexpected markup at %q", rest)
			}
			break
		}
		// Fences come in pairs: untrusted ``` cannot close a code block.
		if strings.Count(s, "```")%2 != 0 {
			t.Errorf("unbalanced code fence in %q", s)
		}
	}
	if !strings.Contains(m.Text, "&lt;!channel&gt;") {
		t.Errorf("fallback text %q does not show the escaped name", m.Text)
	}
}

func TestRenderLimits(t *testing.T) {
	long := strings.Repeat("é&<", 2000) // multi-byte runes and characters that escape to entities
	f := failure.Failure{Platform: failure.ECS, Workload: strings.Repeat("w", 300), Messages: []string{long}, Image: long}
	for i := 0; i < 500; i++ {
		f.LogTail = append(f.LogTail, long[:i%50*5])
	}
	d := classify.Diagnosis{Cause: classify.AppCrash, Title: strings.Repeat("Crash ", 40), Confidence: classify.High, Fix: []string{long}}
	for i := 0; i < 60; i++ {
		d.Commands = append(d.Commands, classify.Command{Purpose: "p", Line: long})
	}
	m := Render(&f, d)
	if len(m.Blocks) > maxBlocks {
		t.Errorf("%d blocks", len(m.Blocks))
	}
	for _, b := range m.Blocks {
		if h, ok := b.(*slack.HeaderBlock); ok && utf8.RuneCountInString(h.Text.Text) > maxHeader {
			t.Errorf("header of %d characters", utf8.RuneCountInString(h.Text.Text))
		}
	}
	for _, s := range mrkdwnTexts(m) {
		if !utf8.ValidString(s) {
			t.Errorf("invalid UTF-8 in %q", s)
		}
		if n := utf8.RuneCountInString(s); n > maxSection {
			t.Errorf("text of %d characters", n)
		}
		if strings.Count(s, "```")%2 != 0 {
			t.Errorf("truncation broke a code fence: …%s", s[max(len(s)-40, 0):])
		}
		assertWholeEntities(t, s)
	}
}

// assertWholeEntities fails if s has an & that does not start &amp; &lt; or &gt;.
func assertWholeEntities(t *testing.T, s string) {
	t.Helper()
	for i := 0; i < len(s); i++ {
		if s[i] == '&' && !strings.HasPrefix(s[i:], "&amp;") && !strings.HasPrefix(s[i:], "&lt;") && !strings.HasPrefix(s[i:], "&gt;") {
			t.Errorf("split entity at …%s", s[i:min(i+8, len(s))])
			return
		}
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		want  string
	}{
		{"short", 10, "short"},
		{"abcdef", 4, "abc…"},
		{"ééééé", 3, "éé…"},
		{"ab&amp;cd", 5, "ab…"},
		{"ab&amp;cd", 8, "ab&amp;…"},
		{"日本語テキスト", 4, "日本語…"},
	} {
		if got := truncate(tc.in, tc.limit); got != tc.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
		}
	}
}

// Incident updates and storms render from stored state: golden files pin
// the repeat, resolved and storm layouts.
func TestRenderStateGolden(t *testing.T) {
	tc := renderCases[1]
	in := &incident{Failure: trimFailure(&tc.f), Diagnosis: tc.d, Count: 14, FirstSeen: t0, LastSeen: t0.Add(47 * time.Minute),
		Tasks: []string{"ledger-7d9f8c6b5-x2x9q", "ledger-7d9f8c6b5-k4m1z", "ledger-7d9f8c6b5-<!here>"}, TaskCount: 3,
		Mention: "<!subteam^S0ONCALL>"}
	resolved := *in
	resolved.Resolved, resolved.ResolvedAt = true, t0.Add(time.Hour)
	storm := &stormMsg{Platform: failure.ECS, Account: "123456789012", Started: t0}
	for i, w := range []string{"web", "api", "<!channel>", "worker"} {
		cause, title := classify.RegistryUnreachable, "Registry unreachable"
		if i == 3 {
			cause, title = classify.ImageNotFound, "Image or tag does not exist"
		}
		storm.Entries = append(storm.Entries, stormEntry{Incident: w, Cause: cause, Title: title, Resource: w, Count: i + 1, Recovered: i == 1})
	}
	for name, m := range map[string]Message{"incident-repeat": in.message(), "incident-resolved": resolved.message(), "storm": storm.message()} {
		t.Run(name, func(t *testing.T) {
			got, err := marshal(m, "  ")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "render-"+name+".json")
			if *update {
				if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
				t.Errorf("payload differs from %s (go test -update rewrites it):\n%s", path, got)
			}
			for _, s := range mrkdwnTexts(m) {
				if strings.Contains(s, "<!here>") || strings.Contains(s, "<!channel>") {
					t.Errorf("live mention in %q", s)
				}
			}
		})
	}
}
