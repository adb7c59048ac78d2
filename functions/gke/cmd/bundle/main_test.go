package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/internal/localproc"
)

// declarativeMain is the main the Cloud Functions Go buildpack generates
// for a package that imports functions-framework-go/functions
// (GoogleCloudPlatform/buildpacks cmd/go/functions_framework, template
// mainTextTemplateDeclarative), with {{.Package}} resolved to the module
// path, as the buildpack does when no directory is named after the root
// package.
const declarativeMain = `// Binary main file implements an HTTP server that loads and runs user's code
// on incoming HTTP requests.
package main

import (
	"log"
	"net/http"
	"os"

	_ "github.com/tracegrid/tracegrid"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
)

func main() {
	http.HandleFunc("/robots.txt", http.NotFound)
	http.HandleFunc("/favicon.ico", http.NotFound)

	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	if err := funcframework.Start(port); err != nil {
		log.Fatalf("Function failed to start: %v\n", err)
	}
}
`

func buildZip(t *testing.T) []byte {
	t.Helper()
	files, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, files); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestBundleContents(t *testing.T) {
	b := buildZip(t)
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
		if strings.HasSuffix(f.Name, "_test.go") || strings.Contains(f.Name, "/cmd/") || strings.Contains(f.Name, "testdata/") {
			t.Errorf("bundle holds %s", f.Name)
		}
		if f.Mode().Perm()&0o200 == 0 {
			t.Errorf("%s is not writable (the buildpack edits go.mod)", f.Name)
		}
	}
	for _, want := range []string{"go.mod", "go.sum", RootFile, "functions/gke/function.go", "functions/gke/decode.go", "shared/kube/event.go", "shared/classify/classify.go", "shared/notify/notify.go", "shared/report/report.go", "shared/failure/failure.go"} {
		if !names[want] {
			t.Errorf("bundle lacks %s", want)
		}
	}
}

// TestWriteIsReproducible: the same files give the same bytes, whatever
// the files' own timestamps (Terraform names the uploaded object by MD5).
func TestWriteIsReproducible(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for i, name := range []string{"go.mod", "go.sum", "functions/gke/function.go"} {
		p := filepath.Join(dir, fmt.Sprint(i))
		if err := os.WriteFile(p, []byte("content of "+name), 0o600); err != nil {
			t.Fatal(err)
		}
		files[name] = p
	}
	var a, b bytes.Buffer
	if err := Write(&a, files); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	for _, p := range files {
		if err := os.Chtimes(p, later, later); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(&b, files); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two writes of the same files differ")
	}
}

// TestBundleBuildsLikeTheBuildpack extracts the bundle, adds the main the
// Go buildpack generates, builds it from the module cache, serves it with
// FUNCTION_TARGET=Handler and posts a Pub/Sub CloudEvent in dry-run mode.
func TestBundleBuildsLikeTheBuildpack(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the function from the bundle")
	}
	b := buildZip(t)
	dir := t.TempDir()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, f.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	app := filepath.Join(dir, "functions.local", "app")
	if err := os.MkdirAll(app, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(app, "main.go"), []byte(declarativeMain), 0o644); err != nil {
		t.Fatal(err)
	}
	// Offline: every module must come from go.sum and the module cache.
	bin, err := localproc.Build(t.TempDir(), "fn", localproc.GoBuild{Package: "./functions.local/app", WorkDir: dir,
		Env: []string{"GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local"}})
	if err != nil {
		t.Fatalf("go build of the bundle: %v", err)
	}

	addr, err := localproc.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "PORT="+localproc.Port(addr), "FUNCTION_TARGET=Handler", "TRACEGRID_DRY_RUN=1",
		"SLACK_BOT_TOKEN=", "SLACK_WEBHOOK_URL=", "TRACEGRID_GCS_BUCKET=")
	p, err := localproc.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	out := p.Output

	body, headers := binaryRequest(t)
	if err := p.WaitListening(addr, 30*time.Second); err != nil {
		t.Fatalf("function never answered: %v\n%s", err, out.String())
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/", bytes.NewReader(body))
	req.Header = headers
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("function never answered: %v\n%s", err, out.String())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", resp.StatusCode, out.String())
	}
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(out.String(), "dry run"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no dry-run log line:\n%s", out.String())
		}
	}
}

// binaryRequest reads the DERIVED binary-mode Eventarc request.
func binaryRequest(t *testing.T) ([]byte, http.Header) {
	t.Helper()
	raw, err := os.ReadFile("../../../../testdata/events/gcp-pubsub-messagePublished.binary-mode-request.wrapping-gke-event.DERIVED.http.txt")
	if err != nil {
		t.Fatal(err)
	}
	head, body, _ := strings.Cut(string(raw), "\n\n")
	h := http.Header{}
	for _, line := range strings.Split(head, "\n")[1:] {
		if k, v, ok := strings.Cut(line, ":"); ok && (strings.HasPrefix(k, "ce-") || k == "Content-Type") {
			h.Set(k, strings.TrimSpace(v))
		}
	}
	return []byte(body), h
}
