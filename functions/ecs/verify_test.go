package ecs

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/shared/verify"
)

// Error bodies of DescribeImages in the awsJson1_1 shape, with the
// services' messages (testdata/SOURCES.md), names replaced.
const (
	ecrImageNotFound = `{"__type":"ImageNotFoundException","message":"The image with imageId {imageDigest:'null', imageTag:'%s'} does not exist within the repository with name '%s' in the registry with id '111122223333'"}`
	ecrRepoNotFound  = `{"__type":"RepositoryNotFoundException","message":"The repository with name '%s' does not exist in the registry with id '111122223333'"}`
	ecrAccessDenied  = `{"__type":"AccessDeniedException","message":"User: arn:aws:sts::444455556666:assumed-role/tracegrid-ecs/tracegrid is not authorized to perform: ecr:DescribeImages on resource: arn:aws:ecr:eu-west-1:111122223333:repository/team/denied because no resource-based policy allows the ecr:DescribeImages action"}`
	ecrThrottled     = `{"__type":"ThrottlingException","message":"Rate exceeded"}`
	ecrServerError   = `{"__type":"ServerException","message":"Internal server error"}`
)

const ecrHost = "111122223333.dkr.ecr.eu-west-1.amazonaws.com"

// ecrWorlds answers DescribeImages per repository and tag: team/web has
// 1.4.1 (pulled 3 h before the failure), 1.4.2 (pulled months ago), 1.3.0
// (archived) and no other tag; team/wbe does not exist; team/denied refuses
// the function's role; team/throttled throttles; team/down fails; team/slow
// answers after slow.
func ecrWorlds(t testing.TB, slow time.Duration) func(req map[string]any) awsReply {
	active := awsReply{body: recorded(t, "ecr.DescribeImages.tag-active.DERIVED.json")}
	stale := awsReply{body: recorded(t, "ecr.DescribeImages.tag-stale.DERIVED.json")}
	archived := awsReply{body: recorded(t, "ecr.DescribeImages.tag-archived.DERIVED.json")}
	listing := awsReply{body: recorded(t, "ecr.DescribeImages.repository.DERIVED.json")}
	return func(req map[string]any) awsReply {
		repo, _ := req["repositoryName"].(string)
		tag := ""
		if ids, ok := req["imageIds"].([]any); ok && len(ids) > 0 {
			tag, _ = ids[0].(map[string]any)["imageTag"].(string)
		}
		switch repo {
		case "team/web":
			switch tag {
			case "":
				return listing
			case "1.4.1":
				return active
			case "1.4.2":
				return stale
			case "1.3.0":
				return archived
			}
			return awsReply{http.StatusBadRequest, fmt.Sprintf(ecrImageNotFound, tag, repo)}
		case "team/denied":
			return awsReply{http.StatusBadRequest, ecrAccessDenied}
		case "team/throttled":
			return awsReply{http.StatusBadRequest, ecrThrottled}
		case "team/down":
			return awsReply{http.StatusInternalServerError, ecrServerError}
		case "team/slow":
			time.Sleep(slow)
			return active
		}
		return awsReply{http.StatusBadRequest, fmt.Sprintf(ecrRepoNotFound, repo)}
	}
}

// stubChecker stands for shared/verify's registry check of non-ECR images.
type stubChecker struct{ images []string }

func (s *stubChecker) Check(_ context.Context, image string) verify.Result {
	s.images = append(s.images, image)
	return verify.Result{Kind: verify.TagExists, Reference: image}
}

