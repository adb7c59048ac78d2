package notify

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
)

// postLease is how long an instance may take to post a new message before
// another instance takes the job over.
const postLease = time.Minute

// keptTasks is how many affected task or pod names an incident remembers.
const keptTasks = 20

// incident is the stored state of one incident: one workload failing for
// one cause.
type incident struct {
	slackMsg
	Failure      failure.Failure    `json:"failure"` // the latest failure, trimmed
	Diagnosis    classify.Diagnosis `json:"diagnosis"`
	Mention      string             `json:"mention,omitempty"`
	Count        int                `json:"count"`
	FirstSeen    time.Time          `json:"first_seen"`
	LastSeen     time.Time          `json:"last_seen"`
	LastFailed   time.Time          `json:"last_failed,omitzero"` // newest failure's event time
	Tasks        []string           `json:"tasks,omitempty"`      // newest last
	TaskCount    int                `json:"task_count"`
	LastReply    time.Time          `json:"last_reply,omitzero"`
	RepliedCount int                `json:"replied_count"`
	Storm        string             `json:"storm,omitempty"` // storm key when folded into one
	Resolved     bool               `json:"resolved,omitempty"`
	ResolvedAt   time.Time          `json:"resolved_at,omitzero"`
	RecoveryNote bool               `json:"recovery_note,omitempty"` // recovery reply claimed
}

func (in *incident) msg() *slackMsg { return &in.slackMsg }

// restartsInPlace reports whether Kubernetes recovery r is only the failing
// pod itself starting again, which is part of the failure rather than its
// end: a crash-looping pod logs Pulled/Started before every crash. A new pod
// (the fixed rollout) starting, or the same pod once an image pull finally
// succeeds, still resolves the incident. (ECS tasks never restart in place;
// the Azure scan reports a recovery only from the container group's state.)
func (in *incident) restartsInPlace(r *failure.Failure) bool {
	if r.Platform != failure.Kubernetes {
		return false
	}
	switch in.Diagnosis.Cause {
	case classify.AppCrash, classify.OutOfMemory, classify.HealthCheckFailed,
		classify.CommandNotFound, classify.ImagePlatformMismatch:
		task := taskName(r)
		return task != "" && slices.Contains(in.Tasks, task)
	}
	return false
}

// recoveredBy reports whether recovery r ends this incident: it must be
// no older than the latest failure (events arrive out of order and retried
// late), be about the failing container (a sidecar starting says nothing
// about the main container), not be an older task definition revision of
// the failing one still running (ECS, during a deployment that cannot
// start), and not be a crash-looping pod starting again.
func (in *incident) recoveredBy(r *failure.Failure) bool {
	switch {
	case !r.Time.IsZero() && r.Time.Before(in.LastFailed):
		return false
	case r.Container != "" && in.Failure.Container != "" && r.Container != in.Failure.Container && r.Platform == failure.Kubernetes:
		return false
	case in.restartsInPlace(r):
		return false
	}
	fam, rev, ok := taskDefRevision(in.Failure.TaskDefinition)
	rfam, rrev, rok := taskDefRevision(r.TaskDefinition)
	return !(ok && rok && fam == rfam && rrev < rev)
}

// taskDefRevision splits an ECS task definition ARN or family:revision.
func taskDefRevision(td string) (family string, rev int, ok bool) {
	td = td[strings.LastIndexByte(td, '/')+1:]
	family, r, found := strings.Cut(td, ":")
	rev, err := strconv.Atoi(r)
	return family, rev, found && err == nil
}

func (in *incident) message() Message {
	shown := in.Tasks[max(len(in.Tasks)-maxTaskNames, 0):]
	return render(&in.Failure, in.Diagnosis, status{
		Count: in.Count, FirstSeen: in.FirstSeen, LastSeen: in.LastSeen, Tasks: shown, TaskCount: in.TaskCount,
		Resolved: in.Resolved, ResolvedAt: in.ResolvedAt, Mention: in.Mention,
	})
}

// open reports whether a failure seen at now joins this incident.
func (in *incident) open(now time.Time, window time.Duration) bool {
	return in != nil && !in.Resolved && now.Sub(in.LastSeen) < window
}

// add counts one more failure.
func (in *incident) add(f *failure.Failure, d classify.Diagnosis, now time.Time) {
	in.Count++
	in.Rev++
	in.LastSeen = now
	if f.Time.After(in.LastFailed) {
		in.LastFailed = f.Time
	}
	in.Failure, in.Diagnosis = trimFailure(f), d
	if task := taskName(f); task != "" && !slices.Contains(in.Tasks, task) {
		in.Tasks = append(slices.Clone(in.Tasks), task)
		if len(in.Tasks) > keptTasks {
			in.Tasks = in.Tasks[1:]
		}
		in.TaskCount++
	}
}

