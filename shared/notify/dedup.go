package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"
)

// Store keys are short hashes with a kind prefix, so any backend accepts
// them (Azure Table keys forbid / \ # ?; DynamoDB limits key size).
func storeKey(kind string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return kind + "-" + hex.EncodeToString(h.Sum(nil)[:16])
}

// eventTTL is how long an event id is remembered for redelivery dedup.
const eventTTL = 48 * time.Hour

// eventLease is how long a claimed event is left to the instance handling
// it before a redelivery may take it over.
const eventLease = 2 * time.Minute

// eventState is the dedup record of one delivery.
type eventState struct {
	Done bool `json:"done"`
	// Counted: the failure is counted in its incident; a retry after a
	// failed post only brings Slack up to date.
	Counted    bool      `json:"counted,omitempty"`
	LeaseUntil time.Time `json:"lease_until"`
}

// eventClaim is a claimed delivery; finish records its outcome.
type eventClaim struct {
	n       *Notifier
	key     string
	version string
	state   eventState
}

// claimEvent records that this invocation handles the event id. It returns
// a reason to suppress ("duplicate" when already handled, "in_flight" when
// another instance is handling it now). A claim whose handler failed or
// vanished is taken over, so a failed post is retried, never lost.
func (n *Notifier) claimEvent(ctx context.Context, id string) (*eventClaim, string, error) {
	if id == "" {
		return nil, "", nil
	}
	key := storeKey("evt", id)
	for {
		now := n.opts.now()
		var st eventState
		old, version, err := n.opts.store.Get(ctx, key)
		switch {
		case errors.Is(err, ErrNotFound):
			version = ""
		case err != nil:
			return nil, "", storeErr("get", err)
		default:
			if json.Unmarshal(old, &st) == nil {
				if st.Done {
					return nil, "duplicate", nil
				}
				if now.Before(st.LeaseUntil) {
					return nil, "in_flight", nil
				}
			}
		}
		st.LeaseUntil = now.Add(eventLease)
		val, _ := json.Marshal(st)
		v, err := n.opts.store.Put(ctx, key, val, version, eventTTL)
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return nil, "", storeErr("put", err)
		}
		return &eventClaim{n: n, key: key, version: v, state: st}, "", nil
	}
}

// counted reports whether an earlier attempt already counted the event.
func (c *eventClaim) counted() bool { return c != nil && c.state.Counted }

// markCounted records that the event is counted in its incident.
func (c *eventClaim) markCounted(ctx context.Context) {
	if c == nil {
		return
	}
	c.state.Counted = true
	c.save(ctx)
}

// finish marks the event done, or releases the claim so that the
// platform's retry handles it again.
func (c *eventClaim) finish(ctx context.Context, ok bool) {
	if c == nil {
		return
	}
	c.state.Done = ok
	c.state.LeaseUntil = time.Time{}
	c.save(ctx)
}

// save stores the claim's state. Failing to is logged, not returned: at
// worst a redelivery is handled twice or waits for the lease.
func (c *eventClaim) save(ctx context.Context) {
	val, _ := json.Marshal(c.state)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	v, err := c.n.opts.store.Put(ctx, c.key, val, c.version, eventTTL)
	if err != nil {
		c.n.log.Warn("could not record delivery state", "done", c.state.Done, "error", err.Error())
		return
	}
	c.version = v
}
