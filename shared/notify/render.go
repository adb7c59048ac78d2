package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/redact"
)

// Slack Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks).
const (
	maxHeader    = 150  // header block plain_text
	maxSection   = 3000 // section and context text
	maxField     = 2000 // one section field
	maxFields    = 10   // fields per section
	maxBlocks    = 50   // blocks per message
	maxText      = 3000 // our cap for the notification fallback text
	maxCommands  = 12   // command sections per message
	maxTaskNames = 8    // affected tasks listed in a status line

	maxMetadataResource = 256 // our cap for the metadata's resource name
)

// MetadataEventType is the Slack message metadata event_type of every
// message Tracegrid posts with a bot token.
const MetadataEventType = "tracegrid_failure"

// Message is one Slack message as Tracegrid would post it: the notification
// fallback text, the Block Kit blocks and the message metadata.
type Message struct {
	Text     string
	Blocks   []slack.Block
	Metadata slack.SlackMetadata
}

// MarshalJSON renders the chat.postMessage body fields (text, blocks,
// metadata); the JSON pastes into Block Kit Builder as is. Characters such
// as < and & stay readable instead of becoming \u003c.
func (m Message) MarshalJSON() ([]byte, error) {
	return marshal(struct {
		Text     string              `json:"text"`
		Blocks   []slack.Block       `json:"blocks"`
		Metadata slack.SlackMetadata `json:"metadata"`
	}{m.Text, m.Blocks, m.Metadata}, "")
}

// marshal encodes v without HTML escaping, indented when indent is set.
func marshal(v any, indent string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// Render builds the Slack message for a first report of f diagnosed as d.
func Render(f *failure.Failure, d classify.Diagnosis) Message {
	return render(f, d, status{Count: 1})
}

// Payload returns the JSON that would be posted for f (what the CLI's
// `explain --slack` prints).
func Payload(f *failure.Failure, d classify.Diagnosis) ([]byte, error) {
	return marshal(Render(f, d), "  ")
}

// status is what the incident adds to a rendering: how often and where the
// failure repeated, whether it is resolved, and who to mention.
type status struct {
	Count      int
	FirstSeen  time.Time
	LastSeen   time.Time
	Tasks      []string // affected tasks or pods, newest last
	TaskCount  int      // distinct tasks seen, may exceed len(Tasks)
	Resolved   bool
	ResolvedAt time.Time
	Mention    string // Slack mention markup, e.g. <!subteam^S0123>
}

func metadata(f *failure.Failure, cause classify.Cause) slack.SlackMetadata {
	return slack.SlackMetadata{
		EventType: MetadataEventType,
		EventPayload: map[string]any{
			"cause":    string(cause),
			"platform": string(f.Platform),
			"resource": truncate(clean(f.Resource()), maxMetadataResource),
		},
	}
}

// mrkdwn is a mrkdwn text object of at most maxSection characters. It is
// verbatim: Slack still renders our markup and <...> strings, but does not
// auto-link URLs, #channel names or @mentions written as plain words in
// untrusted text.
func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, truncate(s, maxSection), false, true)
}

func section(s string) *slack.SectionBlock { return slack.NewSectionBlock(mrkdwn(s), nil, nil) }

func contextLine(s string) *slack.ContextBlock { return slack.NewContextBlock("", mrkdwn(s)) }

func header(s string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, truncate(s, maxHeader), true, false))
}

