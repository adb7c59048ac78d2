// Command azure measures the Azure Functions custom handler the way the
// Functions host runs it: the linux/amd64 handler binary started with
// FUNCTIONS_CUSTOMHANDLER_PORT, invoked with eventGridTrigger requests over
// loopback, posting to a local Slack Web API, with enrichment off (no ARM).
// It prints cold start (process start to first response), warm latency
// p50/p99 over 1000 invocations (with the local Slack, and with
// TRACEGRID_DRY_RUN=1 so Slack is excluded), peak RSS, and binary and zip
// sizes. The target column holds issue 8's targets.
//
//	go run ./bench/azure
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/tracegrid/tracegrid/bench/measure"
	"github.com/tracegrid/tracegrid/internal/localproc"
)

const (
	// Issue 8's targets.
	targetCold    = "< 50 ms"
	targetWarmP99 = "< 2 ms excl. Slack"
	targetRSS     = "< 40 MB"

	coldRuns = 5
	warmRuns = 1000
	sub      = "5f3b2c1e-8a4d-4c6f-9b7e-2d1a0c9e8f7a"
	event    = "testdata/events/azure-eventgrid.ResourceWriteFailure.eventgrid-schema.azure-rest-api-specs.json"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/azure:", err)
		os.Exit(1)
	}
}

func run() error {
	tmp, err := os.MkdirTemp("", "tracegrid-bench-azure")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	zip := filepath.Join(tmp, "azure.zip")
	dist := exec.Command("go", "run", "./functions/azure/cmd/dist", "-o", zip)
	dist.Stdout, dist.Stderr = os.Stderr, os.Stderr
	if err := dist.Run(); err != nil {
		return fmt.Errorf("build zip: %w", err)
	}
	bin, err := localproc.Build(tmp, "handler", localproc.GoBuild{Package: "./functions/azure/cmd/handler",
		Flags: []string{"-trimpath", "-ldflags=-s -w"}, Env: []string{"CGO_ENABLED=0"}})
	if err != nil {
		return fmt.Errorf("build handler: %w", err)
	}
	template, err := os.ReadFile(event)
	if err != nil {
		return fmt.Errorf("%w (run from the repository root)", err)
	}

	var posts atomic.Int64
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := posts.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ok":true,"channel":"C0BENCH","ts":"1764064000.%06d"}`, n)
	}))
	defer slack.Close()

	var seq int
	next := func() ([]byte, error) {
		seq++
		return request(template, seq)
	}

	var colds []time.Duration
	for i := 0; i < coldRuns; i++ {
		h, err := start(bin, slack.URL)
		if err != nil {
			return err
		}
		body, err := next()
		if err != nil {
			return err
		}
		d, err := h.firstResponse(body)
		h.Stop()
		if err != nil {
			return err
		}
		colds = append(colds, d)
	}

	h, warm, err := warmRun(bin, slack.URL, next)
	if err != nil {
		return err
	}
	defer h.Stop()
	rss, err := measure.PeakRSS(h.Cmd.Process.Pid)
	if err != nil {
		return err
	}
	if got := posts.Load(); got != int64(coldRuns+warmRuns+1) {
		return fmt.Errorf("Slack received %d posts, want %d", got, coldRuns+warmRuns+1)
	}

	// The same invocations with TRACEGRID_DRY_RUN=1: the notifier renders
	// and logs the payload instead of calling Slack, so these figures
	// exclude Slack's own latency (issue 8's warm target).
	dry, dryWarm, err := warmRun(bin, slack.URL, next, "TRACEGRID_DRY_RUN=1", "SLACK_BOT_TOKEN=", "SLACK_CHANNEL=")
	if err != nil {
		return fmt.Errorf("dry run: %w", err)
	}
	dry.Stop()
	if got := posts.Load(); got != int64(coldRuns+warmRuns+1) {
		return fmt.Errorf("dry run posted to Slack: %d posts, want %d", got, coldRuns+warmRuns+1)
	}
	binInfo, err := os.Stat(bin)
	if err != nil {
		return err
	}
	zipInfo, err := os.Stat(zip)
	if err != nil {
		return err
	}
	measure.Row("azure handler", "cold start p50 (process start to first response, "+strconv.Itoa(coldRuns)+" runs)", measure.Millis(measure.Percentile(colds, 50)), targetCold)
	measure.Row("azure handler", "cold start max", measure.Millis(measure.Percentile(colds, 100)), "")
	measure.Row("azure handler", "warm latency p50 ("+strconv.Itoa(warmRuns)+" AciEvent, enrichment off, incl. local Slack)", measure.Millis(measure.Percentile(warm, 50)), "")
	measure.Row("azure handler", "warm latency p99 (incl. local Slack)", measure.Millis(measure.Percentile(warm, 99)), "")
	measure.Row("azure handler", "warm latency p50 ("+strconv.Itoa(warmRuns)+" AciEvent, enrichment off, Slack excluded: TRACEGRID_DRY_RUN=1)", measure.Millis(measure.Percentile(dryWarm, 50)), "")
	measure.Row("azure handler", "warm latency p99 (Slack excluded: TRACEGRID_DRY_RUN=1)", measure.Millis(measure.Percentile(dryWarm, 99)), targetWarmP99)
	measure.Row("azure handler", "peak RSS (incl. local Slack)", strconv.FormatInt(rss/1024, 10)+" MB", targetRSS)
	measure.Row("azure handler", "binary size (linux/amd64, stripped)", mb(binInfo.Size()), "")
	measure.Row("azure handler", "dist/azure.zip size", mb(zipInfo.Size()), "")
	return nil
}

