package classify

import (
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/shared/failure"
)

// TestImagePullCauses covers the five causes behind ImagePullBackOff and
// CannotPullContainerError (wrong name or tag, credentials, expired registry
// token, rate limit, network/DNS) in each platform's wording, and checks the
// platform's command is rendered with the failure's names.
//
// Wording is real and cited. Where a platform has no wording of its own for a
// cause, the row is marked COMPOSED: the platform's real wrapper around the
// registry's real error text (the registry answers the same whoever pulls):
//   - ECS on EC2 passes the Docker daemon's text through
//     ("CannotPullContainerError: Error response from daemon: ...", corpus:
//     aws/amazon-ecs-agent issues), so the daemon's token-expired text is used.
//   - ACI reports pulls as instanceView events "Failed to pull image "X": rpc
//     error: code 2 desc <error>" (MicrosoftDocs container-instances
//     troubleshooting, in the corpus), so registry texts are wrapped that way.
func TestImagePullCauses(t *testing.T) {
	ecs := failure.Failure{Platform: failure.ECS, Account: "111122223333", Region: "eu-west-1", Cluster: "prod",
		Workload: "web", Task: "0123456789abcdef0", TaskDefinition: "web:42", Container: "app"}
	k8s := failure.Failure{Platform: failure.Kubernetes, Account: "acme-prod", Region: "europe-west1", Cluster: "main",
		Namespace: "shop", Workload: "deployment/api", Task: "api-7d9f8-x2k4q", Container: "api"}
	aci := failure.Failure{Platform: failure.ACI, Account: "00000000-0000-0000-0000-000000000000", Region: "westeurope",
		ResourceGroup: "rg-jobs", Task: "nightly-export", Container: "export"}
	with := func(base failure.Failure, image, msg string) *failure.Failure {
		f := base
		f.Image = image
		f.Messages = []string{msg}
		return &f
	}
	cases := []struct {
		name     string
		f        *failure.Failure
		want     Cause
		commands []string // substrings that must each appear in some command
		source   string
	}{
		// Wrong name or tag.
		{"ecs/not-found", with(ecs, "elasticsearch:latest",
			`CannotPullContainerError: Error response from daemon: manifest for elasticsearch:latest not found`),
			ImageNotFound, []string{"docker manifest inspect docker.io/library/elasticsearch:latest", "aws ecs describe-tasks --cluster prod --tasks 0123456789abcdef0"},
			"https://github.com/aws/amazon-ecs-agent/issues/1184 (corpus)"},
		{"ecs/not-found-ecr-ambiguous", with(ecs, "",
			`CannotPullContainerError: Error response from daemon: pull access denied for 831759287394.dkr.ecr.us-west-2.amazonaws.com/amberwing-sidecar, repository does not exist or may require 'docker login': denied`),
			RegistryAuth, []string{"aws ecr describe-images --repository-name amberwing-sidecar --image-ids imageTag=latest --registry-id 831759287394 --region us-west-2"},
			"https://github.com/aws/aws-toolkit-jetbrains/issues/2318 (held-out)"},
		{"kubernetes/not-found", with(k8s, "",
			`Failed to pull image "oamdev/vela-core:0.3.1": rpc error: code = Unknown desc = Error response from daemon: manifest for oamdev/vela-core:0.3.1 not found: manifest unknown: manifest unknown`),
			ImageNotFound, []string{"docker manifest inspect docker.io/oamdev/vela-core:0.3.1", "kubectl describe pod api-7d9f8-x2k4q --namespace shop", "gcloud container clusters get-credentials main --location europe-west1 --project acme-prod"},
			"corpus (kubevela)"},
		{"aci/not-found", with(aci, "",
			`Failed to pull image "mcr.microsoft.com/azuredocs/aci-hellowrld": rpc error: code 2 desc Error: image t/aci-hellowrld:latest not found`),
			ImageNotFound, []string{"docker manifest inspect mcr.microsoft.com/azuredocs/aci-hellowrld:latest", "az container show --resource-group rg-jobs --name nightly-export"},
			"MicrosoftDocs container-instances troubleshooting (corpus)"},

		// Missing or wrong credentials.
		{"ecs/auth", with(ecs, "",
			`CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref 123456789123.dkr.ecr.us-east-1.amazonaws.com/a2-ecr-app-repo:latest: pulling from host 123456789123.dkr.ecr.us-east-1.amazonaws.com failed with status code [manifests latest]: 403 Forbidden`),
			RegistryAuth, []string{"aws ecr describe-images --repository-name a2-ecr-app-repo --image-ids imageTag=latest --registry-id 123456789123 --region us-east-1", "aws ecr get-repository-policy", "taskDefinition.executionRoleArn"},
			"https://github.com/aws/aws-cdk/issues/29876 (corpus)"},
		{"kubernetes/auth", with(k8s, "",
			`Failed to pull image "registry.example.com/my/app:latest": rpc error: code = Unknown desc = failed to resolve image "registry.example.com/my/app:latest": failed to fetch anonymous token: unexpected status: 403 Forbidden`),
			RegistryAuth, []string{"docker manifest inspect registry.example.com/my/app:latest", "{.spec.imagePullSecrets}"},
			"https://github.com/containerd/cri/issues/848 (corpus)"},
		{"aci/auth", with(aci, "",
			`ERROR: Error: The image 'myregistry.azurecr.io/image_name:latest' in container group 'image_name' is not accessible. Please check the image and registry credential.`),
			RegistryAuth, []string{"az acr repository show-tags --name myregistry --repository image_name", "imageRegistryCredentials"},
			"https://github.com/dgkanatsios/AzureContainerInstancesManagement/issues/15 (held-out)"},

		// Expired registry token.
		{"ecs/token-expired", with(ecs, "123123.dkr.ecr.us-east-2.amazonaws.com/test:v1",
			`CannotPullContainerError: Error response from daemon: pull access denied for 123123.dkr.ecr.us-east-2.amazonaws.com/test, repository does not exist or may require 'docker login': denied: Your authorization token has expired. Reauthenticate and try again.`),
			RegistryTokenExpired, []string{"--query 'taskDefinition.containerDefinitions[].[name,image,repositoryCredentials.credentialsParameter]'", "aws ecs update-service --cluster prod --service web --force-new-deployment"},
			"COMPOSED: daemon text from https://github.com/portainer/portainer/issues/6764"},
		{"kubernetes/token-expired", with(k8s, "",
			`GET https://my-id-aws.dkr.ecr.us-east-1.amazonaws.com/v2/image/tags/list?n=1000: DENIED: Your authorization token has expired. Reauthenticate and try again.`),
			RegistryTokenExpired, []string{`kubectl create secret docker-registry "${PULL_SECRET:?set PULL_SECRET to the pull secret the pod names (command above)}" --docker-server=my-id-aws.dkr.ecr.us-east-1.amazonaws.com`, "aws ecr get-login-password --region us-east-1"},
			"https://github.com/fluxcd/image-reflector-controller/issues/71 (corpus)"},
		{"aci/token-expired", with(aci, "",
			`Failed to pull image "123123.dkr.ecr.us-east-2.amazonaws.com/test:v1": rpc error: code 2 desc Error response from daemon: denied: Your authorization token has expired. Reauthenticate and try again.`),
			RegistryTokenExpired, []string{"--query '[imageRegistryCredentials,identity]'"},
			"COMPOSED: ACI event wrapper (MicrosoftDocs) + ECR's text from https://github.com/portainer/portainer/issues/6764 (a 12-hour ECR token stored in imageRegistryCredentials)"},

		// Rate limit.
		{"ecs/rate-limited", with(ecs, "nginx:1.27",
			`CannotPullContainerError: inspect image has been retried 5 time(s): httpReaderSeeker: failed open: unexpected status code https://registry-1.docker.io...: 4...`),
			RegistryRateLimited, []string{"aws ecr create-pull-through-cache-rule", "repositoryCredentials"},
			"https://vrnithinkumar.github.io (corpus, elided by its author)"},
		{"kubernetes/rate-limited", with(k8s, "",
			`Failed to pull image "obsidiandynamics/kafdrop:latest": rpc error: code = Unknown desc = Error reading manifest latest in docker.io/obsidiandynamics/kafdrop: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit`),
			RegistryRateLimited, []string{"kubectl create secret docker-registry regcred --docker-server=https://index.docker.io/v1/", `kubectl patch serviceaccount default --namespace shop --patch '{"imagePullSecrets":[{"name":"regcred"}]}'`},
			"https://github.com/red-hat-storage/ocs-ci/issues/4494 (corpus)"},
		{"aci/rate-limited", with(aci, "nginx",
			`ERROR: (RegistryErrorResponse) An error response is received from the docker registry 'index.docker.io'. Please retry later.`),
			RegistryRateLimited, []string{"az container show --resource-group rg-jobs --name nightly-export --query '[imageRegistryCredentials,identity]'"},
			"https://github.com/Azure/azure-cli/issues/29300 (held-out)"},

		// Network, DNS, TLS.
		{"ecs/unreachable", with(ecs, "",
			`CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/tryretool/backend:2.110.5: failed to do request: Head "https://registry-1.docker.io/v2/tryretool/backend/manifests/2.110.5": dial tcp 34.205.13.154:443: i/o timeout`),
			RegistryUnreachable, []string{"https://registry-1.docker.io/v2/", "aws ec2 describe-vpc-endpoints"},
			"https://github.com/ActionIQ/terraform-aws-retool-ecs-fargate/issues/20 (corpus)"},
		{"kubernetes/unreachable", with(k8s, "",
			`Failed to pull image "hjacobs/kube-ops-view:0.8.1": rpc error: code = Unknown desc = Error response from daemon: Get https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io on 127.0.0.53:53: server misbehaving`),
			RegistryUnreachable, []string{"https://registry-1.docker.io/v2/"},
			"https://github.com/hjacobs/kube-ops-view/issues/176 (corpus)"},
		{"aci/unreachable", with(aci, "",
			`Failed to pull image "mcr.microsoft.com/azure-batch/shipyard:3.9.1-cargo": rpc error: code 2 desc Error response from daemon: Head "https://mcr.microsoft.com/v2/azure-batch/shipyard/manifests/3.9.1-cargo": dial tcp 204.79.197.219:443: i/o timeout`),
			RegistryUnreachable, []string{"https://mcr.microsoft.com/v2/"},
			"COMPOSED: ACI event wrapper + daemon text from https://github.com/Azure/batch-shipyard/issues/376"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := Classify(tc.f)
			if d.Cause != tc.want {
				t.Fatalf("cause %s (%s, evidence %q), want %s [%s]", d.Cause, d.Confidence, d.Evidence, tc.want, tc.source)
			}
			if d.Evidence == "" || !strings.Contains(tc.f.Messages[0], d.Evidence) {
				t.Errorf("evidence %q is not text of the message", d.Evidence)
			}
			for _, want := range tc.commands {
				if !hasCommand(d.Commands, want) {
					t.Errorf("no command contains %q; got:\n%s", want, listCommands(d.Commands))
				}
			}
		})
	}
}

func hasCommand(cmds []Command, sub string) bool {
	for _, c := range cmds {
		if strings.Contains(c.Line, sub) {
			return true
		}
	}
	return false
}

func listCommands(cmds []Command) string {
	var b strings.Builder
	for _, c := range cmds {
		b.WriteString("  " + c.Line + "\n")
	}
	return b.String()
}
