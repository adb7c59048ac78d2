// Command ecs measures the ECS Lambda function: the size of its deployment
// zip (linux/arm64, stripped, -tags lambda.norpc), its cold start under the
// AWS Lambda Runtime Interface Emulator (process start to first response,
// median of 10), warm invocation latency (p50/p99 of 1000 invocations,
// enrichment off, a local fake Slack, every invocation a new incident so
// each one posts), and the bootstrap process's peak RSS. Run it from the
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
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tracegrid/tracegrid/bench/measure"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

const (
	subject     = "ecs"
	coldRuns    = 10
	warmInvokes = 1000
	token       = "xoxb-000000000000-0000000000000-tracegridbench"
	eventFile   = "testdata/events/aws-ecs-task-state-change.STOPPED-EssentialContainerExited-OOM.DERIVED.json"
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
	rie := os.Getenv("AWS_LAMBDA_RIE")
	if rie == "" {
		var err error
		if rie, err = exec.LookPath("aws-lambda-rie"); err != nil {
			return errors.New("aws-lambda-rie not found: run make tools or set AWS_LAMBDA_RIE")
		}
	}
	tmp, err := os.MkdirTemp("", "tracegrid-bench-ecs")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	zipPath := filepath.Join(tmp, "ecs.zip")
	if err := goCmd(nil, "run", "./functions/ecs/cmd/dist", "-o", zipPath); err != nil {
		return err
	}
	st, err := os.Stat(zipPath)
	if err != nil {
		return err
	}
	measure.Row(subject, "zip size (linux/arm64, stripped)", fmt.Sprintf("%.2f MiB", float64(st.Size())/(1<<20)), "")

	// The emulator here runs host binaries: build the same bootstrap for
	// the host.
	bootstrap := filepath.Join(tmp, "bootstrap")
	if err := goCmd(nil, "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", bootstrap, "./functions/ecs/cmd/bootstrap"); err != nil {
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
		"TRACEGRID_ENRICH=off", "TRACEGRID_STORM=off", "AWS_REGION=eu-west-1",
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
		emu.stop()
		if err != nil {
			return fmt.Errorf("cold invoke: %w", err)
		}
	}
	measure.Row(subject, "cold start (emulator start to first response, median of 10)", measure.Millis(measure.Percentile(cold, 50)), "")

	emu, err := startEmulator(rie, bootstrap, env)
	if err != nil {
		return err
	}
	defer emu.stop()
	warm := make([]time.Duration, 0, warmInvokes)
	for i := 0; i <= warmInvokes; i++ {
		body, err := next()
		if err != nil {
			return err
		}
		start := time.Now()
		if err := emu.invoke(body); err != nil {
			return fmt.Errorf("warm invoke %d: %w", i, err)
		}
		if i > 0 { // the first one is the cold start
			warm = append(warm, time.Since(start))
		}
	}
	if n := len(slack.Messages()); n != seq {
		return fmt.Errorf("fake Slack holds %d messages for %d invocations", n, seq)
	}
	measure.Row(subject, "warm invoke p50 (enrichment off, local Slack)", measure.Millis(measure.Percentile(warm, 50)), "")
	measure.Row(subject, "warm invoke p99 (enrichment off, local Slack)", measure.Millis(measure.Percentile(warm, 99)), "")
	pid, err := childPID(emu.cmd.Process.Pid)
	if err != nil {
		return err
	}
	kb, err := measure.PeakRSS(pid)
	if err != nil {
		return err
	}
	measure.Row(subject, "bootstrap peak RSS after 1000 invocations", fmt.Sprintf("%.1f MiB", float64(kb)/1024), "")
	return nil
}

func goCmd(env []string, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
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
	cmd *exec.Cmd
	url string
}

func startEmulator(rie, bootstrap string, env []string) (*emulator, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", addr, bootstrap)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	e := &emulator{cmd: cmd, url: "http://" + addr + "/2015-03-31/functions/function/invocations"}
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, 50*time.Millisecond)
		if err == nil {
			c.Close()
			return e, nil
		}
		if time.Now().After(deadline) {
			e.stop()
			return nil, fmt.Errorf("emulator not listening on %s: %w", addr, err)
		}
		time.Sleep(time.Millisecond)
	}
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

func (e *emulator) stop() {
	_ = e.cmd.Process.Kill()
	_ = e.cmd.Wait()
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
