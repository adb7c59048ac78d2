// Package fakeslack is a local Slack for tests: an httptest server that
// answers chat.postMessage, chat.update and incoming webhooks with the real
// Web API shapes, checks what clients send against Slack's rules (form
// encoding, token, channel, Block Kit limits, metadata JSON), records every
// message, and can be told to fail (429 with Retry-After, 5xx, slow
// responses, calls accepted but answered too late, Web API errors such as
// invalid_auth or cant_update_message). conversations.history (with message
// metadata) and chat.getPermalink answer from the messages it holds.
package fakeslack

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"golang.org/x/time/rate"
)

// Message is one message as the fake Slack holds it, after any updates.
type Message struct {
	Channel  string
	TS       string
	ThreadTS string // set on thread replies
	Text     string
	Blocks   []slack.Block
	// BlocksJSON is the blocks field exactly as received.
	BlocksJSON string
	Metadata   *slack.SlackMetadata
	Updates    int // chat.update calls applied to it
}

// Call is one request as received.
type Call struct {
	Method string // chat.postMessage, chat.update or webhook
	Values url.Values
	Body   []byte // the JSON body of a webhook call
}

// Fail is one injected failure, served instead of the normal answer.
type Fail struct {
	Status     int           // HTTP status, default 200
	RetryAfter string        // Retry-After header value
	Error      string        // Web API error code for an {"ok":false} body
	Delay      time.Duration // wait before answering (for client timeouts)
	// Accept handles the call as usual (the message is posted or updated)
	// and only then waits Delay before answering: Slack accepted it, but
	// a client with a shorter timeout never learns so.
	Accept bool
}

// Server is a fake Slack.
type Server struct {
	*httptest.Server
	token string

	mu       sync.Mutex
	seq      int
	messages []*Message
	calls    []Call
	fails    map[string][]Fail
	problems []string
	limiter  *rate.Limiter // nil: no rate limit
	limited  int           // calls answered 429 by the limiter
}

// RateLimit makes chat.postMessage and chat.update share a token bucket of
// perSecond calls with burst, as Slack's per-app method tiers do; a call
// over it is answered 429 with Retry-After: 1 and counted (RateLimited).
func (s *Server) RateLimit(perSecond float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limiter = rate.NewLimiter(rate.Limit(perSecond), burst)
}

// RateLimited is how many calls the rate limit refused.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}

// overLimit takes a token for one call; false means answer 429.
func (s *Server) overLimit() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limiter == nil || s.limiter.Allow() {
		return false
	}
	s.limited++
	return true
}

// New starts a fake Slack that accepts token for the Web API.
func New(token string) *Server {
	s := &Server{token: token, fails: map[string][]Fail{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/chat.postMessage", s.chat("chat.postMessage"))
	mux.HandleFunc("/api/chat.update", s.chat("chat.update"))
	mux.HandleFunc("/api/conversations.history", s.history)
	mux.HandleFunc("/api/chat.getPermalink", s.permalink)
	mux.HandleFunc("/services/", s.webhook)
	s.Server = httptest.NewServer(mux)
	return s
}

// APIURL is the value for SLACK_API_URL.
func (s *Server) APIURL() string { return s.URL + "/api/" }

// WebhookURL is a value for SLACK_WEBHOOK_URL.
func (s *Server) WebhookURL() string { return s.URL + "/services/T000/B000/XXXXXXXX" }

// FailNext makes the next calls of method (chat.postMessage, chat.update or
// webhook) fail as listed, one Fail per call.
func (s *Server) FailNext(method string, fails ...Fail) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails[method] = append(s.fails[method], fails...)
}

// Messages returns top-level messages in the order they were posted.
func (s *Server) Messages() []Message {
	return s.filter(func(m *Message) bool { return m.ThreadTS == "" })
}

// Delete removes a top-level message, as a user deleting it in Slack does.
func (s *Server) Delete(channel, ts string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = slices.DeleteFunc(s.messages, func(m *Message) bool { return m.Channel == channel && m.TS == ts })
}

// Replies returns the thread replies to ts.
func (s *Server) Replies(ts string) []Message {
	return s.filter(func(m *Message) bool { return m.ThreadTS == ts })
}

// Calls returns every request received, failed ones included.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Problems lists requests that broke Slack's rules; tests expect none.
func (s *Server) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.problems...)
}

func (s *Server) filter(keep func(*Message) bool) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if keep(m) {
			out = append(out, *m)
		}
	}
	return out
}

