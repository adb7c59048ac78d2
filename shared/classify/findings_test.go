package classify

import (
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/shared/failure"
)

// TestCommandFindings renders the inputs of the CLI command findings
// (../shared/research/cli-commands-2026-12-01.md) and of adversarial
// finding 13, and checks each command now says what its purpose says.
// The image comes from the message, as Classify reads it, unless given.
func TestCommandFindings(t *testing.T) {
	k8s := func(msgs ...string) failure.Failure {
		return failure.Failure{Platform: failure.Kubernetes, Messages: msgs}
	}
	cases := []struct {
		name  string
		f     failure.Failure
		cause Cause
		image string // "" = read from the first message
		want  []string
		not   []string
	}{
		{name: "kubelet pod=NAME_NAMESPACE(UID) and container= fill the pod, namespace and container (corpus 28)",
			f:     k8s(`Error syncing pod, skipping: failed to "StartContainer" for "web" with CrashLoopBackOff: "Back-off 5m0s restarting failed container=web pod=web-controller-3987916996-qtfg7_micro-services(a913f25b-400a-11e8-8a2a-0252b8c8a2a4)"`),
			cause: AppCrash,
			want:  []string{"kubectl logs web-controller-3987916996-qtfg7 --namespace micro-services --previous --container web"},
			not:   []string{"${POD", "${NAMESPACE"}},
		{name: "Secret NAMESPACE/NAME names the namespace and the secret (corpus 153)",
			f:     k8s(`Error: couldn't find key SECURE_DATA in Secret default/deno-demo-secret`),
			cause: SecretUnavailable,
			want:  []string{"kubectl describe secret deno-demo-secret --namespace default"}},
		{name: "ACI container group and location phrases (corpus 36, 61)",
			f: failure.Failure{Platform: failure.ACI, Messages: []string{
				`(InaccessibleImage) The image 'agoacontainer/agoa:v1' in container group 'agoa' is not accessible.`,
				`The requested resource is not available in the location 'uksouth' at this moment.`}},
			cause: InsufficientCapacity,
			want: []string{"--name agoa", "'https://management.azure.com/subscriptions/{subscriptionId}/providers/Microsoft.ContainerInstance/locations/uksouth/usages?api-version=2025-09-01'",
				`--resource-group "${RESOURCE_GROUP:?set RESOURCE_GROUP to the resource group of the container group}"`}},
		{name: "a platform string is no image (corpus 53)",
			f:     failure.Failure{Platform: failure.Docker, Messages: []string{`Error response from daemon: no matching manifest for linux/arm64/v8 in the manifest list entries: no match for platform in manifest: not found`}},
			cause: ImagePlatformMismatch,
			not:   []string{"linux/arm64/v8", "buildx"}},
		{name: "a JSON-escaped quote is no image (azure-aci instanceView FRAGMENT)",
			f:     failure.Failure{Platform: failure.ACI, ResourceGroup: "rg", Task: "hello", Messages: []string{`"message": "Failed to pull image \"mcr.microsoft.com/azuredocs/aci-hellowrld\": rpc error: code 2 desc Error: image t/aci-hellowrld:latest not found",`}},
			cause: ImageNotFound,
			want:  []string{"docker manifest inspect mcr.microsoft.com/azuredocs/aci-hellowrld:latest"},
			not:   []string{`'\'`}},
		{name: "redaction markers are no registry id (corpus 117)",
			f:     k8s(`Failed to pull image "": rpc error: code = Unknown desc = Error response from daemon: Get https://XXXXXX.dkr.ecr.ap-southeast-1.amazonaws.com/v2/webbook/webbook/manifests/latest: no basic auth credentials`),
			cause: RegistryAuth, image: "XXXXXX.dkr.ecr.ap-southeast-1.amazonaws.com/webbook/webbook:latest",
			not: []string{"XXXXXX", "--registry-id"}},
		{name: "a redacted image is no image (corpus 138, 143)",
			f:     failure.Failure{Platform: failure.ACI, Messages: []string{`ERROR: (InaccessibleImage) The image 'XXXX' in container group 'XXXXX' is not accessible.`}},
			cause: RegistryUnreachable,
			want:  []string{`--name "${CONTAINER_GROUP:?`},
			not:   []string{"XXXX", "printf"}},
		{name: "Docker Hub rate limit on GKE: a pull secret, not a laptop login (demo 2-gke-pull-rate-limited)",
			f:     failure.Failure{Platform: failure.Kubernetes, Namespace: "shop", Task: "api-1", Messages: []string{`Failed to pull image "obsidiandynamics/kafdrop:latest": toomanyrequests: You have reached your pull rate limit.`}},
			cause: RegistryRateLimited,
			want:  []string{"kubectl create secret docker-registry regcred --docker-server=https://index.docker.io/v1/", "kubectl patch serviceaccount default --namespace shop"},
			not:   []string{"docker login"}},
		{name: "kubelet's pull QPS throttle is no registry limit (corpus 131)",
			f:     failure.Failure{Platform: failure.Kubernetes, Node: "aks-node-1", Messages: []string{`Failed to pull image "aaatest3contreg.azurecr.io/aaa-yyyy3-evh:latest": pull QPS exceeded`}},
			cause: RegistryRateLimited,
			want:  []string{"kubectl get --raw /api/v1/nodes/aks-node-1/proxy/configz"},
			not:   []string{"docker login", "regcred"}},
		{name: "Docker Hub rate limit on ACI: the group's credentials (shop-proxy-ratelimit)",
			f:     failure.Failure{Platform: failure.ACI, ResourceGroup: "rg-shop", Task: "shop-proxy"},
			cause: RegistryRateLimited, image: "nginx:1.27",
			want: []string{"az container show --resource-group rg-shop --name shop-proxy --query '[imageRegistryCredentials,identity]'"},
			not:  []string{"docker login"}},
		{name: "an expired ECR token on ACI lives in the group (shop-api-expired)",
			f:     failure.Failure{Platform: failure.ACI, ResourceGroup: "rg-shop", Task: "shop-api"},
			cause: RegistryTokenExpired, image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1",
			want: []string{"[imageRegistryCredentials,identity]"},
			not:  []string{"docker login", "get-login-password"}},
		{name: "Docker Hub login on a docker host names docker.io, not registry-1.docker.io (sweep)",
			f:     failure.Failure{Platform: failure.Docker},
			cause: RegistryTokenExpired, image: "nginx:1.27",
			want: []string{"docker login docker.io"},
			not:  []string{"registry-1.docker.io"}},
		{name: "ACR and Google logins only where docker pulls (sweep)",
			f:     failure.Failure{Platform: failure.Kubernetes, Namespace: "shop", Task: "api-1"},
			cause: RegistryTokenExpired, image: "shopreg.azurecr.io/api:1",
			not: []string{"az acr login", "gcloud auth configure-docker"}},
		{name: "kubectl set resources takes KIND/NAME (sweep)",
			f:     failure.Failure{Platform: failure.Kubernetes, Namespace: "shop", Workload: "api", Task: "api-7d9f8b6c5-x2k4q", Container: "api"},
			cause: OutOfMemory,
			want:  []string{`kubectl set resources deployment/api --namespace shop --containers api --limits=memory="${MEMORY_LIMIT:?`}},
		{name: "a pod name that does not show its owner's kind leaves the workload to the reader",
			f:     failure.Failure{Platform: failure.Kubernetes, Namespace: "shop", Workload: "agent", Task: "agent-x2k4q", Container: "agent"},
			cause: OutOfMemory,
			want:  []string{`kubectl set resources "${WORKLOAD:?set WORKLOAD to the owner of the pod as KIND/NAME, e.g. deployment/api}"`}},
		{name: "ECS quotas next to Fargate's (corpus 108)",
			f:     failure.Failure{Platform: failure.ECS, Region: "eu-west-1"},
			cause: QuotaExceeded,
			want:  []string{"aws service-quotas list-service-quotas --service-code ecs --region eu-west-1", "--service-code fargate"}},
		{name: "AcrPull granted above the registry counts (shop-web-auth)",
			f:     failure.Failure{Platform: failure.ACI, ResourceGroup: "rg-shop", Task: "shop-web"},
			cause: RegistryAuth, image: "contosoregistry.azurecr.io/shop/web:1",
			want: []string{"az role assignment list --include-inherited --scope"}},
		{name: "kubectl debug says it leaves a pod (sweep)",
			f:     failure.Failure{Platform: failure.Kubernetes, Node: "node-1"},
			cause: RegistryUnreachable, image: "registry.example.com/api:1",
			want: []string{"kubectl debug node/node-1 -it --profile=general --image=busybox -- nslookup registry.example.com"}},
		{name: "forged names starting with '-' are never options (adversarial 13)",
			f: failure.Failure{Platform: failure.Kubernetes, Account: "--kubeconfig=evil.cfg", Region: "--kubeconfig=evil.cfg", Cluster: "--kubeconfig=evil.cfg",
				Namespace: "--kubeconfig=evil.cfg", Task: "--kubeconfig=evil.cfg", Container: "--kubeconfig=evil.cfg"},
			cause: AppCrash,
			want:  []string{`kubectl logs "${POD:?set POD to the pod name}" --namespace "${NAMESPACE:?set NAMESPACE to the namespace of the pod}" --previous`},
			not:   []string{"evil.cfg", "get-credentials"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			img := tc.image
			if img == "" && len(tc.f.Messages) > 0 {
				img = ImageInMessage(tc.f.Messages[0])
			}
			cmds := commands(tc.cause, &tc.f, parseImage(img))
			var lines []string
			for _, c := range cmds {
				lines = append(lines, c.Line)
				if vars := varsIn(c.Line); len(vars) > 0 && !strings.Contains(c.Purpose, "first set "+strings.Join(vars, ", ")) {
					t.Errorf("purpose %q does not ask for %v", c.Purpose, vars)
				}
			}
			all := strings.Join(lines, "\n")
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("no command contains %q; got:\n%s", w, all)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(all, n) {
					t.Errorf("a command contains %q; got:\n%s", n, all)
				}
			}
		})
	}
}
