// Package eventgrid decodes Azure Event Grid deliveries in either schema (Event
// Grid or CloudEvents 1.0), as a single event or an array, into one Event
// shape, and reads the data of Azure Resource Manager (resource group system
// topic) events.
package eventgrid

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Event types of the resource group and subscription system topics that
// Tracegrid reads, and the validation handshake event.
const (
	ResourceWriteFailure   = "Microsoft.Resources.ResourceWriteFailure"
	ResourceWriteSuccess   = "Microsoft.Resources.ResourceWriteSuccess"
	ResourceWriteCancel    = "Microsoft.Resources.ResourceWriteCancel"
	ResourceActionFailure  = "Microsoft.Resources.ResourceActionFailure"
	ResourceActionSuccess  = "Microsoft.Resources.ResourceActionSuccess"
	ResourceActionCancel   = "Microsoft.Resources.ResourceActionCancel"
	SubscriptionValidation = "Microsoft.EventGrid.SubscriptionValidationEvent"
)

// Schema is the wire schema an event arrived in.
type Schema string

// The two schemas an Event Grid subscription can deliver.
const (
	EventGridSchema   Schema = "eventgrid"
	CloudEventsSchema Schema = "cloudevents"
)

// Event is one Event Grid event, whatever schema it arrived in. For the
// CloudEvents schema Topic holds `source` and Type holds `type`.
type Event struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Subject string          `json:"subject"`
	Topic   string          `json:"topic"`
	Time    time.Time       `json:"time"`
	Data    json.RawMessage `json:"data,omitempty"`
	Schema  Schema          `json:"schema"`
}

// wire holds the members of both schemas. encoding/json matches keys without
// regard to case, so "specVersion" (seen in published samples) and the
// standard "specversion" both land in SpecVersion.
type wire struct {
	ID          string          `json:"id"`
	EventType   string          `json:"eventType"`
	Type        string          `json:"type"`
	Subject     string          `json:"subject"`
	Topic       string          `json:"topic"`
	Source      string          `json:"source"`
	EventTime   string          `json:"eventTime"`
	Time        string          `json:"time"`
	SpecVersion string          `json:"specversion"`
	Data        json.RawMessage `json:"data"`
	DataBase64  string          `json:"data_base64"`
}

// ErrNotEvent says the input is JSON but not an Event Grid event.
var ErrNotEvent = errors.New("eventgrid: not an Event Grid event (no id and eventType/type)")

// Parse decodes a delivery body: one event object, an array of them, or a
// JSON string holding either (as bindings sometimes pass them on).
func Parse(body []byte) ([]Event, error) {
	return parse(body, 0)
}

func parse(body []byte, depth int) ([]Event, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, errors.New("eventgrid: empty body")
	}
	switch body[0] {
	case '"':
		var s string
		if depth > 0 || json.Unmarshal(body, &s) != nil {
			return nil, errors.New("eventgrid: a JSON string that does not hold an event")
		}
		return parse([]byte(s), depth+1)
	case '[':
		var raws []json.RawMessage
		if err := json.Unmarshal(body, &raws); err != nil {
			return nil, fmt.Errorf("eventgrid: decode array: %w", err)
		}
		if len(raws) == 0 {
			return nil, errors.New("eventgrid: empty event array")
		}
		evs := make([]Event, 0, len(raws))
		for i, r := range raws {
			ev, err := parseOne(r)
			if err != nil {
				return nil, fmt.Errorf("event %d: %w", i, err)
			}
			evs = append(evs, ev)
		}
		return evs, nil
	case '{':
		ev, err := parseOne(body)
		if err != nil {
			return nil, err
		}
		return []Event{ev}, nil
	}
	return nil, errors.New("eventgrid: body is not a JSON object or array")
}

func parseOne(raw []byte) (Event, error) {
	var w wire
	if err := json.Unmarshal(raw, &w); err != nil {
		return Event{}, fmt.Errorf("eventgrid: decode event: %w", err)
	}
	ev := Event{ID: w.ID, Subject: w.Subject, Data: w.Data}
	switch {
	case w.EventType != "":
		ev.Schema, ev.Type, ev.Topic = EventGridSchema, w.EventType, w.Topic
		ev.Time = parseTime(w.EventTime)
	case w.Type != "" && (w.SpecVersion != "" || w.Source != ""):
		ev.Schema, ev.Type, ev.Topic = CloudEventsSchema, w.Type, w.Source
		ev.Time = parseTime(w.Time)
	default:
		return Event{}, ErrNotEvent
	}
	if ev.ID == "" {
		return Event{}, ErrNotEvent
	}
	if len(ev.Data) == 0 && w.DataBase64 != "" {
		return Event{}, errors.New("eventgrid: binary (data_base64) CloudEvents data is not a resource event")
	}
	return ev, nil
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// ResourceData is the data of a Microsoft.Resources.* event: what ARM
// operation ran on which resource, and with what status. It carries no error
// text: the error is in the Activity Log entry with the same CorrelationID.
type ResourceData struct {
	CorrelationID    string `json:"correlationId"`
	ResourceProvider string `json:"resourceProvider"`
	ResourceURI      string `json:"resourceUri"`
	OperationName    string `json:"operationName"`
	Status           string `json:"status"`
	SubscriptionID   string `json:"subscriptionId"`
	TenantID         string `json:"tenantId"`
}

// ResourceData decodes the event's data as a resource event's data.
func (e Event) ResourceData() (ResourceData, error) {
	var d ResourceData
	if len(e.Data) == 0 {
		return d, errors.New("eventgrid: event has no data")
	}
	if err := json.Unmarshal(e.Data, &d); err != nil {
		return d, fmt.Errorf("eventgrid: decode resource event data: %w", err)
	}
	return d, nil
}

// IsResourceEvent reports whether the event comes from the ARM resource
// group or subscription system topic.
func (e Event) IsResourceEvent() bool {
	return strings.HasPrefix(e.Type, "Microsoft.Resources.Resource")
}
