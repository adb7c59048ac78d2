// Command ecs measures the ECS Lambda function: the size of its deployment
// zip (linux/arm64, stripped, -tags lambda.norpc), its cold start under the
// AWS Lambda Runtime Interface Emulator (process start to first response,
// median of 10), warm invocation latency (p50/p99 of 1000 invocations,
// enrichment off, every invocation a new incident, once posting to a local
// fake Slack and once with TRACEGRID_DRY_RUN=1 so Slack is excluded), and
// the bootstrap process's peak RSS. The target column holds issue 8's
// targets. Run it from the
// repository root:
//
//	go run ./bench/ecs
//
// It needs aws-lambda-rie on PATH or in AWS_LAMBDA_RIE (make tools).
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tracegrid/tracegrid/bench/measure"
	"github.com/tracegrid/tracegrid/internal/localproc"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

const (
	subject     = "ecs"
	coldRuns    = 10
	warmInvokes = 1000
	token       = "xoxb-000000000000-0000000000000-tracegridbench"
	eventFile   = "testdata/events/aws-ecs-task-state-change.STOPPED-EssentialContainerExited-OOM.DERIVED.json"

	// Issue 8's targets.
	targetCold    = "< 50 ms"
	targetWarmP99 = "< 2 ms excl. Slack"
	targetRSS     = "< 40 MB"
	targetZip     = "< 10 MB"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/ecs:", err)
		os.Exit(1)
	}
}

func run() error {
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run from the repository root")
	}
	rie, err := localproc.Find("AWS_LAMBDA_RIE", "aws-lambda-rie")
	if err != nil {
		return fmt.Errorf("%w: run make tools or set AWS_LAMBDA_RIE", err)
	}
	tmp, err := os.MkdirTemp("", "tracegrid-bench-ecs")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	zipPath := filepath.Join(tmp, "ecs.zip")
	dist := exec.Command("go", "run", "./functions/ecs/cmd/dist", "-o", zipPath)
	dist.Stdout, dist.Stderr = os.Stderr, os.Stderr
	if err := dist.Run(); err != nil {
		return err
	}
	st, err := os.Stat(zipPath)
	if err != nil {
		return err
	}
	measure.Row(subject, "zip size (linux/arm64, stripped)", fmt.Sprintf("%.2f MiB", float64(st.Size())/(1<<20)), targetZip)

	// The emulator here runs host binaries: build the same bootstrap for
	// the host.
	bootstrap, err := localproc.Build(tmp, "bootstrap", localproc.GoBuild{Package: "./functions/ecs/cmd/bootstrap",
		Flags: []string{"-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w"}})
	if err != nil {
		return err
	}
	template, err := os.ReadFile(eventFile)
	if err != nil {
		return err
	}
	slack := fakeslack.New(token)
	defer slack.Close()
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + tmp, "LOG_LEVEL=error",
		"SLACK_API_URL=" + slack.APIURL(), "SLACK_BOT_TOKEN=" + token, "SLACK_CHANNEL=C0BENCH",
		"TRACEGRID_ENRICH=off", "TRACEGRID_STORM=off", "TRACEGRID_VERIFY=off", "AWS_REGION=eu-west-1",
	}
	seq := 0
	next := func() ([]byte, error) { seq++; return event(template, seq) }

	cold := make([]time.Duration, 0, coldRuns)
	for range coldRuns {
		body, err := next()
		if err != nil {
			return err
		}
		start := time.Now()
		emu, err := startEmulator(rie, bootstrap, env)
		if err != nil {
			return err
		}
		err = emu.invoke(body)
		cold = append(cold, time.Since(start))
		emu.Stop()
		if err != nil {
			return fmt.Errorf("cold invoke: %w", err)
		}
	}
	measure.Row(subject, "cold start (emulator start to first response, median of 10)", measure.Millis(measure.Percentile(cold, 50)), targetCold)

	emu, warm, err := warmRun(rie, bootstrap, env, next)
	if err != nil {
		return err
	}
	defer emu.Stop()
	if n := len(slack.Messages()); n != seq {
		return fmt.Errorf("fake Slack holds %d messages for %d invocations", n, seq)
	}
	posted := seq

	// The same invocations with TRACEGRID_DRY_RUN=1: the notifier renders
	// and logs the payload instead of calling Slack, so these figures
	// exclude Slack's own latency (issue 8's warm target).
	dryEnv := []string{"TRACEGRID_DRY_RUN=1"}
	for _, kv := range env {
		if !strings.HasPrefix(kv, "SLACK_") {
			dryEnv = append(dryEnv, kv)
		}
	}
	dry, dryWarm, err := warmRun(rie, bootstrap, dryEnv, next)
	if err != nil {
		return fmt.Errorf("dry run: %w", err)
	}
	dry.Stop()
	if n := len(slack.Messages()); n != posted {
		return fmt.Errorf("dry run posted to Slack: %d messages, want %d", n, posted)
	}
	measure.Row(subject, "warm invoke p50 (enrichment off, incl. local Slack)", measure.Millis(measure.Percentile(warm, 50)), "")
	measure.Row(subject, "warm invoke p99 (enrichment off, incl. local Slack)", measure.Millis(measure.Percentile(warm, 99)), "")
	measure.Row(subject, "warm invoke p50 (enrichment off, Slack excluded: TRACEGRID_DRY_RUN=1)", measure.Millis(measure.Percentile(dryWarm, 50)), "")
	measure.Row(subject, "warm invoke p99 (enrichment off, Slack excluded: TRACEGRID_DRY_RUN=1)", measure.Millis(measure.Percentile(dryWarm, 99)), targetWarmP99)
	pid, err := childPID(emu.Cmd.Process.Pid)
	if err != nil {
		return err
	}
	kb, err := measure.PeakRSS(pid)
	if err != nil {
		return err
	}
	measure.Row(subject, "bootstrap peak RSS after 1000 invocations (incl. local Slack)", fmt.Sprintf("%.1f MiB", float64(kb)/1024), targetRSS)
	return nil
}

