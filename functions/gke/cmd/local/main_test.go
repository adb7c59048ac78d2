package main

import "testing"

// Finding 15 of the adversarial run: the local server listened on all
// interfaces; it listens on loopback unless HOST says otherwise.
func TestListenHost(t *testing.T) {
	for env, want := range map[string]string{"": "127.0.0.1", "0.0.0.0": "0.0.0.0"} {
		if got := listenHost(func(string) string { return env }); got != want {
			t.Errorf("HOST=%q: listen on %q, want %q", env, got, want)
		}
	}
}
