package azure

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/internal/testevents"
)

func TestDecode(t *testing.T) {
	capacity := resourceEvent(t, egFailure, "shop-batch", "2b7d4c1a-6f0e-4e4b-9a8d-1c2e3f4a5b6c")
	quotaCE := resourceEvent(t, ceFailure, "shop-reports", "8c4e2a9f-1b3d-4f6a-8e0c-7d5b3a1f9e2d")
	eg, _ := json.Marshal(capacity)
	ce, _ := json.Marshal(quotaCE)
	group, err := os.ReadFile(filepath.Join(testevents.Dir, "azure-aci.containerGroups-GET.Failed.2025-09-01.azure-rest-api-specs.json"))
	if err != nil {
		t.Fatal(err)
	}
	crash, err := os.ReadFile("testdata/arm/groups/shop-api.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		body   []byte
		tasks  []string
		reason string
		err    string
	}{
		{"Event Grid schema object", eg, []string{"shop-batch"}, "ResourceWriteFailure", ""},
		{"CloudEvents schema object", ce, []string{"shop-reports"}, "ResourceWriteFailure", ""},
		{"array of both", []byte("[" + string(eg) + "," + string(ce) + "]"), []string{"shop-batch", "shop-reports"}, "ResourceWriteFailure", ""},
		{"custom handler envelope, event object", envelope(capacity, false), []string{"shop-batch"}, "ResourceWriteFailure", ""},
		{"custom handler envelope, event as a JSON string", envelope(quotaCE, true), []string{"shop-reports"}, "ResourceWriteFailure", ""},
		{"REST API example of a Failed container group GET", group, []string{"demo1"}, "FailedMount", ""},
		{"container group GET body", crash, []string{"shop-api"}, "Error", ""},
		// Failed operations on other resource types name no container group.
		{"published sample is a storage account", testevents.Read(t, egFailure), nil, "", "Microsoft.Storage/storageAccounts/{storage-name} is not a container group"},
		{"DERIVED envelope sample is a storage account", testevents.Read(t, "azure-functions-custom-handler.request.eventGridTrigger.DERIVED.json"), nil, "", "is not a container group"},
		{"action on an Event Hubs rule", testevents.Read(t, "azure-eventgrid.ResourceActionFailure.cloudevents-schema.azure-rest-api-specs.json"), nil, "", "is not a container group"},
		{"resource group itself", []byte(`{"id":"1","eventType":"Microsoft.Resources.ResourceWriteFailure","subject":"/subscriptions/s/resourceGroups/rg","data":{"resourceUri":"/subscriptions/s/resourceGroups/rg"}}`), nil, "", "not a container group"},
		{"validation handshake", testevents.Read(t, "azure-eventgrid.SubscriptionValidationEvent.azure-docs.json"), nil, "", "subscription validation"},
		{"envelope of another trigger", testevents.Read(t, "azure-functions-custom-handler.request.queueTrigger.azure-docs.json"), nil, "", ""},
		{"not JSON", []byte("Failed to pull image"), nil, "", "not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := Decode(tt.body)
			if tt.err != "" || tt.tasks == nil {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || len(fs) != len(tt.tasks) {
				t.Fatalf("%d failures, %v", len(fs), err)
			}
			for i, f := range fs {
				if f.Task != tt.tasks[i] || f.Reason != tt.reason || f.Platform != "aci" || f.EventID == "" {
					t.Errorf("failure %d: %+v", i, f)
				}
			}
		})
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzDecode covers every input Decode accepts: Event Grid events in both
// schemas (single or batched), the custom handler envelope, and container
// group GET bodies, seeded from the real payloads.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{
		egFailure, ceFailure,
		"azure-eventgrid.ResourceActionFailure.eventgrid-schema.azure-rest-api-specs.json",
		"azure-eventgrid.ResourceActionFailure.cloudevents-schema.azure-rest-api-specs.json",
		"azure-functions-custom-handler.request.eventGridTrigger.DERIVED.json",
		"azure-aci.containerGroups-GET.Failed.2025-09-01.azure-rest-api-specs.json",
	} {
		f.Add(testevents.Read(f, name))
	}
	f.Add(mustRead(f, "testdata/arm/groups/shop-worker.json"))
	f.Add(mustRead(f, "testdata/arm/groups/shop-web-auth.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		fs, err := Decode(body)
		if err != nil {
			return
		}
		for _, x := range fs {
			if x == nil || x.Platform != "aci" || x.EventID == "" {
				t.Fatalf("bad failure %+v", x)
			}
			_ = x.Resource()
		}
	})
}
