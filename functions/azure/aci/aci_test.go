package aci

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerinstance/armcontainerinstance/v2"
)

func group(t *testing.T, path string) *armcontainerinstance.ContainerGroup {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g, err := ParseGroup(b)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestFailures(t *testing.T) {
	tests := []struct {
		file      string
		n         int
		container string
		reason    string
		first     string // Messages[0] contains
		exit      int    // -1: none
		details   map[string]string
	}{
		// The real REST API example: provisioning Failed, an Azure Files mount error at group level.
		{"../../../testdata/events/azure-aci.containerGroups-GET.Failed.2025-09-01.azure-rest-api-specs.json", 1, "demo1", "FailedMount",
			"mount error(2): Permission denied", -1, map[string]string{"provisioning state": "Failed", "registry credentials": "azcloudconsoleregistry.azurecr.io (user azcloudconsoleregistry)"}},
		{"../testdata/arm/groups/shop-web-notfound.json", 1, "web", "Failed", "image t/aci-hellowrld:latest not found", -1, map[string]string{"registry credentials": "none configured"}},
		{"../testdata/arm/groups/shop-api.json", 1, "api", "Error", "Error (exit code 1)", 1, map[string]string{"restart count": "15"}},
		{"../testdata/arm/groups/shop-worker.json", 1, "worker", "OOMKilled", "OOMKilled (exit code 137)", 137, map[string]string{"memory request": "0.5 GB"}},
		{"../testdata/arm/groups/shop-cache.json", 0, "", "", "", -1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			fs := Failures(group(t, tt.file), time.Time{})
			if len(fs) != tt.n {
				t.Fatalf("%d failures: %+v", len(fs), fs)
			}
			if tt.n == 0 {
				return
			}
			f := fs[0]
			if f.Container != tt.container || f.Reason != tt.reason || !strings.Contains(f.Messages[0], tt.first) {
				t.Errorf("container %q reason %q messages %q", f.Container, f.Reason, f.Messages)
			}
			if (tt.exit < 0) != (f.ExitCode == nil) || (f.ExitCode != nil && *f.ExitCode != tt.exit) {
				t.Errorf("exit code %v", f.ExitCode)
			}
			for k, v := range tt.details {
				if f.Details[k] != v {
					t.Errorf("detail %q = %q, want %q", k, f.Details[k], v)
				}
			}
			if f.Account == "" || f.ResourceGroup == "" || f.Task == "" || f.Region == "" || !strings.Contains(f.EventID, "/containerGroups/") {
				t.Errorf("names %+v", f)
			}
		})
	}
}

func TestRestartOfARunningContainerCountsOnlyWhenRecent(t *testing.T) {
	g := group(t, "../testdata/arm/groups/shop-worker.json")
	iv := g.Properties.Containers[0].Properties.InstanceView
	running := "Running"
	start := iv.PreviousState.FinishTime.Add(time.Second)
	iv.CurrentState = &armcontainerinstance.ContainerState{State: &running, StartTime: &start}
	g.Properties.InstanceView.State = &running
	if fs := Failures(g, iv.PreviousState.FinishTime.Add(-time.Minute)); len(fs) != 1 || fs[0].Reason != "OOMKilled" {
		t.Errorf("recent OOM restart: %+v", fs)
	}
	later := iv.PreviousState.FinishTime.Add(time.Hour)
	if fs := Failures(g, later); len(fs) != 0 {
		t.Errorf("old restart still reported: %+v", fs)
	}
	if r, ok := Recovered(g, later); !ok || !r.Recovered || r.EventID == "" {
		t.Errorf("settled group not recovered: %+v", r)
	}
	if _, ok := Recovered(group(t, "../testdata/arm/groups/shop-api.json"), later); ok {
		t.Error("crash-looping group reported as recovered")
	}
}

