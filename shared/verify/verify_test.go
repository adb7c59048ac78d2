package verify_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/tracegrid/tracegrid/internal/fakeclock"
	"github.com/tracegrid/tracegrid/shared/verify"
	"github.com/tracegrid/tracegrid/shared/verify/verifytest"
)

var at = time.Date(2026, 12, 1, 3, 12, 0, 0, time.UTC)

func TestRegistryCheck(t *testing.T) {
	reg := verifytest.New(t, false, "ci", "s3cret")
	_, webDigest := reg.Push(t, "team/web", "1.4.2")
	reg.Push(t, "team/web", "1.4.1")
	reg.Push(t, "team/web", "1.5.0")
	reg.Push(t, "team/web", "latest-dev")
	reg.Push(t, "team/denied", "v1")
	reg.Push(t, "team/limited", "v1")
	reg.Push(t, "team/broken", "v1")
	reg.Push(t, "team/slow", "v1")
	reg.Push(t, "team/private", "v1")
	reg.Fail("team/denied", verifytest.Fault{Status: http.StatusForbidden})
	reg.Fail("team/limited", verifytest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "30"})
	reg.Fail("team/broken", verifytest.Fault{Status: http.StatusServiceUnavailable})
	reg.Fail("team/slow", verifytest.Fault{Delay: 2 * time.Second})
	reg.Fail("team/private", verifytest.Fault{HideTags: true})

	public := verifytest.New(t, true)
	public.Push(t, "library/nginx", "1.27")
	public.RateLimit("100;w=21600", "76;w=21600")

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := closed.Addr().String()
	closed.Close()

	good := authn.FromConfig(authn.AuthConfig{Username: "ci", Password: "s3cret"})
	bad := authn.FromConfig(authn.AuthConfig{Username: "ci", Password: "wrong"})
	for _, tc := range []struct {
		name     string
		auth     authn.Authenticator
		image    string
		kind     verify.Kind
		digest   string
		nearest  []string
		code     string
		summary  string // substring of Summary()
		requests int    // API requests to the repository (0: not checked)
	}{
		{name: "tag present", auth: good, image: reg.Host + "/team/web:1.4.2", kind: verify.TagExists, digest: webDigest,
			summary: "checked `" + reg.Host + "/team/web:1.4.2` at 03:12 UTC: the tag exists (sha256:", requests: 1},
		{name: "tag missing: nearest tags", auth: good, image: reg.Host + "/team/web:1.4.3", kind: verify.TagMissing,
			nearest: []string{"1.4.1", "1.4.2", "1.5.0", "latest-dev"}, code: "MANIFEST_UNKNOWN",
			summary: "has no tag `1.4.3`; nearest tags: `1.4.1`, `1.4.2`, `1.5.0`", requests: 3},
		{name: "repository missing, decided by the tags list", auth: good, image: reg.Host + "/team/wbe:1.4.2", kind: verify.RepoMissing,
			code: "NAME_UNKNOWN", summary: "the repository `team/wbe` does not exist", requests: 3},
		{name: "wrong password: 401 at the token endpoint", auth: bad, image: reg.Host + "/team/web:1.4.2", kind: verify.Denied,
			summary: "could not be made: the registry refused the check's own credentials (Unauthorized)"},
		{name: "anonymous refused", image: reg.Host + "/team/web:1.4.2", kind: verify.Denied},
		{name: "403", auth: good, image: reg.Host + "/team/denied:v1", kind: verify.Denied, code: "DENIED",
			summary: "(Forbidden): DENIED Forbidden", requests: 2},
		{name: "429 with Retry-After, not retried", auth: good, image: reg.Host + "/team/limited:v1", kind: verify.RateLimited,
			summary: "rate-limited the check (429) (Retry-After 30)", requests: 1},
		{name: "5xx", auth: good, image: reg.Host + "/team/broken:v1", kind: verify.Unreachable, summary: "Service Unavailable (503)", requests: 1},
		{name: "slow past the deadline", auth: good, image: reg.Host + "/team/slow:v1", kind: verify.Unreachable,
			summary: "did not answer within the check's deadline", requests: 1},
		{name: "404 where the tags cannot be listed proves nothing", auth: good, image: reg.Host + "/team/private:v2", kind: verify.Inconclusive,
			summary: "no proof either way", requests: 3},
		{name: "anonymous token flow, rate-limit headers", image: public.Host + "/library/nginx:1.27", kind: verify.TagExists},
		{name: "anonymous token flow, tag missing", image: public.Host + "/library/nginx:1.28", kind: verify.TagMissing, nearest: []string{"1.27"}},
		{name: "nothing listening", image: gone + "/team/web:1", kind: verify.Unreachable, summary: "could not be reached"},
		{name: "malformed reference", image: "Team/Web::1", kind: verify.Inconclusive, summary: "not a valid image reference"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := []verify.Option{verify.WithClock(func() time.Time { return at }), verify.WithTimeout(500 * time.Millisecond)}
			if tc.auth != nil {
				opts = append(opts, verify.WithAuth(tc.auth))
			}
			c, err := verify.NewRegistry(opts...)
			if err != nil {
				t.Fatal(err)
			}
			repo := repoOf(tc.image)
			before := reg.Requests(repo) + public.Requests(repo)
			r := c.Check(context.Background(), tc.image)
			if r.Kind != tc.kind {
				t.Fatalf("kind = %s, want %s (%s; %v)", r.Kind, tc.kind, r.Reason, r.Err)
			}
			if tc.digest != "" && r.Digest != tc.digest {
				t.Errorf("digest = %s, want %s", r.Digest, tc.digest)
			}
			if tc.nearest != nil && !slices.Equal(r.Nearest, tc.nearest) {
				t.Errorf("nearest = %q, want %q", r.Nearest, tc.nearest)
			}
			if tc.code != "" && r.Code != tc.code {
				t.Errorf("code = %q, want %q", r.Code, tc.code)
			}
			if s := r.Summary(); !strings.Contains(s, tc.summary) {
				t.Errorf("summary %q lacks %q", s, tc.summary)
			}
			if tc.requests > 0 {
				if n := reg.Requests(repo) - before; n != tc.requests {
					t.Errorf("requests to %s = %d, want %d", repo, n, tc.requests)
				}
			}
			if strings.Contains(r.Summary(), "s3cret") || (r.Err != nil && strings.Contains(r.Err.Error(), "s3cret")) {
				t.Errorf("credential in the result: %s / %v", r.Summary(), r.Err)
			}
		})
	}

	t.Run("rate-limit headers are read", func(t *testing.T) {
		c, _ := verify.NewRegistry()
		r := c.Check(context.Background(), public.Host+"/library/nginx:1.27")
		if r.RateLimit != "remaining 76;w=21600 of 100;w=21600" {
			t.Errorf("rate limit = %q", r.RateLimit)
		}
	})
}

