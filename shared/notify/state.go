package notify

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"time"
)

// maxCASTries bounds read-modify-write retries on ErrConflict; past it the
// event fails and the platform retries it.
const maxCASTries = 50

// load reads the JSON record at key; it returns nil and version "" when
// there is none. A record that no longer decodes is treated as absent (and
// overwritten), so a bad record cannot wedge an incident.
func load[T any](ctx context.Context, s Store, key string) (*T, string, error) {
	b, version, err := s.Get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", storeErr("get", err)
	}
	v := new(T)
	if json.Unmarshal(b, v) != nil {
		return nil, version, nil
	}
	return v, version, nil
}

// mutate applies fn to the record at key and stores the result with a
// compare-and-swap, re-reading and re-applying fn on conflict. fn receives
// nil when there is no record; returning nil writes nothing. mutate returns
// the record as stored (or as read, when fn wrote nothing).
func mutate[T any](ctx context.Context, s Store, key string, ttl time.Duration, fn func(cur *T) *T) (*T, error) {
	for try := range maxCASTries {
		if try > 0 { // lost a race: let the other writers through
			if err := sleepCtx(ctx, time.Duration(rand.Int64N(int64(try)*int64(time.Millisecond)))); err != nil {
				return nil, storeErr("put", err)
			}
		}
		cur, version, err := load[T](ctx, s, key)
		if err != nil {
			return nil, err
		}
		next := fn(cur)
		if next == nil {
			return cur, nil
		}
		b, err := json.Marshal(next)
		if err != nil {
			return nil, err
		}
		_, err = s.Put(ctx, key, b, version, ttl)
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return nil, storeErr("put", err)
		}
		return next, nil
	}
	return nil, storeErr("put", errors.New(key+": too many concurrent writers"))
}

// storeErr wraps a Store failure, which is transient like a Slack outage.
func storeErr(op string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return errors.Join(ErrBudgetExhausted, err)
	}
	return errors.New("notify: state store " + op + ": " + err.Error())
}

// slackMsg is the Slack side of a stored record: where its message is, who
// is writing it, and whether Slack shows its latest revision.
type slackMsg struct {
	Channel string `json:"channel"`
	// TS is the posted message; "" until posted. Webhook posts store "-".
	TS string `json:"ts,omitempty"`
	// Lease and Holder: one instance at a time posts or updates the
	// message, so Slack never receives an older revision after a newer one.
	Lease  time.Time `json:"lease,omitzero"`
	Holder string    `json:"holder,omitempty"`
	// Rev counts changes; Rendered is the Rev Slack last showed.
	Rev      int `json:"rev"`
	Rendered int `json:"rendered"`
	// Intent is the id of a post that may have reached Slack although its
	// answer did not reach us (a timeout, a reset connection). The message
	// carries it in its metadata (post_id), so a retry, in this invocation
	// or another, looks it up before posting again.
	Intent   string    `json:"intent,omitempty"`
	IntentAt time.Time `json:"intent_at,omitzero"`
	// LastWrite is when Slack last accepted a post or update of the
	// message; updates are paced from it (Config.UpdateGap).
	LastWrite time.Time `json:"last_write,omitzero"`
	// Replaces is the permalink (or noLink) of a message Slack refused to
	// let us edit any more (cant_update_message, edit_window_closed); the
	// message posted in its place links it.
	Replaces string `json:"replaces,omitempty"`
}

// stale reports whether Slack lags the record and could be brought up to
// date (a webhook message cannot be updated).
func (m *slackMsg) stale() bool {
	return m.TS == "" || (m.TS != webhookTS && m.Rendered < m.Rev)
}

// webhookTS marks a record whose message went out through a webhook, which
// returns no ts and allows no updates.
const webhookTS = "-"
