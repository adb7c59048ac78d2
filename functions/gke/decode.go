package gke

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/kube"
)

// MessagePublishedType is the CloudEvent type Eventarc delivers for a
// Pub/Sub message.
const MessagePublishedType = "google.cloud.pubsub.topic.v1.messagePublished"

// Decode reads what a Cloud Logging sink publishes and returns the
// failures in it. body may be a structured CloudEvent (JSON with
// specversion and data), the CloudEvent data of a messagePublished event
// (MessagePublishedData, also the Pub/Sub push body), a bare PubsubMessage,
// or a bare LogEntry. The Pub/Sub data is a base64 LogEntry; Pub/Sub field
// names come in camelCase and snake_case.
//
// Kubernetes Events (logs/events) become a Failure unless they are routine
// (see kube.Event.Signal); kubelet and kernel lines become one when they
// carry out-of-memory or crash-loop evidence. An empty result with a nil
// error means "nothing to report". An error means the input cannot be read
// (bad base64, bad JSON, a LogEntry that is neither); retrying will not help.
func Decode(body []byte) ([]*failure.Failure, error) {
	obj, err := object(body)
	if err != nil {
		return nil, err
	}
	switch {
	case has(obj, "specversion"):
		return decodeCloudEvent(obj)
	case has(obj, "message"):
		return decodeMessage(obj["message"])
	case has(obj, "data") && has(obj, "messageId", "message_id", "attributes", "publishTime", "publish_time"):
		return decodeMessage(body)
	case has(obj, "logName", "log_name", "insertId", "insert_id", "jsonPayload", "json_payload", "textPayload", "text_payload"):
		return decodeLogEntry(obj)
	}
	return nil, errors.New("gke: not a CloudEvent, Pub/Sub message or LogEntry")
}

func object(data []byte) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, fmt.Errorf("gke: not a JSON object: %w", err)
	}
	if obj == nil {
		return nil, errors.New("gke: not a JSON object: null")
	}
	return obj, nil
}

// has reports whether obj has any of keys with a non-null value.
func has(obj map[string]json.RawMessage, keys ...string) bool {
	return pick(obj, keys...) != nil
}

// pick returns the first of keys present in obj with a non-null value.
func pick(obj map[string]json.RawMessage, keys ...string) json.RawMessage {
	for _, k := range keys {
		if v, ok := obj[k]; ok && string(v) != "null" {
			return v
		}
	}
	return nil
}

// str decodes the first of keys that holds a JSON string.
func str(obj map[string]json.RawMessage, keys ...string) string {
	for _, k := range keys {
		var s string
		if v := obj[k]; v != nil && json.Unmarshal(v, &s) == nil && s != "" {
			return s
		}
	}
	return ""
}

func decodeCloudEvent(obj map[string]json.RawMessage) ([]*failure.Failure, error) {
	if t := str(obj, "type"); t != "" && t != MessagePublishedType {
		return nil, fmt.Errorf("gke: CloudEvent type %q, want %s", t, MessagePublishedType)
	}
	if b64 := str(obj, "data_base64"); b64 != "" {
		data, err := decodeBase64(b64)
		if err != nil {
			return nil, fmt.Errorf("gke: CloudEvent data_base64: %w", err)
		}
		return Decode(data)
	}
	data := pick(obj, "data")
	if data == nil {
		return nil, errors.New("gke: CloudEvent without data")
	}
	var s string
	if json.Unmarshal(data, &s) == nil {
		// data held as a JSON string (datacontenttype text/plain).
		data = []byte(s)
	}
	d, err := object(data)
	if err != nil {
		return nil, fmt.Errorf("gke: CloudEvent data: %w", err)
	}
	if !has(d, "message") {
		return nil, errors.New("gke: CloudEvent data is not MessagePublishedData")
	}
	return decodeMessage(d["message"])
}

// decodeMessage reads a PubsubMessage whose data is a base64 LogEntry.
func decodeMessage(raw json.RawMessage) ([]*failure.Failure, error) {
	msg, err := object(raw)
	if err != nil {
		return nil, fmt.Errorf("gke: Pub/Sub message: %w", err)
	}
	b64 := str(msg, "data")
	if b64 == "" {
		return nil, errors.New("gke: Pub/Sub message without data")
	}
	data, err := decodeBase64(b64)
	if err != nil {
		return nil, fmt.Errorf("gke: Pub/Sub message data: %w", err)
	}
	entry, err := object(data)
	if err != nil {
		return nil, fmt.Errorf("gke: Pub/Sub message data is not a LogEntry: %w", err)
	}
	fs, err := decodeLogEntry(entry)
	if err != nil {
		return nil, err
	}
	if id := str(msg, "messageId", "message_id"); id != "" {
		for _, f := range fs {
			if f.EventID == "" {
				f.EventID = "pubsub:" + id
			}
		}
	}
	return fs, nil
}

