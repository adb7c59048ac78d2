package verify

import (
	"fmt"
	"strings"
	"time"
)

// Kind is what a registry check found out. Only the first four are answers
// about the image; the others say why the check could not be made, and
// leave a diagnosis as the classifier made it.
type Kind int

// The outcomes of a check.
const (
	// NotChecked: no check was made (no image, or not a pull failure).
	NotChecked Kind = iota
	// TagExists: the registry has the tag (Result.Digest is its digest).
	TagExists
	// TagMissing: the repository exists (its tags were listed) and has no
	// such tag.
	TagMissing
	// RepoMissing: the registry says the repository does not exist, in
	// answer to a tags list (never from a manifest error alone).
	RepoMissing
	// Archived: the tag exists but its image is archived and cannot be
	// pulled until restored (ECR archive storage class).
	Archived
	// Denied: the registry refused the check's own credentials (401, 403).
	Denied
	// RateLimited: the registry refused the check for rate (429); never
	// retried.
	RateLimited
	// Unreachable: the registry did not answer in time, answered 5xx, or
	// could not be reached from where the check runs.
	Unreachable
	// Inconclusive: the registry answered, but not in a way that proves
	// anything (a 404 for the tag while the same credentials may not list
	// the repository's tags, a malformed reference).
	Inconclusive
)

var kindNames = [...]string{"not_checked", "tag_exists", "tag_missing", "repo_missing", "archived", "denied", "rate_limited", "unreachable", "inconclusive"}

// String returns the stable name used in logs and JSON.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("kind(%d)", int(k))
	}
	return kindNames[k]
}

// Conclusive reports whether k is an answer about the image rather than a
// reason the check could not be made.
func (k Kind) Conclusive() bool { return k >= TagExists && k <= Archived }

// Result is one registry check of one image reference.
type Result struct {
	Kind Kind
	// Reference is what was checked, as repository:tag (or @digest), with
	// the registry host.
	Reference string
	// Registry is the registry host.
	Registry string
	// Repository and Tag split Reference (Tag is the digest for a digest
	// reference).
	Repository, Tag string
	// At is when the registry answered.
	At time.Time
	// Digest is the manifest digest, when the tag exists.
	Digest string
	// Nearest holds up to five existing tags closest to Tag, best first.
	Nearest []string
	// Status is the HTTP status of the answer that decided, and Code its
	// registry error code (MANIFEST_UNKNOWN, NAME_UNKNOWN, DENIED, or an
	// API error code such as ImageNotFoundException).
	Status int
	Code   string
	// RateLimit holds the registry's ratelimit-limit / ratelimit-remaining
	// headers, and RetryAfter its Retry-After header, where it sent them.
	RateLimit  string
	RetryAfter string
	// LastPulled is when the registry last recorded a pull of the image
	// (ECR lastRecordedPullTime), zero when unknown.
	LastPulled time.Time
	// LastStarted is when the workload last started with this image, from
	// the function's own history; zero when unknown. The caller sets it.
	LastStarted time.Time
	// Reason says, for a check that could not be made, why, in words
	// (never holding a credential).
	Reason string
	// Err is the underlying error, when there was one.
	Err error
}

// Summary is the evidence line a message shows: "checked
// `host/repo:tag` at 03:12 UTC: ...".
func (r Result) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "checked `%s` at %s: ", r.Reference, r.At.UTC().Format("15:04 UTC"))
	switch r.Kind {
	case TagExists:
		fmt.Fprintf(&b, "the tag exists")
		if r.Digest != "" {
			fmt.Fprintf(&b, " (%s)", shortDigest(r.Digest))
		}
		if !r.LastPulled.IsZero() {
			fmt.Fprintf(&b, ", last pulled %s", r.LastPulled.UTC().Format("2006-01-02 15:04 UTC"))
		}
	case TagMissing:
		fmt.Fprintf(&b, "the repository exists but has no tag `%s`", r.Tag)
		if len(r.Nearest) > 0 {
			fmt.Fprintf(&b, "; nearest tags: %s", backticked(r.Nearest))
		}
	case RepoMissing:
		fmt.Fprintf(&b, "the repository `%s` does not exist in %s", r.Repository, r.Registry)
	case Archived:
		fmt.Fprintf(&b, "the tag exists but its image is archived and cannot be pulled until restored")
	default:
		fmt.Fprintf(&b, "the check could not be made: %s", r.Reason)
		if r.RetryAfter != "" {
			fmt.Fprintf(&b, " (Retry-After %s)", r.RetryAfter)
		}
	}
	return b.String()
}

func shortDigest(d string) string {
	if _, hex, ok := strings.Cut(d, ":"); ok && len(hex) > 12 {
		return d[:len(d)-len(hex)] + hex[:12]
	}
	return d
}

func backticked(tags []string) string {
	q := make([]string, len(tags))
	for i, t := range tags {
		q[i] = "`" + t + "`"
	}
	return strings.Join(q, ", ")
}
