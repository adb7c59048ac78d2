// Package verifytest runs a real OCI registry in process for tests of
// registry checks: go-containerregistry's pkg/registry behind the Docker
// token flow (WWW-Authenticate: Bearer realm, service, scope; a /token
// endpoint taking basic credentials or none), with faults a real registry
// shows (401, 403, 429 with Retry-After, 5xx, slowness) set per repository.
package verifytest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Fault is how the registry misbehaves for one repository.
type Fault struct {
	// Status, when non-zero, answers every request for the repository with
	// this status and a registry error body (DENIED, TOOMANYREQUESTS, ...).
	Status int
	// RetryAfter is sent with Status (a 429's Retry-After).
	RetryAfter string
	// Delay holds each request for the repository this long first.
	Delay time.Duration
	// HideTags answers the tags list 401 (the token lacks list scope) while
	// manifests stay readable: a registry that hides private repositories.
	HideTags bool
}

// Registry is the running registry. Host is what image references use
// (127.0.0.1:port, which go-containerregistry reaches over plain http).
type Registry struct {
	Host string

	srv  *httptest.Server
	raw  *httptest.Server
	pass map[string]string

	mu        sync.Mutex
	refresh   map[string]bool
	routes    map[string]http.Handler
	anonymous bool
	faults    map[string]Fault
	requests  map[string]int
	rateLimit string
}

// New starts a registry that accepts the given user:password pairs
// ("user", "password", ...) and, when anonymous is true, anonymous pulls.
// It stops when the test ends.
func New(t testing.TB, anonymous bool, userPass ...string) *Registry {
	t.Helper()
	r := &Registry{pass: map[string]string{}, anonymous: anonymous, faults: map[string]Fault{}, requests: map[string]int{},
		refresh: map[string]bool{}, routes: map[string]http.Handler{}}
	for i := 0; i+1 < len(userPass); i += 2 {
		r.pass[userPass[i]] = userPass[i+1]
	}
	inner := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	r.raw = httptest.NewServer(inner)
	r.srv = httptest.NewServer(r.handler(inner))
	t.Cleanup(func() { r.srv.Close(); r.raw.Close() })
	r.Host = strings.TrimPrefix(r.srv.URL, "http://")
	return r
}

// Push writes a random image as repo:tag and returns its reference
// (Host/repo:tag) and digest.
func (r *Registry) Push(t testing.TB, repo, tag string) (ref, digest string) {
	t.Helper()
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := name.ParseReference(strings.TrimPrefix(r.raw.URL, "http://") + "/" + repo + ":" + tag)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(raw, img, remote.WithContext(context.Background())); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return r.Host + "/" + repo + ":" + tag, d.String()
}

// Fail sets (or, with a zero Fault, clears) the fault for repo.
func (r *Registry) Fail(repo string, f Fault) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.faults[repo] = f
}

// RateLimit sets the ratelimit-limit/-remaining headers sent on every
// answer, as Docker Hub does ("100;w=21600", "76;w=21600").
func (r *Registry) RateLimit(limit, remaining string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rateLimit = limit + "|" + remaining
}

// AcceptRefreshToken makes the token endpoint take tok in the OAuth2
// refresh-token grant (POST grant_type=refresh_token), the flow ACR and
// other token servers use after a credential exchange.
func (r *Registry) AcceptRefreshToken(tok string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refresh[tok] = true
}

// Route serves h at path on the registry's host (a registry's own
// endpoints beside the distribution API, such as ACR's /oauth2/exchange).
func (r *Registry) Route(path string, h http.Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.routes[path] = h
}

// Requests returns how many API requests named repo (manifests, tags),
// token requests and pings excluded.
func (r *Registry) Requests(repo string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests[repo]
}

// TotalRequests returns the API requests over all repositories.
func (r *Registry) TotalRequests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.requests {
		n += c
	}
	return n
}

// tokens maps issued bearer tokens to their holder ("" for anonymous).
var tokens sync.Map

func (r *Registry) handler(inner http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/token" {
			r.token(w, req)
			return
		}
		r.mu.Lock()
		route := r.routes[req.URL.Path]
		r.mu.Unlock()
		if route != nil {
			route.ServeHTTP(w, req)
			return
		}
		if !strings.HasPrefix(req.URL.Path, "/v2/") {
			http.NotFound(w, req)
			return
		}
		repo, kind := repoOf(req.URL.Path)
		scope := ""
		if repo != "" {
			scope = "repository:" + repo + ":pull"
		}
		bearer, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
		if _, known := tokens.Load(bearer); !ok || !known {
			challenge := fmt.Sprintf(`Bearer realm="%s/token",service="verifytest"`, r.srv.URL)
			if scope != "" {
				challenge += fmt.Sprintf(`,scope="%s"`, scope)
			}
			w.Header().Set("WWW-Authenticate", challenge)
			writeErr(w, http.StatusUnauthorized, "UNAUTHORIZED", "authentication required")
			return
		}
		if repo == "" {
			inner.ServeHTTP(w, req) // the /v2/ ping
			return
		}
		r.mu.Lock()
		r.requests[repo]++
		f := r.faults[repo]
		rl := r.rateLimit
		r.mu.Unlock()
		if lim, rem, ok := strings.Cut(rl, "|"); ok {
			w.Header().Set("ratelimit-limit", lim)
			w.Header().Set("ratelimit-remaining", rem)
		}
		if f.Delay > 0 {
			select {
			case <-time.After(f.Delay):
			case <-req.Context().Done():
				return
			}
		}
		switch {
		case f.Status != 0:
			if f.RetryAfter != "" {
				w.Header().Set("Retry-After", f.RetryAfter)
			}
			writeErr(w, f.Status, codeFor(f.Status), http.StatusText(f.Status))
			return
		case f.HideTags && kind == "tags":
			writeErr(w, http.StatusUnauthorized, "UNAUTHORIZED", "authentication required")
			return
		}
		inner.ServeHTTP(w, req)
	})
}

// token is the token endpoint: a known refresh token (POST) or matching
// basic credentials get a token; no credentials get an anonymous token
// when the registry allows it.
func (r *Registry) token(w http.ResponseWriter, req *http.Request) {
	user, pass, hasBasic := req.BasicAuth()
	r.mu.Lock()
	refreshed := req.Method == http.MethodPost && req.PostFormValue("grant_type") == "refresh_token" && r.refresh[req.PostFormValue("refresh_token")]
	r.mu.Unlock()
	switch {
	case refreshed:
		user = "refresh"
	case hasBasic && r.pass[user] != "" && r.pass[user] == pass:
	case !hasBasic && r.anonymous:
		user = ""
	default:
		writeErr(w, http.StatusUnauthorized, "UNAUTHORIZED", "authentication required")
		return
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	tokens.Store(tok, user)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"token": tok, "access_token": tok, "expires_in": 300})
}

// repoOf splits /v2/<repo>/manifests/<ref> and /v2/<repo>/tags/list.
func repoOf(path string) (repo, kind string) {
	p := strings.TrimPrefix(path, "/v2/")
	for _, k := range []string{"/manifests/", "/blobs/", "/tags/"} {
		if i := strings.LastIndex(p, k); i > 0 {
			return p[:i], strings.Trim(k, "/")
		}
	}
	return "", ""
}

func codeFor(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "UNAUTHORIZED"
	case http.StatusForbidden:
		return "DENIED"
	case http.StatusTooManyRequests:
		return "TOOMANYREQUESTS"
	}
	return "UNAVAILABLE"
}

// writeErr writes a distribution-spec error body.
func writeErr(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"code": code, "message": msg}}})
}
