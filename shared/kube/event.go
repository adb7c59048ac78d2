// Package kube reads Kubernetes failure reports without any Kubernetes
// client library: core/v1 Events (as `kubectl get events -o yaml|json`
// prints them, or as the GKE event exporter logs them) and the text of
// `kubectl describe pod`. Both become a platform-neutral failure.Failure.
package kube

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
)

// Event is the part of a core/v1 Event that Tracegrid reads. The GKE event
// exporter drops count, firstTimestamp and lastTimestamp, so every field may
// be empty.
//
// An events.k8s.io/v1 Event (the API new writers use) names the same things
// differently: regarding, note, reportingController/reportingInstance and
// the deprecated* compatibility fields. ParseEvent reads both and fills the
// core/v1 fields from the events.k8s.io/v1 ones.
type Event struct {
	Kind           string       `json:"kind,omitempty"`
	Metadata       ObjectMeta   `json:"metadata"`
	InvolvedObject ObjectRef    `json:"involvedObject"`
	Reason         string       `json:"reason,omitempty"`
	Message        string       `json:"message,omitempty"`
	Type           string       `json:"type,omitempty"`
	Source         EventSource  `json:"source"`
	Count          int          `json:"count,omitempty"`
	FirstTimestamp string       `json:"firstTimestamp,omitempty"`
	LastTimestamp  string       `json:"lastTimestamp,omitempty"`
	EventTime      string       `json:"eventTime,omitempty"`
	Series         *EventSeries `json:"series,omitempty"`

	// events.k8s.io/v1 names (see normalize).
	Regarding                *ObjectRef   `json:"regarding,omitempty"`
	Note                     string       `json:"note,omitempty"`
	ReportingController      string       `json:"reportingController,omitempty"`
	ReportingInstance        string       `json:"reportingInstance,omitempty"`
	DeprecatedSource         *EventSource `json:"deprecatedSource,omitempty"`
	DeprecatedCount          int          `json:"deprecatedCount,omitempty"`
	DeprecatedFirstTimestamp string       `json:"deprecatedFirstTimestamp,omitempty"`
	DeprecatedLastTimestamp  string       `json:"deprecatedLastTimestamp,omitempty"`
}

// normalize fills the core/v1 fields of an events.k8s.io/v1 Event from
// their events.k8s.io/v1 counterparts, as the API server converts between
// the two versions. A core/v1 Event is left as it is.
func (e *Event) normalize() {
	if e.InvolvedObject.Name == "" && e.Regarding != nil {
		e.InvolvedObject = *e.Regarding
	}
	if e.Message == "" {
		e.Message = e.Note
	}
	if e.Source == (EventSource{}) {
		if e.DeprecatedSource != nil {
			e.Source = *e.DeprecatedSource
		}
		if e.Source.Component == "" {
			e.Source.Component = e.ReportingController
		}
		if e.Source.Host == "" && e.ReportingController == "kubelet" {
			// The kubelet reports as its node.
			e.Source.Host = e.ReportingInstance
		}
	}
	if e.Count == 0 {
		e.Count = e.DeprecatedCount
	}
	if e.FirstTimestamp == "" {
		e.FirstTimestamp = e.DeprecatedFirstTimestamp
	}
	if e.LastTimestamp == "" {
		e.LastTimestamp = e.DeprecatedLastTimestamp
	}
}

// ObjectMeta is the metadata of the Event object itself.
type ObjectMeta struct {
	Name              string `json:"name,omitempty"`
	Namespace         string `json:"namespace,omitempty"`
	UID               string `json:"uid,omitempty"`
	CreationTimestamp string `json:"creationTimestamp,omitempty"`
}

