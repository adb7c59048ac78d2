// Package tablestate keeps the notifier's state (seen deliveries, open
// incidents) in an Azure Table storage table, so dedup survives cold starts
// and concurrent Function instances.
//
// One entity per key: PartitionKey is the hex SHA-256 of the key (Table
// keys forbid '/', '\', '#', '?' and control characters, and are limited to
// 1 KiB), RowKey is "state", and the properties are Key (the original key,
// for people reading the table), ExpiresAt (Edm.DateTime), Chunks (Edm.Int32)
// and Value0..ValueN (Edm.Binary, 64 KiB each: the service's limit for one
// property). The entity's ETag is the compare-and-swap version: a create is
// an Insert Entity (409 EntityAlreadyExists when present), an update an
// Update Entity with If-Match (412 when another writer came first).
//
// Table storage has no TTL: Get and Put treat an entity past ExpiresAt as
// absent, and a create overwrites it (If-Match its ETag). Expired entities
// stay until DeleteExpired, run from a timer, removes them.
//
// Limits: a value up to about 900 KiB (the service's 1 MiB entity limit,
// 64 KiB per property); any key (it is hashed). The identity needs the
// "Storage Table Data Contributor" role on the table (entity read, add,
// update and, for DeleteExpired, delete data actions).
package tablestate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/data/aztables"

	"github.com/tracegrid/tracegrid/shared/notify"
)

const (
	rowKey = "state"
	// chunkSize is Table storage's limit for one Edm.Binary property.
	chunkSize = 64 << 10
)

// Store is a notify.Store backed by one Azure Table storage table.
type Store struct {
	client *aztables.Client
	now    func() time.Time
}

var _ notify.Store = (*Store)(nil)

// New returns a Store that keeps state in the table client points at
// (aztables.NewClient with the table's URL and a managed identity
// credential).
func New(client *aztables.Client) *Store {
	return NewWithClock(client, time.Now)
}

// NewWithClock is New with the time source used for expiry.
func NewWithClock(client *aztables.Client, now func() time.Time) *Store {
	return &Store{client: client, now: now}
}

// stored is one entity as read back.
type stored struct {
	value   []byte
	expires time.Time
	etag    azcore.ETag
}

// Get implements notify.Store.
func (s *Store) Get(ctx context.Context, key string) ([]byte, string, error) {
	e, err := s.read(ctx, key)
	if err != nil {
		return nil, "", err
	}
	if !s.now().Before(e.expires) {
		return nil, "", notify.ErrNotFound
	}
	return e.value, version(e.expires, e.etag), nil
}

// Put implements notify.Store.
func (s *Store) Put(ctx context.Context, key string, value []byte, ver string, ttl time.Duration) (string, error) {
	now := s.now()
	expires := now.Add(ttl).UTC().Truncate(time.Millisecond)
	entity, err := marshal(key, value, expires)
	if err != nil {
		return "", err
	}
	if ver != "" {
		oldExpires, etag, ok := parseVersion(ver)
		if !ok || !now.Before(oldExpires) {
			return "", notify.ErrConflict
		}
		return s.replace(ctx, key, entity, expires, etag)
	}
	resp, err := s.client.AddEntity(ctx, entity, nil)
	if err == nil {
		return version(expires, resp.ETag), nil
	}
	if !hasCode(err, aztables.EntityAlreadyExists) {
		return "", fmt.Errorf("tablestate: add %q: %w", key, err)
	}
	// Present: a conflict unless it has expired, in which case replace
	// exactly that expired entity.
	old, err := s.read(ctx, key)
	switch {
	case errors.Is(err, notify.ErrNotFound):
		return "", notify.ErrConflict // deleted meanwhile: another writer is at work
	case err != nil:
		return "", err
	case now.Before(old.expires):
		return "", notify.ErrConflict
	}
	return s.replace(ctx, key, entity, expires, old.etag)
}

// DeleteExpired deletes the entities whose expiry has passed and returns
// how many it deleted. Each delete is conditioned on the ETag the query
// returned, so an entry rewritten meanwhile keeps its new life.
func (s *Store) DeleteExpired(ctx context.Context) (int, error) {
	filter := fmt.Sprintf("RowKey eq '%s' and ExpiresAt le datetime'%s'", rowKey, s.now().UTC().Format("2006-01-02T15:04:05.9999999Z"))
	pager := s.client.NewListEntitiesPager(&aztables.ListEntitiesOptions{Filter: &filter, Select: to.Ptr("PartitionKey,RowKey")})
	deleted := 0
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return deleted, fmt.Errorf("tablestate: list expired entities: %w", err)
		}
		for _, raw := range page.Entities {
			var e aztables.EDMEntity
			if err := json.Unmarshal(raw, &e); err != nil {
				return deleted, fmt.Errorf("tablestate: list expired entities: %w", err)
			}
			etag := azcore.ETag(e.ETag)
			_, err := s.client.DeleteEntity(ctx, e.PartitionKey, e.RowKey, &aztables.DeleteEntityOptions{IfMatch: &etag})
			switch {
			case hasCode(err, aztables.UpdateConditionNotSatisfied), isEntityNotFound(err):
				// rewritten or deleted by another instance meanwhile
			case err != nil:
				return deleted, fmt.Errorf("tablestate: delete expired entity %s: %w", e.PartitionKey, err)
			default:
				deleted++
			}
		}
	}
	return deleted, nil
}

