package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/shared/verify/verifytest"
)

// TestMain turns the functions' registry check off for `tracegrid serve`'s
// tests, so that none asks a real registry over the internet; explain
// --verify is asked for explicitly.
func TestMain(m *testing.M) {
	os.Setenv("TRACEGRID_VERIFY", "off")
	os.Exit(m.Run())
}

// TestExplainVerify runs `explain --verify` against a real registry in
// process that wants a login, with the credentials in a Docker config
// found through DOCKER_CONFIG, as on a laptop after `docker login`.
func TestExplainVerify(t *testing.T) {
	reg := verifytest.New(t, false, "dev", "laptop-pass")
	reg.Push(t, "team/web", "1.4.2")
	reg.Push(t, "team/web", "1.5.0")
	dir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte("dev:laptop-pass"))
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"auths":{"`+reg.Host+`":{"auth":"`+auth+`"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
	// Real ECS wording (testdata/corpus, "ngin:latest") with the reference replaced.
	msg := func(ref string) string {
		return `CannotPullContainerError: inspect image has been retried 1 time(s): failed to resolve ref "` + ref +
			`": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`
	}
	for _, tc := range []struct {
		name string
		args []string
		ref  string
		want []string
	}{
		{"text, tag missing", []string{"--platform", "ecs"}, reg.Host + "/team/web:1.4.3",
			[]string{"cause       image_not_found (high confidence)", "registry    checked `" + reg.Host + "/team/web:1.4.3`", "nearest tags: `1.4.2`, `1.5.0`", "such as `team/web:1.4.2`"}},
		{"text, tag exists", []string{"--platform", "ecs"}, reg.Host + "/team/web:1.4.2",
			[]string{"cause       registry_auth (high confidence)", "the tag exists (sha256:"}},
		{"json", []string{"--platform", "ecs", "--json"}, reg.Host + "/team/wbe:1.4.2",
			[]string{`"cause": "image_not_found"`, `"outcome": "repo_missing"`, `"summary": "checked`}},
		{"slack", []string{"--platform", "ecs", "--slack"}, reg.Host + "/team/web:1.4.3",
			[]string{`*Registry check*`, "nearest tags: `1.4.2`"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			args := append(append([]string{"explain", "--verify"}, tc.args...), "-")
			if code := run(args, strings.NewReader(msg(tc.ref)), &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			if strings.Contains(out.String(), "laptop-pass") {
				t.Error("password in the output")
			}
		})
	}

	t.Run("no credentials: the check says so, the diagnosis stands", func(t *testing.T) {
		t.Setenv("DOCKER_CONFIG", t.TempDir())
		var out, errOut bytes.Buffer
		if code := run([]string{"explain", "--verify", "--platform", "ecs", "-"}, strings.NewReader(msg(reg.Host+"/team/web:1.4.3")), &out, &errOut); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		for _, w := range []string{"cause       registry_auth (medium confidence)", "the check could not be made: the registry refused the check's own credentials"} {
			if !strings.Contains(out.String(), w) {
				t.Errorf("output lacks %q:\n%s", w, out.String())
			}
		}
	})
}
