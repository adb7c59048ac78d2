package notify

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
)

// stormDetector counts new incidents per platform, account and channel.
type stormDetector struct {
	Recent  []time.Time `json:"recent"`            // new incidents posted on their own, within the window
	Current string      `json:"current,omitempty"` // key of the storm in progress
	LastNew time.Time   `json:"last_new,omitzero"` // last incident folded into it
}

// stormMsg is one storm: the incidents folded into one message.
type stormMsg struct {
	slackMsg
	Platform failure.Platform `json:"platform"`
	Account  string           `json:"account,omitempty"`
	Started  time.Time        `json:"started"`
	Entries  []stormEntry     `json:"entries"`
	// OtherWorkloads and OtherEvents count what did not fit in Entries.
	OtherWorkloads int `json:"other_workloads,omitempty"`
	OtherEvents    int `json:"other_events,omitempty"`
}

// stormEntry is one folded incident.
type stormEntry struct {
	Incident  string         `json:"incident"`
	Cause     classify.Cause `json:"cause"`
	Title     string         `json:"title"`
	Resource  string         `json:"resource"`
	Count     int            `json:"count"`
	LastSeen  time.Time      `json:"last_seen"`
	Recovered bool           `json:"recovered,omitempty"`
}

// detectStorm records a new incident and returns the key of the storm it
// folds into, or "" when it should be posted on its own.
func (n *Notifier) detectStorm(ctx context.Context, f *failure.Failure, channel string, now time.Time) (string, error) {
	if n.cfg.StormThreshold <= 0 {
		return "", nil
	}
	key := storeKey("stormdet", string(f.Platform), f.Account, channel)
	var storm string
	_, err := mutate(ctx, n.opts.store, key, 2*n.cfg.StormWindow, func(cur *stormDetector) *stormDetector {
		next := stormDetector{}
		if cur != nil {
			next = *cur
		}
		next.Recent = slices.DeleteFunc(slices.Clone(next.Recent), func(t time.Time) bool { return now.Sub(t) >= n.cfg.StormWindow })
		switch {
		case next.Current != "" && now.Sub(next.LastNew) < n.cfg.StormWindow:
		case len(next.Recent) >= n.cfg.StormThreshold:
			next.Current = storeKey("storm", key, now.Format(time.RFC3339Nano))
		default:
			next.Current = ""
			next.Recent = append(next.Recent, now)
		}
		if next.Current != "" {
			next.LastNew = now
		}
		storm = next.Current
		return &next
	})
	return storm, err
}

// maxStormEntries bounds a storm record (DynamoDB items hold 400 KB);
// workloads past it are only counted.
const maxStormEntries = 200

// joinStorm adds or refreshes the incident's entry in the storm message.
// counted says the call counts one more failure (not a recovery), which
// matters only for workloads past maxStormEntries.
func (n *Notifier) joinStorm(ctx context.Context, storm, key string, in *incident, counted bool) error {
	now := n.opts.now()
	_, err := mutate(ctx, n.opts.store, storm, n.incidentTTL(), func(cur *stormMsg) *stormMsg {
		next := stormMsg{slackMsg: slackMsg{Channel: in.Channel}, Platform: in.Failure.Platform, Account: in.Failure.Account, Started: now}
		if cur != nil {
			next = *cur
		}
		e := stormEntry{Incident: key, Cause: in.Diagnosis.Cause, Title: in.Diagnosis.Title, Resource: in.Failure.Resource(),
			Count: in.Count, LastSeen: in.LastSeen, Recovered: in.Resolved}
		next.Entries = slices.Clone(next.Entries)
		switch i := slices.IndexFunc(next.Entries, func(e stormEntry) bool { return e.Incident == key }); {
		case i >= 0:
			e.Count = max(e.Count, next.Entries[i].Count)
			next.Entries[i] = e
		case len(next.Entries) < maxStormEntries:
			next.Entries = append(next.Entries, e)
		case !counted:
			return nil
		default:
			next.OtherEvents++
			if in.Count == 1 {
				next.OtherWorkloads++
			}
		}
		next.Rev++
		return &next
	})
	return err
}

func (s *stormMsg) msg() *slackMsg { return &s.slackMsg }

// message renders the storm: one section per cause listing the workloads.
func (s *stormMsg) message() Message {
	byCause := map[classify.Cause][]stormEntry{}
	var causes []classify.Cause
	events, open := 0, 0
	for _, e := range s.Entries {
		if _, ok := byCause[e.Cause]; !ok {
			causes = append(causes, e.Cause)
		}
		byCause[e.Cause] = append(byCause[e.Cause], e)
		events += e.Count
		if !e.Recovered {
			open++
		}
	}
	open += s.OtherWorkloads
	events += s.OtherEvents
	// Largest group first: a registry outage reads as one cause.
	slices.SortStableFunc(causes, func(a, b classify.Cause) int { return len(byCause[b]) - len(byCause[a]) })
	where := string(s.Platform)
	if s.Account != "" {
		where += " " + s.Account
	}
	blocks := []slack.Block{header(fmt.Sprintf(":thunder_cloud_and_rain: Failure storm on %s: %s failing", clean(where), workloads(open)))}
	for _, c := range causes {
		if len(blocks) == maxBlocks-3 { // room for this note, the overflow and the context line
			blocks = append(blocks, contextLine("More causes omitted."))
			break
		}
		entries := byCause[c]
		var b strings.Builder
		fmt.Fprintf(&b, "*%s* `%s`: %s", esc(entries[0].Title), c, workloads(len(entries)))
		for i, e := range entries {
			line := fmt.Sprintf("\n• %s ×%d", code(e.Resource), e.Count)
			if e.Recovered {
				line = fmt.Sprintf("\n• ~%s~ ×%d recovered", code(e.Resource), e.Count)
			}
			if b.Len()+len(line) > maxSection-40 {
				fmt.Fprintf(&b, "\n…and %d more", len(entries)-i)
				break
			}
			b.WriteString(line)
		}
		blocks = append(blocks, section(b.String()))
	}
	if s.OtherWorkloads > 0 {
		blocks = append(blocks, section(fmt.Sprintf("…plus %s (%d events) not listed.", workloads(s.OtherWorkloads), s.OtherEvents)))
	}
	blocks = append(blocks, contextLine(fmt.Sprintf("%d events since %s. New incidents on %s join this message instead of posting their own.",
		events, clock(s.Started), esc(where))))
	top := classify.Unknown
	if len(causes) > 0 {
		top = causes[0]
	}
	return Message{
		Text:   truncate(fmt.Sprintf(":thunder_cloud_and_rain: Failure storm on %s: %s failing, mostly %s", esc(where), workloads(open), top), maxText),
		Blocks: blocks,
		Metadata: slack.SlackMetadata{EventType: MetadataEventType, EventPayload: map[string]any{
			"cause": string(top), "platform": string(s.Platform), "resource": fmt.Sprintf("storm: %d workloads", len(s.Entries)),
		}},
	}
}

func workloads(n int) string {
	if n == 1 {
		return "1 workload"
	}
	return fmt.Sprintf("%d workloads", n)
}
