package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tracegrid/tracegrid/bench/measure"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

// bigBurst sends n concurrent Pub/Sub pushes, each a LogEntry whose message
// is mb MB (Pub/Sub allows 10 MB), to a fresh function process whose
// address space is capped at capGiB (inherited from this process, so a
// regression cannot exhaust the machine), and prints its peak RSS, the
// answers, whether it stayed up and the wall time.
func bigBurst(bin string, slack *fakeslack.Server, entry []byte, n, mb, capGiB int) {
	lim := &syscall.Rlimit{Cur: uint64(capGiB) << 30, Max: uint64(capGiB) << 30}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, lim); err != nil {
		log.Fatal(err)
	}
	p := start(bin, slack, "TRACEGRID_STORM=off")
	defer p.Stop()
	p.client.Timeout = 10 * time.Minute
	p.post(entry, "big-warmup", true)
	posted := len(slack.Messages())

	var mu sync.Mutex
	codes := map[string]int{}
	var wg sync.WaitGroup
	t0 := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := p.push(entry, i, mb<<20)
			mu.Lock()
			codes[code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	took := time.Since(t0)
	up := p.push(entry, n, 1<<10) == "200"
	rss, err := measure.PeakRSS(p.Cmd.Process.Pid)
	if err != nil {
		log.Fatalf("the function is gone: %v", err)
	}
	var answers []string
	for c, k := range codes {
		answers = append(answers, fmt.Sprintf("%d × %s", k, c))
	}
	what := fmt.Sprintf("%d concurrent %d MB events", n, mb)
	measure.Row(subject, what+": peak RSS", fmt.Sprintf("%.1f MiB", float64(rss)/1024), "stays up")
	measure.Row(subject, what+": answers", strings.Join(answers, ", "), fmt.Sprintf("%d × 200", n))
	measure.Row(subject, what+": up afterwards", fmt.Sprint(up), "true")
	measure.Row(subject, what+": wall time", measure.Millis(took), "")
	measure.Row(subject, what+": Slack messages", fmt.Sprint(len(slack.Messages())-posted), fmt.Sprint(n))
}

// push sends the LogEntry for workload i with a message of size bytes as a
// binary-mode Pub/Sub CloudEvent, streaming the body so that the benchmark
// itself stays small. It returns the status, or "connection error".
func (p *process) push(entry []byte, i, size int) string {
	var le map[string]any
	if err := json.Unmarshal(entry, &le); err != nil {
		log.Fatal(err)
	}
	id := fmt.Sprint("big-", i)
	le["insertId"] = id
	raw, _ := json.Marshal(le)
	raw = distinct(raw, i)
	const mark = "MESSAGE-PADDING-MARK"
	raw = bytes.Replace(raw, []byte(`"message":"`), []byte(`"message":"`+mark), 1)
	head, tail, _ := bytes.Cut(raw, []byte(mark))
	pr, pw := io.Pipe()
	go func() {
		fmt.Fprintf(pw, `{"subscription":"projects/my-project/subscriptions/bench","message":{"messageId":%q,"data":"`, id)
		enc := base64.NewEncoder(base64.StdEncoding, pw)
		_, _ = enc.Write(head)
		_, _ = io.Copy(enc, io.LimitReader(repeat("Back-off pulling image: token=abc123 "), int64(size)))
		_, _ = enc.Write(tail)
		_ = enc.Close()
		_, _ = io.WriteString(pw, `"}}`)
		_ = pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, p.url, pr)
	setPushHeaders(req, id)
	resp, err := p.client.Do(req)
	if err != nil {
		pr.CloseWithError(err)
		return "connection error"
	}
	resp.Body.Close()
	return fmt.Sprint(resp.StatusCode)
}

// repeat reads s over and over.
func repeat(s string) io.Reader { return &repeater{s: s} }

type repeater struct {
	s string
	i int
}

func (r *repeater) Read(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		c := copy(b[n:], r.s[r.i:])
		n += c
		r.i = (r.i + c) % len(r.s)
	}
	return n, nil
}
