package main

import (
	"archive/zip"
	"bytes"
	"debug/elf"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/tracegrid/tracegrid/functions/azure"
)

// TestZipIsReadyForZipDeploy builds the package and checks what the
// Functions host reads from it: host.json naming the executable, one folder
// per route with its trigger binding, and a linux/amd64 executable.
func TestZipIsReadyForZipDeploy(t *testing.T) {
	out := filepath.Join(t.TempDir(), "azure.zip")
	if err := run(out, "../../app", "../handler"); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
		if f.Name == "handler" && f.Mode().Perm() != 0o755 {
			t.Errorf("handler mode %v", f.Mode())
		}
	}
	var host struct {
		CustomHandler struct {
			Description struct{ DefaultExecutablePath string }
		}
	}
	if err := json.Unmarshal(files["host.json"], &host); err != nil || host.CustomHandler.Description.DefaultExecutablePath != "handler" {
		t.Errorf("host.json: %+v %v", host, err)
	}
	bindings := map[string]struct{ typ, name string }{
		azure.EventRoute[1:] + "/function.json": {"eventGridTrigger", azure.EventBinding},
		azure.ScanRoute[1:] + "/function.json":  {"timerTrigger", "timer"},
	}
	for path, want := range bindings {
		var fn struct {
			Bindings []struct{ Type, Name, Direction, Schedule string }
		}
		if err := json.Unmarshal(files[path], &fn); err != nil || len(fn.Bindings) != 1 {
			t.Fatalf("%s: %s %v", path, files[path], err)
		}
		b := fn.Bindings[0]
		if b.Type != want.typ || b.Name != want.name || b.Direction != "in" {
			t.Errorf("%s: %+v", path, b)
		}
		if b.Type == "timerTrigger" && b.Schedule != "%TRACEGRID_SCAN_SCHEDULE%" {
			t.Errorf("timer schedule %q", b.Schedule)
		}
	}
	exe, err := elf.NewFile(bytes.NewReader(files["handler"]))
	if err != nil || exe.Machine != elf.EM_X86_64 {
		t.Errorf("handler is not a linux/amd64 executable: %v", err)
	}
	if len(files) != 4 {
		t.Errorf("unexpected entries: %d", len(files))
	}
	again := filepath.Join(t.TempDir(), "again.zip")
	if err := run(again, "../../app", "../handler"); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(again)
	if !bytes.Equal(a, b) {
		t.Error("two builds of the same sources differ")
	}
}
