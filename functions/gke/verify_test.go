package gke

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/auth"

	"github.com/tracegrid/tracegrid/shared/verify"
	"github.com/tracegrid/tracegrid/shared/verify/verifytest"
)

func TestGoogleRegistry(t *testing.T) {
	for host, want := range map[string]bool{
		"us-docker.pkg.dev": true, "europe-west1-docker.pkg.dev": true, "gcr.io": true, "eu.gcr.io": true,
		"docker.io": false, "ghcr.io": false, "evil-docker.pkg.dev.example.com": false, "notgcr.io": false,
	} {
		if got := googleRegistry(host); got != want {
			t.Errorf("googleRegistry(%q) = %v, want %v", host, got, want)
		}
	}
}

// staticToken is a token provider holding one access token.
type staticToken string

func (s staticToken) Token(context.Context) (*auth.Token, error) {
	return &auth.Token{Value: string(s), Type: "Bearer", Expiry: time.Now().Add(time.Hour)}, nil
}

// TestKeychainUsesServiceAccountToken checks a registry that wants the
// function's access token as Artifact Registry takes it (username
// oauth2accesstoken); the credentials stand for what Application Default
// Credentials return on Cloud Functions.
func TestKeychainUsesServiceAccountToken(t *testing.T) {
	const token = "ya29.c.fake-function-token"
	reg := verifytest.New(t, false, "oauth2accesstoken", token)
	reg.Push(t, "my-project/my-repo/app", "1.0")
	creds := auth.NewCredentials(&auth.CredentialsOptions{TokenProvider: staticToken(token)})
	detect := func() (*auth.Credentials, error) { return creds, nil }
	c, err := verify.NewRegistry(verify.WithKeychain(&googleKeychain{isGoogle: func(h string) bool { return h == reg.Host }, detect: detect}))
	if err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]verify.Kind{
		reg.Host + "/my-project/my-repo/app:1.0": verify.TagExists,
		reg.Host + "/my-project/my-repo/app:1.1": verify.TagMissing,
	} {
		if r := c.Check(context.Background(), ref); r.Kind != want {
			t.Errorf("%s: %s, want %s (%s %v)", ref, r.Kind, want, r.Reason, r.Err)
		}
	}
	// Without the token (another registry) the check says it was refused.
	anon, _ := verify.NewRegistry(verify.WithKeychain(&googleKeychain{isGoogle: func(string) bool { return false }, detect: detect}))
	if r := anon.Check(context.Background(), reg.Host+"/my-project/my-repo/app:1.0"); r.Kind != verify.Denied {
		t.Errorf("anonymous: %s", r.Kind)
	}
}

// containerdPullDenied is containerd's wording on a GKE node when the
// registry refuses a pull (the corpus' ECS line "failed to resolve ref ...:
// pull access denied, repository does not exist or may require
// authorization" in the kubelet's Failed-event frame): the same for a
// wrong name and refused credentials.
func containerdPullDenied(ref string) string {
	return fmt.Sprintf(`Failed to pull image %q: rpc error: code = Unknown desc = failed to pull and unpack image %q: failed to resolve reference %q: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`, ref, ref, ref)
}

// podEvent is the DERIVED pull-failure LogEntry for pod with reason,
// message, type and lastTimestamp set.
func podEvent(t *testing.T, insertID, pod, typ, reason, message, at string) []byte {
	var entry map[string]any
	if err := json.Unmarshal(withEvent(t, insertID, reason, message, "spec.containers{app}"), &entry); err != nil {
		t.Fatal(err)
	}
	p := entry["jsonPayload"].(map[string]any)
	p["type"], p["lastTimestamp"] = typ, at
	entry["timestamp"] = at
	p["involvedObject"].(map[string]any)["name"] = pod
	entry["resource"].(map[string]any)["labels"].(map[string]any)["pod_name"] = pod
	if typ == "Normal" {
		entry["severity"] = "INFO"
	}
	b, _ := json.Marshal(entry)
	return b
}

