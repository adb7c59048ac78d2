package main

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteZip checks the package layout Lambda's provided.al2023 runtime
// needs: one executable entry named bootstrap at the root, and that the
// same input gives the same bytes.
func TestWriteZip(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	payload := []byte("\x7fELF not really a binary")
	if err := os.WriteFile(bin, payload, 0o600); err != nil {
		t.Fatal(err)
	}
	var zips [][]byte
	for i := range 2 {
		out := filepath.Join(dir, "out", string(rune('a'+i)), "ecs.zip")
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := writeZip(out, bin); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		zips = append(zips, b)
	}
	if !bytes.Equal(zips[0], zips[1]) {
		t.Error("two zips of the same binary differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(zips[0]), int64(len(zips[0])))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" {
		t.Fatalf("entries = %v, want only bootstrap", zr.File)
	}
	if m := zr.File[0].Mode(); m.Perm() != 0o755 || !m.IsRegular() {
		t.Errorf("bootstrap mode = %v, want -rwxr-xr-x", m)
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, payload) {
		t.Error("bootstrap content changed")
	}
}
