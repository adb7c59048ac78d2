package ecs

import (
	"os"
	"testing"
)

// TestMain turns the registry check off for every test that does not turn
// it on itself, so that no test asks a public registry over the internet.
func TestMain(m *testing.M) {
	os.Setenv(EnvVerify, "off")
	os.Exit(m.Run())
}
