package eventgrid

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/internal/testevents"
)

func TestParseRealPayloads(t *testing.T) {
	tests := []struct {
		file     string
		schema   Schema
		typ, id  string
		n        int
		resource bool
	}{
		{"azure-eventgrid.ResourceWriteFailure.eventgrid-schema.azure-rest-api-specs.json", EventGridSchema, ResourceWriteFailure, "4db48cba-50a2-455a-93b4-de41a3b5b7f6", 1, true},
		{"azure-eventgrid.ResourceWriteFailure.cloudevents-schema.azure-rest-api-specs.json", CloudEventsSchema, ResourceWriteFailure, "4db48cba-50a2-455a-93b4-de41a3b5b7f6", 1, true},
		{"azure-eventgrid.ResourceActionFailure.eventgrid-schema.azure-rest-api-specs.json", EventGridSchema, ResourceActionFailure, "{ID}", 1, true},
		{"azure-eventgrid.ResourceActionFailure.cloudevents-schema.azure-rest-api-specs.json", CloudEventsSchema, ResourceActionFailure, "{ID}", 1, true},
		{"azure-eventgrid.SubscriptionValidationEvent.azure-docs.json", EventGridSchema, SubscriptionValidation, "2d1781af-3a4c-4d7c-bd0c-e34b19da4e66", 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			evs, err := Parse(testevents.Read(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != tt.n {
				t.Fatalf("%d events", len(evs))
			}
			ev := evs[0]
			if ev.Schema != tt.schema || ev.Type != tt.typ || ev.ID != tt.id || ev.IsResourceEvent() != tt.resource {
				t.Errorf("got %+v", ev)
			}
			if !tt.resource {
				return
			}
			if ev.Time.IsZero() || !strings.HasPrefix(ev.Topic, "/subscriptions/") {
				t.Errorf("time %v topic %q", ev.Time, ev.Topic)
			}
			d, err := ev.ResourceData()
			if err != nil || d.CorrelationID == "" || d.ResourceURI == "" || d.OperationName == "" {
				t.Errorf("data %+v: %v", d, err)
			}
		})
	}
}

func TestParseShapes(t *testing.T) {
	one := testevents.Read(t, "azure-eventgrid.ResourceWriteFailure.eventgrid-schema.azure-rest-api-specs.json")
	ce := testevents.Read(t, "azure-eventgrid.ResourceWriteFailure.cloudevents-schema.azure-rest-api-specs.json")
	asString, _ := json.Marshal(string(one))
	tests := []struct {
		name string
		body string
		n    int
		err  string
	}{
		{"array as Event Grid delivers", "[" + string(one) + "," + string(ce) + "]", 2, ""},
		{"JSON string holding the event", string(asString), 1, ""},
		{"empty", "  ", 0, "empty body"},
		{"empty array", "[]", 0, "empty event array"},
		{"number", "42", 0, "not a JSON object or array"},
		{"object without type", `{"id":"x","data":{}}`, 0, "not an Event Grid event"},
		{"type without id", `{"eventType":"Microsoft.Resources.ResourceWriteFailure"}`, 0, "not an Event Grid event"},
		{"string of a string", `"\"x\""`, 0, "does not hold an event"},
		{"binary CloudEvent", `{"specversion":"1.0","id":"1","type":"t","source":"s","data_base64":"AAEC"}`, 0, "data_base64"},
		{"array with a bad member", "[" + string(one) + ",{}]", 0, "event 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := Parse([]byte(tt.body))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || len(evs) != tt.n {
				t.Fatalf("%d events, %v", len(evs), err)
			}
		})
	}
}

// FuzzParse feeds both schemas, single and batched, and checks that Parse
// never panics and that what it accepts is a usable event.
func FuzzParse(f *testing.F) {
	for _, name := range []string{
		"azure-eventgrid.ResourceWriteFailure.eventgrid-schema.azure-rest-api-specs.json",
		"azure-eventgrid.ResourceWriteFailure.cloudevents-schema.azure-rest-api-specs.json",
		"azure-eventgrid.ResourceActionFailure.eventgrid-schema.azure-rest-api-specs.json",
		"azure-eventgrid.ResourceActionFailure.cloudevents-schema.azure-rest-api-specs.json",
		"azure-eventgrid.SubscriptionValidationEvent.azure-docs.json",
	} {
		b := testevents.Read(f, name)
		f.Add(b)
		f.Add([]byte("[" + string(b) + "]"))
	}
	f.Add([]byte(`"{\"id\":\"1\",\"eventType\":\"x\"}"`))
	f.Fuzz(func(t *testing.T, body []byte) {
		evs, err := Parse(body)
		if err != nil {
			return
		}
		if len(evs) == 0 {
			t.Fatal("no error and no events")
		}
		for _, ev := range evs {
			if ev.ID == "" || ev.Type == "" || (ev.Schema != EventGridSchema && ev.Schema != CloudEventsSchema) {
				t.Fatalf("accepted an unusable event %+v", ev)
			}
			_, _ = ev.ResourceData()
		}
	})
}
