// Package aci turns an Azure Container Instances container group, as ARM
// returns it (properties, instanceView, containers' states and events), into
// Tracegrid failures. It makes no API calls: the same code serves the timer
// scan, the Event Grid enrichment and the CLI reading a saved GET body.
package aci

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerinstance/armcontainerinstance/v2"
	"github.com/tracegrid/tracegrid/shared/failure"
)

// ResourceType is the ARM type of a container group.
const ResourceType = "Microsoft.ContainerInstance/containerGroups"

// ID is a parsed container group resource id.
type ID struct {
	Subscription  string
	ResourceGroup string
	Name          string
}

// ParseID reads /subscriptions/{s}/resourceGroups/{rg}/providers/
// Microsoft.ContainerInstance/containerGroups/{name}[/...] (ARM ids are case
// insensitive). ok is false for any other resource.
func ParseID(id string) (ID, bool) {
	parts := strings.Split(strings.Trim(id, "/"), "/")
	if len(parts) < 8 || !strings.EqualFold(parts[0], "subscriptions") || !strings.EqualFold(parts[2], "resourceGroups") ||
		!strings.EqualFold(parts[4], "providers") || !strings.EqualFold(parts[5]+"/"+parts[6], ResourceType) {
		return ID{}, false
	}
	if parts[1] == "" || parts[3] == "" || parts[7] == "" {
		return ID{}, false
	}
	return ID{Subscription: parts[1], ResourceGroup: parts[3], Name: parts[7]}, true
}

