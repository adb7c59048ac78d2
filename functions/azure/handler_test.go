package azure

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/functions/azure/arm"
	"github.com/tracegrid/tracegrid/functions/azure/customhandler"
	"github.com/tracegrid/tracegrid/functions/azure/internal/armfake"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/report"
)

const testSub = "5f3b2c1e-8a4d-4c6f-9b7e-2d1a0c9e8f7a"

// recorder is a Reporter that keeps what it was given.
type recorder struct {
	mu   sync.Mutex
	got  []*failure.Failure
	fail error
}

func (r *recorder) Report(_ context.Context, f *failure.Failure) (report.Outcome, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, f)
	return report.Outcome{}, r.fail
}

func newTestHandler(t *testing.T, rep Reporter) (*Handler, *armfake.Server) {
	t.Helper()
	srv := armfake.New("testdata/arm")
	t.Cleanup(srv.Close)
	for _, kv := range srv.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	cred, err := arm.Credential("", os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	armc, err := arm.New(srv.URL, cred)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{SubscriptionID: testSub, ResourceGroups: []string{"rg-shop"}, ARMEndpoint: srv.URL, Enrich: true, LogTailLines: 20, ScanLookback: 1 << 62}
	return New(cfg, rep, armc, slog.New(slog.NewTextHandler(io.Discard, nil))), srv
}

// resourceEvent returns the real published ResourceWriteFailure example
// (Event Grid schema) rewritten for a container group of the test subscription.
func resourceEvent(t *testing.T, file, group, correlationID string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("../../testdata/events/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	rid := "/subscriptions/" + testSub + "/resourceGroups/rg-shop/providers/Microsoft.ContainerInstance/containerGroups/" + group
	ev["subject"] = rid
	ev["id"] = "evt-" + group
	if _, ok := ev["topic"]; ok {
		ev["topic"] = "/subscriptions/" + testSub + "/resourceGroups/rg-shop"
	} else {
		ev["source"] = "/subscriptions/" + testSub + "/resourceGroups/rg-shop"
	}
	data := ev["data"].(map[string]any)
	data["resourceUri"] = rid
	data["resourceProvider"] = "Microsoft.ContainerInstance"
	data["operationName"] = "Microsoft.ContainerInstance/containerGroups/write"
	data["status"] = "Failed"
	data["subscriptionId"] = testSub
	data["correlationId"] = correlationID
	return ev
}

// envelope wraps an event the way the Functions host passes an
// eventGridTrigger to a custom handler (see the DERIVED request sample).
func envelope(ev any, asString bool) []byte {
	var v any = ev
	if asString {
		b, _ := json.Marshal(ev)
		v = string(b)
	}
	b, _ := json.Marshal(map[string]any{
		"Data":     map[string]any{"eventGridEvent": v},
		"Metadata": map[string]any{"sys": map[string]any{"MethodName": "AciEvent", "UtcNow": "2026-11-25T09:15:00Z", "RandGuid": "7c9e6679-7425-40de-944b-e07fc1f90ae7"}},
	})
	return b
}

func post(t *testing.T, h http.Handler, path string, body []byte) (int, customhandler.Response) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body)))
	var resp customhandler.Response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("response %q: %v", rec.Body.String(), err)
	}
	return rec.Code, resp
}

const (
	egFailure = "azure-eventgrid.ResourceWriteFailure.eventgrid-schema.azure-rest-api-specs.json"
	ceFailure = "azure-eventgrid.ResourceWriteFailure.cloudevents-schema.azure-rest-api-specs.json"
)