func taskName(f *failure.Failure) string {
	if f.Task != "" {
		return f.Task
	}
	return f.Container
}

// trimFailure keeps what re-rendering needs within a small record (Azure
// Table properties hold 64 KiB): messages and log lines are cut.
func trimFailure(f *failure.Failure) failure.Failure {
	t := *f
	t.Messages = make([]string, 0, len(f.Messages))
	for _, m := range f.Messages {
		t.Messages = append(t.Messages, truncate(m, 2000))
	}
	tail := f.LogTail[max(len(f.LogTail)-20, 0):]
	t.LogTail = make([]string, len(tail))
	for i, l := range tail {
		t.LogTail[i] = truncate(l, 300)
	}
	return t
}

// incidentKey names the incident of f for a cause: platform, account,
// cluster (or resource group), namespace, workload and cause.
func incidentKey(f *failure.Failure, cause classify.Cause) string {
	if f.Group != "" { // one incident across workloads (one registry credential)
		return storeKey("inc", string(f.Platform), f.Account, "group", f.Group, string(cause))
	}
	return storeKey("inc", append(workloadParts(f), string(cause))...)
}

// workloadKey names the index of a workload's incidents, for recovery.
func workloadKey(f *failure.Failure) string { return storeKey("wl", workloadParts(f)...) }

func workloadParts(f *failure.Failure) []string {
	w := f.Workload
	if w == "" {
		w = f.Task
	}
	return []string{string(f.Platform), f.Account, f.Cluster, f.ResourceGroup, f.Namespace, w}
}

// workloadIndex lists the incident keys of a workload that may be open.
type workloadIndex struct {
	Incidents []string `json:"incidents"`
}

func (n *Notifier) incidentTTL() time.Duration { return n.cfg.IncidentWindow + time.Hour }

// record counts f in its incident, creating the incident (and folding it
// into a storm) when none is open. It returns the incident key.
func (n *Notifier) record(ctx context.Context, f *failure.Failure, d classify.Diagnosis) (string, error) {
	key := incidentKey(f, d.Cause)
	now := n.opts.now()
	var isNew bool
	in, err := mutate(ctx, n.opts.store, key, n.incidentTTL(), func(cur *incident) *incident {
		isNew = !cur.open(now, n.cfg.IncidentWindow)
		if !isNew {
			next := *cur
			next.add(f, d, now)
			return &next
		}
		next := &incident{
			slackMsg: slackMsg{Channel: n.cfg.Routes.Channel(f, n.cfg.Channel)},
			Mention:  n.cfg.mention(f, d), FirstSeen: now,
		}
		next.add(f, d, now)
		return next
	})
	if err != nil {
		return "", err
	}
	if isNew {
		if _, err := mutate(ctx, n.opts.store, workloadKey(f), n.incidentTTL(), func(cur *workloadIndex) *workloadIndex {
			if cur == nil {
				cur = &workloadIndex{}
			}
			if slices.Contains(cur.Incidents, key) {
				return nil
			}
			return &workloadIndex{Incidents: append(slices.Clone(cur.Incidents), key)}
		}); err != nil {
			return "", err
		}
		storm, err := n.detectStorm(ctx, f, in.Channel, now)
		if err != nil || storm == "" {
			return key, err
		}
		if in, err = mutate(ctx, n.opts.store, key, n.incidentTTL(), func(cur *incident) *incident {
			if cur == nil || cur.Storm != "" || cur.TS != "" {
				return nil // already posted on its own, or gone
			}
			next := *cur
			next.Storm = storm
			return &next
		}); err != nil || in == nil {
			return key, err
		}
	}
	if in.Storm != "" {
		return key, n.joinStorm(ctx, in.Storm, key, in, true)
	}
	return key, nil
}

// syncIncident brings Slack up to date with the incident at key: posts it
// if nobody has, updates it if it changed, and replies in its thread when a
// reply is due.
func (n *Notifier) syncIncident(ctx context.Context, key string) (Result, error) {
	in, _, err := load[incident](ctx, n.opts.store, key)
	if err != nil || in == nil {
		return Result{}, err
	}
	if in.Storm != "" {
		res, err := syncRecord[stormMsg](ctx, n, in.Storm, n.incidentTTL())
		if res.Action != "" {
			res.Action = "storm"
		}
		if res.Suppressed == "repeat" {
			res.Suppressed = "storm"
		}
		return res, err
	}
	res, err := syncRecord[incident](ctx, n, key, n.incidentTTL())
	if err != nil || res.Action != "update" {
		return res, err
	}
	if replied, err := n.replyIfDue(ctx, key); err != nil {
		n.log.WarnContext(ctx, "thread reply failed; the parent message shows the count", "error", err.Error())
	} else if replied {
		res.Action = "reply"
	}
	return res, nil
}