func TestECRCheck(t *testing.T) {
	aws := newFakeAWS(t, nil)
	aws.route(targetDescribeImages, ecrWorlds(t, time.Second))
	setEnv(t, awsEnv(t, aws))
	rec := &opRecorder{}
	fn, _ := testFunction(rec)
	pulled := time.Date(2020, 6, 5, 9, 12, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, image string
		kind        verify.Kind
		nearest     []string
		lastPulled  time.Time
		code        string
		calls       int // DescribeImages requests
		reason      string
	}{
		{name: "tag active", image: ecrHost + "/team/web:1.4.1", kind: verify.TagExists, lastPulled: pulled, calls: 1},
		{name: "tag archived", image: ecrHost + "/team/web:1.3.0", kind: verify.Archived, lastPulled: time.Date(2020, 3, 2, 11, 0, 0, 0, time.UTC), calls: 1},
		{name: "ImageNotFoundException: nearest tags from the listing", image: ecrHost + "/team/web:1.4.3", kind: verify.TagMissing,
			nearest: []string{"1.4.2", "1.4.1", "1.3.0", "stable"}, code: "ImageNotFoundException", calls: 2},
		{name: "RepositoryNotFoundException", image: ecrHost + "/team/wbe:1.4.2", kind: verify.RepoMissing, code: "RepositoryNotFoundException", calls: 1},
		{name: "AccessDenied (cross-account, no repository policy)", image: ecrHost + "/team/denied:1", kind: verify.Denied, code: "AccessDeniedException", calls: 1,
			reason: "may not call ecr:DescribeImages"},
		{name: "throttled, not retried", image: ecrHost + "/team/throttled:1", kind: verify.RateLimited, calls: 1},
		{name: "server error, not retried", image: ecrHost + "/team/down:1", kind: verify.Unreachable, code: "ServerException", calls: 1},
		{name: "slow past the deadline", image: ecrHost + "/team/slow:1", kind: verify.Unreachable, calls: 1, reason: "did not answer within"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &ecrChecker{clients: fn.clients, other: &stubChecker{}, timeout: 300 * time.Millisecond, now: time.Now}
			before := len(aws.calls(targetDescribeImages))
			r := c.Check(context.Background(), tc.image)
			if r.Kind != tc.kind {
				t.Fatalf("kind = %s, want %s (%s, %v)", r.Kind, tc.kind, r.Reason, r.Err)
			}
			if tc.nearest != nil && !slices.Equal(r.Nearest, tc.nearest) {
				t.Errorf("nearest = %q, want %q", r.Nearest, tc.nearest)
			}
			if !r.LastPulled.Equal(tc.lastPulled) {
				t.Errorf("last pulled = %v, want %v", r.LastPulled, tc.lastPulled)
			}
			if tc.code != "" && r.Code != tc.code {
				t.Errorf("code = %q, want %q", r.Code, tc.code)
			}
			if !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("reason %q lacks %q", r.Reason, tc.reason)
			}
			calls := aws.calls(targetDescribeImages)[before:]
			if len(calls) != tc.calls {
				t.Errorf("DescribeImages calls = %d, want %d", len(calls), tc.calls)
			}
			if len(calls) > 0 && (calls[0]["registryId"] != "111122223333" || calls[0]["repositoryName"] == nil) {
				t.Errorf("request = %v", calls[0])
			}
		})
	}
	t.Run("other registries go through shared/verify", func(t *testing.T) {
		other := &stubChecker{}
		c := &ecrChecker{clients: fn.clients, other: other, timeout: time.Second, now: time.Now}
		before := len(aws.calls(targetDescribeImages))
		c.Check(context.Background(), "ghcr.io/team/web:1")
		if len(other.images) != 1 || len(aws.calls(targetDescribeImages)) != before {
			t.Errorf("ghcr.io image: shared/verify got %q, ECR %d calls", other.images, len(aws.calls(targetDescribeImages))-before)
		}
	})
	checkIAM(t, rec)
}

// ambiguousPull is the real ECS wording (testdata/corpus, "ngin:latest")
// with the reference replaced: it reads the same for a wrong name, refused
// credentials and an expired token.
func ambiguousPull(t testing.TB, ref string) string {
	m := corpusMessage(t, `"docker.io/library/ngin:latest"`).Message
	return strings.ReplaceAll(m, "docker.io/library/ngin:latest", ref)
}