func TestEventEnrichment(t *testing.T) {
	tests := []struct {
		name, file, group, corr string
		asString                bool
		reason, image, inMsg    string
	}{
		{"capacity, Event Grid schema object", egFailure, "shop-batch", "2b7d4c1a-6f0e-4e4b-9a8d-1c2e3f4a5b6c", false,
			"ServiceUnavailable", "", "is not available in the location 'uksouth'"},
		{"quota, CloudEvents schema as a JSON string", ceFailure, "shop-reports", "8c4e2a9f-1b3d-4f6a-8e0c-7d5b3a1f9e2d", true,
			"ContainerGroupQuotaReached", "", "container group quota 'StandardCores' exceeded"},
		{"inaccessible image names the image", egFailure, "shop-admin", "e1d2c3b4-a5f6-4789-8abc-def012345678", false,
			"InaccessibleImage", "agoacontainer/agoa:v1", "is not accessible"},
		{"no Activity Log entry, the instance view explains", egFailure, "shop-web-auth", "never-logged", false,
			"Failed", "contosoregistry.azurecr.io/shop/web:1.4.2", "unauthorized: authentication required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			h, _ := newTestHandler(t, rec)
			code, resp := post(t, h, EventRoute, envelope(resourceEvent(t, tt.file, tt.group, tt.corr), tt.asString))
			if code != http.StatusOK || len(rec.got) != 1 {
				t.Fatalf("status %d, %d reports, logs %q", code, len(rec.got), resp.Logs)
			}
			f := rec.got[0]
			if f.Reason != tt.reason || f.Image != tt.image || !strings.Contains(f.Message(), tt.inMsg) {
				t.Errorf("reason %q image %q message %q", f.Reason, f.Image, f.Message())
			}
			if f.Account != testSub || f.ResourceGroup != "rg-shop" || f.Task != tt.group || f.EventID != "evt-"+tt.group {
				t.Errorf("names: %+v", f)
			}
		})
	}
}

func TestEventBadInputIsAcknowledged(t *testing.T) {
	storage, err := os.ReadFile("../../testdata/events/" + egFailure)
	if err != nil {
		t.Fatal(err)
	}
	validation, err := os.ReadFile("../../testdata/events/azure-eventgrid.SubscriptionValidationEvent.azure-docs.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string][]byte{
		"not JSON":                 []byte("{{{"),
		"envelope without event":   []byte(`{"Data":{},"Metadata":{}}`),
		"envelope with a number":   []byte(`{"Data":{"eventGridEvent":42},"Metadata":{}}`),
		"storage account event":    envelope(json.RawMessage(storage), false),
		"validation handshake":     validation,
		"empty array":              []byte(`[]`),
		"event without id or type": []byte(`{"data":{}}`),
	} {
		t.Run(name, func(t *testing.T) {
			rec := &recorder{}
			h, _ := newTestHandler(t, rec)
			code, resp := post(t, h, EventRoute, body)
			if code != http.StatusOK || len(rec.got) != 0 || len(resp.Logs) == 0 {
				t.Errorf("status %d, %d reports, logs %q", code, len(rec.got), resp.Logs)
			}
		})
	}
}

func TestEventSlackOutageAsksForRetry(t *testing.T) {
	rec := &recorder{fail: errors.New("slack: 503")}
	h, _ := newTestHandler(t, rec)
	code, resp := post(t, h, EventRoute, envelope(resourceEvent(t, egFailure, "shop-batch", "2b7d4c1a-6f0e-4e4b-9a8d-1c2e3f4a5b6c"), false))
	if code != http.StatusInternalServerError || !strings.Contains(strings.Join(resp.Logs, "\n"), "will retry") {
		t.Errorf("status %d logs %q", code, resp.Logs)
	}
}

// A cause that cannot be read yet is not a cause: with ARM down, the event
// is not reported as unknown; Event Grid is asked to redeliver it.
func TestEventARMDownAsksForRetry(t *testing.T) {
	rec := &recorder{}
	h, srv := newTestHandler(t, rec)
	srv.FailPaths("/", http.StatusInternalServerError)
	code, resp := post(t, h, EventRoute, envelope(resourceEvent(t, egFailure, "shop-batch", "2b7d4c1a-6f0e-4e4b-9a8d-1c2e3f4a5b6c"), false))
	if code != http.StatusInternalServerError || len(rec.got) != 0 || !strings.Contains(strings.Join(resp.Logs, "\n"), "could not read the Activity Log") {
		t.Fatalf("status %d reports %+v logs %q", code, rec.got, resp.Logs)
	}
}

