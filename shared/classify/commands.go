package classify

import (
	"strings"

	"github.com/tracegrid/tracegrid/shared/failure"
)

// Detail keys the classifier reads from Failure.Details when the function
// that built the Failure found them (ECS enrichment).
const (
	// DetailLogGroup is the awslogs log group of the failed container.
	DetailLogGroup = "log group"
	// DetailLogStream is the awslogs log stream of the failed container.
	DetailLogStream = "log stream"
	// DetailExecutionRole is the ECS task execution role ARN.
	DetailExecutionRole = "execution role"
)

// commands renders the copy-paste commands for cause on f's platform, with
// f's names and the names its messages state. Every value that came from an
// event is shell-quoted; a value that is missing, or unusable as an argument
// (a redaction marker, a template, a leading '-'), becomes a guarded shell
// variable that stops the command until the reader sets it.
func commands(c Cause, f *failure.Failure, im image) []Command {
	if c == NotAFailure {
		return nil
	}
	r := renderer{f: f, n: namesIn(f), im: im}
	r.registry(c)
	switch f.Platform {
	case failure.ECS:
		r.ecs(c)
	case failure.Kubernetes:
		r.kubernetes(c)
	case failure.ACI:
		r.aci(c)
	case failure.Docker:
		r.docker(c)
	}
	return r.out
}

// renderer accumulates commands for one failure.
type renderer struct {
	f   *failure.Failure
	n   names // f's names, completed from its messages
	im  image
	out []Command
}

// add appends a command made of words; empty words (an omitted optional
// flag) are skipped. When a word is a guarded variable, the purpose asks
// the reader to set it first.
func (r *renderer) add(purpose string, words ...string) {
	kept := words[:0:0]
	for _, w := range words {
		if w != "" {
			kept = append(kept, w)
		}
	}
	line := strings.Join(kept, " ")
	if vars := varsIn(line); len(vars) > 0 {
		purpose += " (first set " + strings.Join(vars, ", ") + ")"
	}
	r.out = append(r.out, Command{Purpose: purpose, Line: line})
}

// q shell-quotes s for a POSIX shell: unchanged when it only has safe
// characters, else single-quoted with embedded quotes escaped.
func q(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("@%+=:,./_-", c) >= 0) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// slot is a value a command needs: the shell variable that stands for it
// when the failure does not state it, and what to set it to (plain words:
// no quotes, '$', '`', '\\' or '}', which the shell would read).
type slot struct{ name, what string }

// The values commands need.
var (
	slotCluster        = slot{"CLUSTER", "the ECS cluster name"}
	slotTaskDefinition = slot{"TASK_DEFINITION", "the task definition family:revision"}
	slotNamespace      = slot{"NAMESPACE", "the namespace of the pod"}
	slotPod            = slot{"POD", "the pod name"}
	slotContainer      = slot{"CONTAINER", "the container name"}
	slotWorkload       = slot{"WORKLOAD", "the owner of the pod as KIND/NAME, e.g. deployment/api"}
	slotMemoryLimit    = slot{"MEMORY_LIMIT", "the new limit, e.g. 1Gi"}
	slotPullSecret     = slot{"PULL_SECRET", "the pull secret the pod names (command above)"}
	slotRegistryUser   = slot{"REGISTRY_USER", "the registry user name"}
	slotRegistryPass   = slot{"REGISTRY_PASSWORD", "the registry password or token (read -rs keeps it out of history)"}
	slotResourceGroup  = slot{"RESOURCE_GROUP", "the resource group of the container group"}
	slotContainerGroup = slot{"CONTAINER_GROUP", "the container group name"}
	slotLocation       = slot{"LOCATION", "the Azure region, e.g. eastus"}
	slotImage          = slot{"IMAGE", "the image reference"}
	slotSecretARN      = slot{"SECRET_ARN", "the ARN of a Secrets Manager secret named ecr-pullthroughcache/... holding a Docker Hub user name and access token"}
	slotNode           = slot{"NODE", "the node name"}
)

