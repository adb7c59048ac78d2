// Command gke measures the GKE function as deployed code runs it: the
// functions/gke/cmd/local binary under functions-framework-go, posting to a
// local fake Slack. Run from the module root (make bench):
//
//	go run ./bench/gke
//
// It prints measure.Row lines: cold start (process start to first response,
// median of -cold runs, with in-memory state and with the Cloud Storage
// state store on a local fake-gcs-server), warm latency p50/p99 over -warm POSTs
// both with the local Slack and the GCS state store and with
// TRACEGRID_DRY_RUN=1 (Slack excluded), the peak RSS of the warm process (GCS
// state store on), and the size of the source bundle dist/gke.zip.
// With -big N it then sends N concurrent big events (see bigBurst).
// The target column holds issue 8's targets.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/fsouza/fake-gcs-server/fakestorage"

	"github.com/tracegrid/tracegrid/bench/measure"
	"github.com/tracegrid/tracegrid/internal/localproc"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

const (
	subject   = "gke"
	token     = "xoxb-bench"
	entryFile = "testdata/events/gcp-gke-k8s-event-logentry.k8s_pod.Warning-Failed-pull-image.DERIVED.json"

	// Issue 8's targets.
	targetCold    = "< 50 ms"
	targetWarmP99 = "< 2 ms excl. Slack"
	targetRSS     = "< 40 MB"
)

func main() {
	coldRuns := flag.Int("cold", 10, "cold starts to time")
	warmPosts := flag.Int("warm", 1000, "warm POSTs to time")
	big := flag.Int("big", 0, "then send this many concurrent big events (issue 13: 200)")
	bigMB := flag.Int("big-mb", 6, "message size of each big event, MB")
	bigCap := flag.Int("big-cap", 12, "address-space cap while sending big events, GiB")
	flag.Parse()
	log.SetFlags(0)

	tmp, err := os.MkdirTemp("", "bench-gke-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	bin, err := localproc.Build(tmp, "local", localproc.GoBuild{Package: "./functions/gke/cmd/local"})
	if err != nil {
		log.Fatal(err)
	}
	zipPath := filepath.Join(tmp, "gke.zip")
	run("go", "run", "./functions/gke/cmd/bundle", "-o", zipPath)

	entry, err := os.ReadFile(entryFile)
	if err != nil {
		log.Fatal(err)
	}
	slack := fakeslack.New(token)
	defer slack.Close()

	gcsEnv := startGCS()
	cold := coldStarts(*coldRuns, bin, slack, entry, "mem")
	coldGCS := coldStarts(*coldRuns, bin, slack, entry, "gcs", gcsEnv...)

	// The warm run keeps state in Cloud Storage, as deployed: its peak RSS
	// is the figure for issue 14's target (durable store on).
	p := start(bin, slack, gcsEnv...)
	defer p.Stop()
	p.post(entry, "warmup", true)
	warm := make([]time.Duration, 0, *warmPosts)
	for i := 0; i < *warmPosts; i++ {
		// A new insertId each time: every POST is a new delivery that the
		// notifier classifies and groups (no redelivery short cut).
		t0 := time.Now()
		if code := p.post(entry, fmt.Sprint("warm-", i), false); code != http.StatusOK {
			log.Fatalf("warm POST %d: status %d", i, code)
		}
		warm = append(warm, time.Since(t0))
	}
	rss, err := measure.PeakRSS(p.Cmd.Process.Pid)
	if err != nil {
		log.Fatal(err)
	}

	// The same POSTs with TRACEGRID_DRY_RUN=1: the notifier renders and
	// logs the payload instead of calling Slack, so these figures exclude
	// Slack's own latency (issue 8's warm target). Each POST names a pod of
	// its own workload, so each is a distinct failure.
	posted := len(slack.Messages())
	dry := start(bin, slack, "TRACEGRID_DRY_RUN=1", "SLACK_BOT_TOKEN=", "SLACK_CHANNEL=", "SLACK_API_URL=")
	defer dry.Stop()
	dry.post(distinct(entry, -1), "dry-warmup", true)
	dryWarm := make([]time.Duration, 0, *warmPosts)
	for i := 0; i < *warmPosts; i++ {
		body := distinct(entry, i)
		t0 := time.Now()
		if code := dry.post(body, fmt.Sprint("dry-", i), false); code != http.StatusOK {
			log.Fatalf("dry-run POST %d: status %d", i, code)
		}
		dryWarm = append(dryWarm, time.Since(t0))
	}
	dry.Stop()
	if n := len(slack.Messages()); n != posted {
		log.Fatalf("dry run posted to Slack: %d messages, want %d", n, posted)
	}
	st, err := os.Stat(zipPath)
	if err != nil {
		log.Fatal(err)
	}
	binSt, err := os.Stat(bin)
	if err != nil {
		log.Fatal(err)
	}

	measure.Row(subject, fmt.Sprintf("cold start, process start to first response, in-memory state (median of %d)", len(cold)), measure.Millis(measure.Percentile(cold, 50)), targetCold)
	measure.Row(subject, fmt.Sprintf("cold start, process start to first response, GCS state on local fake-gcs-server (median of %d)", len(coldGCS)), measure.Millis(measure.Percentile(coldGCS, 50)), targetCold)
	measure.Row(subject, fmt.Sprintf("warm latency p50 (%d POSTs, incl. local Slack and GCS state)", len(warm)), measure.Millis(measure.Percentile(warm, 50)), "")
	measure.Row(subject, fmt.Sprintf("warm latency p99 (%d POSTs, incl. local Slack and GCS state)", len(warm)), measure.Millis(measure.Percentile(warm, 99)), "")
	measure.Row(subject, fmt.Sprintf("warm latency p50 (%d POSTs, Slack excluded: TRACEGRID_DRY_RUN=1)", len(dryWarm)), measure.Millis(measure.Percentile(dryWarm, 50)), "")
	measure.Row(subject, fmt.Sprintf("warm latency p99 (%d POSTs, Slack excluded: TRACEGRID_DRY_RUN=1)", len(dryWarm)), measure.Millis(measure.Percentile(dryWarm, 99)), targetWarmP99)
	measure.Row(subject, "peak RSS after warm run (GCS state store on, local Slack)", fmt.Sprintf("%.1f MB", float64(rss)/1024), targetRSS)
	measure.Row(subject, "source bundle dist/gke.zip", fmt.Sprintf("%.1f KB", float64(st.Size())/1024), "")
	measure.Row(subject, "local binary (linux/"+goarch()+")", fmt.Sprintf("%.1f MB", float64(binSt.Size())/(1<<20)), "")
	if *big > 0 {
		bigBurst(bin, slack, entry, *big, *bigMB, *bigCap)
	}
}

// distinct returns the LogEntry for pod n of a workload of its own
// ("app<n>"), so that each POST is a distinct failure.
func distinct(entry []byte, n int) []byte {
	pod := fmt.Sprintf("app%d-7d9c6b5f4-abcde", n+1)
	return bytes.ReplaceAll(entry, []byte("app-7d9c6b5f4-abcde"), []byte(pod))
}

// coldStarts times process start to first response n times.
func coldStarts(n int, bin string, slack *fakeslack.Server, entry []byte, tag string, env ...string) []time.Duration {
	var ds []time.Duration
	for i := 0; i < n; i++ {
		p := start(bin, slack, env...)
		if code := p.post(entry, fmt.Sprintf("cold-%s-%d", tag, i), true); code != http.StatusOK {
			log.Fatalf("cold start %s %d: status %d", tag, i, code)
		}
		ds = append(ds, time.Since(p.Started))
		p.Stop()
	}
	return ds
}

// startGCS serves a Cloud Storage bucket with fake-gcs-server and returns
// the environment that points the function's state store at it.
func startGCS() []string {
	addr, err := localproc.FreeAddr()
	if err != nil {
		log.Fatal(err)
	}
	port, _ := strconv.Atoi(localproc.Port(addr))
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		Scheme: "http", Host: "127.0.0.1", Port: uint16(port), PublicHost: addr, Writer: io.Discard,
	})
	if err != nil {
		log.Fatal(err)
	}
	srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: "tracegrid-bench-state"})
	return []string{"TRACEGRID_GCS_BUCKET=tracegrid-bench-state", "STORAGE_EMULATOR_HOST=" + addr}
}