// warmRun starts the handler with env added, invokes it once (the cold
// start) and then warmRuns times with next's requests, and returns the
// handler, still running, with the warm latencies.
func warmRun(bin, slackURL string, next func() ([]byte, error), env ...string) (*handler, []time.Duration, error) {
	h, err := start(bin, slackURL, env...)
	if err != nil {
		return nil, nil, err
	}
	warm := make([]time.Duration, 0, warmRuns)
	for i := 0; i < warmRuns+1; i++ {
		body, err := next()
		if err != nil {
			h.Stop()
			return nil, nil, err
		}
		if i == 0 { // the cold one
			if _, err := h.firstResponse(body); err != nil {
				h.Stop()
				return nil, nil, err
			}
			continue
		}
		t0 := time.Now()
		if err := h.invoke(body); err != nil {
			h.Stop()
			return nil, nil, err
		}
		warm = append(warm, time.Since(t0))
	}
	return h, warm, nil
}

// request returns the custom handler request the Functions host sends for
// the real ResourceWriteFailure sample, rewritten for a distinct container
// group so each invocation is a new failure (no dedup short cut).
func request(template []byte, n int) ([]byte, error) {
	var ev map[string]any
	if err := json.Unmarshal(template, &ev); err != nil {
		return nil, err
	}
	rid := fmt.Sprintf("/subscriptions/%s/resourceGroups/rg-bench/providers/Microsoft.ContainerInstance/containerGroups/bench-%d", sub, n)
	ev["id"], ev["subject"] = fmt.Sprintf("bench-event-%d", n), rid
	data := ev["data"].(map[string]any)
	data["resourceUri"], data["status"], data["subscriptionId"] = rid, "Failed", sub
	data["operationName"] = "Microsoft.ContainerInstance/containerGroups/write"
	return json.Marshal(map[string]any{
		"Data":     map[string]any{"eventGridEvent": ev},
		"Metadata": map[string]any{"data": data, "sys": map[string]any{"MethodName": "AciEvent", "UtcNow": time.Now().UTC().Format(time.RFC3339Nano), "RandGuid": "00000000-0000-0000-0000-000000000000"}},
	})
}

type handler struct {
	*localproc.Process
	url    string
	client *http.Client
}

// start starts the handler, with env added to (and overriding) its
// environment; h.Started is when, for timing a cold start.
func start(bin, slackURL string, env ...string) (*handler, error) {
	addr, err := localproc.FreeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Env = []string{
		"FUNCTIONS_CUSTOMHANDLER_PORT=" + localproc.Port(addr),
		"SLACK_API_URL=" + slackURL + "/",
		"SLACK_BOT_TOKEN=xoxb-bench",
		"SLACK_CHANNEL=C0BENCH",
		"TRACEGRID_ENRICH=off",
		"TRACEGRID_STORM=off",
		"TRACEGRID_VERIFY=off", // the bench has no registry to ask
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	p, err := localproc.Start(cmd)
	if err != nil {
		return nil, err
	}
	return &handler{Process: p, url: "http://" + addr + "/AciEvent", client: &http.Client{Timeout: 10 * time.Second}}, nil
}

// firstResponse retries the first invocation until the process answers and
// returns the time from process start to that answer.
func (h *handler) firstResponse(body []byte) (time.Duration, error) {
	deadline := h.Started.Add(10 * time.Second)
	for {
		err := h.invoke(body)
		if err == nil {
			return time.Since(h.Started), nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("handler did not answer: %w", err)
		}
		time.Sleep(time.Millisecond)
	}
}

func (h *handler) invoke(body []byte) error {
	resp, err := h.client.Post(h.url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %s", resp.StatusCode, out)
	}
	return nil
}

func mb(n int64) string {
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}