// warmRun starts the emulator with env, invokes it once (the cold start)
// and then warmInvokes times with next's events, and returns the emulator,
// still running, with the warm latencies.
func warmRun(rie, bootstrap string, env []string, next func() ([]byte, error)) (*emulator, []time.Duration, error) {
	emu, err := startEmulator(rie, bootstrap, env)
	if err != nil {
		return nil, nil, err
	}
	warm := make([]time.Duration, 0, warmInvokes)
	for i := 0; i <= warmInvokes; i++ {
		body, err := next()
		if err != nil {
			emu.Stop()
			return nil, nil, err
		}
		start := time.Now()
		if err := emu.invoke(body); err != nil {
			emu.Stop()
			return nil, nil, fmt.Errorf("warm invoke %d: %w", i, err)
		}
		if i > 0 { // the first one is the cold start
			warm = append(warm, time.Since(start))
		}
	}
	return emu, warm, nil
}

// event returns the OOM envelope for a task and service of its own, so
// every invocation is a new incident that Slack receives as a new message.
func event(template []byte, n int) ([]byte, error) {
	var ev map[string]any
	if err := json.Unmarshal(template, &ev); err != nil {
		return nil, err
	}
	detail := ev["detail"].(map[string]any)
	taskARN := fmt.Sprintf("arn:aws:ecs:eu-west-1:0123456789:task/Features/%032x", n)
	detail["taskArn"] = taskARN
	detail["group"] = "service:bench-" + strconv.Itoa(n)
	ev["resources"] = []any{taskARN}
	return json.Marshal(ev)
}

// emulator is aws-lambda-rie running the bootstrap.
type emulator struct {
	*localproc.Process
	url string
}

func startEmulator(rie, bootstrap string, env []string) (*emulator, error) {
	cmd, addr, err := localproc.RIECommand(rie, bootstrap)
	if err != nil {
		return nil, err
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	p, err := localproc.Start(cmd)
	if err != nil {
		return nil, err
	}
	if err := p.WaitListening(addr, 10*time.Second); err != nil {
		p.Stop()
		return nil, fmt.Errorf("emulator: %w", err)
	}
	return &emulator{Process: p, url: "http://" + addr + localproc.RIEInvokePath}, nil
}

func (e *emulator) invoke(body []byte) error {
	resp, err := http.Post(e.url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || bytes.Contains(b, []byte(`"errorMessage"`)) {
		return fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	return nil
}

// childPID finds the process the emulator started (the bootstrap).
func childPID(parent int) (int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces, so split after ')'.
		s := string(b)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 1 && fields[1] == strconv.Itoa(parent) && strings.Contains(s, "(bootstrap)") {
			return pid, nil
		}
	}
	return 0, fmt.Errorf("no bootstrap process under emulator pid %d", parent)
}