func goarch() string {
	out, err := exec.Command("go", "env", "GOARCH").Output()
	if err != nil {
		return "?"
	}
	return string(bytes.TrimSpace(out))
}

func run(name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("%s %v: %v", name, args, err)
	}
}

type process struct {
	*localproc.Process
	url    string
	client *http.Client
}

// start starts the function; p.Started is when, for timing a cold start.
func start(bin string, slack *fakeslack.Server, env ...string) *process {
	addr, err := localproc.FreeAddr()
	if err != nil {
		log.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "PORT="+localproc.Port(addr), "SLACK_API_URL="+slack.APIURL(), "SLACK_BOT_TOKEN="+token, "TRACEGRID_VERIFY=off",
		"SLACK_CHANNEL=C0BENCH", "SLACK_WEBHOOK_URL=", "TRACEGRID_DRY_RUN=", "TRACEGRID_GCS_BUCKET=")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	p, err := localproc.Start(cmd)
	if err != nil {
		log.Fatal(err)
	}
	return &process{Process: p, url: "http://" + addr + "/", client: &http.Client{Timeout: 30 * time.Second}}
}

// post sends the LogEntry with insertId id as a binary-mode Pub/Sub
// CloudEvent. With retry it retries connection errors until the process
// listens (for timing a cold start).
func (p *process) post(entry []byte, id string, retry bool) int {
	var le map[string]any
	if err := json.Unmarshal(entry, &le); err != nil {
		log.Fatal(err)
	}
	le["insertId"] = id
	raw, _ := json.Marshal(le)
	body, _ := json.Marshal(map[string]any{
		"subscription": "projects/my-project/subscriptions/bench",
		"message":      map[string]any{"data": base64.StdEncoding.EncodeToString(raw), "messageId": id},
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodPost, p.url, bytes.NewReader(body))
		setPushHeaders(req, id)
		resp, err := p.client.Do(req)
		if err == nil {
			resp.Body.Close()
			return resp.StatusCode
		}
		if !retry || time.Now().After(deadline) {
			log.Fatalf("POST: %v", err)
		}
		time.Sleep(time.Millisecond)
	}
}

// setPushHeaders makes req a binary-mode Pub/Sub messagePublished
// CloudEvent, as Eventarc sends it.
func setPushHeaders(req *http.Request, id string) {
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("ce-id", id)
	req.Header.Set("ce-source", "//pubsub.googleapis.com/projects/my-project/topics/gke-events")
	req.Header.Set("ce-specversion", "1.0")
	req.Header.Set("ce-type", "google.cloud.pubsub.topic.v1.messagePublished")
}
