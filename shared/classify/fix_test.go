package classify

import (
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/shared/failure"
)

// TestFixForPlatform checks every cause has fix steps on every platform,
// and that the steps name the place the failing identity lives on that
// platform, not on the others (issue 11: fixes for the platform at hand).
func TestFixForPlatform(t *testing.T) {
	platforms := []failure.Platform{failure.ECS, failure.Kubernetes, failure.ACI, failure.Docker}
	for c := range causes {
		for _, p := range platforms {
			if len(fixFor(c, p)) == 0 {
				t.Errorf("%s on %s: no fix steps", c, p)
			}
		}
	}
	cases := []struct {
		cause      Cause
		platform   failure.Platform
		has, lacks []string
	}{
		{RegistryAuth, failure.Kubernetes, []string{"kubectl create secret docker-registry", "service account"}, []string{"execution role", "ACI"}},
		{RegistryAuth, failure.ECS, []string{"execution role", "repositoryCredentials"}, []string{"imagePullSecrets", "ACI"}},
		{RegistryAuth, failure.ACI, []string{"imageRegistryCredentials", "AcrPull"}, []string{"imagePullSecrets", "execution role"}},
		{RegistryTokenExpired, failure.Kubernetes, []string{"credential provider"}, []string{"repositoryCredentials"}},
		{RegistryTokenExpired, failure.Docker, []string{"credential helper"}, []string{"imagePullSecrets"}},
		{RegistryRateLimited, failure.ECS, []string{"pull-through cache"}, []string{"docker login"}},
		{RegistryRateLimited, failure.ACI, []string{"imageRegistryCredentials"}, []string{"docker login"}},
		{RegistryRateLimited, failure.Kubernetes, []string{"pull secret", "registryPullQPS"}, []string{"docker login"}},
		{OutOfMemory, failure.ACI, []string{"memoryInGB"}, []string{"resources.limits"}},
	}
	for _, tc := range cases {
		text := strings.Join(fixFor(tc.cause, tc.platform), "\n")
		for _, s := range tc.has {
			if !strings.Contains(text, s) {
				t.Errorf("%s on %s: fix lacks %q:\n%s", tc.cause, tc.platform, s, text)
			}
		}
		for _, s := range tc.lacks {
			if strings.Contains(text, s) {
				t.Errorf("%s on %s: fix names %q, which is another platform's:\n%s", tc.cause, tc.platform, s, text)
			}
		}
	}
}

// TestTextFixFollowsPlatform checks the CLI's bulk path picks the fix for
// the platform it is given.
func TestTextFixFollowsPlatform(t *testing.T) {
	msg := `Failed to pull image "nginx": toomanyrequests: You have reached your pull rate limit.`
	k := Text(failure.Kubernetes, msg)
	e := Text(failure.ECS, msg)
	if k.Cause != RegistryRateLimited || e.Cause != RegistryRateLimited {
		t.Fatalf("causes %s, %s; want %s", k.Cause, e.Cause, RegistryRateLimited)
	}
	if strings.Join(k.Fix, "") == strings.Join(e.Fix, "") {
		t.Errorf("kubernetes and ecs got the same fix: %q", k.Fix)
	}
}

// TestUnknownSaysWhetherRecognised: an error a rule reads as the caller's
// (kubectl sending a kind the server no longer serves) is titled and fixed
// as one; wording nothing recognises keeps the generic title. Both messages
// are from the corpus: the kubectl one from KamranAzeem/kubernetes-katas#11,
// "ATTRIBUTE" a bare StartTask failure reason (amazon-ecs-agent#1423) that
// nothing resolves.
func TestUnknownSaysWhetherRecognised(t *testing.T) {
	caller := Text(failure.Kubernetes, `error: unable to recognize "nginx-simple-deployment.yaml": no matches for kind "Deployment" in version "extensions/v1beta1"`)
	if caller.Cause != Unknown || caller.Title != callerError.title || caller.Fix[0] != callerError.fix[0] {
		t.Errorf("caller error: got %s %q, want unknown %q", caller.Cause, caller.Title, callerError.title)
	}
	bare := Text(failure.ECS, "ATTRIBUTE")
	if bare.Cause != Unknown || bare.Title != causes[Unknown].title {
		t.Errorf("unrecognised: got %s %q, want unknown %q", bare.Cause, bare.Title, causes[Unknown].title)
	}
}