// ParseGroup decodes a container group GET body. It also accepts the REST
// API specification's example form ({"responses":{"200":{"body":...}}}), in
// which Azure publishes real response bodies, and `az container show`
// output, which lifts "properties" into the group and each container.
func ParseGroup(body []byte) (*armcontainerinstance.ContainerGroup, error) {
	var probe struct {
		Responses map[string]struct {
			Body json.RawMessage `json:"body"`
		} `json:"responses"`
		Properties json.RawMessage `json:"properties"`
		Containers json.RawMessage `json:"containers"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return nil, fmt.Errorf("aci: decode container group: %w", err)
	}
	switch {
	case len(probe.Properties) > 0:
	case len(probe.Containers) > 0:
		var err error
		if body, err = unflatten(body); err != nil {
			return nil, err
		}
	default:
		if r, ok := probe.Responses["200"]; ok && len(r.Body) > 0 {
			body = r.Body
		}
	}
	var g armcontainerinstance.ContainerGroup
	if err := json.Unmarshal(body, &g); err != nil {
		return nil, fmt.Errorf("aci: decode container group: %w", err)
	}
	if g.Properties == nil || g.ID == nil || !bytes.Contains(bytes.ToLower(body), []byte(strings.ToLower(ResourceType))) {
		return nil, errors.New("aci: not a container group (no id, type or properties)")
	}
	return &g, nil
}

// resourceKeys stay at the top of a resource when az output is folded
// back into ARM's shape; every other key belongs in "properties".
var resourceKeys = map[string]bool{"id": true, "name": true, "type": true, "location": true, "tags": true, "zones": true, "identity": true}

// unflatten turns `az container show` output back into an ARM body.
func unflatten(body []byte) ([]byte, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, fmt.Errorf("aci: decode container group: %w", err)
	}
	var containers []map[string]json.RawMessage
	if err := json.Unmarshal(top["containers"], &containers); err != nil {
		return nil, fmt.Errorf("aci: decode containers: %w", err)
	}
	arm := map[string]any{}
	props := map[string]any{}
	for k, v := range top {
		switch {
		case resourceKeys[k]:
			arm[k] = v
		case k != "containers" && k != "resourceGroup":
			props[k] = v
		}
	}
	cs := make([]any, 0, len(containers))
	for _, c := range containers {
		name := c["name"]
		delete(c, "name")
		cs = append(cs, map[string]any{"name": name, "properties": c})
	}
	props["containers"] = cs
	arm["properties"] = props
	return json.Marshal(arm)
}

// normalEvents are instanceView event names of a healthy start.
var normalEvents = map[string]bool{
	"Pulling": true, "Pulled": true, "Created": true, "Started": true, "Scheduled": true,
	"SuccessfulMountVolume": true,
}

// notable reports whether an instanceView event says something went wrong:
// every Warning, and Normal events that are not part of a healthy start
// (ACI reports BackOff and FailedMount as Normal).
func notable(e *armcontainerinstance.Event) bool {
	if e == nil {
		return false
	}
	return str(e.Type) == "Warning" || !normalEvents[str(e.Name)]
}

// Base returns the failure skeleton every report about g starts from: its
// names, location and the facts worth showing.
func Base(g *armcontainerinstance.ContainerGroup) *failure.Failure {
	f := &failure.Failure{Platform: failure.ACI, Region: str(g.Location), Details: map[string]string{}}
	if id, ok := ParseID(str(g.ID)); ok {
		f.Account, f.ResourceGroup = id.Subscription, id.ResourceGroup
	}
	f.Workload, f.Task = str(g.Name), str(g.Name)
	p := g.Properties
	if p == nil {
		return f
	}
	if s := str(p.ProvisioningState); s != "" {
		f.Details["provisioning state"] = s
	}
	if p.InstanceView != nil && str(p.InstanceView.State) != "" {
		f.Details["group state"] = str(p.InstanceView.State)
	}
	if p.RestartPolicy != nil {
		f.Details["restart policy"] = string(*p.RestartPolicy)
	}
	f.Details["registry credentials"] = registryCredentials(p.ImageRegistryCredentials)
	if len(p.Containers) == 1 && p.Containers[0] != nil {
		fillContainer(f, p.Containers[0])
	}
	return f
}

func registryCredentials(creds []*armcontainerinstance.ImageRegistryCredential) string {
	var out []string
	for _, c := range creds {
		if c == nil {
			continue
		}
		s := str(c.Server)
		switch {
		case str(c.Identity) != "":
			s += " (managed identity)"
		case str(c.Username) != "":
			s += " (user " + str(c.Username) + ")"
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return "none configured"
	}
	return strings.Join(out, ", ")
}

func fillContainer(f *failure.Failure, c *armcontainerinstance.Container) {
	f.Container = str(c.Name)
	if c.Properties == nil {
		return
	}
	f.Image = str(c.Properties.Image)
	if r := c.Properties.Resources; r != nil && r.Requests != nil {
		if r.Requests.MemoryInGB != nil {
			f.Details["memory request"] = strconv.FormatFloat(*r.Requests.MemoryInGB, 'f', -1, 64) + " GB"
		}
		if r.Requests.CPU != nil {
			f.Details["cpu request"] = strconv.FormatFloat(*r.Requests.CPU, 'f', -1, 64)
		}
	}
	if r := c.Properties.Resources; r != nil && r.Limits != nil && r.Limits.MemoryInGB != nil {
		f.Details["memory limit"] = strconv.FormatFloat(*r.Limits.MemoryInGB, 'f', -1, 64) + " GB"
	}
	if iv := c.Properties.InstanceView; iv != nil && iv.RestartCount != nil {
		f.Details["restart count"] = strconv.Itoa(int(*iv.RestartCount))
	}
}

// Failures lists the failures g shows now: one per failing container (image
// pull errors, Waiting or Terminated with a reason, restarts, OOM kills,
// Warning events) and one for the group when its provisioning failed and no
// container explains it. Restarts of a container that is Running again count
// only when they ended after since (zero: always), so a crash loop that
// settled is not reported forever. Each failure's EventID is stable for as
// long as the failure stays the same, so repeated scans dedup.
func Failures(g *armcontainerinstance.ContainerGroup, since time.Time) []*failure.Failure {
	if g == nil || g.Properties == nil {
		return nil
	}
	p := g.Properties
	if p.InstanceView != nil && str(p.ProvisioningState) != "Failed" {
		switch str(p.InstanceView.State) {
		case "Stopped", "Succeeded":
			// Stopped by a user, or a run-to-completion group that
			// completed: expected ends, not failures.
			return nil
		}
	}
	var out []*failure.Failure
	for _, c := range p.Containers {
		if f := containerFailure(g, c, since); f != nil {
			out = append(out, f)
		}
	}
	if len(out) > 0 {
		return out
	}
	provisioning := str(p.ProvisioningState)
	state := ""
	var events []*armcontainerinstance.Event
	if p.InstanceView != nil {
		state = str(p.InstanceView.State)
		events = p.InstanceView.Events
	}
	if provisioning != "Failed" && state != "Failed" {
		return nil
	}
	f := Base(g)
	notes := notableEvents(events)
	for _, e := range notes {
		f.Messages = append(f.Messages, str(e.Message))
	}
	key := "provisioning=" + provisioning + "/state=" + state
	if len(notes) > 0 {
		f.Reason = str(notes[0].Name)
		key += "/" + eventKey(notes[0])
		f.Time = timeOf(notes[0].LastTimestamp)
	} else {
		f.Reason = "ProvisioningFailed"
		f.Messages = append(f.Messages, "container group provisioning state "+provisioning+", state "+state)
	}
	f.EventID = str(g.ID) + "#" + key
	return []*failure.Failure{f}
}

func containerFailure(g *armcontainerinstance.ContainerGroup, c *armcontainerinstance.Container, since time.Time) *failure.Failure {
	if c == nil || c.Properties == nil || c.Properties.InstanceView == nil {
		return nil
	}
	iv := c.Properties.InstanceView
	cur, prev := iv.CurrentState, iv.PreviousState
	restarts := 0
	if iv.RestartCount != nil {
		restarts = int(*iv.RestartCount)
	}
	// Events older than the current run belong to a run that is over.
	var warnings, others []*armcontainerinstance.Event
	for _, e := range notableEvents(iv.Events) {
		if stateIs(cur, "Running") && !after(e.LastTimestamp, cur.StartTime) {
			continue
		}
		if str(e.Type) == "Warning" {
			warnings = append(warnings, e)
		} else {
			others = append(others, e)
		}
	}
	f := Base(g)
	fillContainer(f, c)
	var key string
	switch {
	case len(warnings) > 0:
		// Warning events: image pull failures and the like.
		for _, e := range warnings {
			f.Messages = append(f.Messages, str(e.Message))
		}
		f.Reason = str(warnings[0].Name)
		f.Time = timeOf(warnings[0].LastTimestamp)
		key = "event/" + eventKey(warnings[0])
		addState(f, cur)
	case stateIs(cur, "Waiting") && str(cur.DetailStatus) != "":
		// A back-off after a termination: how the last run ended (OOMKilled,
		// exit code) is the more specific fact, so it goes first.
		f.Reason = reasonOf(cur)
		if stateIs(prev, "Terminated") {
			addState(f, prev)
			f.Reason = reasonOf(prev)
		}
		addState(f, cur)
		f.Time = timeOf(cur.StartTime)
		key = "waiting/" + str(cur.DetailStatus)
	case stateIs(cur, "Terminated") && terminatedBadly(g, cur):
		addState(f, cur)
		f.Reason = reasonOf(cur)
		f.Time = timeOf(cur.FinishTime)
		key = "terminated/" + stamp(cur.FinishTime)
	case stateIs(prev, "Terminated") && restarts > 0 && terminatedBadly(g, prev) &&
		(since.IsZero() || (prev.FinishTime != nil && prev.FinishTime.After(since))):
		addState(f, prev)
		f.Reason = reasonOf(prev)
		f.Time = timeOf(prev.FinishTime)
		key = "restarted/" + stamp(prev.FinishTime)
	case len(others) > 0 && !stateIs(cur, "Running"):
		f.Reason = str(others[0].Name)
		f.Time = timeOf(others[0].LastTimestamp)
		key = "event/" + eventKey(others[0])
	default:
		return nil
	}
	// Normal events that still say something (BackOff, Killing) come last.
	for _, e := range others {
		f.Messages = append(f.Messages, str(e.Message))
	}
	f.EventID = str(g.ID) + "/containers/" + str(c.Name) + "#restarts=" + strconv.Itoa(restarts) + "/" + key
	return f
}

// addState appends what a container state says (detailStatus, exit code).
func addState(f *failure.Failure, s *armcontainerinstance.ContainerState) {
	if s == nil || str(s.State) == "" {
		return
	}
	msg := str(s.DetailStatus)
	if s.ExitCode != nil {
		if f.ExitCode == nil {
			f.ExitCode = failure.IntPtr(int(*s.ExitCode))
		}
		if msg == "" {
			msg = str(s.State)
		}
		msg += " (exit code " + strconv.Itoa(int(*s.ExitCode)) + ")"
	}
	if msg == "" {
		return
	}
	if str(s.State) == "Terminated" && f.Reason == "" {
		f.Reason = reasonOf(s)
	}
	f.Messages = append(f.Messages, msg)
}

// terminatedBadly reports whether a terminated state is a failure: any non-zero
// exit or OOM kill, and a clean exit too when the restart policy is Always
// (the process should have run forever).
func terminatedBadly(g *armcontainerinstance.ContainerGroup, s *armcontainerinstance.ContainerState) bool {
	if strings.Contains(str(s.DetailStatus), "OOMKilled") {
		return true
	}
	if s.ExitCode != nil && *s.ExitCode != 0 {
		return true
	}
	if s.ExitCode == nil && str(s.DetailStatus) != "" && str(s.DetailStatus) != "Completed" {
		return true
	}
	p := g.Properties
	return p.RestartPolicy == nil || *p.RestartPolicy == armcontainerinstance.ContainerGroupRestartPolicyAlways
}

func reasonOf(s *armcontainerinstance.ContainerState) string {
	d := str(s.DetailStatus)
	if i := strings.IndexByte(d, ':'); i > 0 {
		d = d[:i]
	}
	if d == "" {
		return str(s.State)
	}
	return d
}

// notableEvents returns the events worth reporting, newest first.
func notableEvents(evs []*armcontainerinstance.Event) []*armcontainerinstance.Event {
	var out []*armcontainerinstance.Event
	for _, e := range evs {
		if notable(e) {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		// Warnings first, then newest first.
		wi, wj := str(out[i].Type) == "Warning", str(out[j].Type) == "Warning"
		if wi != wj {
			return wi
		}
		return after(out[i].LastTimestamp, out[j].LastTimestamp)
	})
	return out
}

// eventKey identifies one occurrence of an event: repeats of the same event
// bump its count and lastTimestamp but keep name and firstTimestamp.
func eventKey(e *armcontainerinstance.Event) string {
	return str(e.Name) + "@" + stamp(e.FirstTimestamp)
}

// Recovered returns the recovery report for g when it is Running with every
// container Running and nothing failing. It is never posted on its own: the
// notifier only uses it to close an incident it opened.
func Recovered(g *armcontainerinstance.ContainerGroup, since time.Time) (*failure.Failure, bool) {
	if g == nil || g.Properties == nil || g.Properties.InstanceView == nil || str(g.Properties.InstanceView.State) != "Running" {
		return nil, false
	}
	if len(Failures(g, since)) > 0 {
		return nil, false
	}
	var starts []string
	for _, c := range g.Properties.Containers {
		if c == nil || c.Properties == nil || c.Properties.InstanceView == nil || !stateIs(c.Properties.InstanceView.CurrentState, "Running") {
			return nil, false
		}
		starts = append(starts, str(c.Name)+"@"+stamp(c.Properties.InstanceView.CurrentState.StartTime))
	}
	f := Base(g)
	f.Recovered = true
	f.Reason = "Running"
	f.Messages = []string{"container group " + str(g.Name) + " is Running"}
	f.EventID = str(g.ID) + "#running/" + strings.Join(starts, ",")
	if cs := g.Properties.Containers; len(cs) == 1 {
		// The image that worked, for the registry check's history.
		f.Image = str(cs[0].Properties.Image)
		if t := cs[0].Properties.InstanceView.CurrentState.StartTime; t != nil {
			f.Time = *t
		}
	}
	return f, true
}

func stateIs(s *armcontainerinstance.ContainerState, state string) bool {
	return s != nil && str(s.State) == state
}

// after reports whether a is later than b; a nil time is never later.
func after(a, b *time.Time) bool {
	if a == nil {
		return false
	}
	if b == nil {
		return true
	}
	return a.After(*b)
}

func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
