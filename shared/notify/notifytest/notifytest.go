// Package notifytest holds helpers for tests that replay failures through a
// notifier and read back what a fake Slack shows: a settable clock to give
// the notifier (notify.WithClock), the event counts its messages display,
// the incidents its storm messages list, and the spacing of thread replies.
package notifytest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

var (
	seenRe      = regexp.MustCompile(`\*Seen:\* (\d+) times`)
	stormRe     = regexp.MustCompile(`×(\d+)`)
	stormCause  = regexp.MustCompile("^\\*.*\\* `([^`]+)`: ")
	stormEntry  = regexp.MustCompile("^• ~?`([^`]+)`~? ×(\\d+)")
	replyAt     = regexp.MustCompile(`at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC\.$`)
	stormPrefix = ":thunder_cloud_and_rain:"
)

// IsStorm reports whether m is a storm message (incidents folded together
// once too many start at once).
func IsStorm(m fakeslack.Message) bool { return strings.HasPrefix(m.Text, stormPrefix) }

// Tally reads the counts Slack shows: per incident message its "Seen" count
// (1 when absent), keyed "resource/cause" from the message metadata, and
// per storm message the sum of its entries. It fails t when an incident has
// two top-level messages or a message lacks metadata.
func Tally(t testing.TB, msgs []fakeslack.Message) (incidents map[string]int, storms int) {
	t.Helper()
	incidents = map[string]int{}
	for _, m := range msgs {
		text := SectionTexts(m.Blocks)
		if IsStorm(m) {
			for _, c := range stormRe.FindAllStringSubmatch(text, -1) {
				n, _ := strconv.Atoi(c[1])
				storms += n
			}
			continue
		}
		if m.Metadata == nil {
			t.Fatalf("top-level message without metadata: %q", m.Text)
		}
		id := fmt.Sprint(m.Metadata.EventPayload["resource"], "/", m.Metadata.EventPayload["cause"])
		if _, dup := incidents[id]; dup {
			t.Errorf("two top-level messages for incident %s", id)
		}
		incidents[id] = 1
		if c := seenRe.FindStringSubmatch(text); c != nil {
			incidents[id], _ = strconv.Atoi(c[1])
		}
	}
	return incidents, storms
}

// StormIncidents reads the incidents storm messages list, keyed
// "resource/cause" like Tally's, with the count each entry shows. It fails
// t when an incident is listed twice.
func StormIncidents(t testing.TB, msgs []fakeslack.Message) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, m := range msgs {
		if !IsStorm(m) {
			continue
		}
		for _, bl := range m.Blocks {
			s, ok := bl.(*slack.SectionBlock)
			if !ok || s.Text == nil {
				continue
			}
			lines := strings.Split(s.Text.Text, "\n")
			c := stormCause.FindStringSubmatch(lines[0])
			if c == nil {
				continue
			}
			for _, l := range lines[1:] {
				e := stormEntry.FindStringSubmatch(l)
				if e == nil {
					continue
				}
				id := e[1] + "/" + c[1]
				if _, dup := out[id]; dup {
					t.Errorf("storm lists incident %s twice", id)
				}
				out[id], _ = strconv.Atoi(e[2])
			}
		}
	}
	return out
}

// SectionTexts joins the text of the section blocks, one per line.
func SectionTexts(blocks []slack.Block) string {
	var b strings.Builder
	for _, bl := range blocks {
		if s, ok := bl.(*slack.SectionBlock); ok && s.Text != nil {
			b.WriteString(s.Text.Text + "\n")
		}
	}
	return b.String()
}

// CheckReplies asserts that no thread got two replies closer than interval
// (reply texts end with the clock time they were sent at) and returns the
// number of such replies; other replies, such as the recovery note, are
// not counted.
func CheckReplies(t testing.TB, s *fakeslack.Server, interval time.Duration) (total int) {
	t.Helper()
	for _, m := range s.Messages() {
		var last time.Time
		for _, r := range s.Replies(m.TS) {
			c := replyAt.FindStringSubmatch(r.Text)
			if c == nil {
				continue // the recovery note
			}
			total++
			at, _ := time.Parse("2006-01-02 15:04:05", c[1])
			if !last.IsZero() && at.Sub(last) < interval {
				t.Errorf("replies %s apart in thread %s (interval %s)", at.Sub(last), m.TS, interval)
			}
			last = at
		}
	}
	return total
}
