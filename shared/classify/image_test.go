package classify

import (
	"testing"

	"github.com/tracegrid/tracegrid/shared/failure"
)

// TestParseImage checks references are normalized with the distribution
// reference grammar and mapped to the registry that serves them.
func TestParseImage(t *testing.T) {
	cases := []struct {
		ref                       string
		valid                     bool
		domain, path, tag, digest string
		kind                      registryKind
	}{
		{"nginx", true, "docker.io", "library/nginx", "latest", "", dockerHub},
		{"bitnami/redis:7.2", true, "docker.io", "bitnami/redis", "7.2", "", dockerHub},
		{"123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:d1a3f22", true, "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "team/web", "d1a3f22", "", ecrRegistry},
		{"contoso.azurecr.io/jobs/export:1.4", true, "contoso.azurecr.io", "jobs/export", "1.4", "", acrRegistry},
		{"europe-west1-docker.pkg.dev/acme-prod/apps/api:2026.11", true, "europe-west1-docker.pkg.dev", "acme-prod/apps/api", "2026.11", "", garRegistry},
		{"eu.gcr.io/acme/legacy@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true, "eu.gcr.io", "acme/legacy", "", "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", gcrRegistry},
		{"https://harbor.k8s.mybank/release/name:1.1.0", true, "harbor.k8s.mybank", "release/name", "1.1.0", "", otherRegistry},
		{"None:None", false, "", "", "", "", dockerHub},
		{" ", false, "", "", "", "", dockerHub},
	}
	for _, tc := range cases {
		im := parseImage(tc.ref)
		if im.valid != tc.valid || im.domain != tc.domain || im.path != tc.path || im.tag != tc.tag || im.digest != tc.digest || im.kind != tc.kind {
			t.Errorf("parseImage(%q) = %+v", tc.ref, im)
		}
	}
	if r := ecrRegion("123456789012.dkr.ecr.eu-west-1.amazonaws.com"); r != "eu-west-1" {
		t.Errorf("ecrRegion = %q", r)
	}
}

// TestImageFromMessage reads the image a message names, in each platform's
// wording, when the Failure has no configured image.
func TestImageFromMessage(t *testing.T) {
	cases := []struct{ message, want, source string }{
		{`Failed to pull image "aerokube/logger:cad1da0a": rpc error: code = 2 desc = manifest unknown: manifest unknown`, "aerokube/logger:cad1da0a", "kubelet, corpus"},
		{`Back-off pulling image "drainnode/leader:v1.0-rc9"`, "drainnode/leader:v1.0-rc9", "kubelet, corpus"},
		{`failed to pull and unpack image "docker.io/library/nginx:latest": failed to copy: httpReadSeeker: failed open: unexpected status code`, "docker.io/library/nginx:latest", "containerd, corpus"},
		{`CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref quay.io/deepfenceio/cloud-scanner:latest: failed to do request`, "quay.io/deepfenceio/cloud-scanner:latest", "ECS Fargate, corpus"},
		{`Error response from daemon: pull access denied for elasticsearch/elasticsearch, repository does not exist or may require 'docker login'`, "elasticsearch/elasticsearch", "dockerd, corpus"},
		{`CannotPullContainerError: Error response from daemon: manifest for elasticsearch:latest not found`, "elasticsearch:latest", "ECS on EC2, corpus"},
		{`(InaccessibleImage) The image 'agoacontainer/agoa:v1' in container group 'agoa' is not accessible.`, "agoacontainer/agoa:v1", "ARM, corpus"},
		{`error execing credential provider plugin ecr-credential-provider for image XXX.dkr.ecr.us-west-2.amazonaws.com/cilium/cilium: context deadline exceeded`, "XXX.dkr.ecr.us-west-2.amazonaws.com/cilium/cilium", "kubelet, corpus"},
		{`CannotPullContainerError: Tag latest not found in repository docker.io/library/owncloud`, "docker.io/library/owncloud:latest", "ECS agent, corpus"},
		{`Failed to apply default image tag "https://harbor.k8s.mybank/release/name:1.1.0": couldn't parse image reference "https://harbor.k8s.mybank/release/name:1.1.0": invalid reference format.`, "https://harbor.k8s.mybank/release/name:1.1.0", "kubelet InspectFailed, corpus"},
		{`Container image "registry.k8s.io/pause:3.9" already present on machine`, "registry.k8s.io/pause:3.9", "kubelet Pulled, shared/kube testdata/describe"},
		{`Successfully pulled image "nginx:1.25" in 1.2s`, "nginx:1.25", "kubelet Pulled"},
		{`E0325 18:59:44.857798    1790 pod_workers.go:951] "Error syncing pod, skipping" err="failed to \"StartContainer\" for \"droidshooter\" with ImagePullBackOff: \"Back-off pulling image \\\"us-docker.pkg.dev/alexbu-gke-dev/global-game-images/droidshooter-server:b40b146a-8390-4569-abd7-abd5c509b1ec\\\"\""`, "us-docker.pkg.dev/alexbu-gke-dev/global-game-images/droidshooter-server:b40b146a-8390-4569-abd7-abd5c509b1ec", "kubelet's structured log, quotes escaped twice: https://github.com/googleforgames/global-multiplayer-demo/issues/161"},
		{`Started container app`, "", "kubelet Started: names no image"},
	}
	for _, tc := range cases {
		if got := ImageInMessage(tc.message); got != tc.want {
			t.Errorf("image in %q = %q, want %q (%s)", tc.message, got, tc.want, tc.source)
		}
	}
	if got := imageFromURL(`Get https://XXXXXX.dkr.ecr.ap-southeast-1.amazonaws.com/v2/webbook/webbook/manifests/latest: no basic auth credentials`); got != "XXXXXX.dkr.ecr.ap-southeast-1.amazonaws.com/webbook/webbook:latest" {
		t.Errorf("imageFromURL = %q", got)
	}
}

// TestAmbiguousPullDenied: "pull access denied" / "insufficient_scope" /
// ACI's InaccessibleImage mean a wrong name or missing credentials. The
// registry decides which is likelier; confidence is medium, the other cause
// is the runner-up, and the command that tells them apart is rendered.
func TestAmbiguousPullDenied(t *testing.T) {
	cases := []struct {
		name, image, message string
		platform             failure.Platform
		want, runnerUp       Cause
		command              string
		source               string
	}{
		{"docker-hub", "", `CannotPullContainerError: inspect image has been retried 1 time(s): failed to resolve ref "docker.io/library/ngin:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`,
			failure.ECS, ImageNotFound, RegistryAuth, "docker manifest inspect docker.io/library/ngin:latest", "corpus (typo ngin)"},
		{"ecr", "", `Error response from daemon: pull access denied for 831759287394.dkr.ecr.us-west-2.amazonaws.com/amberwing-sidecar, repository does not exist or may require 'docker login': denied`,
			failure.Docker, RegistryAuth, ImageNotFound, "aws ecr describe-images --repository-name amberwing-sidecar --image-ids imageTag=latest", "aws/aws-toolkit-jetbrains#2318"},
		// A kubelet pulling from ECR with a stored token: the token lapsed.
		{"ecr-from-kubelet", "", `Failed to pull image "$AWS_ACCOUNT_ID.dkr.ecr.ap-southeast-2.amazonaws.com/$IMAGE:$TAG": rpc error: code = Unknown desc = Error response from daemon: pull access denied for $AWS_ACCOUNT_ID.dkr.ecr.ap-southeast-2.amazonaws.com/$IMAGE, repository does not exist or may require 'docker login'`,
			failure.Kubernetes, RegistryTokenExpired, RegistryAuth, "", "https://github.com/upmc-enterprises/registry-creds/issues/68 (corpus)"},
		{"host-only", "", `Error response from daemon: pull access denied for 111122223333.dkr.ecr.ap-northeast-2.amazonaws.com, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`,
			failure.Docker, ImageNotFound, RegistryAuth, "", "corpus (ECR URL without repository)"},
		{"acr", "contoso.azurecr.io/jobs/export:1.4", `(InaccessibleImage) The image 'contoso.azurecr.io/jobs/export:1.4' in container group 'cg' is not accessible. Please check the image and registry credential.`,
			failure.ACI, RegistryAuth, ImageNotFound, "az acr repository show-tags --name contoso --repository jobs/export", "ARM InaccessibleImage wording, corpus"},
		{"gar", "europe-west1-docker.pkg.dev/acme-prod/apps/api:2026.11", `Failed to pull image "europe-west1-docker.pkg.dev/acme-prod/apps/api:2026.11": rpc error: code = Unknown desc = Error response from daemon: pull access denied for europe-west1-docker.pkg.dev/acme-prod/apps/api, repository does not exist or may require 'docker login'`,
			failure.Kubernetes, RegistryAuth, ImageNotFound, "gcloud artifacts docker tags list europe-west1-docker.pkg.dev/acme-prod/apps/api", "dockerd wording (corpus) on an Artifact Registry image"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &failure.Failure{Platform: tc.platform, Image: tc.image, Messages: []string{tc.message}}
			d := Classify(f)
			if d.Cause != tc.want || d.RunnerUp != tc.runnerUp || d.Confidence != Medium {
				t.Fatalf("got %s (runner-up %s, %s), want %s (runner-up %s, medium) [%s]", d.Cause, d.RunnerUp, d.Confidence, tc.want, tc.runnerUp, tc.source)
			}
			if tc.command != "" && !hasCommand(d.Commands, tc.command) {
				t.Errorf("no command contains %q; got:\n%s", tc.command, listCommands(d.Commands))
			}
		})
	}
	// Explicit evidence wins over the ambiguous wording.
	for msg, want := range map[string]Cause{
		`Not continuing with pull after error: denied: User: arn:aws:sts::XXX:assumed-role/nomad/i-0 is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:XXX:repository/YYY`:        RegistryAuth,
		`pull access denied for 123123.dkr.ecr.us-east-2.amazonaws.com/test, repository does not exist or may require 'docker login': denied: Your authorization token has expired. Reauthenticate and try again.`: RegistryTokenExpired,
	} {
		if d := Text(failure.Docker, msg); d.Cause != want || d.Confidence != High {
			t.Errorf("%q: got %s/%s, want %s/high", msg, d.Cause, d.Confidence, want)
		}
	}
}