// val quotes v as one shell word, or, when v is not usable as an argument,
// returns s's guarded variable: "${NAME:?set NAME to ...}" expands to the
// value once set and otherwise stops the command with that message.
func val(v string, s slot) string {
	if usable(v) {
		return q(v)
	}
	return `"` + guard(s) + `"`
}

// guard is s's guarded expansion, for use inside double quotes.
func guard(s slot) string {
	return "${" + s.name + ":?set " + s.name + " to " + s.what + "}"
}

// within renders prefix+v+suffix as one shell word, with s's guarded
// variable in place of v when v is not usable. prefix and suffix are
// template text without quotes, '$', '`' or '\'.
func within(prefix, v, suffix string, s slot) string {
	if usable(v) {
		return q(prefix + v + suffix)
	}
	return `"` + prefix + guard(s) + suffix + `"`
}

// varsIn lists the guarded variables in a rendered line, in order.
func varsIn(line string) []string {
	var vars []string
	for rest := line; ; {
		i := strings.Index(rest, "${")
		if i < 0 {
			return vars
		}
		rest = rest[i+2:]
		name, _, _ := strings.Cut(rest, ":?")
		vars = append(vars, name)
	}
}

// usable reports whether v, taken from an event, can stand as a command's
// argument: not empty, not read as an option (a leading '-'), no control
// characters, and not a redaction marker or template left in the text
// ("XXXX", "REDACTED", "***", "<name>", "{resource-group}").
func usable(v string) bool {
	if v == "" || v[0] == '-' || strings.ContainsAny(v, "<>{}*") {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < ' ' || v[i] == 0x7f {
			return false
		}
	}
	return !redacted(v)
}

// redacted reports whether v is, or has a part that is, a redaction marker:
// "REDACTED" in any case, or a run of three or more X's making up a whole
// dot- or slash-separated part ("XXX.dkr.ecr...", "XXXXX").
func redacted(v string) bool {
	if strings.Contains(strings.ToUpper(v), "REDACTED") {
		return true
	}
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == '.' || r == '/' || r == ':' || r == '@' }) {
		if len(part) >= 3 && strings.Trim(part, "xX") == "" {
			return true
		}
	}
	return false
}

// awsRegion renders "--region R" (AWS) or "" when unknown.
func awsRegion(region string) string {
	if !usable(region) {
		return ""
	}
	return "--region " + q(region)
}

// imageRef is the image as the user wrote it, quoted, or a guarded variable.
func (r *renderer) imageRef() string {
	if r.im.valid {
		return q(r.im.full)
	}
	return val(r.im.raw, slotImage)
}

// imageCause reports whether c is about the image or its registry.
func imageCause(c Cause) bool {
	switch c {
	case ImageNotFound, RegistryAuth, RegistryTokenExpired, RegistryRateLimited, RegistryUnreachable,
		ImagePlatformMismatch, ImageUnsupported, InvalidImageReference:
		return true
	}
	return false
}