func TestEventIDsAreStablePerFailure(t *testing.T) {
	a := Failures(group(t, "../testdata/arm/groups/shop-web-auth.json"), time.Time{})[0]
	g := group(t, "../testdata/arm/groups/shop-web-auth.json")
	// Another pull retry: the event's count and lastTimestamp move on.
	ev := g.Properties.Containers[0].Properties.InstanceView.Events[1]
	*ev.Count++
	later := ev.LastTimestamp.Add(5 * time.Minute)
	ev.LastTimestamp = &later
	if b := Failures(g, time.Time{})[0]; b.EventID != a.EventID {
		t.Errorf("retry of the same pull failure changed the id: %q vs %q", a.EventID, b.EventID)
	}
	c := group(t, "../testdata/arm/groups/shop-api.json")
	before := Failures(c, time.Time{})[0].EventID
	*c.Properties.Containers[0].Properties.InstanceView.RestartCount++
	if after := Failures(c, time.Time{})[0].EventID; after == before {
		t.Error("a new restart kept the same id")
	}
}

func TestParseID(t *testing.T) {
	tests := []struct {
		in string
		ok bool
		id ID
	}{
		{"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/g1", true, ID{"s1", "rg", "g1"}},
		{"/subscriptions/s1/resourcegroups/rg/providers/microsoft.containerinstance/containergroups/g1/containers/c", true, ID{"s1", "rg", "g1"}},
		{"/subscriptions/{subscription-id}/resourcegroups/{resource-group}/providers/Microsoft.Storage/storageAccounts/{storage-name}", false, ID{}},
		{"/subscriptions/s1/resourceGroups/rg", false, ID{}},
		{"", false, ID{}},
	}
	for _, tt := range tests {
		id, ok := ParseID(tt.in)
		if ok != tt.ok || id != tt.id {
			t.Errorf("ParseID(%q) = %+v, %v", tt.in, id, ok)
		}
	}
}

func TestParseGroupRejectsOtherJSON(t *testing.T) {
	for _, body := range []string{`{}`, `{"properties":{}}`, `[]`, `{"id":"/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/x","properties":{}}`} {
		if _, err := ParseGroup([]byte(body)); err == nil {
			t.Errorf("%s accepted", body)
		}
	}
}

func TestParseGroupAzContainerShowOutput(t *testing.T) {
	// `az container show` lifts properties up; the result must read the same
	// as the ARM body it came from.
	az := group(t, "../testdata/az-container-show.shop-worker.json")
	arm := group(t, "../testdata/arm/groups/shop-worker.json")
	a, b := Failures(az, time.Time{}), Failures(arm, time.Time{})
	if len(a) != 1 || len(b) != 1 || a[0].EventID != b[0].EventID || a[0].Reason != b[0].Reason || a[0].Image != b[0].Image {
		t.Fatalf("az %+v\narm %+v", a, b)
	}
}

func TestExpectedEndsAreNotFailures(t *testing.T) {
	for _, state := range []string{"Stopped", "Succeeded"} {
		g := group(t, "../testdata/arm/groups/shop-api.json")
		s := state
		g.Properties.InstanceView.State = &s
		if fs := Failures(g, time.Time{}); len(fs) != 0 {
			t.Errorf("group %s: %+v", state, fs)
		}
	}
	// A run-to-completion container that exited 0 is done, not failed.
	g := group(t, "../testdata/arm/groups/shop-api.json")
	never := armcontainerinstance.ContainerGroupRestartPolicyNever
	g.Properties.RestartPolicy = &never
	iv := g.Properties.Containers[0].Properties.InstanceView
	terminated, completed, zero := "Terminated", "Completed", int32(0)
	iv.CurrentState = &armcontainerinstance.ContainerState{State: &terminated, DetailStatus: &completed, ExitCode: &zero, FinishTime: iv.PreviousState.FinishTime}
	iv.PreviousState = nil
	if fs := Failures(g, time.Time{}); len(fs) != 0 {
		t.Errorf("completed job: %+v", fs)
	}
}