func render(f *failure.Failure, d classify.Diagnosis, st status) Message {
	resource := f.Resource()
	if resource == "" {
		resource = string(f.Platform)
	}
	icon := ":rotating_light:"
	if st.Resolved {
		icon = ":white_check_mark:"
	}
	title := d.Title
	if title == "" {
		title = string(d.Cause)
	}
	// Header text is plain_text: Slack parses no markup there, so it is
	// redacted but not escaped.
	blocks := []slack.Block{header(icon + " " + clean(title) + ": " + clean(resource))}

	var sum strings.Builder
	if st.Mention != "" && !st.Resolved {
		sum.WriteString(st.Mention + " ")
	}
	fmt.Fprintf(&sum, "*Cause:* `%s` (%s confidence)", d.Cause, d.Confidence)
	if f.Image != "" {
		sum.WriteString("\n*Image:* " + code(f.Image))
	}
	if line := statusLine(st); line != "" {
		sum.WriteString("\n" + line)
	}
	blocks = append(blocks, section(sum.String()))

	evidence := d.Evidence
	if evidence == "" && len(f.Messages) > 0 {
		evidence = f.Messages[0]
	}
	if evidence != "" {
		blocks = append(blocks, section("*Evidence*\n"+quote(evidence)))
	}
	if d.Check != nil {
		blocks = append(blocks, section("*Registry check*\n"+esc(d.Check.Summary)))
	}
	if d.Confidence == classify.Medium && d.RunnerUp != "" {
		blocks = append(blocks, contextLine(fmt.Sprintf(":thinking_face: Could also be `%s`; the commands below tell the two apart.", d.RunnerUp)))
	}
	if len(d.Fix) > 0 {
		var b strings.Builder
		b.WriteString("*Fix*")
		for i, step := range d.Fix {
			fmt.Fprintf(&b, "\n%d. %s", i+1, esc(step))
		}
		blocks = append(blocks, section(b.String()))
	}
	for i, c := range d.Commands {
		if i == maxCommands {
			blocks = append(blocks, contextLine(fmt.Sprintf("%d more commands omitted.", len(d.Commands)-i)))
			break
		}
		text := commandBlock(c.Line, maxSection-maxField)
		if c.Purpose != "" {
			text = "_" + esc(c.Purpose) + "_\n" + text
		}
		blocks = append(blocks, section(text))
	}
	if fields := detailFields(f); len(fields) > 0 {
		blocks = append(blocks, slack.NewSectionBlock(nil, fields, nil))
	}
	if len(f.LogTail) > 0 {
		// Redacted as one text, so a private key spanning lines goes
		// whole; only the newest lines that can be shown are read.
		lines := redact.Lines(newest(f.LogTail, 2*maxSection))
		for i, l := range lines {
			lines[i] = escClean(visible(l))
		}
		const head = "*Last log lines*\n"
		kept, dropped := lastLines(lines, maxSection-len(head)-40)
		text := head + fence(strings.Join(kept, "\n"), maxSection-len(head))
		if dropped > 0 {
			text = fmt.Sprintf("*Last log lines* (%d older omitted)\n", dropped) + text[len(head):]
		}
		blocks = append(blocks, section(text))
	}
	if links := renderLinks(f.Links); links != "" {
		blocks = append(blocks, section(links))
	}
	blocks = append(blocks, contextLine(where(f)))
	if len(blocks) > maxBlocks {
		blocks = append(blocks[:maxBlocks-1], contextLine("Some sections were omitted (Slack allows 50 blocks)."))
	}

	text := fmt.Sprintf("%s %s: %s (%s)", icon, esc(title), esc(resource), d.Cause)
	if st.Mention != "" && !st.Resolved {
		text = st.Mention + " " + text
	}
	if st.Resolved {
		text += " resolved"
	}
	return Message{Text: truncate(text, maxText), Blocks: blocks, Metadata: metadata(f, d.Cause)}
}

// newest returns the newest lines of a log tail that fit in limit
// characters, each line cut to limit first.
func newest(lines []string, limit int) []string {
	n, i := 0, len(lines)
	for i > 0 && n < limit {
		i--
		n += min(utf8.RuneCountInString(lines[i]), limit) + 1
	}
	out := make([]string, len(lines)-i)
	for j, l := range lines[i:] {
		out[j] = strings.ToValidUTF8(truncate(l, limit), "\uFFFD")
	}
	return out
}

// statusLine says how an incident evolved since it was first posted.
func statusLine(st status) string {
	var parts []string
	if st.Count > 1 {
		parts = append(parts, fmt.Sprintf("*Seen:* %d times, first %s, last %s", st.Count, clock(st.FirstSeen), clock(st.LastSeen)))
	}
	if st.TaskCount > 1 {
		names := make([]string, len(st.Tasks))
		for i, t := range st.Tasks {
			names[i] = code(t)
		}
		line := fmt.Sprintf("*Affected:* %d (%s", st.TaskCount, strings.Join(names, ", "))
		if st.TaskCount > len(st.Tasks) {
			line += ", …"
		}
		parts = append(parts, line+")")
	}
	if st.Resolved {
		parts = append(parts, "*Resolved* at "+clock(st.ResolvedAt))
	}
	return strings.Join(parts, "\n")
}

// clock formats an instant the way the context line does.
func clock(t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// detailFields lists the facts an SRE checks first, as section fields.
func detailFields(f *failure.Failure) []*slack.TextBlockObject {
	var fields []*slack.TextBlockObject
	add := func(label, value string) {
		if value != "" && len(fields) < maxFields {
			fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, truncate("*"+esc(label)+"*\n"+esc(value), maxField), false, true))
		}
	}
	if code, ok := f.Exit(); ok {
		add("Exit code", fmt.Sprint(code))
	}
	add("Reason", f.Reason)
	add("Task", f.Task)
	add("Container", f.Container)
	add("Task definition", f.TaskDefinition)
	add("Node", f.Node)
	keys := make([]string, 0, len(f.Details))
	for k := range f.Details {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		add(k, f.Details[k])
	}
	return fields
}

// renderLinks renders console and log links; only http(s) URLs become links,
// with credentials removed and the characters that end a Slack link encoded.
func renderLinks(links []failure.Link) string {
	var parts []string
	for _, l := range links {
		u, err := url.Parse(l.URL)
		title := esc(strings.ReplaceAll(l.Title, "|", "/"))
		if title == "" {
			title = "link"
		}
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			parts = append(parts, title)
			continue
		}
		u.User = nil
		href := strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C").Replace(clean(u.String()))
		parts = append(parts, "<"+href+"|"+title+">")
	}
	return strings.Join(parts, " · ")
}

// where is the context line: platform, account, cluster, region, time.
func where(f *failure.Failure) string {
	parts := []string{string(f.Platform)}
	add := func(label, v string) {
		if v != "" {
			parts = append(parts, label+esc(v))
		}
	}
	add("account ", f.Account)
	add("cluster ", f.Cluster)
	add("resource group ", f.ResourceGroup)
	add("", f.Region)
	if !f.Time.IsZero() {
		parts = append(parts, clock(f.Time))
	}
	return strings.Join(parts, " · ")
}
