package azure

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/tracegrid/tracegrid/functions/azure/aci"
	"github.com/tracegrid/tracegrid/functions/azure/customhandler"
	"github.com/tracegrid/tracegrid/functions/azure/eventgrid"
	"github.com/tracegrid/tracegrid/shared/failure"
)

// EventBinding is the name of the eventGridTrigger binding in
// app/AciEvent/function.json.
const EventBinding = "eventGridEvent"

// Decode turns one input into failures without any API call. It accepts
// Event Grid events in either schema (one object or an array), a custom
// handler request envelope carrying one, or a container group GET body (its
// instanceView becomes failures). Events that are not failures of a
// container group yield an error saying why, when nothing else was found.
func Decode(body []byte) ([]*failure.Failure, error) {
	raw, err := eventPayload(body)
	if err != nil {
		return nil, err
	}
	evs, evErr := eventgrid.Parse(raw)
	if evErr != nil {
		if g, err := aci.ParseGroup(raw); err == nil {
			return aci.Failures(g, time.Time{}), nil
		}
		return nil, evErr
	}
	var out []*failure.Failure
	var skipped []string
	for _, ev := range evs {
		f, why := fromEvent(ev)
		if f == nil {
			skipped = append(skipped, fmt.Sprintf("event %s: %s", ev.ID, why))
			continue
		}
		out = append(out, f)
	}
	if len(out) == 0 && len(skipped) > 0 {
		return nil, errors.New("azure: no container group failure: " + strings.Join(skipped, "; "))
	}
	return out, nil
}

// eventPayload returns the Event Grid payload of body: the trigger binding
// when body is a custom handler envelope, else body itself.
func eventPayload(body []byte) ([]byte, error) {
	if !customhandler.IsRequest(body) {
		return body, nil
	}
	req, err := customhandler.ParseRequest(body)
	if err != nil {
		return nil, err
	}
	if raw, ok := req.Binding(EventBinding); ok {
		return raw, nil
	}
	if len(req.Data) == 1 {
		for name := range req.Data {
			raw, _ := req.Binding(name)
			return raw, nil
		}
	}
	return nil, fmt.Errorf("azure: custom handler request has no %q binding", EventBinding)
}

// fromEvent builds the failure a resource event describes, before any
// enrichment. It returns nil and the reason when the event is not a
// container group failure: a failed operation on another resource type
// (a storage account, an Event Hubs rule) names no container group.
func fromEvent(ev eventgrid.Event) (*failure.Failure, string) {
	switch {
	case ev.Type == eventgrid.SubscriptionValidation:
		return nil, "subscription validation handshake (the Functions trigger answers it)"
	case !ev.IsResourceEvent():
		return nil, "event type " + ev.Type + " is not a resource event"
	}
	data, err := ev.ResourceData()
	if err != nil {
		return nil, err.Error()
	}
	uri := firstNonEmpty(data.ResourceURI, ev.Subject)
	id, ok := aci.ParseID(uri)
	if !ok {
		return nil, "resource " + uri + " is not a container group"
	}
	switch ev.Type {
	case eventgrid.ResourceWriteFailure, eventgrid.ResourceActionFailure:
	case eventgrid.ResourceWriteSuccess, eventgrid.ResourceActionSuccess:
		return nil, "operation succeeded (the container group is checked for runtime failures when enrichment is on)"
	default:
		return nil, "event type " + ev.Type + " is not a failure"
	}
	f := &failure.Failure{
		Platform:      failure.ACI,
		Account:       firstNonEmpty(data.SubscriptionID, id.Subscription),
		ResourceGroup: id.ResourceGroup,
		Workload:      id.Name,
		Task:          id.Name,
		Reason:        strings.TrimPrefix(ev.Type, "Microsoft.Resources."),
		Time:          ev.Time,
		EventID:       ev.ID,
		Messages:      []string{strings.TrimSpace(data.OperationName + " " + data.Status)},
		Details:       map[string]string{},
	}
	if data.OperationName != "" {
		f.Details["operation"] = data.OperationName
	}
	if data.CorrelationID != "" {
		f.Details["correlation id"] = data.CorrelationID
	}
	return f, ""
}

// inaccessibleImage finds the image an ARM InaccessibleImage error names:
// "The image 'agoacontainer/agoa:v1' in container group 'agoa' is not accessible."
var inaccessibleImage = regexp.MustCompile(`[Tt]he image '([^']+)' in container group`)

// armLocation finds the region capacity and quota errors name: "... not
// available in the location 'uksouth' ..." or "... exceeded in region 'eastus'."
var armLocation = regexp.MustCompile(`in (?:the )?(?:location|region) '([A-Za-z0-9]+)'`)

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
