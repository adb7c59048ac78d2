package localproc

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// helperEnv makes the test binary act as the process under test: "listen"
// listens on $LOCALPROC_ADDR, "exit" exits at once, "idle" never listens.
const helperEnv = "LOCALPROC_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "listen":
		fmt.Println("listening")
		l, err := net.Listen("tcp", os.Getenv("LOCALPROC_ADDR"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		for {
			c, err := l.Accept()
			if err != nil {
				os.Exit(2)
			}
			c.Close()
		}
	case "exit":
		fmt.Fprintln(os.Stderr, "giving up")
		os.Exit(3)
	case "idle":
		time.Sleep(time.Minute)
	}
}

func TestWaitListening(t *testing.T) {
	for _, tc := range []struct {
		helper  string
		wantErr string // "" for success
		output  string // in p.Output
	}{
		{helper: "listen", output: "listening"},
		{helper: "exit", wantErr: "exited before listening", output: "giving up"},
		{helper: "idle", wantErr: "did not listen"},
	} {
		t.Run(tc.helper, func(t *testing.T) {
			addr, err := FreeAddr()
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), helperEnv+"="+tc.helper, "LOCALPROC_ADDR="+addr)
			p := StartT(t, tc.helper, cmd)
			err = p.WaitListening(addr, 2*time.Second)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatal(err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("err = %v, want one saying %q", err, tc.wantErr)
			}
			p.Stop()
			p.Stop() // a second Stop (and the cleanup's) must not block
			if !strings.Contains(p.Output.String(), tc.output) {
				t.Errorf("output %q lacks %q", p.Output, tc.output)
			}
		})
	}
}

func TestFreeAddrsAndPort(t *testing.T) {
	addrs, err := FreeAddrs(3)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, a := range addrs {
		if !strings.HasPrefix(a, "127.0.0.1:") || Port(a) == "" || Port(a) == "0" || seen[a] {
			t.Errorf("addresses %q: %q is not a new loopback address", addrs, a)
		}
		seen[a] = true
		if l, err := net.Listen("tcp", a); err != nil {
			t.Errorf("%s is not free: %v", a, err)
		} else {
			l.Close()
		}
	}
	for _, tc := range []struct{ addr, port string }{
		{"127.0.0.1:8080", "8080"},
		{"[::1]:9001", "9001"},
		{"no-port", ""},
	} {
		if got := Port(tc.addr); got != tc.port {
			t.Errorf("Port(%q) = %q, want %q", tc.addr, got, tc.port)
		}
	}
}

func TestBuffer(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				fmt.Fprint(&b, "x")
				_ = b.String()
			}
		})
	}
	wg.Wait()
	if n := len(b.String()); n != 800 {
		t.Errorf("len = %d, want 800", n)
	}
}

func TestBuild(t *testing.T) {
	for _, tc := range []struct {
		name    string
		build   GoBuild
		wantErr string
	}{
		{name: "main package", build: GoBuild{Package: "./testdata/hello", Flags: []string{"-trimpath"}, Env: []string{"CGO_ENABLED=0"}}},
		{name: "in another directory", build: GoBuild{Package: ".", WorkDir: "testdata/hello"}},
		{name: "missing package", build: GoBuild{Package: "./testdata/missing"}, wantErr: "testdata/missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin, err := Build(t.TempDir(), "hello", tc.build)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want go's output naming %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(bin).Output()
			if err != nil || string(out) != "hello\n" {
				t.Errorf("built binary printed %q, %v", out, err)
			}
		})
	}
}

func TestFind(t *testing.T) {
	t.Setenv("LOCALPROC_FIND", "/opt/x/tool")
	for _, tc := range []struct {
		env, name, want, wantErr string
	}{
		{env: "LOCALPROC_FIND", name: "go", want: "/opt/x/tool"},
		{env: "LOCALPROC_UNSET", name: "go", want: "go"}, // on PATH: its path ends in go
		{env: "LOCALPROC_UNSET", name: "localproc-no-such-tool", wantErr: "not in $LOCALPROC_UNSET or PATH"},
	} {
		got, err := Find(tc.env, tc.name)
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Find(%s, %s) = %q, %v; want an error saying %q", tc.env, tc.name, got, err, tc.wantErr)
			}
		case err != nil || !strings.HasSuffix(got, tc.want):
			t.Errorf("Find(%s, %s) = %q, %v; want %q", tc.env, tc.name, got, err, tc.want)
		}
	}
}

func TestRIECommand(t *testing.T) {
	cmd, addr, err := RIECommand("/bin/aws-lambda-rie", "/tmp/bootstrap")
	if err != nil {
		t.Fatal(err)
	}
	args := cmd.Args[1:]
	if len(args) != 5 || args[0] != "--runtime-interface-emulator-address" || args[1] != addr ||
		args[2] != "--runtime-api-address" || Port(args[3]) == "" || args[3] == addr || args[4] != "/tmp/bootstrap" {
		t.Errorf("args = %q (invoke address %s): want the emulator and the Runtime API on two free ports", args, addr)
	}
}