// registry adds the registry-side commands for image causes: the check
// that tells a wrong name from missing credentials, run from a laptop, and
// for the credential causes the fix where the pulling identity lives.
func (r *renderer) registry(c Cause) {
	if !imageCause(c) {
		return
	}
	im := r.im
	if c == InvalidImageReference || !im.valid {
		if usable(im.raw) {
			r.add("The image string as configured (look for spaces, a scheme or an empty variable)", "printf '%s\\n'", q(im.raw))
		}
		return
	}
	switch c {
	case ImagePlatformMismatch, ImageUnsupported:
		r.add("List the platforms and media types the image really has", "docker manifest inspect --verbose", q(im.full))
		return
	case RegistryTokenExpired:
		if r.f.Platform == failure.Docker {
			r.dockerLogin()
		}
		return
	case RegistryRateLimited:
		if r.f.Platform == failure.Docker {
			r.add("Log in so pulls count against an account, not the shared anonymous IP", "docker login", q(im.domain))
		}
		return
	case RegistryUnreachable:
		if host := registryHost(im.domain); usable(host) {
			r.add("Check the registry answers from the same network (any HTTP status means reachable)", "curl -sS -o /dev/null -w '%{http_code}\\n'", q("https://"+host+"/v2/"))
		}
		return
	}
	// ImageNotFound and RegistryAuth: list what the registry has.
	switch im.kind {
	case ecrRegistry:
		r.add("Check the tag exists in ECR (an error names missing permission or repository)",
			"aws ecr describe-images --repository-name", q(im.path), "--image-ids", q(tagOrDigest(im)),
			ecrRegistryID(im.domain), "--region", q(ecrRegion(im.domain)))
		if c == RegistryAuth {
			r.add("Show who may pull from the repository", "aws ecr get-repository-policy --repository-name", q(im.path),
				ecrRegistryID(im.domain), "--region", q(ecrRegion(im.domain)))
		}
	case acrRegistry:
		r.add("List the tags in ACR", "az acr repository show-tags --name", q(acrName(im.domain)), "--repository", q(im.path), "--output table")
		if c == RegistryAuth {
			r.add("Show who has pull rights on the registry, including roles granted on its resource group or subscription",
				"az role assignment list --include-inherited --scope \"$(az acr show --name "+q(acrName(im.domain))+" --query id --output tsv)\" --output table")
		}
	case garRegistry:
		r.add("List the tags in Artifact Registry", "gcloud artifacts docker tags list", q(im.domain+"/"+im.path))
		if c == RegistryAuth {
			repo, proj := garRepo(im.path)
			r.add("Show who may read the repository (needs roles/artifactregistry.reader)", "gcloud artifacts repositories get-iam-policy", q(repo),
				"--location", q(garLocation(im.domain)), "--project", q(proj))
		}
	case gcrRegistry:
		r.add("List the tags in Container Registry", "gcloud container images list-tags", q(im.domain+"/"+im.path))
	default:
		r.add("Check the image exists (\"no such manifest\" = wrong name or tag; \"unauthorized\" = credentials)", "docker manifest inspect", q(im.full))
	}
}

// pullSecret adds the commands that store credentials for the image's
// registry as the pull secret regcred and attach it to the namespace's
// default service account (the Kubernetes documentation's names).
func (r *renderer) pullSecret(purpose, ns string) {
	r.add(purpose, "kubectl create secret docker-registry regcred", "--docker-server="+q(dockerServer(r.im.domain)),
		"--docker-username=\""+guard(slotRegistryUser)+"\"", "--docker-password=\""+guard(slotRegistryPass)+"\"", "--namespace", ns)
	r.add("Attach it to the service account the pod runs as (default unless the pod spec names another; this sets its whole imagePullSecrets list, so add any it already names)",
		"kubectl patch serviceaccount default --namespace", ns, `--patch '{"imagePullSecrets":[{"name":"regcred"}]}'`)
}

// dockerServer is the server name a pull secret or docker login needs for
// the registry: Docker Hub's credentials live under index.docker.io.
func dockerServer(domain string) string {
	if domain == "docker.io" {
		return "https://index.docker.io/v1/"
	}
	return domain
}

// ecrRegistryID renders "--registry-id ACCOUNT" when the ECR host names a
// real 12-digit account, else "" (the caller's own account).
func ecrRegistryID(host string) string {
	a := ecrAccount(host)
	if len(a) != 12 || strings.Trim(a, "0123456789") != "" {
		return ""
	}
	return "--registry-id " + a
}

// tagOrDigest renders ECR's --image-ids value.
func tagOrDigest(im image) string {
	if im.digest != "" {
		return "imageDigest=" + im.digest
	}
	return "imageTag=" + im.tag
}

// garRepo splits an Artifact Registry path PROJECT/REPO/IMAGE.
func garRepo(path string) (repo, project string) {
	project, rest, _ := strings.Cut(path, "/")
	repo, _, _ = strings.Cut(rest, "/")
	return repo, project
}

// registryHost maps Docker Hub's canonical name to the host that serves it.
func registryHost(domain string) string {
	if domain == "docker.io" {
		return "registry-1.docker.io"
	}
	return domain
}

