// Package gcsstate keeps the notifier's state (seen deliveries, open
// incidents) as Cloud Storage objects, so dedup survives Cloud Functions
// cold starts and concurrent instances.
//
// Why Cloud Storage and not Firestore: both give a per-key atomic
// compare-and-swap (here, writes conditioned on the object's generation:
// ifGenerationMatch=0 to create, =generation to update), and both are
// pay-per-use with no instance to run. Firestore's Go client speaks gRPC
// and its only local server is a Java emulator, while Cloud Storage's JSON
// and XML APIs are served locally by fake-gcs-server, so this store is
// tested through the real client against a server speaking the real API
// (preconditions, 412s, generations). A bucket also needs no database to be
// provisioned per project, only a bucket with a lifecycle rule.
//
// One object per key, named "state/" + the hex SHA-256 of the key (object
// names cannot hold every string a key may be). Its content is the expiry
// (8 bytes, big-endian Unix milliseconds) followed by the value, so one read
// returns value, expiry and generation whichever API the client reads
// with. The version handed to callers is the generation and the expiry.
// Cloud Storage has no per-object TTL: Get and Put treat an object past its
// expiry as absent, and a bucket lifecycle rule (Delete, age >= the
// longest TTL in days, matchesPrefix "state/") removes old objects. Cloud
// Storage allows about one write per second to one object name, far above
// how often one failure's state changes. Any key (it is hashed) and value
// size fits.
//
// The function's service account needs roles/storage.objectUser on the
// bucket (storage.objects.get, create, delete: an overwrite deletes the
// previous generation).
package gcsstate

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"cloud.google.com/go/storage"
	"google.golang.org/api/googleapi"

	"github.com/tracegrid/tracegrid/shared/notify"
)

// Prefix is the object-name prefix of every state object, for the bucket's
// lifecycle rule (matchesPrefix) when the bucket holds other objects too.
const Prefix = "state/"

// headerSize is the length of the expiry that precedes the value.
const headerSize = 8

// Store is a notify.Store backed by objects in one Cloud Storage bucket.
type Store struct {
	bucket *storage.BucketHandle
	now    func() time.Time
}

var _ notify.Store = (*Store)(nil)

// New returns a Store that keeps state in bucket through client.
func New(client *storage.Client, bucket string) *Store {
	return NewWithClock(client, bucket, time.Now)
}

// NewWithClock is New with the time source used for expiry.
func NewWithClock(client *storage.Client, bucket string, now func() time.Time) *Store {
	return &Store{bucket: client.Bucket(bucket), now: now}
}

// stored is one object as read back.
type stored struct {
	value      []byte
	expires    time.Time
	generation int64
}

// Get implements notify.Store.
func (s *Store) Get(ctx context.Context, key string) ([]byte, string, error) {
	o, err := s.read(ctx, key)
	if err != nil {
		return nil, "", err
	}
	if !s.now().Before(o.expires) {
		return nil, "", notify.ErrNotFound
	}
	return o.value, version(o.generation, o.expires), nil
}

// Put implements notify.Store.
func (s *Store) Put(ctx context.Context, key string, value []byte, ver string, ttl time.Duration) (string, error) {
	now := s.now()
	expires := now.Add(ttl).Truncate(time.Millisecond)
	if ver != "" {
		gen, oldExpires, ok := parseVersion(ver)
		if !ok || !now.Before(oldExpires) {
			return "", notify.ErrConflict
		}
		return s.write(ctx, key, value, expires, storage.Conditions{GenerationMatch: gen})
	}
	newVer, err := s.write(ctx, key, value, expires, storage.Conditions{DoesNotExist: true})
	if !errors.Is(err, notify.ErrConflict) {
		return newVer, err
	}
	// Present: a conflict unless it has expired, in which case replace
	// exactly that expired generation.
	old, err := s.read(ctx, key)
	switch {
	case errors.Is(err, notify.ErrNotFound):
		return "", notify.ErrConflict // deleted meanwhile: another writer is at work
	case err != nil:
		return "", err
	case now.Before(old.expires):
		return "", notify.ErrConflict
	}
	return s.write(ctx, key, value, expires, storage.Conditions{GenerationMatch: old.generation})
}

// write stores the object if cond holds; a failed precondition is
// ErrConflict.
func (s *Store) write(ctx context.Context, key string, value []byte, expires time.Time, cond storage.Conditions) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // a Writer abandoned on error is cleaned up by cancelling its context
	w := s.bucket.Object(objectName(key)).If(cond).NewWriter(ctx)
	w.ChunkSize = 0 // one request: values are small
	w.ContentType = "application/octet-stream"
	var header [headerSize]byte
	binary.BigEndian.PutUint64(header[:], uint64(expires.UnixMilli()))
	if _, err := w.Write(append(header[:], value...)); err != nil {
		return "", s.writeErr(key, err)
	}
	if err := w.Close(); err != nil {
		return "", s.writeErr(key, err)
	}
	return version(w.Attrs().Generation, expires), nil
}

func (s *Store) writeErr(key string, err error) error {
	if gerr, ok := errors.AsType[*googleapi.Error](err); ok && gerr.Code == http.StatusPreconditionFailed {
		return notify.ErrConflict
	}
	return fmt.Errorf("gcsstate: write %q to gs://%s: %w", key, s.bucket.BucketName(), err)
}

func (s *Store) read(ctx context.Context, key string) (stored, error) {
	r, err := s.bucket.Object(objectName(key)).NewReader(ctx)
	if errors.Is(err, storage.ErrObjectNotExist) {
		return stored{}, notify.ErrNotFound
	}
	if err != nil {
		return stored{}, fmt.Errorf("gcsstate: read %q from gs://%s: %w", key, s.bucket.BucketName(), err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return stored{}, fmt.Errorf("gcsstate: read %q from gs://%s: %w", key, s.bucket.BucketName(), err)
	}
	if len(data) < headerSize {
		return stored{}, fmt.Errorf("gcsstate: object for %q in gs://%s is %d bytes, shorter than its expiry header", key, s.bucket.BucketName(), len(data))
	}
	expires := time.UnixMilli(int64(binary.BigEndian.Uint64(data[:headerSize])))
	return stored{value: data[headerSize:], expires: expires, generation: r.Attrs.Generation}, nil
}

func objectName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return Prefix + hex.EncodeToString(sum[:])
}

// version is the opaque version handed to callers: the object's generation
// and expiry, so Put can refuse a version of an entry that has since
// expired without reading it again.
func version(generation int64, expires time.Time) string {
	return strconv.FormatInt(generation, 10) + "." + strconv.FormatInt(expires.UnixMilli(), 10)
}

func parseVersion(v string) (int64, time.Time, bool) {
	genText, msText, ok := strings.Cut(v, ".")
	if !ok {
		return 0, time.Time{}, false
	}
	gen, err1 := strconv.ParseInt(genText, 10, 64)
	ms, err2 := strconv.ParseInt(msText, 10, 64)
	if err1 != nil || err2 != nil || gen <= 0 {
		return 0, time.Time{}, false
	}
	return gen, time.UnixMilli(ms), true
}