// TestFourWorldsUnderEmulator runs the Lambda under aws-lambda-rie with the
// same ambiguous pull message in four worlds, ECR answering through
// AWS_ENDPOINT_URL_ECR, then replays a 300-event storm on one image.
func TestFourWorldsUnderEmulator(t *testing.T) {
	emu, fake, aws := lambdaUnderEmulator(t, "AWS_LAMBDA_FUNCTION_TIMEOUT=10", EnvVerify+"=on")
	aws.route(targetDescribeImages, ecrWorlds(t, verify.DefaultTimeout+time.Second))

	worlds := []struct {
		world, service, image, cause, confidence string
		text                                     []string
	}{
		{"tag missing", "web-a", ecrHost + "/team/web:1.4.3", "image_not_found", "high",
			[]string{"the repository exists but has no tag `1.4.3`; nearest tags: `1.4.2`, `1.4.1`", "such as `team/web:1.4.2`"}},
		{"credentials wrong", "web-b", ecrHost + "/team/web:1.4.2", "registry_auth", "high",
			[]string{"the tag exists (sha256:0b1a4e0c81c4), last pulled 2020-03-02 11:00 UTC", "the task execution role `arn:aws:iam::0123456789:role/ecsTaskExecutionRole` may not pull it"}},
		{"token expired after a success", "web-c", ecrHost + "/team/web:1.4.1", "registry_token_expired", "high",
			[]string{"last pulled 2020-06-05 09:12 UTC", "last worked 3h5m before the failure"}},
		{"registry unreachable from the function", "web-d", ecrHost + "/team/slow:1.0", "registry_auth", "medium",
			[]string{"the check could not be made: ECR did not answer within the check's deadline", "Could also be `image_not_found`"}},
	}
	// A fifth: the registry keeps no pull time (tag-stale's is months old),
	// but the service was seen RUNNING with the image 2 h before the failure.
	// (Another account's registry: auth failures on one registry host are
	// one incident, which world 3 has opened for ecrHost.)
	const otherHost = "444455556666.dkr.ecr.eu-west-1.amazonaws.com"
	running := patched(t, evRunning, map[string]any{"time": "2020-06-05T10:00:00Z", "detail.group": "service:web-e",
		"account": "0123456789", "region": "eu-west-1", "detail.clusterArn": "arn:aws:ecs:eu-west-1:0123456789:cluster/Features",
		"detail.containers.0.image": otherHost + "/team/web:1.4.2"})
	if r := emu.invoke(t, running); r.ErrorMessage != "" || len(r.Results) != 1 {
		t.Fatalf("RUNNING event: %+v", r)
	}
	worlds = append(worlds, struct {
		world, service, image, cause, confidence string
		text                                     []string
	}{
		"token expired, seen working by Tracegrid", "web-e", otherHost + "/team/web:1.4.2", "registry_token_expired", "high",
		[]string{"last worked 2h17m before the failure (2020-06-05 10:00 UTC)"}})
	for i, w := range worlds {
		t.Run(w.world, func(t *testing.T) {
			before := len(fake.Messages())
			r := emu.invoke(t, stoppedTask(t, evPull, 100+i, ambiguousPull(t, w.image), w.image, map[string]any{"detail.group": "service:" + w.service}))
			if r.ErrorMessage != "" {
				t.Fatalf("function error %s: %s", r.ErrorType, r.ErrorMessage)
			}
			msgs := fake.Messages()
			if len(msgs) != before+1 {
				t.Fatalf("Slack messages = %d, want %d", len(msgs), before+1)
			}
			m := msgs[len(msgs)-1]
			if got := m.Metadata.EventPayload["cause"]; got != w.cause {
				t.Errorf("cause = %v, want %s", got, w.cause)
			}
			for _, s := range append(w.text, "("+w.confidence+" confidence)", "*Registry check*\\nchecked `"+w.image+"`") {
				if !strings.Contains(m.BlocksJSON, s) {
					t.Errorf("message lacks %q:\n%s", s, m.BlocksJSON)
				}
			}
		})
	}

	t.Run("300-event storm: one registry call per reference", func(t *testing.T) {
		const image = ecrHost + "/team/web:1.4.2"
		checks := func() int {
			n := 0
			for _, c := range aws.calls(targetDescribeImages) {
				if ids, ok := c["imageIds"].([]any); ok && c["registryId"] == "111122223333" && c["repositoryName"] == "team/web" && ids[0].(map[string]any)["imageTag"] == "1.4.2" {
					n++
				}
			}
			return n
		}
		before := checks()
		if before != 1 {
			t.Fatalf("before the storm: %d checks of %s, want the world's 1", before, image)
		}
		// The emulator runs one invocation at a time, as one Lambda instance
		// does; 300 tasks of 30 services fail on the same image.
		for i := range 300 {
			r := emu.invoke(t, stoppedTask(t, evPull, 1000+i, ambiguousPull(t, image), image, map[string]any{"detail.group": fmt.Sprintf("service:storm-%d", i%30)}))
			if r.ErrorMessage != "" {
				t.Fatalf("function error %s: %s", r.ErrorType, r.ErrorMessage)
			}
		}
		if n := checks() - before; n != 0 {
			t.Errorf("300 events on %s made %d more DescribeImages calls, want 0 (cached)", image, n)
		}
		t.Logf("storm: 300 events, %d DescribeImages call for %s in total", checks(), image)
	})
	if p := fake.Problems(); len(p) > 0 {
		t.Errorf("Slack rule violations: %q", p)
	}
	if out := emu.output.String(); !strings.Contains(out, `"registry_check":"tag_missing"`) || strings.Contains(out, testToken) {
		t.Errorf("function logs lack the check outcome (or leak the token):\n%s", out)
	}
}

// BenchmarkECRCheck measures the ECR check an invocation adds (the SDK's
// DescribeImages, signed, against a local endpoint serving the recorded
// bodies), uncached: p50 and p99 per check.
func BenchmarkECRCheck(b *testing.B) {
	aws := newFakeAWS(b, nil)
	aws.route(targetDescribeImages, ecrWorlds(b, 0))
	for _, kv := range awsEnv(b, aws) {
		k, v, _ := strings.Cut(kv, "=")
		b.Setenv(k, v)
	}
	fn, _ := testFunction(nil)
	c := &ecrChecker{clients: fn.clients, other: &stubChecker{}, timeout: verify.DefaultTimeout, now: time.Now}
	for _, bc := range []struct{ name, image string }{
		{"tag_exists", ecrHost + "/team/web:1.4.1"},
		{"tag_missing", ecrHost + "/team/web:1.4.3"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if r := c.Check(context.Background(), bc.image); !r.Kind.Conclusive() {
					b.Fatalf("%s: %s", r.Kind, r.Reason)
				}
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e6, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e6, "p99-ms")
		})
	}
}