// replyIfDue posts a short thread reply when the incident repeated since
// the last note and ReplyInterval has passed. The reply is claimed in the
// store first, so concurrent instances do not both reply.
func (n *Notifier) replyIfDue(ctx context.Context, key string) (bool, error) {
	now := n.opts.now()
	var due bool
	var since int
	in, err := mutate(ctx, n.opts.store, key, n.incidentTTL(), func(cur *incident) *incident {
		due = cur != nil && cur.TS != "" && cur.TS != webhookTS && !cur.Resolved &&
			cur.Count > cur.RepliedCount && now.Sub(cur.LastReply) >= n.cfg.ReplyInterval
		if !due {
			return nil
		}
		next := *cur
		since = cur.Count - cur.RepliedCount
		next.LastReply, next.RepliedCount = now, cur.Count
		return &next
	})
	if err != nil || !due {
		return false, err
	}
	text := fmt.Sprintf(":repeat: Failed again %d× since the last note (%d in all); latest", since, in.Count)
	if task := taskName(&in.Failure); task != "" {
		text += " on " + code(task)
	}
	text += " at " + clock(in.LastSeen) + "."
	m := Message{Text: text, Blocks: nil}
	return true, n.retry(ctx, "chat.postMessage (thread)", func(ctx context.Context) error {
		_, err := n.out.post(ctx, in.Channel, in.TS, m)
		return err
	})
}

// recoverWorkload resolves the open incidents of f's workload: their
// messages show resolved, and their threads say so.
func (n *Notifier) recoverWorkload(ctx context.Context, f *failure.Failure) (Result, error) {
	idx, _, err := load[workloadIndex](ctx, n.opts.store, workloadKey(f))
	if err != nil {
		return Result{}, err
	}
	now := n.opts.now()
	res := Result{Suppressed: "no_open_incident"}
	for _, key := range idxKeys(idx) {
		var resolved bool
		in, err := mutate(ctx, n.opts.store, key, n.incidentTTL(), func(cur *incident) *incident {
			resolved = cur != nil && (cur.open(now, n.cfg.IncidentWindow) || (cur.Resolved && !cur.RecoveryNote)) &&
				cur.recoveredBy(f)
			if !resolved || cur.Resolved {
				return nil
			}
			next := *cur
			next.Resolved, next.ResolvedAt, next.Rev = true, now, cur.Rev+1
			return &next
		})
		if err != nil {
			return res, err
		}
		if !resolved {
			continue
		}
		if in.Storm != "" {
			if err := n.joinStorm(ctx, in.Storm, key, in, false); err != nil {
				return res, err
			}
		}
		r, err := n.syncIncident(ctx, key)
		if err != nil {
			return r, err
		}
		if err := n.noteRecovery(ctx, key, f); err != nil {
			return r, err
		}
		res = Result{Posted: true, Action: "resolve", Channel: in.Channel, TS: in.TS}
	}
	return res, nil
}

func idxKeys(idx *workloadIndex) []string {
	if idx == nil {
		return nil
	}
	return idx.Incidents
}

// noteRecovery replies in the incident's thread (or, with a webhook, posts)
// that the workload recovered, once. A storm entry shows it in the storm
// message instead, so it is only marked noted.
func (n *Notifier) noteRecovery(ctx context.Context, key string, f *failure.Failure) error {
	var claimed bool
	in, err := mutate(ctx, n.opts.store, key, n.incidentTTL(), func(cur *incident) *incident {
		claimed = cur != nil && (cur.TS != "" || cur.Storm != "") && !cur.RecoveryNote
		if !claimed {
			return nil
		}
		next := *cur
		next.RecoveryNote = true
		return &next
	})
	if err != nil || !claimed || in.Storm != "" {
		return err
	}
	text := fmt.Sprintf(":white_check_mark: %s recovered at %s after %d failures (%s).",
		esc(f.Resource()), clock(in.ResolvedAt), in.Count, in.Diagnosis.Cause)
	if task := taskName(f); task != "" {
		text += " Now running: " + code(task) + "."
	}
	thread := in.TS
	if thread == webhookTS {
		thread = ""
	}
	err = n.retry(ctx, "chat.postMessage (recovery)", func(ctx context.Context) error {
		_, err := n.out.post(ctx, in.Channel, thread, Message{Text: text})
		return err
	})
	if err != nil { // let the platform's retry post the note
		_, _ = mutate(context.WithoutCancel(ctx), n.opts.store, key, n.incidentTTL(), func(cur *incident) *incident {
			if cur == nil {
				return nil
			}
			next := *cur
			next.RecoveryNote = false
			return &next
		})
	}
	return err
}

