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
// tested against a server speaking the real API (preconditions, 412s,
// generations). A bucket also needs no database to be
// provisioned per project, only a bucket with a lifecycle rule.
//
// One object per key, named "state/" + the hex SHA-256 of the key (object
// names cannot hold every string a key may be). Its content is the expiry
// (8 bytes, big-endian Unix milliseconds) followed by the value, so one read
// returns value, expiry and generation whichever API the client reads
// with. The version handed to callers is the generation and the expiry.
//
// The store speaks the Cloud Storage JSON API itself through gapi (a media
// download that returns the generation in X-Goog-Generation, and a media
// upload with ifGenerationMatch) instead of cloud.google.com/go/storage,
// whose gRPC transport it never used but whose code and package
// initialisation put the function over its 40 MB memory target.
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
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tracegrid/tracegrid/functions/gke/gapi"
	"github.com/tracegrid/tracegrid/shared/notify"
)

// Prefix is the object-name prefix of every state object, for the bucket's
// lifecycle rule (matchesPrefix) when the bucket holds other objects too.
const Prefix = "state/"

// headerSize is the length of the expiry that precedes the value.
const headerSize = 8

// DefaultEndpoint is the Cloud Storage JSON API's root.
const DefaultEndpoint = "https://storage.googleapis.com"

// EmulatorHostEnv is the variable Google's Cloud Storage clients read for
// an emulator's host:port (plain HTTP, no credentials); Endpoint honours it.
const EmulatorHostEnv = "STORAGE_EMULATOR_HOST"

// Store is a notify.Store backed by objects in one Cloud Storage bucket.
type Store struct {
	client   *gapi.Client
	endpoint string
	bucket   string
	now      func() time.Time
}

var _ notify.Store = (*Store)(nil)

// FromEnv returns a Store for bucket at Google's endpoint with the
// function's credentials, or at the emulator STORAGE_EMULATOR_HOST names
// without credentials.
func FromEnv(bucket string) *Store {
	if host := os.Getenv(EmulatorHostEnv); host != "" {
		if !strings.Contains(host, "://") {
			host = "http://" + host
		}
		return New(gapi.NewWithHTTP(http.DefaultClient), host, bucket, time.Now)
	}
	return New(gapi.New(), DefaultEndpoint, bucket, time.Now)
}

// New returns a Store that keeps state in bucket through client at
// endpoint (the JSON API's root, DefaultEndpoint in the cloud), with now
// as the time source for expiry.
func New(client *gapi.Client, endpoint, bucket string, now func() time.Time) *Store {
	return &Store{client: client, endpoint: strings.TrimSuffix(endpoint, "/"), bucket: bucket, now: now}
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
		return s.write(ctx, key, value, expires, gen)
	}
	newVer, err := s.write(ctx, key, value, expires, 0)
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
	return s.write(ctx, key, value, expires, old.generation)
}

// write stores the object if its live generation is generation (0: if it
// does not exist), in one media upload; a failed precondition is
// ErrConflict.
func (s *Store) write(ctx context.Context, key string, value []byte, expires time.Time, generation int64) (string, error) {
	q := url.Values{}
	q.Set("uploadType", "media")
	q.Set("name", objectName(key))
	q.Set("ifGenerationMatch", strconv.FormatInt(generation, 10))
	u := s.endpoint + "/upload/storage/v1/b/" + url.PathEscape(s.bucket) + "/o?" + q.Encode()
	body := make([]byte, headerSize, headerSize+len(value))
	binary.BigEndian.PutUint64(body, uint64(expires.UnixMilli()))
	body = append(body, value...)
	_, data, err := s.client.Do(ctx, http.MethodPost, u, "application/octet-stream", body, nil)
	if gapi.Code(err) == http.StatusPreconditionFailed {
		return "", notify.ErrConflict
	}
	if err != nil {
		return "", fmt.Errorf("gcsstate: write %q to gs://%s: %w", key, s.bucket, err)
	}
	var obj struct {
		Generation string `json:"generation"` // int64 as a JSON string
	}
	gen, perr := int64(0), json.Unmarshal(data, &obj)
	if perr == nil {
		gen, perr = strconv.ParseInt(obj.Generation, 10, 64)
	}
	if perr != nil || gen <= 0 {
		return "", fmt.Errorf("gcsstate: write %q to gs://%s: no generation in the answer %.200q", key, s.bucket, data)
	}
	return version(gen, expires), nil
}

func (s *Store) read(ctx context.Context, key string) (stored, error) {
	u := s.endpoint + "/storage/v1/b/" + url.PathEscape(s.bucket) + "/o/" + url.PathEscape(objectName(key)) + "?alt=media"
	resp, data, err := s.client.Do(ctx, http.MethodGet, u, "", nil, nil)
	if gapi.Code(err) == http.StatusNotFound {
		// No such object (or no such bucket: the Put that follows names it).
		return stored{}, notify.ErrNotFound
	}
	if err != nil {
		return stored{}, fmt.Errorf("gcsstate: read %q from gs://%s: %w", key, s.bucket, err)
	}
	gen, err := strconv.ParseInt(resp.Header.Get("X-Goog-Generation"), 10, 64)
	if err != nil {
		return stored{}, fmt.Errorf("gcsstate: read %q from gs://%s: no X-Goog-Generation header", key, s.bucket)
	}
	if len(data) < headerSize {
		return stored{}, fmt.Errorf("gcsstate: object for %q in gs://%s is %d bytes, shorter than its expiry header", key, s.bucket, len(data))
	}
	expires := time.UnixMilli(int64(binary.BigEndian.Uint64(data[:headerSize])))
	return stored{value: data[headerSize:], expires: expires, generation: gen}, nil
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
