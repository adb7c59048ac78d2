package classify

import (
	"time"

	"github.com/tracegrid/tracegrid/shared/failure"
)

// Check is what asking the registry about the failing image found, when a
// function or the CLI asked (shared/verify fills it).
type Check struct {
	// Reference is the image reference checked, with its registry host.
	Reference string `json:"reference"`
	// At is when the registry answered.
	At time.Time `json:"at"`
	// Outcome is the check's stable outcome name: tag_exists, tag_missing,
	// repo_missing, archived, or why it could not be made (denied,
	// rate_limited, unreachable, inconclusive).
	Outcome string `json:"outcome"`
	// Summary is the evidence line: "checked `repo:tag` at 03:12 UTC: ...".
	Summary string `json:"summary"`
	// Digest is the digest of the tag, when it exists.
	Digest string `json:"digest,omitempty"`
	// NearestTags are existing tags closest to the missing one.
	NearestTags []string `json:"nearest_tags,omitempty"`
	// LastWorked is the last time the image was known to pull or start.
	LastWorked *time.Time `json:"last_worked,omitempty"`
	// RateLimit holds the registry's rate-limit headers, where sent.
	RateLimit string `json:"rate_limit,omitempty"`
}

// ForCause returns the diagnosis for cause c at confidence conf, with its
// title, fix and the commands rendered with f's names: what Classify would
// return had the text named c. A registry check uses it to restate a
// diagnosis once the registry has answered.
func ForCause(c Cause, conf Confidence, f *failure.Failure) Diagnosis {
	info := causes[c]
	return Diagnosis{Cause: c, Title: info.title, Confidence: conf, Fix: info.fix, Commands: commands(c, f, parseImage(f.Image))}
}
