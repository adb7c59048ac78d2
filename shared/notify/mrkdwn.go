package notify

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tracegrid/tracegrid/shared/redact"
)

// mrkdwnEscaper escapes the three characters Slack reserves in mrkdwn, so
// that `<!channel>` or `<http://evil|click>` in untrusted text renders as
// literal text instead of a mention or a link.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// clean makes untrusted text safe to show anywhere: cut to redact.Limit
// characters first (so the cost of redacting is bounded), valid UTF-8,
// secrets redacted, and invisible format characters (bidi overrides such
// as U+202E, zero-width characters, line and paragraph separators) shown
// as their code points, so what a reader sees is what a paste runs.
func clean(s string) string {
	s = truncate(s, redact.Limit) // before anything copies it
	return visible(redact.String(strings.ToValidUTF8(s, "\uFFFD")))
}

// visible replaces Unicode format (Cf) and line/paragraph separator (Zl,
// Zp) characters with <U+XXXX> text.
func visible(s string) string {
	if !strings.ContainsFunc(s, invisible) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if invisible(r) {
			fmt.Fprintf(&b, "<U+%04X>", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func invisible(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// esc cleans and escapes untrusted text for mrkdwn. It also breaks up any
// ``` with a zero-width space, so the text can neither open a code block
// that swallows the rest of the message nor close one of ours.
func esc(s string) string {
	return escClean(clean(s))
}

// escClean escapes text that clean already made safe.
func escClean(s string) string {
	s = mrkdwnEscaper.Replace(s)
	return strings.ReplaceAll(s, "```", "`\u200b``")
}

// code renders untrusted text as inline code on one line: a backtick in it
// cannot close the code span, and a newline cannot start a fake section.
func code(s string) string {
	s = strings.Join(strings.Fields(strings.ReplaceAll(truncate(s, redact.Limit), "`", "\u02CB")), " ")
	return "`" + esc(s) + "`"
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

// commandBlock renders a copy-paste command as a code block of at most
// limit characters. The command is redacted word by word (redact.Command),
// never by the free-text rules, which would edit its resource names.
func commandBlock(line string, limit int) string {
	line = strings.ToValidUTF8(truncate(line, redact.Limit), "\uFFFD")
	return fence(escClean(visible(redact.Command(line))), limit)
}

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
