package storetest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/internal/localproc"
)

// RequireEnv names the variable that turns a missing emulator from a skip
// into a failure; `make test` sets it, so CI cannot pass by skipping.
const RequireEnv = "TRACEGRID_REQUIRE_EMULATORS"

// NpmBinDir is where scripts/state/install-emulators puts the emulators'
// executables, relative to the module root.
const NpmBinDir = ".bin/npm/node_modules/.bin"

// startTimeout bounds how long an emulator may take to accept connections,
// and startAttempts how often it is started when it exits first.
const (
	startTimeout  = 30 * time.Second
	startAttempts = 3
)

// Emulator is a local server that speaks a cloud API (dynalite for
// DynamoDB, azurite-table for Azure Table storage).
type Emulator struct {
	// Name is the executable, looked up in $Env, then PATH, then NpmBinDir.
	Name string
	// Env names the variable that may hold the executable's path.
	Env string
	// Args returns the arguments that make it listen on 127.0.0.1:port
	// and keep its data in memory.
	Args func(port int) []string
}

// Start runs the emulator on a free loopback port until t ends and returns
// its "127.0.0.1:port" address. It skips t (fails it if RequireEnv is set)
// when the executable is not installed.
func (e Emulator) Start(t *testing.T) string {
	t.Helper()
	path, err := e.find()
	if err != nil {
		msg := e.Name + " not installed (" + err.Error() + "); run scripts/state/install-emulators or set " + e.Env
		if os.Getenv(RequireEnv) != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	// The port is free when chosen but another process may take it before
	// the emulator binds it; the emulator then exits, and we try again.
	var lastErr error
	for range startAttempts {
		addr, err := e.launch(t, path)
		if err == nil {
			return addr
		}
		lastErr = err
	}
	t.Fatal(lastErr)
	return ""
}

// launch starts the emulator once and waits until it accepts connections.
// It returns an error when the emulator exits first.
func (e Emulator) launch(t *testing.T, path string) (string, error) {
	addr, err := localproc.FreeAddr()
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	port, _ := strconv.Atoi(localproc.Port(addr))
	out := &localproc.Buffer{}
	cmd := exec.Command(path, e.Args(port)...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	deadline := time.After(startTimeout)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = conn.Close()
			return addr, nil
		}
		select {
		case err := <-exited:
			exited <- err
			return "", fmt.Errorf("%s exited before listening on %s: %v\n%s", e.Name, addr, err, out)
		case <-deadline:
			t.Fatalf("%s did not listen on %s within %s\n%s", e.Name, addr, startTimeout, out)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (e Emulator) find() (string, error) {
	if p := os.Getenv(e.Env); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("$%s: %w", e.Env, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath(e.Name); err == nil {
		return p, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, NpmBinDir, e.Name)
	if _, err := os.Stat(p); err != nil {
		return "", errors.New("not in $" + e.Env + ", PATH or " + filepath.Join(root, NpmBinDir))
	}
	return p, nil
}

// moduleRoot is the nearest directory above the working directory (a
// package directory under go test) that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
