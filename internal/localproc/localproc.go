// Package localproc starts the functions' local processes — binaries,
// emulators — on free loopback ports and waits for them; used by the
// end-to-end tests and the bench programs.
//
// The helpers return errors, so the bench programs can use them; StartT
// adds what a test wants (fail on error, stop at cleanup, print the
// process's output when the test failed).
package localproc

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"
)

// pollInterval is how long WaitListening sleeps between two dials. It is
// short because the bench programs time cold starts through it.
const pollInterval = time.Millisecond

// FreeAddr returns a loopback address, "127.0.0.1:port", that nobody
// listens on at the time of the call.
func FreeAddr() (string, error) {
	addrs, err := FreeAddrs(1)
	if err != nil {
		return "", err
	}
	return addrs[0], nil
}

// FreeAddrs returns n distinct free loopback addresses, for a process that
// listens on more than one.
func FreeAddrs(n int) ([]string, error) {
	addrs := make([]string, 0, n)
	for range n {
		// Each listener stays open until all are chosen, so that the
		// kernel cannot hand out the same port twice.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free loopback port: %w", err)
		}
		defer l.Close()
		addrs = append(addrs, l.Addr().String())
	}
	return addrs, nil
}

// Port returns the port of a "host:port" address ("" if addr has none),
// for processes that take the port alone (PORT,
// FUNCTIONS_CUSTOMHANDLER_PORT).
func Port(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	return port
}

// Buffer is a bytes.Buffer that a process's output can be copied into
// while another goroutine reads it.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// GoBuild is a `go build` of one package.
type GoBuild struct {
	// Package is what to build, as go build takes it ("./cmd/bootstrap").
	Package string
	// Flags go before -o ("-tags", "lambda.norpc", "-trimpath").
	Flags []string
	// Env is added to the inherited environment ("CGO_ENABLED=0").
	Env []string
	// WorkDir is where go runs; "" is the current directory.
	WorkDir string
}

// Build builds b into dir/name and returns the binary's path. The error of
// a failed build holds go's output.
func Build(dir, name string, b GoBuild) (string, error) {
	out := filepath.Join(dir, name)
	args := append(append([]string{"build"}, b.Flags...), "-o", out, b.Package)
	cmd := exec.Command("go", args...)
	cmd.Dir = b.WorkDir
	if len(b.Env) > 0 {
		cmd.Env = append(os.Environ(), b.Env...)
	}
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", b.Package, err, msg)
	}
	return out, nil
}

// Find returns the executable named by the environment variable env, else
// name on PATH.
func Find(env, name string) (string, error) {
	if p := os.Getenv(env); p != "" {
		return p, nil
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s not in $%s or PATH: %w", name, env, err)
	}
	return p, nil
}

// Process is a started command.
type Process struct {
	// Cmd is the command; Cmd.Process.Pid is the process.
	Cmd *exec.Cmd
	// Output holds what the command wrote to the Stdout and Stderr that
	// Start found unset.
	Output *Buffer
	// Started is the time just before the process started.
	Started time.Time

	done    chan struct{} // closed when the process has exited
	waitErr error         // cmd.Wait's result, set before done closes
}

// Start starts cmd (with cmd.Env as the caller set it). Unset Stdout and
// Stderr go to p.Output. Stop ends the process.
func Start(cmd *exec.Cmd) (*Process, error) {
	p := &Process{Cmd: cmd, Output: &Buffer{}, done: make(chan struct{})}
	if cmd.Stdout == nil {
		cmd.Stdout = p.Output
	}
	if cmd.Stderr == nil {
		cmd.Stderr = p.Output
	}
	p.Started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Stop kills the process and waits until it has exited. It may be called
// more than once.
func (p *Process) Stop() {
	_ = p.Cmd.Process.Kill()
	<-p.done
}

// WaitListening dials addr until it accepts a TCP connection. It fails
// when the process exits first or timeout passes.
func (p *Process) WaitListening(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s exited before listening on %s: %v", filepath.Base(p.Cmd.Path), addr, p.waitErr)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not listen on %s within %s: %w", filepath.Base(p.Cmd.Path), addr, timeout, err)
		}
		time.Sleep(pollInterval)
	}
}

// T is the part of *testing.T that StartT uses (this package does not
// import testing, so the bench programs do not link it).
type T interface {
	Helper()
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Failed() bool
	Cleanup(func())
}

// StartT starts cmd like Start, failing t if it cannot. When t ends it
// stops the process and, if t failed, logs "<what> output:" and the output
// collected.
func StartT(t T, what string, cmd *exec.Cmd) *Process {
	t.Helper()
	p, err := Start(cmd)
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() {
		p.Stop()
		if t.Failed() {
			t.Logf("%s output:\n%s", what, p.Output)
		}
	})
	return p
}

// RIEInvokePath is the path on which the AWS Lambda Runtime Interface
// Emulator takes invocations.
const RIEInvokePath = "/2015-03-31/functions/function/invocations"

// RIECommand returns the command that runs bootstrap under the AWS Lambda
// Runtime Interface Emulator rie, and the address it takes invocations on.
// Both the emulator's address and its internal Runtime API address (which
// it hands the bootstrap as AWS_LAMBDA_RUNTIME_API) are free loopback
// ports: left to itself the Runtime API binds 127.0.0.1:9001, and a
// second emulator on the machine fails with "address already in use".
func RIECommand(rie, bootstrap string) (cmd *exec.Cmd, addr string, err error) {
	addrs, err := FreeAddrs(2)
	if err != nil {
		return nil, "", err
	}
	addr, api := addrs[0], addrs[1]
	return exec.Command(rie, "--runtime-interface-emulator-address", addr, "--runtime-api-address", api, bootstrap), addr, nil
}