// dockerLogin adds the command that refreshes the registry credentials a
// Docker host keeps: the cloud's credential helper where there is one.
func (r *renderer) dockerLogin() {
	im := r.im
	switch im.kind {
	case ecrRegistry:
		r.add("Log in to ECR with a fresh token", "aws ecr get-login-password --region", q(ecrRegion(im.domain)), "| docker login --username AWS --password-stdin", q(im.domain))
	case acrRegistry:
		r.add("Log in to ACR with a fresh token", "az acr login --name", q(acrName(im.domain)))
	case garRegistry, gcrRegistry:
		r.add("Let docker get Google tokens from gcloud (a credential helper, no stored token)", "gcloud auth configure-docker", q(im.domain))
	default:
		r.add("Log in to the registry again", "docker login", q(im.domain))
	}
}

// qpsThrottled reports whether the failure is kubelet's own pull throttle
// ("pull QPS exceeded", registryPullQPS), which no registry login changes.
func qpsThrottled(f *failure.Failure) bool {
	return strings.Contains(f.Message(), "pull QPS exceeded")
}

// ecs adds ECS commands.
func (r *renderer) ecs(c Cause) {
	f := r.f
	reg := awsRegion(f.Region)
	cluster := val(f.Cluster, slotCluster)
	task := f.TaskARN
	if task == "" {
		task = f.Task
	}
	td := val(f.TaskDefinition, slotTaskDefinition)
	switch c {
	case RegistryAuth, SecretUnavailable, LogConfigError:
		r.add("Show the task execution role that pulls images, reads secrets and creates logs",
			"aws ecs describe-task-definition --task-definition", td, "--query taskDefinition.executionRoleArn --output text", reg)
	case RegistryTokenExpired, RegistryRateLimited:
		r.add("Show the Secrets Manager secret each container pulls with (repositoryCredentials; ECR images need none)",
			"aws ecs describe-task-definition --task-definition", td,
			"--query 'taskDefinition.containerDefinitions[].[name,image,repositoryCredentials.credentialsParameter]'", reg)
	}
	switch c {
	case SecretUnavailable:
		r.add("List the secrets the containers reference", "aws ecs describe-task-definition --task-definition", td,
			"--query 'taskDefinition.containerDefinitions[].secrets'", reg)
	case LogConfigError:
		if g := f.Details[DetailLogGroup]; usable(g) {
			r.add("Check the log group exists in this region", "aws logs describe-log-groups --log-group-name-prefix", q(g), reg)
			r.add("Create it if it is missing", "aws logs create-log-group --log-group-name", q(g), reg)
		} else {
			r.add("Show the log configuration", "aws ecs describe-task-definition --task-definition", td,
				"--query 'taskDefinition.containerDefinitions[].logConfiguration'", reg)
		}
	case CommandNotFound, ContainerConfigError:
		r.add("Show the entrypoint, command, user and working directory", "aws ecs describe-task-definition --task-definition", td,
			"--query 'taskDefinition.containerDefinitions[].[name,entryPoint,command,user,workingDirectory]'", reg)
	case OutOfMemory:
		r.add("Show the memory limits of the task and its containers", "aws ecs describe-task-definition --task-definition", td,
			"--query '[taskDefinition.memory,taskDefinition.containerDefinitions[].[name,memory,memoryReservation]]'", reg)
	case HealthCheckFailed:
		r.add("Show the container health check", "aws ecs describe-task-definition --task-definition", td,
			"--query 'taskDefinition.containerDefinitions[].[name,healthCheck]'", reg)
		if usable(f.Workload) {
			r.add("Show the load balancer target groups and grace period", "aws ecs describe-services --cluster", cluster, "--services", q(f.Workload),
				"--query 'services[0].[loadBalancers,healthCheckGracePeriodSeconds]'", reg)
		}
	case VolumeMountFailed:
		r.add("Show the volumes the task mounts", "aws ecs describe-task-definition --task-definition", td, "--query taskDefinition.volumes", reg)
	case InsufficientCapacity:
		r.add("Show the cluster's registered capacity", "aws ecs describe-clusters --clusters", cluster, "--include STATISTICS --query 'clusters[0].[registeredContainerInstancesCount,capacityProviders,statistics]'", reg)
	case RegistryRateLimited:
		if r.im.valid && r.im.kind == dockerHub {
			r.add("Serve Docker Hub images from an ECR pull-through cache, then use ACCOUNT.dkr.ecr.REGION.amazonaws.com/docker-hub/"+r.im.path+" (AWS CLI 2.13 or later)",
				"aws ecr create-pull-through-cache-rule --ecr-repository-prefix docker-hub --upstream-registry-url registry-1.docker.io",
				"--credential-arn", val("", slotSecretARN), reg)
		}
	case QuotaExceeded:
		r.add("Show the ECS quotas (services, tasks, deployments per service)", "aws service-quotas list-service-quotas --service-code ecs", reg)
		r.add("Show the Fargate quotas (vCPUs per purchase option)", "aws service-quotas list-service-quotas --service-code fargate", reg)
	case RegistryUnreachable:
		if usable(f.Region) {
			r.add("Check for ECR VPC endpoints (needed in subnets without NAT)", "aws ec2 describe-vpc-endpoints --filters Name=service-name,Values="+q("com.amazonaws."+f.Region+".ecr.dkr"), reg)
		}
	}
	if usable(task) && usable(f.Cluster) {
		r.add("Show why the task stopped", "aws ecs describe-tasks --cluster", cluster, "--tasks", q(task),
			"--query 'tasks[0].[stopCode,stoppedReason,containers[].[name,exitCode,reason]]'", reg)
	}
	service := usable(f.Workload) && usable(f.Cluster)
	if service {
		r.add("Show the service's recent events", "aws ecs describe-services --cluster", cluster, "--services", q(f.Workload),
			"--query 'services[0].events[:5]'", reg)
	}
	switch c {
	case AppCrash, OutOfMemory, HealthCheckFailed, CommandNotFound, Unknown:
		if g := f.Details[DetailLogGroup]; usable(g) {
			args := []string{"aws logs tail", q(g), "--since 1h"}
			if s := f.Details[DetailLogStream]; usable(s) {
				args = append(args, "--log-stream-names", q(s))
			}
			r.add("Read the container's last log lines", append(args, reg)...)
		}
	}
	if service {
		switch c {
		case RegistryTokenExpired, RegistryRateLimited, RegistryUnreachable, SecretUnavailable, NodeInterrupted, PlatformError:
			r.add("Start fresh tasks once fixed", "aws ecs update-service --cluster", cluster, "--service", q(f.Workload), "--force-new-deployment", reg)
		}
	}
}