// syncable is a stored record that owns one Slack message.
type syncable interface {
	msg() *slackMsg
	message() Message
}

// syncRecord makes the Slack message of the record at key show its latest
// revision. The caller that finds it stale takes a lease and, until Slack is
// current, posts it (first time) or updates it; others leave it to the
// holder, which re-reads after releasing the lease so no change is missed.
// A failed post releases the lease without a ts, so the record is never
// marked posted without a message.
func syncRecord[T any, P interface {
	*T
	syncable
}](ctx context.Context, n *Notifier, key string, ttl time.Duration) (Result, error) {
	var res Result
	for range 3 {
		holder := strconv.FormatUint(rand.Uint64(), 36)
		now := n.opts.now()
		var claimed bool
		rec, err := mutate(ctx, n.opts.store, key, ttl, func(cur *T) *T {
			claimed = cur != nil && P(cur).msg().stale() && !now.Before(P(cur).msg().Lease)
			if !claimed {
				return nil
			}
			next := *cur
			m := P(&next).msg()
			m.Lease, m.Holder = now.Add(postLease), holder
			return &next
		})
		if err != nil || rec == nil {
			return res, err
		}
		if !claimed {
			if res.Action == "" {
				res.Channel, res.TS = P(rec).msg().Channel, P(rec).msg().TS
				res.Suppressed = "repeat" // Slack is current, or the holder makes it so
				if P(rec).msg().TS == "" {
					res.Suppressed = "pending"
					n.log.InfoContext(ctx, "acknowledged while another invocation posts the message that will show this failure; if that post fails, it shows once the platform retries that event or the next failure arrives",
						"lease_until", P(rec).msg().Lease)
				}
			}
			return res, nil
		}
		done, err := writeSlack[T, P](ctx, n, key, ttl, holder, &res)
		// Release the lease, whatever happened, so another invocation can
		// take over; then look again for changes made meanwhile.
		rec, rerr := mutate(context.WithoutCancel(ctx), n.opts.store, key, ttl, func(cur *T) *T {
			if cur == nil || P(cur).msg().Holder != holder {
				return nil
			}
			next := *cur
			m := P(&next).msg()
			m.Lease, m.Holder = time.Time{}, ""
			return &next
		})
		if err != nil {
			return res, err
		}
		if rerr != nil || rec == nil || !P(rec).msg().stale() || !done {
			return res, rerr
		}
	}
	return res, nil
}

