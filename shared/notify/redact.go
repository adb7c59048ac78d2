package notify

import (
	"regexp"
	"strings"
)

// secretKey matches key names whose values are secrets.
const secretKey = `(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|credentials?|auth)`

// redactor is one secret pattern and how to replace a match: with a
// template, or with keep, which returns the replacement for the submatches.
type redactor struct {
	re   *regexp.Regexp
	with string
	keep func(sub []string) string
}

// redactors run in order; each replacement keeps enough context (the key
// name, the token type) for a reader to see what was there.
var redactors = []redactor{
	// PEM private keys, whole block.
	{re: regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)`), with: "[REDACTED PRIVATE KEY]"},
	// Credentials in URLs: scheme://user:pass@host or scheme://token@host.
	{re: regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@<>"']+(?::[^/\s@<>"']*)?@`), with: "${1}[REDACTED]@"},
	// Slack tokens (bot, user, app-level, refresh, config) and webhook paths.
	{re: regexp.MustCompile(`\b(xox[abposre]|xapp)-[0-9A-Za-z-]{6,}`), with: "${1}-[REDACTED]"},
	{re: regexp.MustCompile(`(hooks\.slack\.com/services/)[A-Za-z0-9/]+`), with: "${1}[REDACTED]"},
	// HTTP Authorization header values.
	{re: regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/-]{8,}=*`), with: "${1} [REDACTED]"},
	// GitHub, GitLab and Google API tokens.
	{re: regexp.MustCompile(`\b(gh[pousr]_|github_pat_|glpat-)[A-Za-z0-9_-]{16,}`), with: "${1}[REDACTED]"},
	{re: regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`), with: "[REDACTED]"},
	// AWS access key ids.
	{re: regexp.MustCompile(`\b((?:AKIA|ASIA)[0-9A-Z]{4})[0-9A-Z]{12}\b`), with: "${1}[REDACTED]"},
	// key=value pairs whose key names a secret.
	{re: regexp.MustCompile(`(?i)(\b[a-z0-9_.-]*` + secretKey + `\s*=\s*"?)([^\s"'&,;}]+)`), with: "${1}[REDACTED]"},
	// key: value and "key": "value" pairs. Prose uses colons too ("/etc/passwd:
	// no such file", "auth token: invalid username"), so a bare word after
	// an unquoted key stays; a quoted key or value, or a value with a digit
	// or symbol, is redacted.
	// The colon must be followed by a space or a quote, so ARNs such as
	// arn:aws:secretsmanager:...:secret:name survive.
	{re: regexp.MustCompile(`(?i)(^|[^/\w])("?)([a-z0-9_.-]*` + secretKey + `)("?\s*:)(\s+"?|")([^\s"'&,;}]+)`), keep: func(sub []string) string {
		if sub[2] == "" && !strings.Contains(sub[5], `"`) && isWord(sub[6]) {
			return sub[0]
		}
		return sub[1] + sub[2] + sub[3] + sub[4] + sub[5] + "[REDACTED]"
	}},
	// AWS secret access keys: 40 base64 characters mixing upper case, lower
	// case and digits (hex digests, lower case only, are left alone).
	{re: regexp.MustCompile(`(^|[^A-Za-z0-9/+=])([A-Za-z0-9/+]{40})($|[^A-Za-z0-9/+=])`), keep: func(sub []string) string {
		if !mixedCase(sub[2]) {
			return sub[0]
		}
		return sub[1] + "[REDACTED]" + sub[3]
	}},
}

// Redact removes secrets from text before it is rendered to Slack or
// written to a log: Slack and other API tokens, Authorization header values,
// AWS access keys and secret-looking keys, password=... style pairs, private
// keys and credentials embedded in URLs (https://user:pass@host).
func Redact(s string) string {
	for _, r := range redactors {
		if r.keep == nil {
			s = r.re.ReplaceAllString(s, r.with)
			continue
		}
		s = r.re.ReplaceAllStringFunc(s, func(m string) string { return r.keep(r.re.FindStringSubmatch(m)) })
	}
	return s
}

// isWord reports whether s is letters only, as prose is.
func isWord(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func mixedCase(s string) bool {
	var upper, lower, digit bool
	for _, c := range s {
		switch {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= '0' && c <= '9':
			digit = true
		}
	}
	return upper && lower && digit
}
