package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/tracegrid/tracegrid/functions/azure"
	"github.com/tracegrid/tracegrid/functions/ecs"
	"github.com/tracegrid/tracegrid/functions/gke"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/kube"
)

// Input kinds explain recognises, as printed to the user.
const (
	kindECS      = "EventBridge ECS event"
	kindAzure    = "Azure event (Event Grid, custom handler request or container group)"
	kindGCP      = "GKE event (Pub/Sub message, CloudEvent or LogEntry)"
	kindK8sEvent = "Kubernetes Event"
	kindDescribe = "kubectl describe pod output"
	kindText     = "error text"
)

// decoded is what explain found in its input.
type decoded struct {
	kind     string
	failures []*failure.Failure
}

// errUnknownJSON is returned for JSON that is none of the supported kinds.
var errUnknownJSON = errors.New("unrecognised JSON: expected an EventBridge ECS event, an Event Grid event, " +
	"an Azure Functions custom-handler request, an ACI container group, a Pub/Sub message or CloudEvent, " +
	"a GKE LogEntry or a Kubernetes Event")

// describeMarkers are lines only `kubectl describe pod` prints together.
var describeMarkers = regexp.MustCompile(`(?m)^\s*(State|Last State|Containers|Events|Exit Code):`)

// yamlEvent recognises a Kubernetes Event in YAML (kubectl get events -o yaml).
var yamlEvent = regexp.MustCompile(`(?m)^\s*(-\s+)?involvedObject:\s*$`)

// detect works out what data is and decodes it into failures. Plain text is
// classified as given on platform (guessed when empty).
func detect(data []byte, platform failure.Platform) (decoded, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return decoded{}, errors.New("empty input: give an event file, '-' for stdin, or pipe error text")
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		return detectJSON(trimmed)
	}
	text := string(trimmed)
	switch {
	case yamlEvent.MatchString(text):
		ev, err := kube.ParseEvent(trimmed)
		if err != nil {
			return decoded{}, fmt.Errorf("%s: %w", kindK8sEvent, err)
		}
		return one(kindK8sEvent, ev.Failure()), nil
	case len(describeMarkers.FindAllString(text, 3)) >= 2:
		f, err := kube.ParseDescribe(text)
		if err != nil {
			return decoded{}, fmt.Errorf("%s: %w", kindDescribe, err)
		}
		return one(kindDescribe, f), nil
	}
	if platform == "" {
		platform = guessPlatform(text)
	}
	return one(kindText, &failure.Failure{Platform: platform, Messages: []string{text}}), nil
}

func one(kind string, f *failure.Failure) decoded {
	if f == nil {
		return decoded{kind: kind}
	}
	return decoded{kind: kind, failures: []*failure.Failure{f}}
}

// detectJSON picks the decoder from the keys of a JSON document.
func detectJSON(data []byte) (decoded, error) {
	var probe any
	if err := json.Unmarshal(data, &probe); err != nil {
		return decoded{}, fmt.Errorf("input looks like JSON but does not parse: %v", err)
	}
	obj, ok := probe.(map[string]any)
	if arr, isArr := probe.([]any); isArr {
		if len(arr) == 0 {
			return decoded{}, errors.New("empty JSON array")
		}
		obj, ok = arr[0].(map[string]any)
		if !ok || !(has(obj, "eventType") || has(obj, "type")) {
			return decoded{}, errUnknownJSON
		}
		return decodeWith(kindAzure, azure.Decode, data)
	}
	if !ok {
		return decoded{}, errUnknownJSON
	}
	typ, _ := obj["type"].(string)
	switch {
	case has(obj, "detail-type"):
		return decodeWith(kindECS, ecs.Decode, data)
	case has(obj, "eventType"), strings.HasPrefix(typ, "Microsoft."),
		has(obj, "Data") && has(obj, "Metadata"), isContainerGroup(obj):
		return decodeWith(kindAzure, azure.Decode, data)
	case strings.HasPrefix(typ, "google.cloud.pubsub"), has(obj, "message"), has(obj, "logName"),
		has(obj, "jsonPayload"), has(obj, "insertId"), isPubsubCloudEvent(obj):
		return decodeWith(kindGCP, gke.Decode, data)
	case has(obj, "involvedObject") || obj["kind"] == "Event":
		ev, err := kube.ParseEvent(data)
		if err != nil {
			return decoded{}, fmt.Errorf("%s: %w", kindK8sEvent, err)
		}
		return one(kindK8sEvent, ev.Failure()), nil
	}
	return decoded{}, errUnknownJSON
}

func decodeWith(kind string, decode func([]byte) ([]*failure.Failure, error), data []byte) (decoded, error) {
	fs, err := decode(data)
	if err != nil {
		return decoded{}, fmt.Errorf("%s: %w", kind, err)
	}
	return decoded{kind: kind, failures: fs}, nil
}

func has(obj map[string]any, key string) bool {
	_, ok := obj[key]
	return ok
}

// isContainerGroup recognises a container group: the body of an ARM GET, or
// `az container show` output (which flattens properties to the top).
func isContainerGroup(obj map[string]any) bool {
	if props, ok := obj["properties"].(map[string]any); ok && has(props, "containers") {
		return true
	}
	return has(obj, "containers") && (has(obj, "provisioningState") || has(obj, "osType"))
}

// isPubsubCloudEvent recognises a structured CloudEvent whose data is a
// Pub/Sub MessagePublishedData.
func isPubsubCloudEvent(obj map[string]any) bool {
	data, ok := obj["data"].(map[string]any)
	return ok && has(data, "message")
}

// platformHints maps wording only one platform uses to that platform.
var platformHints = []struct {
	re       *regexp.Regexp
	platform failure.Platform
}{
	{regexp.MustCompile(`CannotPull|CannotStart|CannotCreate|ResourceInitializationError|Essential container|stoppedReason|RESOURCE:|ecs-svc|Task failed`), failure.ECS},
	{regexp.MustCompile(`container group|InaccessibleImage|Microsoft\.ContainerInstance`), failure.ACI},
	{regexp.MustCompile(`Failed to pull image|Back-off|BackOff|nodes are available|probe failed|MountVolume|pod sandbox|kubelet|Evicted`), failure.Kubernetes},
}

// guessPlatform picks the platform whose wording the text uses; docker when
// none does.
func guessPlatform(text string) failure.Platform {
	for _, h := range platformHints {
		if h.re.MatchString(text) {
			return h.platform
		}
	}
	return failure.Docker
}
