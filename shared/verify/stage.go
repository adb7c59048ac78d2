package verify

import (
	"context"
	"errors"
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
	return Apply(d, f, r), r.Kind
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