// injected pops the next failure for method, if any.
func (s *Server) injected(method string) (Fail, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.fails[method]) == 0 {
		return Fail{}, false
	}
	f := s.fails[method][0]
	s.fails[method] = s.fails[method][1:]
	return f, true
}

func (s *Server) serveFail(w http.ResponseWriter, r *http.Request, f Fail) {
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	if status >= 500 {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "<html><body>Slack is having trouble</body></html>")
		return
	}
	writeJSON(w, status, map[string]any{"ok": false, "error": f.Error})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) problem(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.problems = append(s.problems, fmt.Sprintf(format, args...))
}

// chat serves chat.postMessage and chat.update, which slack-go sends as
// application/x-www-form-urlencoded with the token in the body.
func (s *Server) chat(method string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		values, err := url.ParseQuery(string(body))
		s.mu.Lock()
		s.calls = append(s.calls, Call{Method: method, Values: values})
		s.mu.Unlock()
		f, failed := s.injected(method)
		if !failed && s.overLimit() {
			f, failed = Fail{Status: http.StatusTooManyRequests, RetryAfter: "1", Error: "ratelimited"}, true
		}
		if failed && !f.Accept {
			s.serveFail(w, r, f)
			return
		}
		if failed { // answer late, after handling the call
			rec := httptest.NewRecorder()
			defer func() {
				select {
				case <-time.After(f.Delay):
				case <-r.Context().Done():
					return
				}
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				w.WriteHeader(rec.Code)
				_, _ = w.Write(rec.Body.Bytes())
			}()
			w = rec
		}
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") || err != nil {
			s.problem("%s: want a form POST, got %s %q", method, r.Method, r.Header.Get("Content-Type"))
			writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_form_data"})
			return
		}
		token := values.Get("token")
		if token == "" {
			token = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		}
		if token != s.token {
			writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		channel := values.Get("channel")
		if channel == "" {
			writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "channel_not_found"})
			return
		}
		blocks, errCode := s.checkMessage(method, values.Get("text"), values.Get("blocks"))
		var meta *slack.SlackMetadata
		if raw := values.Get("metadata"); raw != "" {
			meta = &slack.SlackMetadata{}
			if err := json.Unmarshal([]byte(raw), meta); err != nil || meta.EventType == "" || meta.EventPayload == nil {
				s.problem("%s: metadata %q is not {event_type, event_payload}", method, raw)
				errCode = "invalid_metadata_format"
			}
		}
		if errCode != "" {
			writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": errCode})
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if method == "chat.update" {
			m := s.find(channel, values.Get("ts"))
			if m == nil {
				writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "message_not_found"})
				return
			}
			m.Text, m.Blocks, m.BlocksJSON, m.Updates = values.Get("text"), blocks, values.Get("blocks"), m.Updates+1
			if meta != nil {
				m.Metadata = meta
			}
			writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channel": channel, "ts": m.TS, "text": m.Text})
			return
		}
		thread := values.Get("thread_ts")
		if thread != "" && s.find(channel, thread) == nil {
			writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "thread_not_found"})
			return
		}
		s.seq++
		m := &Message{Channel: channel, TS: fmt.Sprintf("1764000000.%06d", s.seq), ThreadTS: thread,
			Text: values.Get("text"), Blocks: blocks, BlocksJSON: values.Get("blocks"), Metadata: meta}
		s.messages = append(s.messages, m)
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channel": channel, "ts": m.TS,
			"message": map[string]any{"type": "message", "text": m.Text, "ts": m.TS, "thread_ts": thread}})
	}
}

// history serves conversations.history: the channel's top-level messages,
// newest first, with their metadata when include_all_metadata is set. The
// fake's ts are sequence numbers, not times, so oldest and latest are not
// applied.
func (s *Server) history(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: "conversations.history", Values: r.PostForm})
	s.mu.Unlock()
	if f, ok := s.injected("conversations.history"); ok {
		s.serveFail(w, r, f)
		return
	}
	if r.PostForm.Get("token") != s.token {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	channel := r.PostForm.Get("channel")
	withMeta := r.PostForm.Get("include_all_metadata") == "1"
	var out []map[string]any
	for _, m := range slices.Backward(s.filter(func(m *Message) bool { return m.Channel == channel && m.ThreadTS == "" })) {
		msg := map[string]any{"type": "message", "ts": m.TS, "text": m.Text}
		if withMeta && m.Metadata != nil {
			msg["metadata"] = m.Metadata
		}
		out = append(out, msg)
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "messages": out, "has_more": false,
		"response_metadata": map[string]any{"next_cursor": ""}})
}