// ObjectRef names the object an Event is about.
type ObjectRef struct {
	Kind      string `json:"kind,omitempty"`
	Name      string `json:"name,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	UID       string `json:"uid,omitempty"`
	// FieldPath is set for container events: spec.containers{NAME}.
	FieldPath string `json:"fieldPath,omitempty"`
}

// EventSource is the component (kubelet, default-scheduler, ...) and host
// that reported the Event.
type EventSource struct {
	Component string `json:"component,omitempty"`
	Host      string `json:"host,omitempty"`
}

// EventSeries is set on events.k8s.io-style recurring events.
type EventSeries struct {
	Count            int    `json:"count,omitempty"`
	LastObservedTime string `json:"lastObservedTime,omitempty"`
}

// ErrNotEvent is returned by ParseEvent for documents that are not a
// Kubernetes Event.
var ErrNotEvent = errors.New("kube: not a Kubernetes Event")

// asJSON returns data as JSON: as it is when it is JSON already (YAML does
// not read every JSON escape: \/ and surrogate pairs such as \ud83d\ude00
// are JSON only), else converted from YAML.
func asJSON(data []byte) ([]byte, error) {
	if t := bytes.TrimSpace(data); len(t) > 0 && (t[0] == '{' || t[0] == '[') && json.Valid(t) {
		return t, nil
	}
	return yaml.YAMLToJSON(data)
}

// ParseEvent reads one core/v1 or events.k8s.io/v1 Event written as JSON or
// YAML. It also accepts
// a list of events (a YAML or JSON sequence, or a v1 List/EventList with
// items, as `kubectl get events -o yaml` prints) and then returns the first
// Warning event, or the first event when none is a Warning.
func ParseEvent(data []byte) (Event, error) {
	js, err := asJSON(data)
	if err != nil {
		return Event{}, fmt.Errorf("kube: reading event: %w", err)
	}
	var items []Event
	switch trimmed := strings.TrimSpace(string(js)); {
	case strings.HasPrefix(trimmed, "["):
		if err := json.Unmarshal(js, &items); err != nil {
			return Event{}, fmt.Errorf("kube: reading event list: %w", err)
		}
	case strings.HasPrefix(trimmed, "{"):
		var list struct {
			Kind  string  `json:"kind"`
			Items []Event `json:"items"`
		}
		if err := json.Unmarshal(js, &list); err != nil {
			return Event{}, fmt.Errorf("kube: reading event: %w", err)
		}
		if list.Items != nil && strings.HasSuffix(list.Kind, "List") {
			items = list.Items
			break
		}
		var e Event
		if err := json.Unmarshal(js, &e); err != nil {
			return Event{}, fmt.Errorf("kube: reading event: %w", err)
		}
		items = []Event{e}
	default:
		return Event{}, ErrNotEvent
	}
	var chosen *Event
	for i := range items {
		items[i].normalize()
		if !items[i].valid() {
			continue
		}
		if chosen == nil || (items[i].Type == "Warning" && chosen.Type != "Warning") {
			chosen = &items[i]
		}
	}
	if chosen == nil {
		return Event{}, ErrNotEvent
	}
	return *chosen, nil
}

// valid reports whether e looks like an Event: it has a reason and names
// the object it is about.
func (e Event) valid() bool {
	if e.Kind != "" && e.Kind != "Event" {
		return false
	}
	return e.Reason != "" && e.InvolvedObject.Name != ""
}

// Failure maps e to a failure.Failure. It returns nil for events that
// report neither a failure nor a recovery: Normal events other than the
// ones listed under Signal.
func (e Event) Failure() *failure.Failure {
	sig := e.Signal()
	if sig == SignalIgnore {
		return nil
	}
	obj := e.InvolvedObject
	f := &failure.Failure{
		Platform:  failure.Kubernetes,
		Namespace: obj.Namespace,
		Reason:    e.Reason,
		Node:      e.Source.Host,
		Time:      e.Time(),
		Recovered: sig == SignalRecovery,
	}
	if f.Namespace == "" && obj.Kind != "Node" {
		f.Namespace = e.Metadata.Namespace
	}
	switch obj.Kind {
	case "Pod":
		f.Task = obj.Name
		f.Workload = WorkloadFromPod(obj.Name)
	case "Node":
		f.Node = obj.Name
	default:
		// Controllers (ReplicaSet, StatefulSet, Job, ...) own what failed.
		f.Workload = WorkloadFromOwner(obj.Kind, obj.Name)
	}
	f.Container = ContainerFromFieldPath(obj.FieldPath)
	if f.Container == "" {
		f.Container = containerFromMessage(e.Message)
	}
	f.Image = classify.ImageInMessage(e.Message)
	if msg := strings.TrimSpace(e.Message); msg != "" {
		f.Messages = []string{msg}
	}
	if n := e.count(); n > 1 {
		f.Details = map[string]string{"Occurrences": fmt.Sprint(n)}
	}
	return f
}

func (e Event) count() int {
	if e.Series != nil && e.Series.Count > e.Count {
		return e.Series.Count
	}
	return e.Count
}

// Time returns when the event was last seen: lastTimestamp, the series'
// last observation, eventTime, firstTimestamp or the object's creation, in
// that order. It is zero when none parses.
func (e Event) Time() time.Time {
	cands := []string{e.LastTimestamp, "", e.EventTime, e.FirstTimestamp, e.Metadata.CreationTimestamp}
	if e.Series != nil {
		cands[1] = e.Series.LastObservedTime
	}
	for _, s := range cands {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