// The identity may not read the Activity Log (403): no retry fixes that, so
// the failure is reported once, saying which permission is missing.
func TestEventActivityLogDeniedReportsOnce(t *testing.T) {
	rec := &recorder{}
	h, srv := newTestHandler(t, rec)
	srv.FailPaths("/providers/Microsoft.Insights/", http.StatusForbidden)
	code, resp := post(t, h, EventRoute, envelope(resourceEvent(t, egFailure, "shop-batch", "2b7d4c1a-6f0e-4e4b-9a8d-1c2e3f4a5b6c"), false))
	if code != http.StatusOK || len(rec.got) != 1 {
		t.Fatalf("status %d reports %+v logs %q", code, rec.got, resp.Logs)
	}
	if got := rec.got[0].Details["activity log"]; !strings.Contains(got, "Microsoft.Insights/eventtypes/values/read") {
		t.Errorf("details do not name the permission: %q", got)
	}
}

func TestWriteSuccessThenPullFailure(t *testing.T) {
	rec := &recorder{}
	h, _ := newTestHandler(t, rec)
	ev := resourceEvent(t, egFailure, "shop-web-auth", "")
	ev["eventType"] = "Microsoft.Resources.ResourceWriteSuccess"
	ev["data"].(map[string]any)["status"] = "Succeeded"
	code, resp := post(t, h, EventRoute, envelope(ev, false))
	if code != http.StatusOK || len(rec.got) != 1 {
		t.Fatalf("status %d, %d reports, logs %q", code, len(rec.got), resp.Logs)
	}
	if f := rec.got[0]; f.Reason != "Failed" || !strings.Contains(f.Message(), "unauthorized: authentication required") || f.Details["registry credentials"] != "none configured" {
		t.Errorf("failure %+v", f)
	}
}

func TestScan(t *testing.T) {
	rec := &recorder{}
	h, srv := newTestHandler(t, rec)
	code, resp := post(t, h, ScanRoute, []byte(`{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"AciScan"}}}`))
	if code != http.StatusOK {
		t.Fatalf("status %d logs %q", code, resp.Logs)
	}
	byTask := map[string]*failure.Failure{}
	for _, f := range rec.got {
		byTask[f.Task] = f
	}
	want := map[string]string{ // group -> reason
		"shop-web-notfound": "Failed", "shop-web-auth": "Failed", "shop-api-expired": "Failed",
		"shop-proxy-ratelimit": "Failed", "shop-jobs-dns": "Failed", "shop-api": "Error", "shop-worker": "OOMKilled",
		"shop-cache": "Running",
	}
	var got []string
	for k := range byTask {
		got = append(got, k)
	}
	sort.Strings(got)
	if len(byTask) != len(want) {
		t.Fatalf("reported %v", got)
	}
	for g, reason := range want {
		if f := byTask[g]; f == nil || f.Reason != reason {
			t.Errorf("%s: %+v", g, f)
		}
	}
	if !byTask["shop-cache"].Recovered {
		t.Error("healthy group not reported as recovered")
	}
	if f := byTask["shop-api"]; len(f.LogTail) == 0 || !strings.Contains(f.LogTail[len(f.LogTail)-2], "KeyError") {
		t.Errorf("crash log tail %q", f.LogTail)
	}
	if f := byTask["shop-worker"]; f.ExitCode == nil || *f.ExitCode != 137 {
		t.Errorf("oom exit code %v", f.ExitCode)
	}
	// A second scan sees the same failures with the same EventIDs.
	first := map[string]string{}
	for _, f := range rec.got {
		first[f.Task] = f.EventID
	}
	rec.got = nil
	post(t, h, ScanRoute, []byte(`{"Data":{"timer":{}},"Metadata":{}}`))
	for _, f := range rec.got {
		if first[f.Task] != f.EventID {
			t.Errorf("%s: EventID changed between scans: %q then %q", f.Task, first[f.Task], f.EventID)
		}
	}
	if n := len(srv.Requests()); n == 0 {
		t.Error("no ARM requests")
	}
}