// permalink serves chat.getPermalink for a message the fake holds.
func (s *Server) permalink(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	channel, ts := r.Form.Get("channel"), r.Form.Get("message_ts")
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: "chat.getPermalink", Values: r.Form})
	m := s.find(channel, ts)
	s.mu.Unlock()
	if m == nil {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "message_not_found"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channel": channel,
		"permalink": "https://tracegrid-test.slack.com/archives/" + channel + "/p" + strings.ReplaceAll(ts, ".", "")})
}

// find returns the top-level message at ts in channel; s.mu must be held.
func (s *Server) find(channel, ts string) *Message {
	for _, m := range s.messages {
		if m.Channel == channel && m.TS == ts && m.ThreadTS == "" {
			return m
		}
	}
	return nil
}

// webhook serves an incoming webhook: a JSON body, "ok" on success.
func (s *Server) webhook(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: "webhook", Body: body})
	s.mu.Unlock()
	if f, ok := s.injected("webhook"); ok {
		if f.Status == 0 || f.Status >= 500 || f.Status == http.StatusTooManyRequests {
			s.serveFail(w, r, f)
			return
		}
		w.WriteHeader(f.Status) // webhooks answer errors as plain text
		_, _ = io.WriteString(w, f.Error)
		return
	}
	var msg struct {
		Text   string          `json:"text"`
		Blocks json.RawMessage `json:"blocks"`
	}
	if r.Method != http.MethodPost || json.Unmarshal(body, &msg) != nil {
		s.problem("webhook: want a JSON POST, got %s %q", r.Method, body)
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "invalid_payload")
		return
	}
	blocks, errCode := s.checkMessage("webhook", msg.Text, string(msg.Blocks))
	if errCode != "" {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "invalid_blocks")
		return
	}
	s.mu.Lock()
	s.seq++
	s.messages = append(s.messages, &Message{TS: fmt.Sprintf("1764000000.%06d", s.seq), Text: msg.Text, Blocks: blocks, BlocksJSON: string(msg.Blocks)})
	s.mu.Unlock()
	_, _ = io.WriteString(w, "ok")
}

// checkMessage decodes blocks and checks Slack's limits; it returns the
// error code Slack would answer with, recording the problem.
func (s *Server) checkMessage(method, text, raw string) ([]slack.Block, string) {
	if raw == "" || raw == "null" {
		if text == "" {
			s.problem("%s: neither text nor blocks", method)
			return nil, "no_text"
		}
		return nil, ""
	}
	var blocks slack.Blocks
	if err := json.Unmarshal([]byte(raw), &blocks); err != nil {
		s.problem("%s: blocks do not decode: %v", method, err)
		return nil, "invalid_blocks_format"
	}
	if text == "" {
		s.problem("%s: blocks without the fallback text", method)
	}
	bad := func(format string, args ...any) ([]slack.Block, string) {
		s.problem(method+": "+format, args...)
		return nil, "invalid_blocks"
	}
	if len(blocks.BlockSet) > 50 {
		return bad("%d blocks, Slack allows 50", len(blocks.BlockSet))
	}
	for i, b := range blocks.BlockSet {
		switch b := b.(type) {
		case *slack.HeaderBlock:
			if n := utf8.RuneCountInString(b.Text.Text); n > 150 || n == 0 || b.Text.Type != slack.PlainTextType {
				return bad("block %d: header of %d characters (type %s)", i, n, b.Text.Type)
			}
		case *slack.SectionBlock:
			if b.Text == nil && len(b.Fields) == 0 {
				return bad("block %d: empty section", i)
			}
			if b.Text != nil {
				if n := utf8.RuneCountInString(b.Text.Text); n > 3000 || n == 0 {
					return bad("block %d: section text of %d characters", i, n)
				}
			}
			if len(b.Fields) > 10 {
				return bad("block %d: %d fields, Slack allows 10", i, len(b.Fields))
			}
			for _, f := range b.Fields {
				if n := utf8.RuneCountInString(f.Text); n > 2000 || n == 0 {
					return bad("block %d: field of %d characters", i, n)
				}
			}
		case *slack.ContextBlock:
			if len(b.ContextElements.Elements) == 0 || len(b.ContextElements.Elements) > 10 {
				return bad("block %d: context with %d elements", i, len(b.ContextElements.Elements))
			}
		}
	}
	return blocks.BlockSet, ""
}
