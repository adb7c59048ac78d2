package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/functions/azure/internal/armfake"
	"github.com/tracegrid/tracegrid/internal/localproc"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

// These tests build the handler binary and drive it the way the Azure
// Functions host does: start it with FUNCTIONS_CUSTOMHANDLER_PORT and the app
// settings, then POST custom handler requests for the eventGridTrigger
// (AciEvent) and the timerTrigger (AciScan). ARM is a local server serving
// recorded responses (the real azidentity and armcontainerinstance clients
// talk to it); Slack is a local Web API that records chat.postMessage.

const (
	sub        = "5f3b2c1e-8a4d-4c6f-9b7e-2d1a0c9e8f7a"
	slackToken = "xoxb-e2e-token"
)

var handlerBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tracegrid-azure-e2e")
	if err != nil {
		panic(err)
	}
	if handlerBin, err = localproc.Build(dir, "handler", localproc.GoBuild{Package: "."}); err != nil {
		fmt.Fprintln(os.Stderr, "build handler:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// slackPost is one top-level Slack message as the tests read it.
type slackPost struct {
	Channel  string
	Cause    string
	Resource string
	Text     string // the fallback text and every text of the blocks, joined
}

// posts reads the fake Slack's top-level messages and fails the test on any
// request that broke Slack's rules.
func posts(t *testing.T, slack *fakeslack.Server) []slackPost {
	t.Helper()
	if p := slack.Problems(); len(p) > 0 {
		t.Errorf("requests Slack would refuse: %q", p)
	}
	var out []slackPost
	for _, m := range slack.Messages() {
		p := slackPost{Channel: m.Channel}
		if m.Metadata == nil || m.Metadata.EventType != "tracegrid_failure" {
			t.Errorf("message without tracegrid metadata: %+v", m.Metadata)
		} else {
			p.Cause, _ = m.Metadata.EventPayload["cause"].(string)
			p.Resource, _ = m.Metadata.EventPayload["resource"].(string)
		}
		var blocks any
		_ = json.Unmarshal([]byte(m.BlocksJSON), &blocks)
		p.Text = m.Text + "\n" + strings.Join(texts(blocks), "\n")
		out = append(out, p)
	}
	return out
}

// texts collects every "text" string in a decoded Block Kit tree.
func texts(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "text" {
				out = append(out, s)
			} else {
				out = append(out, texts(x)...)
			}
		}
	case []any:
		for _, x := range v {
			out = append(out, texts(x)...)
		}
	}
	return out
}

func newSlack(t *testing.T) *fakeslack.Server {
	s := fakeslack.New(slackToken)
	t.Cleanup(s.Close)
	return s
}

// handler is one running handler process.
type handler struct {
	url string
	out *localproc.Buffer
}

func startHandler(t *testing.T, slack *fakeslack.Server, arm *armfake.Server, extra ...string) *handler {
	t.Helper()
	addr, err := localproc.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(handlerBin)
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"FUNCTIONS_CUSTOMHANDLER_PORT=" + localproc.Port(addr),
		"SLACK_API_URL=" + slack.APIURL(),
		"SLACK_BOT_TOKEN=" + slackToken,
		// One message per failure: no storm folding of the scan's batch.
		"TRACEGRID_STORM=off",
		"SLACK_CHANNEL=C0TRACEGRID",
		"AZURE_SUBSCRIPTION_ID=" + sub,
		"TRACEGRID_RESOURCE_GROUPS=rg-shop",
		// The recorded groups' times are fixed; do not let the wall clock
		// decide which restarts are recent.
		"TRACEGRID_SCAN_LOOKBACK=876000h",
		// No registry check unless a test turns it on: none asks a real
		// registry over the internet.
		"TRACEGRID_VERIFY=off",
	}, append(arm.Env(), extra...)...)
	h := &handler{url: "http://" + addr, out: localproc.StartT(t, "handler", cmd).Output}
	// The host waits for the worker by GETting its base URL every 25 ms
	// until any HTTP response comes back (DefaultHttpWorkerService.IsWorkerReady).
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(h.url + "/")
		if err == nil {
			resp.Body.Close()
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("handler did not listen: %v\n%s", err, h.out)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// invocation is the custom handler response body.
type invocation struct {
	Outputs     map[string]any
	Logs        []string
	ReturnValue any
}

func (h *handler) post(t *testing.T, function string, body []byte) (int, invocation) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, h.url+"/"+function, bytes.NewReader(body))
	// The headers azure-functions-host adds (HttpWorkerConstants).
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("X-Azure-Functions-HostVersion", "4.1044.100.25461")
	req.Header.Set("X-Azure-Functions-InvocationId", "3b0b6c0e-7f3c-4b8e-9d1a-2c5e8f4a6b7d")
	req.Header.Set("User-Agent", "Azure-Functions-Host/4.1044.100.25461")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var inv invocation
	if err := json.Unmarshal(raw, &inv); err != nil || inv.Outputs == nil || inv.Logs == nil || inv.ReturnValue != nil {
		t.Fatalf("response %q is not {Outputs:{},Logs:[...],ReturnValue:null}: %v", raw, err)
	}
	return resp.StatusCode, inv
}

