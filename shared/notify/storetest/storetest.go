// Package storetest is the conformance suite every notify.Store passes:
// the in-memory store and the durable ones (DynamoDB, Azure Table storage,
// Cloud Storage) run the same cases, so the notifier can rely on one
// compare-and-swap contract whichever cloud it runs in.
package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/internal/fakeclock"
	"github.com/tracegrid/tracegrid/shared/notify"
)

// Start is the instant the suite's clock starts at: a whole second, so
// stores that keep expiry in epoch seconds (DynamoDB TTL) agree exactly
// with those that keep it finer.
var Start = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// NewStore returns an empty store for one subtest. now is the suite's
// clock: the store must read the current time only through it, so expiry is
// tested without sleeping. Resources the store needs (a table, a bucket)
// are created here and released with t.Cleanup.
type NewStore func(t *testing.T, now func() time.Time) notify.Store

// LargeValueSize is the size of the large value every store must keep:
// well above what the notifier stores (a few hundred bytes of incident
// state) and above Azure Table storage's 64 KiB limit for one property.
const LargeValueSize = 200 << 10

// Concurrency is how many writers race in each round of the
// compare-and-swap case, and Rounds how many rounds it runs.
const (
	Concurrency = 8
	Rounds      = 5
)

const ttl = time.Hour

// Run runs the conformance cases against stores made by newStore, each
// case in its own subtest with its own store and clock.
func Run(t *testing.T, newStore NewStore) {
	cases := []struct {
		name string
		run  func(t *testing.T, s notify.Store, c *fakeclock.Clock)
	}{
		{"GetMissing", testGetMissing},
		{"CreateThenGet", testCreateThenGet},
		{"CreateConflict", testCreateConflict},
		{"UpdateWithVersion", testUpdateWithVersion},
		{"UpdateWithWrongVersion", testUpdateWithWrongVersion},
		{"UpdateMissing", testUpdateMissing},
		{"TTLExpiry", testTTLExpiry},
		{"UpdateRenewsTTL", testUpdateRenewsTTL},
		{"KeysAreIndependent", testKeysAreIndependent},
		{"Values", testValues},
		{"ConcurrentCAS", testConcurrentCAS},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := fakeclock.New(Start)
			tc.run(t, newStore(t, c.Now), c)
		})
	}
}

func testGetMissing(t *testing.T, s notify.Store, _ *fakeclock.Clock) {
	v, ver, err := s.Get(t.Context(), "never-written")
	if !errors.Is(err, notify.ErrNotFound) {
		t.Fatalf("Get(missing) = %q, %q, %v; want ErrNotFound", v, ver, err)
	}
}

func testCreateThenGet(t *testing.T, s notify.Store, _ *fakeclock.Clock) {
	ver := mustPut(t, s, "k", []byte("first"), "")
	if ver == "" {
		t.Fatal("Put returned an empty version")
	}
	wantValue(t, s, "k", []byte("first"), ver)
}

func testCreateConflict(t *testing.T, s notify.Store, _ *fakeclock.Clock) {
	ver := mustPut(t, s, "k", []byte("first"), "")
	wantConflict(t, s, "k", []byte("second"), "")
	wantValue(t, s, "k", []byte("first"), ver)
}

func testUpdateWithVersion(t *testing.T, s notify.Store, _ *fakeclock.Clock) {
	v1 := mustPut(t, s, "k", []byte("first"), "")
	v2 := mustPut(t, s, "k", []byte("second"), v1)
	if v2 == v1 {
		t.Fatalf("update kept version %q; each write must get a new one", v1)
	}
	wantValue(t, s, "k", []byte("second"), v2)
	v3 := mustPut(t, s, "k", []byte("third"), v2)
	wantValue(t, s, "k", []byte("third"), v3)
}

func testUpdateWithWrongVersion(t *testing.T, s notify.Store, _ *fakeclock.Clock) {
	v1 := mustPut(t, s, "k", []byte("first"), "")
	v2 := mustPut(t, s, "k", []byte("second"), v1)
	for _, stale := range []string{v1, "not-a-version", v2 + "x"} {
		wantConflict(t, s, "k", []byte("lost"), stale)
	}
	wantValue(t, s, "k", []byte("second"), v2)
}

func testUpdateMissing(t *testing.T, s notify.Store, _ *fakeclock.Clock) {
	// A real version of another key must not let a write create this one.
	other := mustPut(t, s, "other", []byte("x"), "")
	wantConflict(t, s, "k", []byte("v"), other)
	wantMissing(t, s, "k")
}

func testTTLExpiry(t *testing.T, s notify.Store, c *fakeclock.Clock) {
	v1 := mustPut(t, s, "k", []byte("first"), "")
	c.Advance(ttl - time.Second)
	wantValue(t, s, "k", []byte("first"), v1)
	c.Advance(time.Second)
	wantMissing(t, s, "k")
	// An expired entry is absent for writers too, even if the service has
	// not deleted it yet: its old version no longer matches, and a create
	// succeeds.
	wantConflict(t, s, "k", []byte("stale"), v1)
	v2 := mustPut(t, s, "k", []byte("again"), "")
	if v2 == v1 {
		t.Fatalf("re-created entry reused version %q", v1)
	}
	wantValue(t, s, "k", []byte("again"), v2)
}

