package notify

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"
)

// ErrNotFound is returned by Store.Get when the key does not exist (or expired).
var ErrNotFound = errors.New("notify: state not found")

// ErrConflict is returned by Store.Put when the stored version is not the
// expected one: another invocation wrote first. Re-read and try again.
var ErrConflict = errors.New("notify: state changed concurrently")

// Store keeps notification state (seen deliveries, open incidents) across
// invocations. Implementations must be safe for concurrent use by several
// function instances: Put is a compare-and-swap on an opaque version.
//
// The in-memory MemoryStore is enough within one warm instance; the durable
// ones (DynamoDB, Azure Table storage, Cloud Storage) live beside the
// function of their cloud.
type Store interface {
	// Get returns the value and version stored under key, or ErrNotFound.
	Get(ctx context.Context, key string) (value []byte, version string, err error)
	// Put stores value under key if the current version equals version
	// ("" means the key must not exist yet) and returns the new version.
	// The entry may be dropped after ttl. On a version mismatch it returns
	// ErrConflict and changes nothing.
	Put(ctx context.Context, key string, value []byte, version string, ttl time.Duration) (newVersion string, err error)
}

// MemoryStore is a Store held in process memory.
type MemoryStore struct {
	mu   sync.Mutex
	now  func() time.Time
	seq  uint64
	data map[string]memoryEntry
}

type memoryEntry struct {
	value   []byte
	version string
	expires time.Time
}

// NewMemoryStore returns an empty MemoryStore. now may be nil (time.Now).
func NewMemoryStore(now func() time.Time) *MemoryStore {
	if now == nil {
		now = time.Now
	}
	return &MemoryStore{now: now, data: map[string]memoryEntry{}}
}

// Get implements Store.
func (m *MemoryStore) Get(_ context.Context, key string) ([]byte, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.live(key)
	if !ok {
		return nil, "", ErrNotFound
	}
	return append([]byte(nil), e.value...), e.version, nil
}

// Put implements Store.
func (m *MemoryStore) Put(_ context.Context, key string, value []byte, version string, ttl time.Duration) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.live(key)
	if (ok && e.version != version) || (!ok && version != "") {
		return "", ErrConflict
	}
	m.seq++
	v := strconv.FormatUint(m.seq, 10)
	m.data[key] = memoryEntry{value: append([]byte(nil), value...), version: v, expires: m.now().Add(ttl)}
	return v, nil
}

func (m *MemoryStore) live(key string) (memoryEntry, bool) {
	e, ok := m.data[key]
	if ok && !m.now().Before(e.expires) {
		delete(m.data, key)
		return memoryEntry{}, false
	}
	return e, ok
}