// writeSlack posts or updates the message until Slack shows the record's
// latest revision; the caller holds the lease. Updates are paced: at most
// one per Config.UpdateGap, the holder waiting out the gap while it fits in
// the time budget and then rendering the latest revision once, so a storm
// of repeats costs a few edits, not one each (an incident whose only
// change is one repeat is updated at once). It returns done=false when it
// stopped with Slack still behind because the budget ran low (after one
// last write); the next event's invocation catches up.
func writeSlack[T any, P interface {
	*T
	syncable
}](ctx context.Context, n *Notifier, key string, ttl time.Duration, holder string, res *Result) (done bool, err error) {
	paced := false
	for {
		rec, _, err := load[T](ctx, n.opts.store, key)
		if err != nil || rec == nil {
			return true, err
		}
		sm := *P(rec).msg()
		if sm.Holder != holder || !sm.stale() {
			return true, nil
		}
		last := false
		// A storm message is always paced; an incident's only when more
		// than its latest failure waits (repeats are arriving faster than
		// Slack is written), so a lone repeat is shown at once.
		_, storm := any(rec).(*stormMsg)
		if sm.TS != "" && !paced && (storm || sm.Rev-sm.Rendered > 1) {
			if wait := sm.LastWrite.Add(n.cfg.UpdateGap).Sub(n.opts.now()); wait > 0 {
				if fits(ctx, wait+n.opts.attemptTimeout) {
					paced = true
					if err := n.opts.sleep(ctx, wait); err != nil {
						return false, fmt.Errorf("%w: %w", ErrBudgetExhausted, err)
					}
					continue // render the revision that is latest now
				}
				last = true
			}
		}
		paced = false
		m := P(rec).message()
		if sm.Replaces != "" {
			m = replacedNote(m, sm.Replaces)
		}
		var ts string
		if sm.TS == "" {
			ts, err = postOnce[T, P](ctx, n, key, ttl, holder, sm, m)
		} else {
			ts = sm.TS
			err = n.retry(ctx, "chat.update", func(ctx context.Context) error {
				return n.out.update(ctx, sm.Channel, sm.TS, m)
			})
		}
		gone, refused := errors.Is(err, errMessageGone), errors.Is(err, errEditRefused)
		if err != nil && !gone && !refused {
			return true, err
		}
		replaces := sm.Replaces
		if refused {
			n.log.WarnContext(ctx, "Slack refuses to edit the incident message; posting a new one that links it", "error", err.Error())
			replaces = noLink
			if link, err := n.out.permalink(ctx, sm.Channel, sm.TS); err == nil && strings.HasPrefix(link, "https://") {
				replaces = link
			}
		}
		now := n.opts.now()
		if _, err := mutate(ctx, n.opts.store, key, ttl, func(cur *T) *T {
			if cur == nil {
				return nil
			}
			next := *cur
			m := P(&next).msg()
			switch {
			case gone: // deleted in Slack: post it again
				m.TS = ""
			case refused: // post a new message that links this one
				m.TS, m.Replaces = "", replaces
			case sm.TS == "":
				m.TS, m.Rendered, m.Intent, m.LastWrite = ts, max(m.Rendered, sm.Rev), "", now
				if in, ok := any(&next).(*incident); ok { // the post is the first note
					in.LastReply, in.RepliedCount = now, in.Count
				}
			default:
				m.Rendered, m.LastWrite = max(m.Rendered, sm.Rev), now
			}
			return &next
		}); err != nil {
			return true, err
		}
		switch {
		case gone, refused:
		case sm.TS == "":
			*res = Result{Posted: true, Action: "post", Channel: sm.Channel, TS: ts}
		case res.Action == "":
			*res = Result{Posted: true, Action: "update", Channel: sm.Channel, TS: ts}
		}
		if last {
			return false, nil
		}
	}
}

// fits reports whether d fits in what is left of ctx's deadline.
func fits(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) > d
}

// postOnce posts the record's message so that Slack shows it once, even if
// an earlier attempt was accepted but its answer lost: the post's intent id
// goes into the record before the call and into the message metadata; a
// record that already has one (an earlier invocation timed out), or an
// attempt that failed ambiguously, first looks for the message in the
// channel and adopts it when found. It returns the message ts (webhookTS
// for a webhook).
func postOnce[T any, P interface {
	*T
	syncable
}](ctx context.Context, n *Notifier, key string, ttl time.Duration, holder string, sm slackMsg, m Message) (string, error) {
	intent, since := sm.Intent, sm.IntentAt
	lookup := intent != ""
	if intent == "" {
		intent, since = strconv.FormatUint(rand.Uint64(), 36), n.opts.now()
		if _, err := mutate(ctx, n.opts.store, key, ttl, func(cur *T) *T {
			if cur == nil || P(cur).msg().Holder != holder {
				return nil
			}
			next := *cur
			P(&next).msg().Intent, P(&next).msg().IntentAt = intent, since
			return &next
		}); err != nil {
			return "", err
		}
	}
	m.Metadata.EventPayload = maps.Clone(m.Metadata.EventPayload)
	if m.Metadata.EventPayload == nil {
		m.Metadata.EventPayload = map[string]any{}
	}
	m.Metadata.EventPayload[postIDKey] = intent
	var ts string
	err := n.retry(ctx, "chat.postMessage", func(ctx context.Context) (err error) {
		if lookup {
			found, err := n.out.find(ctx, sm.Channel, intent, since)
			if err != nil {
				n.log.WarnContext(ctx, "could not look for an earlier post in the channel (the bot needs channels:history); posting, which may repeat it", "error", err.Error())
			} else if found != "" {
				ts = found
				return nil
			}
		}
		ts, err = n.out.post(ctx, sm.Channel, "", m)
		lookup = err != nil && ambiguous(err)
		return err
	})
	if err == nil && ts == "" {
		ts = webhookTS
	}
	return ts, err
}

// noLink marks a replaced message whose permalink Slack did not give.
const noLink = "-"

// replacedNote adds a context line to m linking the message it replaces.
func replacedNote(m Message, link string) Message {
	note := "Replaces an earlier message that Slack no longer lets Tracegrid edit."
	if link != noLink {
		note = "Replaces <" + strings.NewReplacer("|", "%7C", ">", "%3E").Replace(link) + "|an earlier message> that Slack no longer lets Tracegrid edit."
	}
	m.Blocks = append(slices.Clone(m.Blocks[:min(len(m.Blocks), maxBlocks-1)]), contextLine(note))
	return m
}