func repoOf(image string) string {
	_, rest, _ := strings.Cut(image, "/")
	repo, _, _ := strings.Cut(rest, ":")
	return repo
}

func TestOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []verify.Option
	}{
		{"both authenticator and keychain", []verify.Option{verify.WithAuth(authn.Anonymous), verify.WithKeychain(authn.DefaultKeychain)}},
		{"zero timeout", []verify.Option{verify.WithTimeout(0)}},
		{"nil keychain", []verify.Option{verify.WithKeychain(nil)}},
	} {
		if _, err := verify.NewRegistry(tc.opts...); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}

func TestCacheStorm(t *testing.T) {
	reg := verifytest.New(t, true)
	ref, _ := reg.Push(t, "team/web", "1.0")
	missing := reg.Host + "/team/web:2.0"
	c, err := verify.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	clock := fakeclock.New(at)
	cache := verify.NewCache(c, 5*time.Minute, clock.Now)
	var wg sync.WaitGroup
	for i := range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			img := ref
			if i%2 == 1 {
				img = missing
			}
			cache.Check(context.Background(), img)
		}()
	}
	wg.Wait()
	// One HEAD for the present tag; HEAD, GET and tags/list for the missing one.
	if n := reg.Requests("team/web"); n != 4 {
		t.Errorf("300 checks of two references made %d registry requests, want 4 (one check per reference)", n)
	}
	clock.Advance(5*time.Minute + time.Second)
	cache.Check(context.Background(), ref)
	if n := reg.Requests("team/web"); n != 5 {
		t.Errorf("after the TTL: %d requests, want 5", n)
	}
}

func TestCacheWaiterDeadline(t *testing.T) {
	slow := &blockingChecker{started: make(chan struct{}), release: make(chan struct{})}
	cache := verify.NewCache(slow, time.Minute, nil)
	go cache.Check(context.Background(), "x/y:1")
	<-slow.started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := cache.Check(ctx, "x/y:1")
	if r.Kind != verify.Unreachable || !errors.Is(r.Err, context.Canceled) {
		t.Errorf("waiter = %s %v", r.Kind, r.Err)
	}
	close(slow.release)
}

type blockingChecker struct {
	once    sync.Once
	started chan struct{}
	release chan struct{}
}

func (b *blockingChecker) Check(ctx context.Context, image string) verify.Result {
	b.once.Do(func() { close(b.started) })
	<-b.release
	return verify.Result{Kind: verify.TagExists}
}

func TestNearest(t *testing.T) {
	pushed := map[string]time.Time{"v1.2.0": at.Add(-time.Hour), "v1.2.1": at}
	for _, tc := range []struct {
		want string
		tags []string
		out  []string
	}{
		{"1.4.3", []string{"1.4.2", "2.0.0", "1.4.1", "latest"}, []string{"1.4.1", "1.4.2", "2.0.0", "latest"}},
		{"v1.2.2", []string{"v1.2.0", "v1.2.1", "main"}, []string{"v1.2.1", "v1.2.0", "main"}},
		{"latest", []string{"latest", "lastest"}, []string{"lastest"}},
	} {
		if got := verify.Nearest(tc.want, tc.tags, pushed, 5); !slices.Equal(got, tc.out) {
			t.Errorf("Nearest(%q) = %q, want %q", tc.want, got, tc.out)
		}
	}
}
