// Command dist writes the Azure Functions zip-deploy package: host.json, the
// function folders and the handler binary built for linux/amd64 (the
// Functions Linux workers), at the archive root as the host expects.
//
//	go run ./functions/azure/cmd/dist -o dist/azure.zip
//
// Entries carry a fixed timestamp, so the same sources give the same bytes
// and Terraform's hash of the zip changes only when the code does.
package main

import (
	"archive/zip"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"
)

func main() {
	out := flag.String("o", "dist/azure.zip", "zip to write")
	app := flag.String("app", "functions/azure/app", "folder holding host.json and the function folders")
	pkg := flag.String("pkg", "./functions/azure/cmd/handler", "package of the custom handler binary")
	flag.Parse()
	if err := run(*out, *app, *pkg); err != nil {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
}

func run(out, app, pkg string) error {
	if _, err := os.Stat(filepath.Join(app, "host.json")); err != nil {
		return fmt.Errorf("no host.json in %s (run from the repository root): %w", app, err)
	}
	tmp, err := os.MkdirTemp("", "tracegrid-azure-dist")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "handler")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, pkg)
	build.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build handler: %w", err)
	}
	files := map[string]string{"handler": bin} // archive name -> path
	err = filepath.WalkDir(app, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(app, path)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = path
		return nil
	})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return writeZip(out, files)
}

func writeZip(out string, files map[string]string) (err error) {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	zw := zip.NewWriter(f)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	stamp := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, name := range names {
		mode := fs.FileMode(0o644)
		if name == "handler" {
			mode = 0o755
		}
		hdr := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: stamp}
		hdr.SetMode(mode)
		w, err := zw.CreateHeader(hdr)
		if err != nil {
			return err
		}
		src, err := os.Open(files[name])
		if err != nil {
			return err
		}
		_, err = io.Copy(w, src)
		src.Close()
		if err != nil {
			return err
		}
	}
	return zw.Close()
}
