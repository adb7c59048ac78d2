// Package testevents reads the real event payloads in the repository's
// testdata/events (see its SOURCES.md) for tests, from any package.
package testevents

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir is the absolute path of the repository's testdata/events.
var Dir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "events")
}()

// Read returns the contents of the event file name, failing t when it
// cannot be read.
func Read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Glob returns the paths of the event files matching pattern.
func Glob(t testing.TB, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(Dir, pattern))
	if err != nil || len(files) == 0 {
		t.Fatalf("no event files match %s in %s (%v)", pattern, Dir, err)
	}
	return files
}
