// Package redact removes secrets from text before Tracegrid posts it to
// Slack, prints it or writes it to a log.
//
// Two rule sets run over the whole text, so a secret that spans lines (a
// PEM or PGP private key in a log tail) goes as a whole:
//
//   - gitleaks' maintained rules (github.com/zricethezav/gitleaks/v8,
//     config/gitleaks.toml, MIT), about 220 vendor token formats, each run
//     only when one of its keywords occurs in the text, with its entropy
//     threshold and allowlists (see gitleaks.go);
//   - Tracegrid's own rules for what shows up in container failures and
//     that gitleaks leaves to context it does not have: key=value and
//     "key": value pairs, Authorization and Cookie headers, credentials in
//     URLs, signed-URL query parameters (Azure SAS sig=, X-Amz-Signature),
//     connection-string keys (AccountKey=), password flags, bare JWTs
//     (see rules.go).
//
// Redaction costs time in proportion to the text: callers cut untrusted
// text to what they show before redacting it (Limit).
package redact

import (
	"strings"
	"unicode/utf8"
)

// Mask replaces a secret.
const Mask = "[REDACTED]"

// Limit is the most characters of one untrusted text worth redacting:
// more than any Slack block shows (3000 characters), so cutting to it first bounds the
// cost of redaction without losing anything that is shown.
const Limit = 4000

// String returns s with every secret the rules find replaced. It is safe
// for concurrent use.
func String(s string) string {
	if s == "" {
		return s
	}
	lower := strings.ToLower(s)
	for _, r := range handRules {
		if next := r.apply(s, lower); next != s {
			s, lower = next, strings.ToLower(next)
		}
	}
	return maskSpans(s, gitleaksSpans(s))
}

// Truncated cuts s to at most limit characters (keeping the start) and then
// redacts it; cut is true when s was longer.
func Truncated(s string, limit int) (out string, cut bool) {
	if utf8.RuneCountInString(s) > limit {
		s, cut = firstRunes(s, limit), true
	}
	return String(s), cut
}

// Lines redacts log lines as one text, so a secret spanning lines (a
// private key block) is found whole. Each line is first cut to Limit
// characters. The result may have fewer lines: a multi-line secret becomes
// one masked line.
func Lines(lines []string) []string {
	if len(lines) == 0 {
		return nil
	}
	cut := make([]string, len(lines))
	for i, l := range lines {
		cut[i] = firstRunes(strings.ReplaceAll(l, "\n", " "), Limit)
	}
	return strings.Split(String(strings.Join(cut, "\n")), "\n")
}

func firstRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for range n {
		if i >= len(s) {
			return s
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// Command redacts a copy-paste shell command without breaking it: the
// command's words (resource names, flags) are kept, and a word that holds
// a secret-shaped value is replaced as a whole by a quoted placeholder
// named after its flag ('<tasks>'), so the reader sees what to fill in
// instead of a silently wrong command. Rules that judge by context
// (secret=..., "token: ...") are not applied across words, so an option
// such as --secret-id keeps its resource name.
func Command(line string) string {
	words := shellWords(line)
	changed := false
	for i, w := range words {
		v := unquote(w)
		if String(v) == v {
			continue
		}
		name := "redacted"
		if i > 0 && strings.HasPrefix(words[i-1], "-") {
			name = strings.TrimLeft(words[i-1], "-")
		} else if k, _, ok := strings.Cut(v, "="); ok && strings.HasPrefix(k, "-") {
			name = strings.TrimLeft(k, "-")
		}
		words[i] = "'<" + name + ">'"
		changed = true
	}
	if !changed {
		return line
	}
	return strings.Join(words, " ")
}

// shellWords splits a command rendered by shared/classify (words joined by
// single spaces, values single-quoted with '\” for embedded quotes) into
// its words, quoting kept.
func shellWords(line string) []string {
	var words []string
	var b strings.Builder
	quoted := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == ' ' && !quoted:
			words = append(words, b.String())
			b.Reset()
			continue
		}
		b.WriteByte(c)
	}
	return append(words, b.String())
}

// unquote removes POSIX single quotes and '\” escapes from a word.
func unquote(w string) string {
	if !strings.ContainsAny(w, `'\`) {
		return w
	}
	var b strings.Builder
	quoted := false
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c == '\'':
			quoted = !quoted
		case c == '\\' && !quoted && i+1 < len(w):
			i++
			b.WriteByte(w[i])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
