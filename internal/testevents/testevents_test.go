package testevents

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

func TestReadAndGlob(t *testing.T) {
	for _, p := range Glob(t, "aws-ecs-task-state-change.*.json") {
		if b := Read(t, filepath.Base(p)); !json.Valid(b) {
			t.Errorf("%s is not JSON", p)
		}
	}
}