func TestYoungEventWithoutCauseIsRedelivered(t *testing.T) {
	rec := &recorder{}
	h, _ := newTestHandler(t, rec)
	ev := resourceEvent(t, egFailure, "shop-new", "not-in-the-activity-log-yet")
	when := h.now().Add(-time.Minute)
	ev["eventTime"] = when.Format(time.RFC3339Nano)
	body := envelope(ev, false)
	if code, resp := post(t, h, EventRoute, body); code != http.StatusInternalServerError || len(rec.got) != 0 {
		t.Fatalf("young event: status %d, %d reports, logs %q", code, len(rec.got), resp.Logs)
	}
	// Past the Activity Log's lag the event is reported with what is known.
	h.now = func() time.Time { return when.Add(activityLogLag + time.Second) }
	if code, resp := post(t, h, EventRoute, body); code != http.StatusOK || len(rec.got) != 1 {
		t.Fatalf("old event: status %d, %d reports, logs %q", code, len(rec.got), resp.Logs)
	}
}

func TestFromEnv(t *testing.T) {
	base := map[string]string{"TRACEGRID_DRY_RUN": "1", "IDENTITY_ENDPOINT": "http://127.0.0.1:1/msi/token", "IDENTITY_HEADER": "x"}
	tests := []struct {
		name string
		env  map[string]string
		err  string
	}{
		{"enrichment and table state", map[string]string{"TRACEGRID_TABLE_ENDPOINT": "https://tracegrid.table.core.windows.net", "AZURE_SUBSCRIPTION_ID": testSub}, ""},
		{"enrichment off", map[string]string{"TRACEGRID_ENRICH": "off"}, ""},
		{"sovereign cloud", map[string]string{"TRACEGRID_ARM_ENDPOINT": "https://management.chinacloudapi.cn"}, ""},
		{"plain http off loopback", map[string]string{"TRACEGRID_ARM_ENDPOINT": "http://management.example.com"}, "plain http"},
		{"bad lookback", map[string]string{"TRACEGRID_SCAN_LOOKBACK": "soon"}, "TRACEGRID_SCAN_LOOKBACK"},
		{"bad log tail", map[string]string{"TRACEGRID_LOG_TAIL_LINES": "-1"}, "TRACEGRID_LOG_TAIL_LINES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range base {
				t.Setenv(k, v)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			h, err := FromEnv(slog.New(slog.NewTextHandler(io.Discard, nil)))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if code, resp := post(t, h, EventRoute, []byte("not json")); code != http.StatusOK || len(resp.Logs) != 1 {
				t.Errorf("bad input: %d %q", code, resp.Logs)
			}
		})
	}
}

func TestLocalHandlerServesRawEvents(t *testing.T) {
	t.Setenv("TRACEGRID_DRY_RUN", "1")
	t.Setenv("TRACEGRID_ENRICH", "off")
	h, err := LocalHandler()
	if err != nil {
		t.Fatal(err)
	}
	// `tracegrid serve` users curl a bare Event Grid event (no envelope).
	ev, _ := json.Marshal(resourceEvent(t, egFailure, "shop-batch", "2b7d4c1a-6f0e-4e4b-9a8d-1c2e3f4a5b6c"))
	code, resp := post(t, h, EventRoute, ev)
	if code != http.StatusOK || len(resp.Logs) != 1 || !strings.Contains(resp.Logs[0], "dry_run") {
		t.Errorf("%d %q", code, resp.Logs)
	}
}

