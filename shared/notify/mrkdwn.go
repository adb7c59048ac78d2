package notify

import (
	"strings"
	"unicode/utf8"
)

// mrkdwnEscaper escapes the three characters Slack reserves in mrkdwn, so
// that `<!channel>` or `<http://evil|click>` in untrusted text renders as
// literal text instead of a mention or a link.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// esc redacts and escapes untrusted text for mrkdwn. It also breaks up any
// ``` with a zero-width space, so the text can neither open a code block
// that swallows the rest of the message nor close one of ours, and replaces
// invalid UTF-8.
func esc(s string) string {
	s = mrkdwnEscaper.Replace(Redact(strings.ToValidUTF8(s, "\uFFFD")))
	return strings.ReplaceAll(s, "```", "`\u200b``")
}

// fence wraps text already passed through esc in a code block of at most
// limit characters.
func fence(s string, limit int) string {
	s = strings.Trim(s, "\n")
	if s == "" {
		s = " "
	}
	return "```" + truncate(s, limit-6) + "```"
}

// codeBlock renders untrusted text as a code block of at most limit characters.
func codeBlock(s string, limit int) string { return fence(esc(s), limit) }

// quote renders untrusted text as a mrkdwn block quote.
func quote(s string) string {
	return "&gt; " + strings.ReplaceAll(esc(strings.TrimSpace(s)), "\n", "\n&gt; ")
}

// ellipsis ends truncated text.
const ellipsis = "…"

// truncate shortens s to at most limit characters (Slack counts characters,
// not bytes), ending with an ellipsis. It never splits a UTF-8 sequence nor
// an HTML entity such as &amp; that escaping produced.
func truncate(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	if limit <= 0 {
		return ""
	}
	cut := 0 // byte offset after limit-1 runes
	for i := 0; i < limit-1; i++ {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	head := s[:cut]
	if amp := strings.LastIndexByte(head, '&'); amp >= 0 && !strings.Contains(head[amp:], ";") {
		head = head[:amp]
	}
	return head + ellipsis
}

// lastLines keeps the newest of the escaped lines that fit in limit characters
// once joined, and says how many older lines were dropped.
func lastLines(lines []string, limit int) (kept []string, dropped int) {
	n := 0
	i := len(lines)
	for i > 0 {
		l := utf8.RuneCountInString(lines[i-1]) + 1
		if n+l > limit {
			break
		}
		n += l
		i--
	}
	if i == len(lines) && i > 0 { // even the newest line is too long: keep its end
		return []string{ellipsis + tail(lines[i-1], limit-2)}, i - 1
	}
	return lines[i:], i
}

// tail returns the last limit characters of escaped text, starting after any
// HTML entity the cut would split.
func tail(s string, limit int) string {
	n := utf8.RuneCountInString(s)
	if n <= limit {
		return s
	}
	b := 0
	for i := 0; i < n-limit; i++ {
		_, size := utf8.DecodeRuneInString(s[b:])
		b += size
	}
	window := s[max(b-5, 0):b]
	if amp := strings.LastIndexByte(window, '&'); amp >= 0 && !strings.Contains(window[amp:], ";") {
		if semi := strings.IndexByte(s[b:], ';'); semi >= 0 && semi < 5 {
			b += semi + 1
		}
	}
	return s[b:]
}
