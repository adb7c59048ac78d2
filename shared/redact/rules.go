package redact

import (
	"regexp"
	"slices"
	"strings"
)

// secretKey matches key names whose values are secrets.
const secretKey = `(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|account[_-]?key|shared[_-]?access[_-]?(?:key|signature)|credentials?|auth)`

// handRule is one of Tracegrid's own secret patterns and how to replace a
// match: with a template, or with keep, which returns the replacement for
// the submatches. Each replacement keeps enough context (the key name, the
// token type) for a reader to see what was there.
type handRule struct {
	id string
	// keywords: the rule runs only when one occurs in the lower-cased text
	// (none: always), as gitleaks' rules do.
	keywords []string
	re       *regexp.Regexp
	with     string
	keep     func(sub []string) string
}

func (r handRule) apply(s, lower string) string {
	if len(r.keywords) > 0 && !slices.ContainsFunc(r.keywords, func(k string) bool { return strings.Contains(lower, k) }) {
		return s
	}
	if r.keep == nil {
		return r.re.ReplaceAllString(s, r.with)
	}
	return r.re.ReplaceAllStringFunc(s, func(m string) string { return r.keep(r.re.FindStringSubmatch(m)) })
}

// handRules run in order, before gitleaks' rules.
var handRules = []handRule{
	// PEM and PGP private keys, whole block; a block cut off by truncation
	// is masked to the end of the text.
	{id: "private-key", keywords: []string{"-----begin"}, re: regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)`), with: "[REDACTED PRIVATE KEY]"},
	// Credentials in URLs: scheme://user:pass@host, scheme://token@host and
	// scheme://:token@host.
	{id: "url-credentials", keywords: []string{"@"}, re: regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@<>"']*(?::[^/\s@<>"']*)?@`), with: "${1}" + Mask + "@"},
	// Signed-URL and token query parameters: Azure SAS sig=, S3 and GCS
	// presigned URLs, OAuth tokens in query strings.
	{id: "url-signature", keywords: []string{"="}, re: regexp.MustCompile(`(?i)([?&](?:sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|access_token|id_token|refresh_token|code|token|key)=)[^&#\s"'<>]+`), with: "${1}" + Mask},
	// Slack tokens (bot, user, app-level, refresh, config) and webhook paths.
	{id: "slack-token", keywords: []string{"xox", "xapp-"}, re: regexp.MustCompile(`\b(xox[abposre]|xapp)-[0-9A-Za-z-]{6,}`), with: "${1}-" + Mask},
	{id: "slack-webhook", keywords: []string{"hooks.slack.com"}, re: regexp.MustCompile(`(hooks\.slack\.com/services/)[A-Za-z0-9/]+`), with: "${1}" + Mask},
	// HTTP Authorization (any scheme, GitHub's "token" included) and
	// Cookie header values, to the end of the line.
	{id: "authorization-header", keywords: []string{"authorization"}, re: regexp.MustCompile(`(?i)\b((?:proxy-)?authorization\s*[:=]\s*"?)((?:(?:bearer|basic|token|digest|negotiate|apikey|sharedkey|ssws)\s+)?)([^\s"',;]+)`), keep: func(sub []string) string {
		if sub[2] == "" && isWord(sub[3]) { // prose: "authorization: server message"
			return sub[0]
		}
		return sub[1] + sub[2] + Mask
	}},
	// A Cookie header holds name=value pairs; a file named *.cookie followed
	// by an error (".erlang.cookie: Permission denied") is not one.
	{id: "cookie-header", keywords: []string{"cookie"}, re: regexp.MustCompile(`(?i)(^|[^\w.])((?:set-)?cookie\s*:\s*)[^\r\n]*=[^\r\n]*`), with: "${1}${2}" + Mask},
	{id: "auth-scheme", keywords: []string{"bearer", "basic"}, re: regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/-]{8,}=*`), with: "${1} " + Mask},
	// Bare JSON Web Tokens (header.payload.signature).
	{id: "jwt", keywords: []string{"eyj"}, re: regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`), with: "[REDACTED JWT]"},
	// Vendor tokens whose prefix names them; gitleaks' rules want exact
	// lengths that truncated or newer tokens miss.
	{id: "prefixed-token", keywords: []string{"_", "-"}, re: regexp.MustCompile(`\b(gh[pousr]_|github_pat_|glpat-|npm_|dckr_pat_|dckr_oat_|hf_|sk-proj-|sk-svcacct-|sk-admin-|sk-ant-|sk_live_|rk_live_|pypi-)[A-Za-z0-9_-]{16,}`), with: "${1}" + Mask},
	{id: "openai-key", keywords: []string{"sk-"}, re: regexp.MustCompile(`\bsk-[A-Za-z0-9]{32,}`), with: "sk-" + Mask},
	{id: "google-api-key", keywords: []string{"aiza"}, re: regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`), with: Mask},
	// AWS access key ids: the first 8 characters stay, to tell keys apart.
	{id: "aws-access-key-id", keywords: []string{"akia", "asia"}, re: regexp.MustCompile(`\b((?:AKIA|ASIA)[0-9A-Z]{4})[0-9A-Z]{12}\b`), with: "${1}" + Mask},
	// Password flags: --password s3cr3t, --password=s3cr3t, and the glued
	// -ps3cr3t / -p s3cr3t of mysql and docker login.
	{id: "password-flag", keywords: []string{"-"}, re: regexp.MustCompile(`(?i)(\s--?(?:password|passwd|pass|token|secret|api-key|client-secret)[= ]\s*)[^\s-]\S*`), with: "${1}" + Mask},
	{id: "password-short-flag", keywords: []string{" -p"}, re: regexp.MustCompile(`(?i)(\b(?:mysql|mysqladmin|mysqldump|login)\b[^\n]*?\s-p\s?)[^\s-]\S*`), with: "${1}" + Mask},
	// key=value pairs whose key names a secret.
	{id: "secret-pair", keywords: []string{"="}, re: regexp.MustCompile(`(?i)(\b[a-z0-9_.-]*` + secretKey + `\s*=\s*"?)([^\s"'&,;}]+)`), with: "${1}" + Mask},
	// key: value and "key": "value" pairs. Prose uses colons too ("/etc/passwd:
	// no such file", "auth token: invalid username"), so a bare word after
	// a key that is not environment-style (DB_PASSWORD) stays, and so does
	// a value ending in a colon (a label), and so do quoted words followed by
	// more words (auth: "not present"); any other quoted value, or a value with
	// a digit or symbol, is redacted. The colon must be followed by a space or a quote, so ARNs
	// such as arn:aws:secretsmanager:...:secret:name survive.
	{id: "secret-colon-pair", keywords: []string{":"}, re: regexp.MustCompile(`(?i)(^|[^/\w])("?)([a-z0-9_.-]*` + secretKey + `)("?\s*:)(\s+"?|")([^\s"'&,;}]+)( ?)`), keep: func(sub []string) string {
		value, quotedValue := sub[6], strings.Contains(sub[5], `"`)
		switch {
		case quotedValue && sub[7] != "" && isWord(value): // quoted prose: auth: "not present"
			return sub[0]
		case strings.HasSuffix(value, ":"): // a label: "access token: oauth2: cannot fetch"
			return sub[0]
		case len(value) < 6 && strings.Trim(value, "0123456789") == "": // a status: "fetch token: 400"
			return sub[0]
		case !quotedValue && isWord(value) && (sub[2] != "" || !envName(sub[3]) || errorCode(sub[3])):
			// prose: "auth token: invalid", `volume "mysecret" : rpc error`,
			// an OAuth error code: "invalid_token: authorization failed"
			return sub[0]
		}
		return sub[1] + sub[2] + sub[3] + sub[4] + sub[5] + Mask + sub[7]
	}},
	// AWS secret access keys: 40 base64 characters mixing upper case, lower
	// case and digits (hex digests, lower case only, are left alone).
	{id: "aws-secret-key", re: regexp.MustCompile(`(^|[^A-Za-z0-9/+=])([A-Za-z0-9/+]{40})($|[^A-Za-z0-9/+=])`), keep: func(sub []string) string {
		if !mixedCase(sub[2]) {
			return sub[0]
		}
		return sub[1] + Mask + sub[3]
	}},
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

// errorCode reports whether key is an error code that names a secret
// (OAuth's invalid_token, expired_token) rather than a key holding one.
func errorCode(key string) bool {
	key = strings.ToLower(key)
	return strings.HasPrefix(key, "invalid_") || strings.HasPrefix(key, "expired_") || strings.HasPrefix(key, "missing_")
}

// envName reports whether key is written like an environment variable or
// config key (DB_PASSWORD, api_key), which prose never is.
func envName(key string) bool {
	return strings.ContainsAny(key, "_.") || (strings.ToUpper(key) == key && len(key) > 4)
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
