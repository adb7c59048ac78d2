package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// redactCases reads the redaction fixtures of shared/redact: gitleaks-style
// true positives and the strings of the adversarial report (finding 1).
func redactCases(t *testing.T) []struct{ ID, Text, Secret string } {
	b, err := os.ReadFile(filepath.Join("..", "..", "shared", "redact", "testdata", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		TruePositives []struct{ ID, Text, Secret string } `json:"true_positives"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c.TruePositives
}

// TestRedactionEveryOutput runs every fixture secret through every output:
// explain as text, --json and --slack, and the ECS handler as `tracegrid
// serve` mounts it, with what reaches (fake) Slack and the logs. No output
// may hold a secret (findings 1, 2 and 17).
func TestRedactionEveryOutput(t *testing.T) {
	cases := redactCases(t)
	for _, tc := range cases {
		text := "CannotStartContainerError: " + tc.Text
		for _, mode := range [][]string{{"explain", "--platform", "ecs"}, {"explain", "--json", "--platform", "ecs"}, {"explain", "--slack", "--platform", "ecs"}} {
			code, out, stderr := runCLI(t, text, mode...)
			if code != 0 {
				t.Fatalf("%s %v: exit %d: %s", tc.ID, mode, code, stderr)
			}
			if strings.Contains(out, tc.Secret) || strings.Contains(stderr, tc.Secret) {
				t.Errorf("%s: tracegrid %s prints the secret %q", tc.ID, strings.Join(mode, " "), tc.Secret)
			}
		}
	}

	t.Setenv("TRACEGRID_STORM", "off")
	slack, srv, logs := startServe(t)
	var ev map[string]any
	if err := json.Unmarshal(hostileECSEvent(t), &ev); err != nil {
		t.Fatal(err)
	}
	for i, tc := range cases {
		ev["id"] = fmt.Sprintf("redact-%d", i)
		detail := ev["detail"].(map[string]any)
		detail["group"] = fmt.Sprintf("service:redact%d", i)
		detail["taskArn"] = fmt.Sprintf("arn:aws:ecs:us-west-2:111122223333:task/default/%032d", i)
		detail["stoppedReason"] = "CannotStartContainerError: " + tc.Text
		c := detail["containers"].([]any)[0].(map[string]any)
		c["reason"] = "CannotStartContainerError: " + tc.Text
		c["image"] = "registry.example.com/app:v1"
		resp, err := http.Post(srv.URL+"/ecs", "application/json", strings.NewReader(string(mustJSON(t, ev))))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: POST /ecs answered %d", tc.ID, resp.StatusCode)
		}
	}
	if n := len(slack.Messages()); n != len(cases) {
		t.Errorf("%d Slack messages for %d failures", n, len(cases))
	}
	var posted strings.Builder
	for _, c := range slack.Calls() {
		posted.WriteString(c.Values.Encode())
		posted.WriteString(fmt.Sprint(c.Values))
	}
	out := logs()
	for _, tc := range cases {
		if strings.Contains(posted.String(), tc.Secret) {
			t.Errorf("%s: Slack received the secret %q", tc.ID, tc.Secret)
		}
		if strings.Contains(out, tc.Secret) {
			t.Errorf("%s: the logs hold the secret %q", tc.ID, tc.Secret)
		}
	}
}