// kubernetes adds kubectl and gcloud commands.
func (r *renderer) kubernetes(c Cause) {
	f, n := r.f, r.n
	ns := val(n.namespace, slotNamespace)
	pod := val(n.pod, slotPod)
	if usable(f.Cluster) {
		args := []string{"gcloud container clusters get-credentials", q(f.Cluster)}
		if usable(f.Region) {
			args = append(args, "--location", q(f.Region))
		}
		if usable(f.Account) {
			args = append(args, "--project", q(f.Account))
		}
		r.add("Point kubectl at the cluster", args...)
	}
	switch c {
	case RegistryAuth, RegistryTokenExpired:
		r.add("Show the pull secrets and the service account the pod uses", "kubectl get pod", pod, "--namespace", ns,
			"--output jsonpath='{.spec.imagePullSecrets}{\"\\n\"}{.spec.serviceAccountName}{\"\\n\"}'")
		im := r.im
		switch {
		case !im.valid:
		case c == RegistryTokenExpired && im.kind == ecrRegistry:
			r.add("Recreate the pull secret with a fresh 12-hour ECR token (then automate it: ecr-credential-provider on the nodes, or a refresher job)",
				"kubectl create secret docker-registry", val("", slotPullSecret), "--docker-server="+q(im.domain),
				"--docker-username=AWS --docker-password=\"$(aws ecr get-login-password --region "+q(ecrRegion(im.domain))+")\"",
				"--namespace", ns, "--dry-run=client --output yaml | kubectl apply -f -")
		case c == RegistryAuth && (im.kind == dockerHub || im.kind == acrRegistry || im.kind == otherRegistry):
			// ECR, Artifact Registry and Container Registry authorise the
			// nodes' own identity (fix steps); others need a pull secret.
			r.pullSecret("Store the registry credentials in a pull secret in the pod's namespace", ns)
		}
	case RegistryRateLimited:
		if qpsThrottled(f) {
			r.add("Show the node's kubelet configuration (registryPullQPS, registryBurst)", "kubectl get --raw", within("/api/v1/nodes/", f.Node, "/proxy/configz", slotNode))
		} else if r.im.valid {
			r.pullSecret("Store a registry account's credentials in a pull secret so the nodes' pulls count against it", ns)
		}
	case SecretUnavailable:
		if usable(n.secret) {
			r.add("Show the secret's keys (not their values)", "kubectl describe secret", q(n.secret), "--namespace", ns)
		} else {
			r.add("List the secrets and config maps in the namespace", "kubectl get secrets,configmaps --namespace", ns)
		}
	case CommandNotFound, ContainerConfigError:
		r.add("Show the command, args and security context", "kubectl get pod", pod, "--namespace", ns,
			"--output jsonpath='{range .spec.containers[*]}{.name}{\"\\t\"}{.command}{\"\\t\"}{.args}{\"\\t\"}{.securityContext}{\"\\n\"}{end}'")
	case OutOfMemory:
		r.add("Show memory use against the limit", "kubectl top pod", pod, "--namespace", ns, "--containers")
		r.add("Raise the memory limit", "kubectl set resources", val(workloadRef(f.Workload, n.pod), slotWorkload), "--namespace", ns,
			"--containers", val(n.container, slotContainer), "--limits=memory=\""+guard(slotMemoryLimit)+"\"")
	case HealthCheckFailed:
		r.add("Show the probes", "kubectl get pod", pod, "--namespace", ns,
			"--output jsonpath='{range .spec.containers[*]}{.name}{\"\\n\"}{.livenessProbe}{\"\\n\"}{.readinessProbe}{\"\\n\"}{.startupProbe}{\"\\n\"}{end}'")
	case VolumeMountFailed:
		r.add("Show the claims and their status", "kubectl get pvc --namespace", ns)
	case InsufficientCapacity, DiskFull, NodeInterrupted:
		if usable(f.Node) {
			r.add("Show the node's conditions and allocations", "kubectl describe node", q(f.Node))
		} else {
			r.add("Show node capacity and allocations", "kubectl describe nodes")
		}
	case QuotaExceeded:
		r.add("Show the namespace quotas and their use", "kubectl describe resourcequota --namespace", ns)
	case RegistryUnreachable:
		if usable(f.Node) && r.im.valid {
			r.add("Resolve the registry from the node (leaves a node-debugger pod: kubectl delete it afterwards)",
				"kubectl debug node/"+q(f.Node), "-it --profile=general --image=busybox -- nslookup", q(registryHost(r.im.domain)))
		}
	}
	if usable(n.pod) {
		r.add("Show the pod's state and events", "kubectl describe pod", pod, "--namespace", ns)
	}
	switch c {
	case AppCrash, OutOfMemory, HealthCheckFailed, CommandNotFound, Unknown:
		args := []string{"kubectl logs", pod, "--namespace", ns, "--previous"}
		if usable(n.container) {
			args = append(args, "--container", q(n.container))
		}
		r.add("Read the last lines the crashed container wrote", args...)
	}
	if usable(n.pod) {
		r.add("List the pod's recent events", "kubectl get events --namespace", ns, "--field-selector", q("involvedObject.name="+n.pod), "--sort-by=.lastTimestamp")
	}
}

