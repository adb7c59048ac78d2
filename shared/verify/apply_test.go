package verify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/verify"
)

// ambiguous is the real ECS wording (testdata/corpus, "ngin:latest") with
// the reference replaced: it reads the same for a wrong name and for
// refused credentials.
func ambiguous(ref string) string {
	return `CannotPullContainerError: inspect image has been retried 1 time(s): failed to resolve ref "` + ref +
		`": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`
}

func TestApply(t *testing.T) {
	const img = "0123456789.dkr.ecr.eu-west-1.amazonaws.com/team/web:1.4.3"
	failedAt := at.Add(time.Minute)
	ecs := func() *failure.Failure {
		return &failure.Failure{Platform: failure.ECS, Cluster: "prod", Workload: "web", Container: "app", Region: "eu-west-1",
			Image: img, Time: failedAt, Messages: []string{ambiguous(img)},
			Details: map[string]string{classify.DetailExecutionRole: "arn:aws:iam::0123456789:role/ecsTaskExecutionRole"}}
	}
	base := verify.Result{Reference: img, Registry: "0123456789.dkr.ecr.eu-west-1.amazonaws.com", Repository: "team/web", Tag: "1.4.3", At: at}
	with := func(mod func(*verify.Result)) verify.Result { r := base; mod(&r); return r }
	for _, tc := range []struct {
		name    string
		f       *failure.Failure
		r       verify.Result
		cause   classify.Cause
		conf    classify.Confidence
		fix     string // substring of the first fix step
		command string // substring of some command
		summary string
	}{
		{name: "tag missing", f: ecs(), r: with(func(r *verify.Result) { r.Kind = verify.TagMissing; r.Nearest = []string{"1.4.2", "1.5.0"} }),
			cause: classify.ImageNotFound, conf: classify.High, fix: "such as `team/web:1.4.2` (nearest: 1.4.2, 1.5.0)",
			summary: "checked `" + img + "` at 03:12 UTC: the repository exists but has no tag `1.4.3`; nearest tags: `1.4.2`, `1.5.0`"},
		{name: "repository missing", f: ecs(), r: with(func(r *verify.Result) { r.Kind = verify.RepoMissing }),
			cause: classify.ImageNotFound, conf: classify.High, fix: "The repository `team/web` does not exist"},
		{name: "archived", f: ecs(), r: with(func(r *verify.Result) { r.Kind = verify.Archived }),
			cause: classify.ImageNotFound, conf: classify.High, fix: "archive storage class",
			command: "aws ecr update-image-storage-class --repository-name team/web --image-id imageTag=1.4.3 --target-storage-class STANDARD --registry-id 0123456789 --region eu-west-1"},
		{name: "tag exists, never seen working: the execution role", f: ecs(), r: with(func(r *verify.Result) { r.Kind = verify.TagExists; r.Digest = "sha256:abc" }),
			cause: classify.RegistryAuth, conf: classify.High, fix: "the task execution role `arn:aws:iam::0123456789:role/ecsTaskExecutionRole` may not pull it"},
		{name: "tag exists, pulled 3h before: expired token", f: ecs(), r: with(func(r *verify.Result) { r.Kind = verify.TagExists; r.LastPulled = at.Add(-3 * time.Hour) }),
			cause: classify.RegistryTokenExpired, conf: classify.High, fix: "last worked 3h1m before the failure (2026-12-01 00:12 UTC)",
			summary: "the tag exists, last pulled 2026-12-01 00:12 UTC"},
		{name: "tag exists, started (own history) 2h before: expired token", f: ecs(), r: with(func(r *verify.Result) { r.Kind = verify.TagExists; r.LastStarted = at.Add(-2 * time.Hour) }),
			cause: classify.RegistryTokenExpired, conf: classify.High, fix: "last worked 2h1m before"},
		{name: "tag exists, worked a month ago: not token expiry", f: ecs(), r: with(func(r *verify.Result) { r.Kind = verify.TagExists; r.LastPulled = at.Add(-30 * 24 * time.Hour) }),
			cause: classify.RegistryAuth, conf: classify.High},
		{name: "tag exists on Kubernetes: pull secrets or node SA",
			f: &failure.Failure{Platform: failure.Kubernetes, Namespace: "shop", Workload: "web", Image: img, Messages: []string{ambiguous(img)}},
			r: with(func(r *verify.Result) { r.Kind = verify.TagExists }), cause: classify.RegistryTokenExpired, conf: classify.Medium,
			fix: "the pod's imagePullSecrets or the node's service account holds an expired token or lacks access"},
		{name: "tag exists on ACI: imageRegistryCredentials",
			f: &failure.Failure{Platform: failure.ACI, ResourceGroup: "rg", Workload: "web", Image: img, Messages: []string{ambiguous(img)}},
			r: with(func(r *verify.Result) { r.Kind = verify.TagExists }), cause: classify.RegistryAuth, conf: classify.High, fix: "imageRegistryCredentials"},
		{name: "check denied: unchanged", f: ecs(), r: with(func(r *verify.Result) {
			r.Kind = verify.Denied
			r.Reason = "the registry refused the check's own credentials (Forbidden)"
		}),
			summary: "the check could not be made: the registry refused"},
		{name: "check timed out: unchanged", f: ecs(), r: with(func(r *verify.Result) {
			r.Kind = verify.Unreachable
			r.Reason = "the registry did not answer within the check's deadline"
		}),
			summary: "could not be made: the registry did not answer"},
		{name: "rate limited: unchanged", f: ecs(), r: with(func(r *verify.Result) { r.Kind = verify.RateLimited; r.Reason = "429"; r.RetryAfter = "30" })},
		{name: "inconclusive 404: unchanged", f: ecs(), r: with(func(r *verify.Result) { r.Kind = verify.Inconclusive; r.Reason = "no proof" })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := classify.Classify(tc.f)
			if !verify.Needed(before, tc.f) {
				t.Fatalf("the ambiguous wording (%s) does not ask for a check", before.Cause)
			}
			d := verify.Apply(before, tc.f, tc.r)
			cause, conf := tc.cause, tc.conf
			if cause == "" { // could not check: unchanged
				cause, conf = before.Cause, before.Confidence
				if d.Title != before.Title || d.RunnerUp != before.RunnerUp || len(d.Commands) != len(before.Commands) {
					t.Errorf("diagnosis changed by a check that could not be made: %+v", d)
				}
			}
			if d.Cause != cause || d.Confidence != conf {
				t.Errorf("got %s/%s, want %s/%s", d.Cause, d.Confidence, cause, conf)
			}
			if d.Check == nil || d.Check.Outcome != tc.r.Kind.String() {
				t.Fatalf("check = %+v", d.Check)
			}
			if d.Evidence != before.Evidence {
				t.Errorf("evidence %q, want the message's %q", d.Evidence, before.Evidence)
			}
			if tc.fix != "" && (len(d.Fix) == 0 || !strings.Contains(d.Fix[0], tc.fix)) {
				t.Errorf("fix %q lacks %q", d.Fix, tc.fix)
			}
			if tc.command != "" && !hasCommand(d, tc.command) {
				t.Errorf("commands %+v lack %q", d.Commands, tc.command)
			}
			if !strings.Contains(d.Check.Summary, tc.summary) {
				t.Errorf("summary %q lacks %q", d.Check.Summary, tc.summary)
			}
		})
	}
}

func hasCommand(d classify.Diagnosis, s string) bool {
	for _, c := range d.Commands {
		if strings.Contains(c.Line, s) {
			return true
		}
	}
	return false
}

func TestApplyNeverTouchesOtherCauses(t *testing.T) {
	f := &failure.Failure{Platform: failure.ECS, Image: "web:1", Messages: []string{"OutOfMemoryError: Container killed due to memory usage"}}
	d := classify.Classify(f)
	if verify.Needed(d, f) {
		t.Fatalf("an OOM kill asks for a registry check")
	}
	got := verify.Apply(d, f, verify.Result{Kind: verify.TagMissing, Reference: "web:1", At: at})
	if got.Cause != d.Cause || got.Confidence != d.Confidence {
		t.Errorf("OOM turned into %s", got.Cause)
	}
}