// decodeBase64 accepts standard base64 (what Pub/Sub sends), with or
// without padding, and the URL-safe alphabet.
func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	var firstErr error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err == nil {
			return b, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

// logEntry is the part of a Cloud Logging LogEntry Tracegrid reads.
type logEntry struct {
	insertID    string
	logName     string
	resource    string
	labels      map[string]string
	timestamp   string
	jsonPayload json.RawMessage
	textPayload string
}

func readLogEntry(obj map[string]json.RawMessage) (logEntry, error) {
	le := logEntry{
		insertID:    str(obj, "insertId", "insert_id"),
		logName:     str(obj, "logName", "log_name"),
		timestamp:   str(obj, "timestamp"),
		jsonPayload: pick(obj, "jsonPayload", "json_payload"),
		textPayload: str(obj, "textPayload", "text_payload"),
	}
	if r := pick(obj, "resource"); r != nil {
		var res struct {
			Type   string            `json:"type"`
			Labels map[string]string `json:"labels"`
		}
		if err := json.Unmarshal(r, &res); err != nil {
			return le, fmt.Errorf("gke: LogEntry resource: %w", err)
		}
		le.resource, le.labels = res.Type, res.Labels
	}
	return le, nil
}

// logID returns the LOG_ID of projects/PROJECT/logs/LOG_ID, unescaped.
func (le logEntry) logID() string {
	_, id, ok := strings.Cut(le.logName, "/logs/")
	if !ok {
		return ""
	}
	if u, err := url.PathUnescape(id); err == nil {
		return u
	}
	return id
}

func decodeLogEntry(obj map[string]json.RawMessage) ([]*failure.Failure, error) {
	le, err := readLogEntry(obj)
	if err != nil {
		return nil, err
	}
	var f *failure.Failure
	if le.logID() == "events" {
		if le.jsonPayload == nil {
			if le.textPayload != "" {
				// The event exporter's own notices, not Kubernetes Events.
				return nil, nil
			}
			return nil, errors.New("gke: events LogEntry without a payload")
		}
		e, err := kube.ParseEvent(le.jsonPayload)
		if err != nil {
			return nil, fmt.Errorf("gke: events LogEntry: %w", err)
		}
		if f = e.Failure(); f == nil {
			return nil, nil
		}
	} else {
		text := le.nodeLogText()
		if text == "" {
			return nil, fmt.Errorf("gke: LogEntry of log %q is neither a Kubernetes Event nor a node log line", le.logID())
		}
		if f = kube.ParseNodeLog(text); f == nil {
			return nil, nil
		}
	}
	le.fill(f)
	return []*failure.Failure{f}, nil
}

// nodeLogText returns the text of a kubelet, kernel or container-runtime
// LogEntry: textPayload, or the journal's MESSAGE field in jsonPayload.
func (le logEntry) nodeLogText() string {
	if le.textPayload != "" {
		return le.textPayload
	}
	if le.jsonPayload == nil {
		return ""
	}
	var p map[string]json.RawMessage
	if json.Unmarshal(le.jsonPayload, &p) != nil {
		return ""
	}
	return str(p, "MESSAGE", "message")
}

// fill completes f from the LogEntry: the monitored resource's labels name
// the project, location and cluster, and the pod or node when the payload
// did not.
func (le logEntry) fill(f *failure.Failure) {
	l := le.labels
	f.Account = l["project_id"]
	if f.Account == "" {
		if p, ok := strings.CutPrefix(le.logName, "projects/"); ok {
			f.Account, _, _ = strings.Cut(p, "/")
		}
	}
	f.Region = l["location"]
	f.Cluster = l["cluster_name"]
	if f.Namespace == "" {
		f.Namespace = l["namespace_name"]
	}
	if f.Task == "" && l["pod_name"] != "" {
		f.Task = l["pod_name"]
		f.Workload = kube.WorkloadFromPod(f.Task)
	}
	if f.Container == "" {
		f.Container = l["container_name"]
	}
	if n := l["node_name"]; n != "" {
		f.Node = n
	}
	// The event exporter drops lastTimestamp and writes it as the entry's
	// timestamp, which is therefore the latest occurrence.
	if t, err := time.Parse(time.RFC3339Nano, le.timestamp); err == nil {
		f.Time = t
	}
	f.EventID = le.insertID
	if f.Account != "" && f.Region != "" && f.Cluster != "" && f.Namespace != "" && f.Task != "" {
		f.Links = append(f.Links, failure.Link{
			Title: "Pod in the GKE console",
			URL: "https://console.cloud.google.com/kubernetes/pod/" + url.PathEscape(f.Region) + "/" + url.PathEscape(f.Cluster) + "/" +
				url.PathEscape(f.Namespace) + "/" + url.PathEscape(f.Task) + "/details?project=" + url.QueryEscape(f.Account),
		})
	}
}
