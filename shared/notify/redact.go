package notify

import "regexp"

// secretKey matches key names whose values are secrets.
const secretKey = `(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|credentials?|auth)`

// redactor is one secret pattern and what replaces it.
type redactor struct {
	re   *regexp.Regexp
	with string
}

// redactors run in order; each replacement keeps enough context (the key
// name, the token type) for a reader to see what was there.
var redactors = []redactor{
	// PEM private keys, whole block.
	{regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)`), "[REDACTED PRIVATE KEY]"},
	// Credentials in URLs: scheme://user:pass@host or scheme://token@host.
	{regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@<>"']+(?::[^/\s@<>"']*)?@`), "${1}[REDACTED]@"},
	// Slack tokens (bot, user, app-level, refresh, config) and webhook paths.
	{regexp.MustCompile(`\b(xox[abposre]|xapp)-[0-9A-Za-z-]{6,}`), "${1}-[REDACTED]"},
	{regexp.MustCompile(`(hooks\.slack\.com/services/)[A-Za-z0-9/]+`), "${1}[REDACTED]"},
	// HTTP authorization schemes.
	{regexp.MustCompile(`(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/-]{8,}=*`), "${1} [REDACTED]"},
	// GitHub, GitLab and Google API tokens.
	{regexp.MustCompile(`\b(gh[pousr]_|github_pat_|glpat-)[A-Za-z0-9_-]{16,}`), "${1}[REDACTED]"},
	{regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`), "[REDACTED]"},
	// AWS access key ids.
	{regexp.MustCompile(`\b((?:AKIA|ASIA)[0-9A-Z]{4})[0-9A-Z]{12}\b`), "${1}[REDACTED]"},
	// key=value, key: value and "key": "value" pairs whose key names a
	// secret (a colon must be followed by a space or quote, so ARNs such as
	// arn:aws:secretsmanager:...:secret:name survive).
	{regexp.MustCompile(`(?i)(\b[a-z0-9_.-]*` + secretKey + `\s*=\s*"?)([^\s"'&,;}]+)`), "${1}[REDACTED]"},
	{regexp.MustCompile(`(?i)("?\b[a-z0-9_.-]*` + secretKey + `"?\s*:(?:\s+"?|")\s*)([^\s"'&,;}]+)`), "${1}[REDACTED]"},
	// AWS secret access keys: 40 base64 characters with mixed case and a
	// digit (hex digests, which are lower case only, are left alone).
	{regexp.MustCompile(`(^|[^A-Za-z0-9/+=])([A-Za-z0-9/+]{40})($|[^A-Za-z0-9/+=])`), ""},
}

// Redact removes secrets from text before it is rendered to Slack or
// written to a log: Slack and other API tokens, Authorization header values,
// AWS access keys and secret-looking keys, password=... style pairs, private
// keys and credentials embedded in URLs (https://user:pass@host).
func Redact(s string) string {
	for _, r := range redactors {
		if r.with == "" {
			s = r.re.ReplaceAllStringFunc(s, redactAWSSecret(r.re))
			continue
		}
		s = r.re.ReplaceAllString(s, r.with)
	}
	return s
}

// redactAWSSecret replaces a 40-character candidate only when it mixes upper
// case, lower case and digits, as generated secret keys do.
func redactAWSSecret(re *regexp.Regexp) func(string) string {
	return func(m string) string {
		sub := re.FindStringSubmatch(m)
		if !mixedCase(sub[2]) {
			return m
		}
		return sub[1] + "[REDACTED]" + sub[3]
	}
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
