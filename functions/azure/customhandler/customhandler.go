// Package customhandler speaks the Azure Functions custom handler protocol:
// the host POSTs {"Data":{<binding>:...},"Metadata":{...}} to /<FunctionName>
// and reads back {"Outputs":{},"Logs":[...],"ReturnValue":...}. A non-2xx
// status makes the host fail the invocation (and the trigger retry it).
package customhandler

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/tracegrid/tracegrid/shared/redact"
)

// Request is the payload the Functions host sends for one invocation.
type Request struct {
	// Data holds the trigger and input bindings by binding name.
	Data map[string]json.RawMessage `json:"Data"`
	// Metadata holds the trigger metadata and "sys" (MethodName, UtcNow,
	// RandGuid).
	Metadata map[string]json.RawMessage `json:"Metadata"`
}

// ErrNotRequest says the body is not a custom handler request envelope.
var ErrNotRequest = errors.New("customhandler: not a request envelope (no top-level \"Data\" object)")

// IsRequest reports whether body is a custom handler envelope. The check is
// on the exact key "Data": encoding/json matches keys case-insensitively, and
// an Event Grid event has a lower-case "data".
func IsRequest(body []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return false
	}
	d, ok := top["Data"]
	return ok && len(bytes.TrimSpace(d)) > 0 && bytes.TrimSpace(d)[0] == '{'
}

// ParseRequest decodes a custom handler request body.
func ParseRequest(body []byte) (*Request, error) {
	if !IsRequest(body) {
		return nil, ErrNotRequest
	}
	var r Request
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("customhandler: decode request: %w", err)
	}
	return &r, nil
}

// Binding returns the value of the named binding. The host passes some
// trigger values as JSON-encoded strings; those are unwrapped once so the
// caller always gets the JSON document itself.
func (r *Request) Binding(name string) (json.RawMessage, bool) {
	v, ok := r.Data[name]
	if !ok {
		return nil, false
	}
	v = bytes.TrimSpace(v)
	if len(v) > 0 && v[0] == '"' {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			return json.RawMessage(s), true
		}
	}
	return v, true
}

// Response is what the handler answers for one invocation.
type Response struct {
	Outputs     map[string]any `json:"Outputs"`
	Logs        []string       `json:"Logs"`
	ReturnValue any            `json:"ReturnValue"`
}

// Logf appends a line to the invocation's log, which the host forwards to
// Application Insights.
func (r *Response) Logf(format string, args ...any) {
	r.Logs = append(r.Logs, fmt.Sprintf(format, args...))
}

// Write sends the response with the given HTTP status, its log lines
// redacted.
func (r *Response) Write(w http.ResponseWriter, status int) {
	if r.Outputs == nil {
		r.Outputs = map[string]any{}
	}
	if r.Logs == nil {
		r.Logs = []string{}
	}
	for i, l := range r.Logs { // the host writes them to Application Insights
		r.Logs[i], _ = redact.Truncated(l, redact.Limit)
	}
	body, _ := json.Marshal(r)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
