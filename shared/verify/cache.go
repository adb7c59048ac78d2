package verify

import (
	"context"
	"sync"
	"time"
)

// DefaultCacheTTL is how long a check's answer is reused: a storm of
// failures on one image makes one registry call.
const DefaultCacheTTL = 5 * time.Minute

// Cache reuses a Checker's answers per image reference for a TTL, with one
// check in flight per reference: concurrent callers wait for it.
type Cache struct {
	next Checker
	ttl  time.Duration
	now  func() time.Time

	mu      sync.Mutex
	entries map[string]*entry
}

type entry struct {
	done    chan struct{}
	res     Result
	expires time.Time
}

// NewCache wraps next. A ttl <= 0 means DefaultCacheTTL; now nil means
// time.Now.
func NewCache(next Checker, ttl time.Duration, now func() time.Time) *Cache {
	if ttl <= 0 {
		ttl = DefaultCacheTTL
	}
	if now == nil {
		now = time.Now
	}
	return &Cache{next: next, ttl: ttl, now: now, entries: map[string]*entry{}}
}

// Check returns the cached answer for image, or checks it. A caller whose
// context ends while another's check is in flight gets an Unreachable
// result of its own.
func (c *Cache) Check(ctx context.Context, image string) Result {
	c.mu.Lock()
	e, ok := c.entries[image]
	if ok && e.expires.IsZero() {
		c.mu.Unlock()
		select {
		case <-e.done:
			return e.res
		case <-ctx.Done():
			return Result{Kind: Unreachable, Reference: image, At: c.now(), Reason: "the check was still running when the invocation's time ran out", Err: ctx.Err()}
		}
	}
	if ok && c.now().Before(e.expires) {
		c.mu.Unlock()
		return e.res
	}
	e = &entry{done: make(chan struct{})}
	c.entries[image] = e
	c.prune()
	c.mu.Unlock()

	res := c.next.Check(ctx, image)
	c.mu.Lock()
	e.res, e.expires = res, c.now().Add(c.ttl)
	c.mu.Unlock()
	close(e.done)
	return res
}

// prune drops expired entries; c.mu is held.
func (c *Cache) prune() {
	now := c.now()
	for k, e := range c.entries {
		if !e.expires.IsZero() && !now.Before(e.expires) {
			delete(c.entries, k)
		}
	}
}