// replace overwrites the entity if its ETag is still etag.
func (s *Store) replace(ctx context.Context, key string, entity []byte, expires time.Time, etag azcore.ETag) (string, error) {
	resp, err := s.client.UpdateEntity(ctx, entity, &aztables.UpdateEntityOptions{IfMatch: &etag, UpdateMode: aztables.UpdateModeReplace})
	switch {
	case hasCode(err, aztables.UpdateConditionNotSatisfied), isEntityNotFound(err):
		return "", notify.ErrConflict
	case err != nil:
		return "", fmt.Errorf("tablestate: update %q: %w", key, err)
	}
	return version(expires, resp.ETag), nil
}

func (s *Store) read(ctx context.Context, key string) (stored, error) {
	resp, err := s.client.GetEntity(ctx, partitionKey(key), rowKey, nil)
	if isEntityNotFound(err) {
		return stored{}, notify.ErrNotFound
	}
	if err != nil {
		return stored{}, fmt.Errorf("tablestate: get %q: %w", key, err)
	}
	e, err := unmarshal(resp.Value)
	if err != nil {
		return stored{}, fmt.Errorf("tablestate: entity for %q: %w", key, err)
	}
	e.etag = resp.ETag
	return e, nil
}

func partitionKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

func marshal(key string, value []byte, expires time.Time) ([]byte, error) {
	props := map[string]any{
		"Key":       key,
		"ExpiresAt": aztables.EDMDateTime(expires),
	}
	chunks := int32(0)
	for ; len(value) > 0; chunks++ {
		n := min(len(value), chunkSize)
		props["Value"+strconv.Itoa(int(chunks))] = aztables.EDMBinary(value[:n])
		value = value[n:]
	}
	props["Chunks"] = chunks
	return json.Marshal(aztables.EDMEntity{
		Entity:     aztables.Entity{PartitionKey: partitionKey(key), RowKey: rowKey},
		Properties: props,
	})
}

func unmarshal(data []byte) (stored, error) {
	var e aztables.EDMEntity
	if err := json.Unmarshal(data, &e); err != nil {
		return stored{}, err
	}
	expires, ok := e.Properties["ExpiresAt"].(aztables.EDMDateTime)
	if !ok {
		return stored{}, errors.New("no Edm.DateTime property ExpiresAt")
	}
	chunks, ok := e.Properties["Chunks"].(int32)
	if !ok {
		return stored{}, errors.New("no Edm.Int32 property Chunks")
	}
	value := []byte{}
	for i := range int(chunks) {
		chunk, ok := e.Properties["Value"+strconv.Itoa(i)].(aztables.EDMBinary)
		if !ok {
			return stored{}, fmt.Errorf("no Edm.Binary property Value%d of %d", i, chunks)
		}
		value = append(value, chunk...)
	}
	return stored{value: value, expires: time.Time(expires)}, nil
}

// version is the opaque version handed to callers: the entity's expiry and
// ETag, so Put can refuse a version of an entry that has since expired
// without reading it again.
func version(expires time.Time, etag azcore.ETag) string {
	return strconv.FormatInt(expires.UnixMilli(), 10) + ";" + string(etag)
}

func parseVersion(v string) (time.Time, azcore.ETag, bool) {
	ms, etag, ok := strings.Cut(v, ";")
	// Table ETags are weak entity tags, W/"datetime'…'"; the service
	// answers anything else in If-Match with 400 InvalidInput.
	inner, weak := strings.CutPrefix(etag, `W/"`)
	if !ok || !weak || !strings.HasSuffix(inner, `"`) || strings.Count(inner, `"`) != 1 {
		return time.Time{}, "", false
	}
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return time.Time{}, "", false
	}
	return time.UnixMilli(n), azcore.ETag(etag), true
}

func hasCode(err error, code aztables.TableErrorCode) bool {
	re, ok := errors.AsType[*azcore.ResponseError](err)
	return ok && re.ErrorCode == string(code)
}

// isEntityNotFound is true for a missing entity, not a missing table
// (TableNotFound, also a 404), which is a deployment error to report.
func isEntityNotFound(err error) bool {
	return hasCode(err, aztables.ResourceNotFound) || hasCode(err, aztables.EntityNotFound)
}
