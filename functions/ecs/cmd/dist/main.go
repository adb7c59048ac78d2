// Command dist writes the Lambda deployment package of the ECS function: a
// zip holding one executable named bootstrap (the provided.al2023 runtime
// runs it), built for linux/arm64 with -tags lambda.norpc and stripped.
//
//	go run ./functions/ecs/cmd/dist -o dist/ecs.zip
//
// The entry carries a fixed timestamp, so the same sources give the same
// bytes and Terraform's source_code_hash changes only when the code does.
package main

import (
	"archive/zip"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// epoch is the modification time of the zip entry (zip cannot store 1970).
var epoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

func main() {
	out := flag.String("o", "dist/ecs.zip", "zip to write")
	pkg := flag.String("pkg", "./functions/ecs/cmd/bootstrap", "package of the Lambda bootstrap")
	arch := flag.String("arch", "arm64", "GOARCH of the Lambda function (arm64 or amd64)")
	flag.Parse()
	if err := run(*out, *pkg, *arch); err != nil {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
}

func run(out, pkg, arch string) error {
	tmp, err := os.MkdirTemp("", "tracegrid-ecs-dist")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "bootstrap")
	build := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", bin, pkg)
	build.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build bootstrap: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return writeZip(out, bin)
}

// writeZip writes a zip at out holding bin as "bootstrap", mode 0755.
func writeZip(out, bin string) (err error) {
	src, err := os.Open(bin)
	if err != nil {
		return err
	}
	defer src.Close()
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	zw := zip.NewWriter(f)
	h := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: epoch}
	h.SetMode(0o755)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, src); err != nil {
		return err
	}
	return zw.Close()
}
