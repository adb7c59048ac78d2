package report

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
	"github.com/tracegrid/tracegrid/shared/verify"
	"github.com/tracegrid/tracegrid/shared/verify/verifytest"
)

// TestReportVerifies runs the check stage against a real registry in
// process: the same ambiguous pull wording gives image_not_found with the
// nearest tag when the tag is missing, registry_auth when it exists, and
// the classifier's answer with the reason when the registry cannot be
// asked.
func TestReportVerifies(t *testing.T) {
	reg := verifytest.New(t, true)
	reg.Push(t, "team/web", "1.4.2")
	reg.Push(t, "team/slow", "1.0")
	reg.Fail("team/slow", verifytest.Fault{Delay: 2 * time.Second})
	checker, err := verify.NewRegistry(verify.WithTimeout(300 * time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	// Real ECS wording (testdata/corpus, "ngin:latest") with the reference replaced.
	msg := func(ref string) string {
		return `CannotPullContainerError: inspect image has been retried 1 time(s): failed to resolve ref "` + ref +
			`": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`
	}
	for _, tc := range []struct {
		name, image, cause, confidence, check string
		text                                  []string
	}{
		{"tag missing", reg.Host + "/team/web:1.4.3", "image_not_found", "high", "tag_missing", []string{"nearest tags: `1.4.2`", "team/web:1.4.2"}},
		{"tag exists", reg.Host + "/team/web:1.4.2", "registry_auth", "high", "tag_exists", []string{"the tag exists (sha256:"}},
		{"registry too slow", reg.Host + "/team/slow:1.0", "registry_auth", "medium", "unreachable", []string{"the check could not be made: the registry did not answer within the check's deadline", "Could also be"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fakeslack.New("xoxb-report")
			defer s.Close()
			n, err := notify.New(notify.Config{BotToken: "xoxb-report", Channel: "C1", APIURL: s.APIURL()})
			if err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			r := &Reporter{Notifier: n, Log: slog.New(slog.NewTextHandler(&logs, nil)), Verify: &verify.Stage{Checker: checker}}
			f := &failure.Failure{Platform: failure.ECS, Cluster: "prod", Workload: "web", Image: tc.image, EventID: tc.name,
				Messages: []string{msg(tc.image)}}
			out, err := r.Report(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			d := out.Diagnosis
			if string(d.Cause) != tc.cause || string(d.Confidence) != tc.confidence {
				t.Errorf("diagnosis %s/%s, want %s/%s", d.Cause, d.Confidence, tc.cause, tc.confidence)
			}
			if !strings.Contains(logs.String(), "registry_check="+tc.check) {
				t.Errorf("log lacks the check outcome: %s", logs.String())
			}
			msgs := s.Messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages", len(msgs))
			}
			for _, want := range append(tc.text, "*Registry check*") {
				if !strings.Contains(msgs[0].BlocksJSON, want) {
					t.Errorf("Slack message lacks %q:\n%s", want, msgs[0].BlocksJSON)
				}
			}
			if p := s.Problems(); len(p) > 0 {
				t.Errorf("Slack rule violations: %q", p)
			}
		})
	}
}

// TestReportOneCredential: auth failures of three workloads on one registry
// host within minutes are one incident about the credential, not three.
func TestReportOneCredential(t *testing.T) {
	reg := verifytest.New(t, true)
	reg.Push(t, "team/web", "1.4.2")
	reg.Push(t, "team/api", "2.0")
	checker, err := verify.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	s := fakeslack.New("xoxb-report")
	defer s.Close()
	n, err := notify.New(notify.Config{BotToken: "xoxb-report", Channel: "C1", APIURL: s.APIURL()})
	if err != nil {
		t.Fatal(err)
	}
	r := &Reporter{Notifier: n, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Verify: &verify.Stage{Checker: checker, History: notify.NewMemoryStore(nil)}}
	at := time.Date(2026, 12, 1, 3, 12, 0, 0, time.UTC)
	var last Outcome
	for i, w := range []struct{ workload, image string }{{"web", "team/web:1.4.2"}, {"api", "team/api:2.0"}, {"worker", "team/web:1.4.2"}} {
		ref := reg.Host + "/" + w.image
		f := &failure.Failure{Platform: failure.Kubernetes, Cluster: "prod", Namespace: "shop", Workload: w.workload, Image: ref,
			Time: at.Add(time.Duration(i) * time.Minute), EventID: w.workload,
			Messages: []string{"Failed to pull image \"" + ref + "\": failed to resolve reference \"" + ref + "\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"}}
		if last, err = r.Report(context.Background(), f); err != nil {
			t.Fatal(err)
		}
	}
	if msgs := s.Messages(); len(msgs) != 1 {
		t.Fatalf("%d Slack messages for one broken credential, want 1", len(msgs))
	}
	if last.Diagnosis.Cause != "registry_auth" || !strings.Contains(last.Diagnosis.Fix[0], "One credential, 3 workloads: pulls from "+reg.Host) ||
		!strings.Contains(last.Diagnosis.Fix[0], "shop/api, shop/web, shop/worker") {
		t.Errorf("diagnosis %s, fix %q", last.Diagnosis.Cause, last.Diagnosis.Fix)
	}
}
