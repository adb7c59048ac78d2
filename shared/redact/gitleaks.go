package redact

import (
	_ "embed"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

// gitleaksConfig is gitleaks' default rule set, config/gitleaks.toml of
// github.com/zricethezav/gitleaks/v8 at the version go.mod requires (MIT
// licence, see gitleaks.LICENSE). TestGitleaksConfigIsUpstream fails when
// it differs from the module's copy; refresh it with
//
//	cp "$(go list -m -f '{{.Dir}}' github.com/zricethezav/gitleaks/v8)/config/gitleaks.toml" shared/redact/
//
// gitleaks' detector is not imported: it pulls archive readers, viper and
// a terminal UI into the functions. This file reads the same config and
// applies it the way gitleaks' detectRule does, for text instead of files:
// a keyword prefilter, the secret group, the entropy threshold and the
// regex and stopword allowlists. Path-only rules, path and commit
// allowlists and multi-part (required) rules have no meaning here.
//
//go:embed gitleaks.toml
var gitleaksConfig string

// glRule is one gitleaks rule, its regexp compiled on first use so that a
// cold start pays only for the rules its text triggers.
type glRule struct {
	ID          string
	Regex       string
	Path        string
	SecretGroup int `toml:"secretGroup"`
	Entropy     float64
	Keywords    []string
	Allowlists  []*glAllowlist
	Required    []struct{ ID string }

	once sync.Once
	re   *regexp.Regexp
}

// glAllowlist is a rule's or the global allowlist.
type glAllowlist struct {
	Condition   string
	RegexTarget string `toml:"regexTarget"`
	Regexes     []string
	StopWords   []string `toml:"stopwords"`
	Paths       []string
	Commits     []string

	once sync.Once
	res  []*regexp.Regexp
}

type glConfig struct {
	Allowlist  *glAllowlist // global, the pre-8.25 spelling gitleaks.toml still uses
	Allowlists []*glAllowlist
	Rules      []*glRule
}

// The rule set is read in the background as the process starts, so the
// first event of a cold start does not wait for it (about 10 ms).
func init() { go gitleaks() }

var gitleaks = sync.OnceValue(func() *glConfig {
	var c glConfig
	if _, err := toml.Decode(gitleaksConfig, &c); err != nil {
		panic("redact: embedded gitleaks.toml: " + err.Error()) // a build-time file; tests decode it
	}
	if c.Allowlist != nil {
		c.Allowlists = append(c.Allowlists, c.Allowlist)
	}
	c.Rules = slices.DeleteFunc(c.Rules, func(r *glRule) bool {
		return r.Regex == "" || r.Path != "" || len(r.Required) > 0
	})
	for _, r := range c.Rules {
		for i, k := range r.Keywords {
			r.Keywords[i] = strings.ToLower(k)
		}
	}
	return &c
})

func (r *glRule) regexp() *regexp.Regexp {
	r.once.Do(func() { r.re = regexp.MustCompile(r.Regex) })
	return r.re
}

// triggered reports whether one of the rule's keywords occurs in lower.
func (r *glRule) triggered(lower string) bool {
	if len(r.Keywords) == 0 {
		return true
	}
	for _, k := range r.Keywords {
		if strings.Contains(lower, k) {
			return true
		}
	}
	return false
}

// span is a byte range of text to mask.
type span struct{ start, end int }

// gitleaksSpans returns where gitleaks' rules find secrets in s.
func gitleaksSpans(s string) []span { return gitleaks().spans(s) }

func (c *glConfig) spans(s string) []span {
	lower := strings.ToLower(s)
	var spans []span
	for _, r := range c.Rules {
		if !r.triggered(lower) {
			continue
		}
		for _, m := range r.regexp().FindAllStringSubmatchIndex(s, -1) {
			sec := secretSpan(m, r.SecretGroup)
			secret, match := s[sec.start:sec.end], s[m[0]:m[1]]
			if secret == "" || (r.Entropy > 0 && entropy(secret) <= r.Entropy) {
				continue
			}
			line := lineAt(s, m[0], m[1])
			if allowed(c.Allowlists, secret, match, line) || allowed(r.Allowlists, secret, match, line) || imageTag(s, sec) {
				continue
			}
			spans = append(spans, sec)
		}
	}
	return spans
}

// imageTag reports whether a finding is a SHA-256-shaped image tag glued
// to its repository by a colon ("student-app-api:fb068c...", which
// gitleaks' generic rule reads as an "api" key and its value). A key's
// value follows ": ", "=" or a quote, and stays masked; a tag is the
// operator's handle on the image that failed.
func imageTag(s string, sec span) bool {
	if sec.end-sec.start != 64 || sec.start < 2 || s[sec.start-1] != ':' {
		return false
	}
	for i := sec.start; i < sec.end; i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	c := s[sec.start-2]
	return c == '-' || c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

// secretSpan picks the secret in a match as gitleaks does: the rule's
// secret group, else the first non-empty group, else the whole match.
func secretSpan(m []int, group int) span {
	if group > 0 && 2*group+1 < len(m) && m[2*group] >= 0 {
		return span{m[2*group], m[2*group+1]}
	}
	if group == 0 {
		for g := 1; 2*g+1 < len(m); g++ {
			if m[2*g] >= 0 && m[2*g+1] > m[2*g] {
				return span{m[2*g], m[2*g+1]}
			}
		}
	}
	return span{m[0], m[1]}
}

func lineAt(s string, start, end int) string {
	if i := strings.LastIndexByte(s[:start], '\n'); i >= 0 {
		start = i + 1
	} else {
		start = 0
	}
	if i := strings.IndexByte(s[end:], '\n'); i >= 0 {
		end += i
	} else {
		end = len(s)
	}
	return s[start:end]
}

// allowed reports whether one of the allowlists lets the finding through.
func allowed(lists []*glAllowlist, secret, match, line string) bool {
	for _, a := range lists {
		if a.allows(secret, match, line) {
			return true
		}
	}
	return false
}

func (a *glAllowlist) allows(secret, match, line string) bool {
	a.once.Do(func() {
		for _, re := range a.Regexes {
			a.res = append(a.res, regexp.MustCompile(re))
		}
	})
	var checks []bool
	if len(a.Paths) > 0 || len(a.Commits) > 0 {
		checks = append(checks, false) // text has no path or commit
	}
	if len(a.res) > 0 {
		target := secret
		switch a.RegexTarget {
		case "match":
			target = match
		case "line":
			target = line
		}
		checks = append(checks, slices.ContainsFunc(a.res, func(re *regexp.Regexp) bool { return re.MatchString(target) }))
	}
	if len(a.StopWords) > 0 {
		lower := strings.ToLower(secret)
		checks = append(checks, slices.ContainsFunc(a.StopWords, func(w string) bool { return strings.Contains(lower, w) }))
	}
	if strings.EqualFold(a.Condition, "AND") {
		return len(checks) > 0 && !slices.Contains(checks, false)
	}
	return slices.Contains(checks, true)
}

// entropy is the Shannon entropy of s in bits per byte, as gitleaks
// computes it.
func entropy(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	var h float64
	n := float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// maskSpans replaces the spans in s (in any order, possibly overlapping)
// with Mask.
func maskSpans(s string, spans []span) string {
	if len(spans) == 0 {
		return s
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		if sp.end <= at {
			continue
		}
		if sp.start >= at { // else it overlaps the mask just written
			b.WriteString(s[at:sp.start])
			b.WriteString(Mask)
		}
		at = sp.end
	}
	b.WriteString(s[at:])
	return b.String()
}