func testUpdateRenewsTTL(t *testing.T, s notify.Store, c *fakeclock.Clock) {
	v1 := mustPut(t, s, "k", []byte("first"), "")
	c.Advance(ttl / 2)
	v2 := mustPut(t, s, "k", []byte("second"), v1)
	c.Advance(ttl - time.Second) // 1.5 TTL after the create, 1 s before the update expires
	wantValue(t, s, "k", []byte("second"), v2)
	c.Advance(time.Second)
	wantMissing(t, s, "k")
}

// Keys the notifier really uses (ECS task ARN + event version, Event Grid
// id, LogEntry insertId) and keys that break naive encodings.
var keys = []string{
	"ecs:arn:aws:ecs:us-east-1:123456789012:task/prod-cluster/0a1b2c3d4e5f47a8b9c0d1e2f3a4b5c6#3",
	"eventgrid:8c1e5ad2-42f7-4d9a-a8d4-3b1d55c6f0e1",
	"gke:1xk7c9zf3m2q8p",
	"Key",
	"key",
	"slashes/and\\back?query#frag%2F",
	"événement ✓ 事件",
	"tab\tnewline\nquote'\"",
	strings.Repeat("long-key/", 110),
}

func testKeysAreIndependent(t *testing.T, s notify.Store, _ *fakeclock.Clock) {
	vers := make([]string, len(keys))
	for i, k := range keys {
		vers[i] = mustPut(t, s, k, fmt.Appendf(nil, "value %d", i), "")
	}
	for i, k := range keys {
		wantValue(t, s, k, fmt.Appendf(nil, "value %d", i), vers[i])
	}
}

func testValues(t *testing.T, s notify.Store, _ *fakeclock.Clock) {
	allBytes := make([]byte, 256)
	for i := range allBytes {
		allBytes[i] = byte(i)
	}
	large := make([]byte, LargeValueSize)
	rng := rand.NewChaCha8([32]byte{'t', 'r', 'a', 'c', 'e', 'g', 'r', 'i', 'd'})
	_, _ = rng.Read(large)
	values := []struct {
		name  string
		value []byte
	}{
		{"empty", []byte{}},
		{"json", []byte(`{"ts":"1732530000.000100","count":3}`)},
		{"all-bytes", allBytes},
		{"large", large},
	}
	for _, v := range values {
		t.Run(v.name, func(t *testing.T) {
			key := "value-" + v.name
			ver := mustPut(t, s, key, v.value, "")
			wantValue(t, s, key, v.value, ver)
			// And through an update, which some stores write differently.
			ver = mustPut(t, s, key, v.value, ver)
			wantValue(t, s, key, v.value, ver)
		})
	}
}

func testConcurrentCAS(t *testing.T, s notify.Store, _ *fakeclock.Clock) {
	version := ""
	for round := range Rounds {
		start := make(chan struct{})
		type result struct {
			writer  int
			version string
			err     error
		}
		results := make(chan result, Concurrency)
		var wg sync.WaitGroup
		for w := range Concurrency {
			wg.Go(func() {
				<-start
				v, err := s.Put(t.Context(), "contended", casValue(round, w), version, ttl)
				results <- result{w, v, err}
			})
		}
		close(start)
		wg.Wait()
		close(results)
		var winners []result
		for r := range results {
			switch {
			case r.err == nil:
				winners = append(winners, r)
			case !errors.Is(r.err, notify.ErrConflict):
				t.Fatalf("round %d writer %d: Put = %v; want success or ErrConflict", round, r.writer, r.err)
			}
		}
		if len(winners) != 1 {
			t.Fatalf("round %d: %d writers succeeded with version %q; want exactly one", round, len(winners), version)
		}
		version = winners[0].version
		wantValue(t, s, "contended", casValue(round, winners[0].writer), version)
	}
}

func casValue(round, writer int) []byte {
	return fmt.Appendf(nil, "round %d writer %d", round, writer)
}

func mustPut(t *testing.T, s notify.Store, key string, value []byte, version string) string {
	t.Helper()
	ver, err := s.Put(t.Context(), key, value, version, ttl)
	if err != nil {
		t.Fatalf("Put(%.40q, version %q) = %v", key, version, err)
	}
	return ver
}

func wantConflict(t *testing.T, s notify.Store, key string, value []byte, version string) {
	t.Helper()
	ver, err := s.Put(t.Context(), key, value, version, ttl)
	if !errors.Is(err, notify.ErrConflict) {
		t.Fatalf("Put(%.40q, version %q) = %q, %v; want ErrConflict", key, version, ver, err)
	}
}

func wantValue(t *testing.T, s notify.Store, key string, value []byte, version string) {
	t.Helper()
	got, ver, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%.40q) = %v", key, err)
	}
	if !bytes.Equal(got, value) {
		t.Errorf("Get(%.40q) value = %.60q (%d bytes); want %.60q (%d bytes)", key, got, len(got), value, len(value))
	}
	if ver != version {
		t.Errorf("Get(%.40q) version = %q; want %q", key, ver, version)
	}
}

func wantMissing(t *testing.T, s notify.Store, key string) {
	t.Helper()
	v, ver, err := s.Get(t.Context(), key)
	if !errors.Is(err, notify.ErrNotFound) {
		t.Fatalf("Get(%.40q) = %.40q, %q, %v; want ErrNotFound", key, v, ver, err)
	}
}

// WantServiceError fails t unless err is an error other than ErrNotFound
// and ErrConflict whose text contains every one of want: a store must pass
// service failures up with enough context (table, key) to act on.
func WantServiceError(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil || errors.Is(err, notify.ErrNotFound) || errors.Is(err, notify.ErrConflict) {
		t.Fatalf("err = %v; want a service error", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}
