package verify

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// status returns the HTTP status of a registry error, 0 for none.
func status(err error) int {
	var te *transport.Error
	if errors.As(err, &te) {
		return te.StatusCode
	}
	return 0
}

// code returns the first registry error code of err, "" for none.
func code(err error) string {
	var te *transport.Error
	if errors.As(err, &te) && len(te.Errors) > 0 {
		return string(te.Errors[0].Code)
	}
	return ""
}

// message returns the registry's first error message, bounded, "" for
// none. It is the registry's text: renderers escape it.
func message(err error) string {
	var te *transport.Error
	if !errors.As(err, &te) || len(te.Errors) == 0 {
		return ""
	}
	m := strings.Join(strings.Fields(te.Errors[0].Message), " ")
	if len(m) > 160 {
		m = m[:160] + "…"
	}
	return m
}

// failed fills r for a check the registry did not answer conclusively.
func failed(r Result, err error, h *headers) Result {
	r.Err = err
	r.Status, r.Code = status(err), code(err)
	r.RateLimit, r.RetryAfter = h.rateLimit(), h.get("Retry-After")
	var dns *net.DNSError
	switch {
	case r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden:
		r.Kind = Denied
		r.Reason = "the registry refused the check's own credentials (" + http.StatusText(r.Status) + ")"
		if r.Code != "" {
			r.Reason += ": " + r.Code
			if m := message(err); m != "" {
				r.Reason += " " + m
			}
		}
	case r.Status == http.StatusTooManyRequests:
		r.Kind = RateLimited
		r.Reason = "the registry rate-limited the check (429)"
	case r.Status >= 500:
		r.Kind = Unreachable
		r.Reason = "the registry answered " + http.StatusText(r.Status) + " (" + strconv.Itoa(r.Status) + ")"
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		r.Kind = Unreachable
		r.Reason = "the registry did not answer within the check's deadline"
	case errors.As(err, &dns):
		r.Kind = Unreachable
		r.Reason = "the registry host does not resolve from where the check runs"
	case r.Status == 0 && isNetwork(err):
		r.Kind = Unreachable
		r.Reason = "the registry could not be reached from where the check runs"
	case r.Status == 0:
		// Before any answer: the keychain found no credentials, or the
		// like.
		r.Kind = Inconclusive
		r.Reason = "the check failed before the registry answered: " + err.Error()
	default:
		r.Kind = Inconclusive
		r.Reason = "the registry answered " + strconv.Itoa(r.Status) + " " + http.StatusText(r.Status)
	}
	return r
}

// isNetwork reports whether err comes from the network (dial, TLS, a
// connection cut), not from the check's own setup.
func isNetwork(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// headersKey carries a *headers in a check's context, for headerRecorder.
type headersKey struct{}

// headers keeps the response headers a check cares about (rate limit,
// Retry-After), from the last response that had them.
type headers struct {
	mu sync.Mutex
	h  http.Header
}

func (h *headers) record(resp *http.Response) {
	keep := http.Header{}
	for _, k := range []string{"Ratelimit-Limit", "Ratelimit-Remaining", "Retry-After"} {
		if v := resp.Header.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	if len(keep) == 0 {
		return
	}
	h.mu.Lock()
	h.h = keep
	h.mu.Unlock()
}

func (h *headers) get(k string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.h.Get(k)
}

// rateLimit renders the ratelimit headers as "remaining 76;w=21600 of
// 100;w=21600", or "" when the registry sent none (no limit).
func (h *headers) rateLimit() string {
	rem, lim := h.get("Ratelimit-Remaining"), h.get("Ratelimit-Limit")
	if rem == "" && lim == "" {
		return ""
	}
	return strings.TrimSpace("remaining " + rem + " of " + lim)
}

// headerRecorder is the checker's innermost transport: it copies the
// headers of every response into the check's *headers.
type headerRecorder struct{ next http.RoundTripper }

func (t headerRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if resp != nil {
		if h, ok := req.Context().Value(headersKey{}).(*headers); ok {
			h.record(resp)
		}
	}
	return resp, err
}
