package terraform_test

import (
	"archive/zip"
	"encoding/json"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// buildArtifact runs one of the commands `make dist` uses, from the repository root, writing
// into a temporary directory, and returns the zip's entries by name.
func buildArtifact(t *testing.T, pkg, name string) map[string]*zip.File {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("go", "run", pkg, "-o", out)
	cmd.Dir = ".."
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run %s: %v\n%s", pkg, err, b)
	}
	r, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	files := map[string]*zip.File{}
	for _, f := range r.File {
		files[f.Name] = f
	}
	return files
}

func readZipFile(t *testing.T, f *zip.File) []byte {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDistArtifactsMatchTheModules builds the Azure and GKE packages with the repository's own
// packaging commands and checks they hold what the modules point at: the Event Grid target
// function, the timer, the custom handler binary host.json starts, and a Go module whose root
// package registers the entry point.
func TestDistArtifactsMatchTheModules(t *testing.T) {
	t.Run("azure.zip", func(t *testing.T) {
		requireDir(t, "../functions/azure/cmd/dist", "the Azure packaging command")
		files := buildArtifact(t, "./functions/azure/cmd/dist", "azure.zip")
		event := literal(t, loadModule(t, "azure").locals["event_function"]).AsString()
		for _, name := range []string{"host.json", event + "/function.json", "AciScan/function.json"} {
			if files[name] == nil {
				t.Errorf("azure.zip lacks %s: %v", name, mapKeys(files))
			}
		}
		if files["host.json"] == nil {
			return
		}
		var host struct {
			CustomHandler struct {
				Description struct {
					DefaultExecutablePath string `json:"defaultExecutablePath"`
				} `json:"description"`
			} `json:"customHandler"`
		}
		if err := json.Unmarshal(readZipFile(t, files["host.json"]), &host); err != nil {
			t.Fatal(err)
		}
		exe := host.CustomHandler.Description.DefaultExecutablePath
		if exe != "handler" || files[exe] == nil {
			t.Errorf("host.json starts %q; want the handler binary in the zip (entries %v)", exe, mapKeys(files))
		}
	})

	t.Run("gke.zip", func(t *testing.T) {
		requireDir(t, "../functions/gke/cmd/bundle", "the GKE bundling command")
		files := buildArtifact(t, "./functions/gke/cmd/bundle", "gke.zip")
		if files["go.mod"] == nil {
			t.Fatalf("gke.zip has no go.mod at its root: %v", mapKeys(files))
		}
		var rootGo []string
		for name, f := range files {
			if !strings.Contains(name, "/") && strings.HasSuffix(name, ".go") {
				rootGo = append(rootGo, string(readZipFile(t, f)))
			}
		}
		if !slices.ContainsFunc(rootGo, func(src string) bool {
			return strings.Contains(src, `"github.com/tracegrid/tracegrid/functions/gke"`)
		}) {
			t.Errorf("no root Go file imports functions/gke, whose init registers %s", literal(t, loadModule(t, "gcp").locals["entry_point"]).AsString())
		}
	})
}