func TestLogLinesCarryTheInvocationID(t *testing.T) {
	var buf bytes.Buffer
	h := New(Config{}, &recorder{}, nil, slog.New(slog.NewJSONHandler(&buf, nil)))
	req := httptest.NewRequest(http.MethodPost, EventRoute, strings.NewReader("{"))
	req.Header.Set("X-Azure-Functions-InvocationId", "3b0b6c0e-7f3c-4b8e-9d1a-2c5e8f4a6b7d")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if !strings.Contains(buf.String(), `"invocation_id":"3b0b6c0e-7f3c-4b8e-9d1a-2c5e8f4a6b7d"`) {
		t.Errorf("log: %s", buf.String())
	}
}

func TestScanReportsWhatItCanReadAndFailsTheRest(t *testing.T) {
	rec := &recorder{}
	h, srv := newTestHandler(t, rec)
	h.cfg.ResourceGroups = []string{"rg-locked", "rg-shop"}
	srv.FailPaths("/resourceGroups/rg-locked/", http.StatusForbidden)
	code, resp := post(t, h, ScanRoute, []byte(`{"Data":{"timer":{}},"Metadata":{}}`))
	if code != http.StatusInternalServerError || !strings.Contains(strings.Join(resp.Logs, "\n"), "rg-locked") {
		t.Errorf("status %d logs %q", code, resp.Logs)
	}
	if len(rec.got) != 8 {
		t.Errorf("%d reports from rg-shop, want 8", len(rec.got))
	}
}

func TestScanNotConfigured(t *testing.T) {
	rec := &recorder{}
	h, _ := newTestHandler(t, rec)
	h.cfg.ResourceGroups = nil
	if code, resp := post(t, h, ScanRoute, []byte(`{}`)); code != http.StatusOK || len(rec.got) != 0 || !strings.Contains(resp.Logs[0], "TRACEGRID_RESOURCE_GROUPS") {
		t.Errorf("status %d logs %q", code, resp.Logs)
	}
	h.arm = nil
	if code, resp := post(t, h, ScanRoute, []byte(`{}`)); code != http.StatusOK || !strings.Contains(resp.Logs[0], "TRACEGRID_ENRICH=off") {
		t.Errorf("status %d logs %q", code, resp.Logs)
	}
}

func TestActionFailureOnRestart(t *testing.T) {
	rec := &recorder{}
	h, _ := newTestHandler(t, rec)
	// The real ResourceActionFailure example (Event Grid schema), for a
	// restart of a crash-looping container group.
	ev := resourceEvent(t, "azure-eventgrid.ResourceActionFailure.eventgrid-schema.azure-rest-api-specs.json", "shop-api", "no-arm-error-logged")
	ev["data"].(map[string]any)["operationName"] = "Microsoft.ContainerInstance/containerGroups/restart/action"
	code, resp := post(t, h, EventRoute, envelope(ev, false))
	if code != http.StatusOK || len(rec.got) != 1 {
		t.Fatalf("status %d, %d reports, logs %q", code, len(rec.got), resp.Logs)
	}
	f := rec.got[0]
	if f.Container != "api" || f.Reason != "Error" || f.ExitCode == nil || *f.ExitCode != 1 || len(f.LogTail) == 0 {
		t.Errorf("failure %+v", f)
	}
}

// sweepCounter records DeleteExpired calls.
type sweepCounter struct{ calls int }

func (s *sweepCounter) DeleteExpired(context.Context) (int, error) {
	s.calls++
	return 3, nil
}

// TestScanSweepsExpiredState checks that each timer tick also deletes
// expired notification state, which Table storage keeps forever otherwise.
func TestScanSweepsExpiredState(t *testing.T) {
	h, _ := newTestHandler(t, &recorder{})
	sweep := &sweepCounter{}
	h.expired = sweep
	code, resp := post(t, h, ScanRoute, []byte(`{}`))
	if code != http.StatusOK || sweep.calls != 1 || !strings.Contains(strings.Join(resp.Logs, "\n"), "deleted 3 expired state entries") {
		t.Errorf("status %d, %d sweeps, logs %q", code, sweep.calls, resp.Logs)
	}
}