// workloadRef names a pod's owner as kubectl's KIND/NAME, where the pod
// name shows the kind: NAME-HASH-XXXXX with a pod-template-hash that has a
// letter is a Deployment's (a CronJob's minute is all digits), NAME-N a
// StatefulSet's. Otherwise it returns "" (the reader names it).
func workloadRef(workload, pod string) string {
	if !usable(workload) {
		return ""
	}
	rest, ok := strings.CutPrefix(pod, workload+"-")
	if !ok {
		return ""
	}
	hash, suffix, two := strings.Cut(rest, "-")
	switch {
	case two && len(suffix) == 5 && !strings.Contains(suffix, "-") && strings.Trim(hash, "0123456789") != "":
		return "deployment/" + workload
	case !two && rest != "" && strings.Trim(rest, "0123456789") == "":
		return "statefulset/" + workload
	}
	return ""
}

// aci adds az commands for Azure Container Instances.
func (r *renderer) aci(c Cause) {
	f := r.f
	rg, name := val(f.ResourceGroup, slotResourceGroup), val(r.n.group, slotContainerGroup)
	switch c {
	case RegistryAuth, RegistryTokenExpired, RegistryRateLimited:
		r.add("Show the registry credentials and identity the group pulls with", "az container show --resource-group", rg, "--name", name,
			"--query '[imageRegistryCredentials,identity]'")
	case PlatformError:
		r.add("Register the Container Instances resource provider", "az provider register --namespace Microsoft.ContainerInstance --wait")
	case QuotaExceeded, InsufficientCapacity:
		sub := "{subscriptionId}" // az rest fills in the current subscription
		if usable(f.Account) {
			sub = f.Account
		}
		r.add("Show Container Instances usage against quota in the region (ARM Location - List Usage)", "az rest --method get --url",
			within("https://management.azure.com/subscriptions/"+sub+"/providers/Microsoft.ContainerInstance/locations/",
				r.n.location, "/usages?api-version=2025-09-01", slotLocation))
	case OutOfMemory:
		r.add("Show the requested CPU and memory", "az container show --resource-group", rg, "--name", name, "--query 'containers[].[name,resources]'")
	case VolumeMountFailed:
		r.add("Show the volumes and mounts", "az container show --resource-group", rg, "--name", name, "--query '[volumes,containers[].volumeMounts]'")
	}
	r.add("Show the container group's state and events", "az container show --resource-group", rg, "--name", name,
		"--query 'containers[].{name:name,state:instanceView.currentState,restarts:instanceView.restartCount,events:instanceView.events}'")
	switch c {
	case AppCrash, OutOfMemory, HealthCheckFailed, CommandNotFound, Unknown:
		args := []string{"az container logs --resource-group", rg, "--name", name}
		if usable(f.Container) {
			args = append(args, "--container-name", q(f.Container))
		}
		r.add("Read the container's logs", args...)
	}
}

// docker adds commands for a plain Docker host.
func (r *renderer) docker(c Cause) {
	f := r.f
	ctr := f.Container
	if ctr == "" {
		ctr = f.Task
	}
	if !usable(ctr) {
		ctr = ""
	}
	switch c {
	case DiskFull:
		r.add("Show what uses the disk", "docker system df")
		r.add("Remove stopped containers, unused networks, dangling images and build cache (asks first; add --all for every unused image)", "docker system prune")
	case CommandNotFound:
		r.add("Show the image's entrypoint and command", "docker image inspect", r.imageRef(), "--format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}'")
	case HealthCheckFailed:
		if ctr != "" {
			r.add("Show the health check results", "docker inspect", q(ctr), "--format '{{json .State.Health}}'")
		}
	}
	if ctr != "" {
		switch c {
		case AppCrash, OutOfMemory, CommandNotFound, Unknown:
			r.add("Show how it exited", "docker inspect", q(ctr), "--format '{{.State.ExitCode}} {{.State.OOMKilled}} {{.State.Error}}'")
			r.add("Read its last log lines", "docker logs --tail 100", q(ctr))
		}
	}
}