func readEvent(t *testing.T, file string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("../../../../testdata/events/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// failureEvent is the real published ResourceWriteFailure example rewritten
// for a container group in rg-shop (a real failure says status Failed).
func failureEvent(t *testing.T, file, id, group, correlationID string) map[string]any {
	ev := readEvent(t, file)
	rid := "/subscriptions/" + sub + "/resourceGroups/rg-shop/providers/Microsoft.ContainerInstance/containerGroups/" + group
	ev["id"], ev["subject"] = id, rid
	if _, ok := ev["topic"]; ok {
		ev["topic"] = "/subscriptions/" + sub + "/resourceGroups/rg-shop"
	} else {
		ev["source"] = "/subscriptions/" + sub + "/resourceGroups/rg-shop"
		delete(ev, "specVersion")
		ev["specversion"] = "1.0"
	}
	data := ev["data"].(map[string]any)
	data["resourceUri"], data["resourceProvider"] = rid, "Microsoft.ContainerInstance"
	data["operationName"], data["status"] = "Microsoft.ContainerInstance/containerGroups/write", "Failed"
	data["subscriptionId"], data["correlationId"] = sub, correlationID
	return ev
}

// hostRequest wraps an event exactly as the DERIVED eventGridTrigger sample
// (from azure-functions-host's ToHttpScriptInvocationContext): the trigger
// value under its binding name, binding data (data, sys) under Metadata.
func hostRequest(t *testing.T, ev map[string]any, asString bool) []byte {
	t.Helper()
	sample := readEvent(t, "azure-functions-custom-handler.request.eventGridTrigger.DERIVED.json")
	var v any = ev
	if asString {
		b, _ := json.Marshal(ev)
		v = string(b)
	}
	sample["Data"] = map[string]any{"eventGridEvent": v}
	md := sample["Metadata"].(map[string]any)
	md["data"] = ev["data"]
	md["sys"].(map[string]any)["MethodName"] = "AciEvent"
	b, _ := json.Marshal(sample)
	return b
}

var timerRequest = []byte(`{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2026-11-25T09:55:00+00:00","Next":"2026-11-25T10:05:00+00:00","LastUpdated":"2026-11-25T09:55:00.0123456+00:00"},"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"AciScan","UtcNow":"2026-11-25T10:00:00.0153412Z","RandGuid":"4c2f1e0a-9b8d-4e7f-a6c5-3b2a1f0e9d8c"}}}`)

const (
	egWriteFailure = "azure-eventgrid.ResourceWriteFailure.eventgrid-schema.azure-rest-api-specs.json"
	ceWriteFailure = "azure-eventgrid.ResourceWriteFailure.cloudevents-schema.azure-rest-api-specs.json"
)

func TestEventGridTriggerEndToEnd(t *testing.T) {
	tests := []struct {
		name, file, group, corr string
		asString                bool
		cause                   string
		commands                []string
	}{
		{"capacity, Event Grid schema", egWriteFailure, "shop-batch", "2b7d4c1a-6f0e-4e4b-9a8d-1c2e3f4a5b6c", false,
			"insufficient_capacity", []string{"/subscriptions/" + sub + "/providers/Microsoft.ContainerInstance/locations/uksouth", "az container show --resource-group rg-shop --name shop-batch"}},
		{"quota, CloudEvents schema as a JSON string", ceWriteFailure, "shop-reports", "8c4e2a9f-1b3d-4f6a-8e0c-7d5b3a1f9e2d", true,
			"quota_exceeded", []string{"/subscriptions/" + sub + "/providers/Microsoft.ContainerInstance/locations/eastus", "az container show --resource-group rg-shop --name shop-reports"}},
		{"inaccessible image", egWriteFailure, "shop-admin", "e1d2c3b4-a5f6-4789-8abc-def012345678", false,
			"image_not_found", []string{"docker manifest inspect docker.io/agoacontainer/agoa:v1", "az container show --resource-group rg-shop --name shop-admin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slack := newSlack(t)
			arm := armfake.New("../../testdata/arm")
			t.Cleanup(arm.Close)
			h := startHandler(t, slack, arm)
			body := hostRequest(t, failureEvent(t, tt.file, "evt-"+tt.group, tt.group, tt.corr), tt.asString)
			code, inv := h.post(t, "AciEvent", body)
			if code != http.StatusOK {
				t.Fatalf("status %d logs %q", code, inv.Logs)
			}
			got := posts(t, slack)
			if len(got) != 1 {
				t.Fatalf("%d Slack posts, logs %q", len(got), inv.Logs)
			}
			p := got[0]
			if p.Cause != tt.cause || p.Channel != "C0TRACEGRID" || !strings.Contains(p.Resource, tt.group) {
				t.Errorf("posted cause %q channel %q resource %q, want %s", p.Cause, p.Channel, p.Resource, tt.cause)
			}
			for _, c := range tt.commands {
				if !strings.Contains(p.Text, c) {
					t.Errorf("message lacks command %q:\n%s", c, p.Text)
				}
			}
			// Event Grid delivers at least once: the same event id again
			// is acknowledged without a second message.
			if code, _ := h.post(t, "AciEvent", body); code != http.StatusOK || len(posts(t, slack)) != 1 {
				t.Errorf("redelivery: status %d, %d posts", code, len(posts(t, slack)))
			}
		})
	}
}

func TestTimerTriggerScanEndToEnd(t *testing.T) {
	slack := newSlack(t)
	arm := armfake.New("../../testdata/arm")
	t.Cleanup(arm.Close)
	h := startHandler(t, slack, arm)
	code, inv := h.post(t, "AciScan", timerRequest)
	if code != http.StatusOK {
		t.Fatalf("status %d logs %q", code, inv.Logs)
	}
	want := map[string]struct {
		cause    string
		commands []string
	}{
		// Each message must carry commands with the failed resource's real
		// names: the az command for the group, and the registry or image.
		"shop-web-notfound":    {"image_not_found", []string{"mcr.microsoft.com/azuredocs/aci-hellowrld"}},
		"shop-web-auth":        {"registry_auth", []string{"az acr ", "--name contosoregistry", "shop/web"}},
		"shop-api-expired":     {"registry_token_expired", []string{"123456789012.dkr.ecr.us-east-1.amazonaws.com", "[imageRegistryCredentials,identity]"}},
		"shop-proxy-ratelimit": {"registry_rate_limited", []string{"docker.io"}},
		"shop-jobs-dns":        {"registry_unreachable", []string{"registry.corp.contoso.com"}},
		"shop-api":             {"app_crash", []string{"az container logs --resource-group rg-shop --name shop-api --container-name api", "KeyError: 'DATABASE_URL'"}},
		"shop-worker":          {"out_of_memory", []string{"az container show --resource-group rg-shop --name shop-worker --query 'containers[].[name,resources]'"}},
	}
	for group, w := range want {
		w.commands = append(w.commands, "az container show --resource-group rg-shop --name "+group+" ")
		want[group] = w
	}
	all := posts(t, slack)
	got := map[string]slackPost{}
	for _, p := range all {
		group, _, _ := strings.Cut(p.Resource, " ")
		got[group] = p
	}
	if len(all) != len(want) || len(got) != len(want) {
		t.Errorf("%d posts for %d groups, want %d; logs %q", len(all), len(got), len(want), inv.Logs)
	}
	for group, w := range want {
		p, ok := got[group]
		if !ok {
			t.Errorf("%s: not posted", group)
			continue
		}
		if p.Cause != w.cause {
			t.Errorf("%s: cause %q, want %q", group, p.Cause, w.cause)
		}
		for _, c := range w.commands {
			if !strings.Contains(p.Text, c) {
				t.Errorf("%s: message lacks %q:\n%s", group, c, p.Text)
			}
		}
	}
	if _, ok := got["shop-cache"]; ok {
		t.Error("the healthy group was posted: a recovery must never post on its own")
	}
	// The next tick sees the same failures and posts nothing new.
	if code, inv := h.post(t, "AciScan", timerRequest); code != http.StatusOK || len(posts(t, slack)) != len(all) {
		t.Errorf("second scan: status %d, %d posts (was %d); logs %q", code, len(posts(t, slack)), len(all), inv.Logs)
	}
}

func TestSlackOutageIsRetriedByTheHost(t *testing.T) {
	slack := newSlack(t)
	arm := armfake.New("../../testdata/arm")
	t.Cleanup(arm.Close)
	h := startHandler(t, slack, arm)
	body := hostRequest(t, failureEvent(t, egWriteFailure, "evt-outage", "shop-batch", "2b7d4c1a-6f0e-4e4b-9a8d-1c2e3f4a5b6c"), false)
	// Slack rate limits for longer than the invocation's delivery budget.
	slack.FailNext("chat.postMessage", fakeslack.Fail{Status: http.StatusTooManyRequests, RetryAfter: "120"})
	if code, inv := h.post(t, "AciEvent", body); code < 500 {
		t.Fatalf("Slack down: status %d, want 5xx so the host retries; logs %q", code, inv.Logs)
	}
	if code, inv := h.post(t, "AciEvent", body); code != http.StatusOK || len(posts(t, slack)) != 1 {
		t.Fatalf("retry: status %d, %d posts; logs %q", code, len(posts(t, slack)), inv.Logs)
	}
}

func TestBadInputIsAcknowledged(t *testing.T) {
	slack := newSlack(t)
	arm := armfake.New("../../testdata/arm")
	t.Cleanup(arm.Close)
	h := startHandler(t, slack, arm)
	storage := readEvent(t, egWriteFailure) // a Storage account, not a container group
	for name, body := range map[string][]byte{
		"garbage":               []byte("\x00\xff not json"),
		"storage account event": hostRequest(t, storage, false),
		"envelope without data": []byte(`{"Data":{"eventGridEvent":{"hello":"world"}},"Metadata":{}}`),
	} {
		code, inv := h.post(t, "AciEvent", body)
		if code != http.StatusOK || len(inv.Logs) == 0 {
			t.Errorf("%s: status %d logs %q", name, code, inv.Logs)
		}
	}
	if n := len(posts(t, slack)); n != 0 {
		t.Errorf("%d posts for bad input", n)
	}
}

// TestRecoveryResolvesWithoutPosting runs two scans: the first sees the
// crash loop and posts it; by the second the group runs again, and the scan's
// recovery report resolves that message instead of posting a new one.
func TestRecoveryResolvesWithoutPosting(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "../../testdata/arm", dir)
	slack := newSlack(t)
	arm := armfake.New(dir)
	t.Cleanup(arm.Close)
	// Default-sized lookback: the recorded restart is long over by now.
	h := startHandler(t, slack, arm, "TRACEGRID_SCAN_LOOKBACK=15m")
	if code, inv := h.post(t, "AciScan", timerRequest); code != http.StatusOK {
		t.Fatalf("first scan: %d %q", code, inv.Logs)
	}
	before := posts(t, slack)

	// shop-api runs again: same restart history, current state Running.
	path := filepath.Join(dir, "groups", "shop-api.json")
	var g map[string]any
	if err := json.Unmarshal(mustRead(t, path), &g); err != nil {
		t.Fatal(err)
	}
	props := g["properties"].(map[string]any)
	props["instanceView"].(map[string]any)["state"] = "Running"
	iv := props["containers"].([]any)[0].(map[string]any)["properties"].(map[string]any)["instanceView"].(map[string]any)
	iv["currentState"] = map[string]any{"state": "Running", "startTime": "2026-11-25T09:51:30Z", "detailStatus": ""}
	b, _ := json.Marshal(g)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}

	code, inv := h.post(t, "AciScan", timerRequest)
	if code != http.StatusOK {
		t.Fatalf("second scan: %d %q", code, inv.Logs)
	}
	after := posts(t, slack)
	if len(after) != len(before) {
		t.Errorf("recovery posted: %d messages before, %d after", len(before), len(after))
	}
	resolved := false
	for _, l := range inv.Logs {
		if strings.Contains(l, "shop-api#running/") && strings.Contains(l, "Slack resolve") {
			resolved = true
		}
	}
	if !resolved {
		t.Errorf("no resolve of shop-api in %q", inv.Logs)
	}
	for _, m := range slack.Messages() {
		if res, _ := m.Metadata.EventPayload["resource"].(string); strings.HasPrefix(res, "shop-api ") && m.Updates == 0 {
			t.Error("the crash loop message was not updated as resolved")
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		return os.WriteFile(filepath.Join(to, rel), mustRead(t, path), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
