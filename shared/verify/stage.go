package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/notify"
)

// historyTTL is how long a workload's last successful start is kept.
const historyTTL = 7 * 24 * time.Hour

// Stage is the check step of the report path: it asks the registry about
// the image of a pull failure and restates the diagnosis (Apply), and it
// remembers when each workload last started with its image, in the
// function's durable state, as evidence that a later auth failure is an
// expired token.
type Stage struct {
	// Checker asks the registry; nil turns the check off.
	Checker Checker
	// History, when set, keeps each workload's last successful start
	// (the function's notify.Store: DynamoDB, Table storage, Cloud Storage
	// or memory).
	History notify.Store
}

// Diagnose checks f's image when that can change d, and returns d restated
// with the answer and the check's outcome (NotChecked when none was made).
func (s *Stage) Diagnose(ctx context.Context, f *failure.Failure, d classify.Diagnosis) (classify.Diagnosis, Kind) {
	if s == nil || s.Checker == nil || !Needed(d, f) {
		return d, NotChecked
	}
	r := s.Checker.Check(ctx, f.Image)
	r.LastStarted = s.lastStarted(ctx, f)
	d = Apply(d, f, r)
	if r.Kind == TagExists && (d.Cause == classify.RegistryAuth || d.Cause == classify.RegistryTokenExpired) {
		d = s.oneCredential(ctx, f, d, r.Registry)
	}
	return d, r.Kind
}

// CredentialWindow is how close together auth failures on one registry
// host must be to count as one broken credential.
const CredentialWindow = 15 * time.Minute

// oneCredential groups auth failures on one registry host into one
// incident (f.Group) and, once several workloads share it, says so: one
// credential, fixed once, rather than N incidents.
func (s *Stage) oneCredential(ctx context.Context, f *failure.Failure, d classify.Diagnosis, host string) classify.Diagnosis {
	f.Group = "registry-credential:" + host
	if s.History == nil {
		return d
	}
	key := notify.StoreKey("cred", string(f.Platform), f.Account, host)
	now := f.Time
	if now.IsZero() {
		now = time.Now()
	}
	w := f.Resource()
	var seen map[string]time.Time
	for range 3 {
		cur, version, err := s.History.Get(ctx, key)
		seen = map[string]time.Time{}
		if err == nil {
			_ = json.Unmarshal(cur, &seen)
		} else if !errors.Is(err, notify.ErrNotFound) {
			return d
		}
		for k, t := range seen {
			if now.Sub(t) > CredentialWindow {
				delete(seen, k)
			}
		}
		seen[w] = now
		b, _ := json.Marshal(seen)
		if _, err = s.History.Put(ctx, key, b, version, CredentialWindow); !errors.Is(err, notify.ErrConflict) {
			break
		}
	}
	if len(seen) < 2 {
		return d
	}
	names := make([]string, 0, len(seen))
	for k := range seen {
		names = append(names, k)
	}
	sort.Strings(names)
	d.Fix = append([]string{fmt.Sprintf("One credential, %d workloads: pulls from %s failed this way within %s for %s. Fix the credential once.",
		len(names), host, CredentialWindow, strings.Join(names, ", "))}, d.Fix...)
	return d
}

// Observe records a recovered workload (f.Recovered: an ECS task RUNNING, an
// ACI group Running, a pod's container Started or image Pulled) as the
// last time its image worked. A store error is returned for the log line;
// it changes nothing else.
func (s *Stage) Observe(ctx context.Context, f *failure.Failure) error {
	if s == nil || s.History == nil || !f.Recovered || f.Image == "" {
		return nil
	}
	at := f.Time
	if at.IsZero() {
		at = time.Now()
	}
	key := historyKey(f)
	for range 3 {
		cur, version, err := s.History.Get(ctx, key)
		switch {
		case errors.Is(err, notify.ErrNotFound):
			version = ""
		case err != nil:
			return err
		default:
			if prev, perr := time.Parse(time.RFC3339Nano, string(cur)); perr == nil && !prev.Before(at) {
				return nil // a later start is already recorded
			}
		}
		_, err = s.History.Put(ctx, key, []byte(at.UTC().Format(time.RFC3339Nano)), version, historyTTL)
		if !errors.Is(err, notify.ErrConflict) {
			return err
		}
	}
	return nil // others keep writing newer starts
}

func (s *Stage) lastStarted(ctx context.Context, f *failure.Failure) time.Time {
	if s.History == nil {
		return time.Time{}
	}
	v, _, err := s.History.Get(ctx, historyKey(f))
	if err != nil {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, string(v))
	return t
}

// historyKey names a workload's image history; store keys stay short and
// free of separators the stores reserve.
func historyKey(f *failure.Failure) string {
	w := f.Workload
	if w == "" {
		w = f.Task
	}
	return notify.StoreKey("worked", string(f.Platform), f.Account, f.Cluster, f.ResourceGroup, f.Namespace, w, f.Image)
}