// TestE2EFourWorlds runs the function under functions-framework-go with the
// registry check on, against a registry in process reached anonymously, with
// the same ambiguous pull message in four worlds; then a storm.
func TestE2EFourWorlds(t *testing.T) {
	reg := verifytest.New(t, true)
	reg.Push(t, "team/web", "1.4.2")
	reg.Push(t, "team/web", "1.5.0")
	reg.Push(t, "team/slow", "1.0")
	reg.Fail("team/slow", verifytest.Fault{Delay: verify.DefaultTimeout + time.Second})
	fn := startFunction(t, VerifyEnv+"=on")

	// Pod api-... pulled 1.4.2 at 22:00; the failures come at 00:00:05.
	if code := fn.postStructured(t, structured(t, messagePublished(podEvent(t, "pulled-1", "api-6f7c9d-x1", "Normal", "Pulled",
		`Successfully pulled image "`+reg.Host+`/team/web:1.4.2" in 1.2s (1.2s including waiting)`, "2023-12-31T22:00:00Z"), "40000000000000000"))); code/100 != 2 {
		t.Fatalf("Pulled event: status %d", code)
	}
	worlds := []struct {
		world, pod, image, cause, confidence string
		text                                 []string
	}{
		{"tag missing", "web-5b8d-a1", reg.Host + "/team/web:1.4.3", "image_not_found", "high", []string{"nearest tags: `1.4.2`, `1.5.0`"}},
		{"credentials wrong", "cart-5b8d-b1", reg.Host + "/team/web:1.4.2", "registry_auth", "high",
			[]string{"the tag exists (sha256:", "the pod's imagePullSecrets or the node's service account may not pull it"}},
		{"token expired after a success", "api-6f7c9d-x1", reg.Host + "/team/web:1.4.2", "registry_token_expired", "high",
			[]string{"last worked 2h0m before the failure (2023-12-31 22:00 UTC)"}},
		{"registry unreachable from the function", "slow-5b8d-d1", reg.Host + "/team/slow:1.0", "registry_auth", "medium",
			[]string{"the check could not be made: the registry did not answer within the check's deadline"}},
	}
	for i, w := range worlds {
		t.Run(w.world, func(t *testing.T) {
			before := len(fn.slack.Messages())
			ev := podEvent(t, fmt.Sprintf("world-%d", i), w.pod, "Warning", "Failed", containerdPullDenied(w.image), "2024-01-01T00:00:05Z")
			if code := fn.postStructured(t, structured(t, messagePublished(ev, fmt.Sprintf("5000000000000000%d", i)))); code/100 != 2 {
				t.Fatalf("status %d", code)
			}
			msgs := fn.slack.Messages()
			if len(msgs) != before+1 {
				t.Fatalf("Slack messages = %d, want %d", len(msgs), before+1)
			}
			m := msgs[len(msgs)-1]
			if got := m.Metadata.EventPayload["cause"]; got != w.cause {
				t.Errorf("cause = %v, want %s", got, w.cause)
			}
			for _, s := range append(w.text, "("+w.confidence+" confidence)", "*Registry check*") {
				if !strings.Contains(m.BlocksJSON, jsonEscaped(s)) {
					t.Errorf("message lacks %q:\n%s", s, m.BlocksJSON)
				}
			}
		})
	}

	t.Run("300-event storm: one registry call per reference", func(t *testing.T) {
		const image = "team/web:1.5.0"
		before := reg.Requests("team/web")
		// One at a time, as a Cloud Functions instance takes them by default
		// (concurrency 1); 300 pods of 30 deployments.
		for i := range 300 {
			ev := podEvent(t, fmt.Sprintf("storm-%d", i), fmt.Sprintf("svc%d-5b8d-%d", i%30, i), "Warning", "Failed",
				containerdPullDenied(reg.Host+"/"+image), "2024-01-01T00:00:05Z")
			if code := fn.postStructured(t, structured(t, messagePublished(ev, fmt.Sprintf("6%016d", i)))); code/100 != 2 {
				t.Fatalf("status %d", code)
			}
		}
		if n := reg.Requests("team/web") - before; n != 1 {
			t.Errorf("300 events on %s made %d registry requests, want 1", image, n)
		}
		t.Logf("storm: 300 events, %d registry request(s) for %s", reg.Requests("team/web")-before, image)
	})
	fn.noSlackProblems(t)
}
