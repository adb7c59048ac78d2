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
// f's names. Every value that came from an event is shell-quoted.
func commands(c Cause, f *failure.Failure, im image) []Command {
	if c == NotAFailure {
		return nil
	}
	r := renderer{f: f, im: im}
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
	im  image
	out []Command
}

// add appends a command made of words; empty words (an omitted optional
// flag) are skipped.
func (r *renderer) add(purpose string, words ...string) {
	kept := words[:0:0]
	for _, w := range words {
		if w != "" {
			kept = append(kept, w)
		}
	}
	r.out = append(r.out, Command{Purpose: purpose, Line: strings.Join(kept, " ")})
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

// or quotes v, or returns a visible placeholder when v is empty.
func or(v, placeholder string) string {
	if v == "" {
		return "<" + placeholder + ">"
	}
	return q(v)
}

// orRaw returns v, or placeholder when v is empty.
func orRaw(v, placeholder string) string {
	if v == "" {
		return placeholder
	}
	return v
}

// awsRegion renders " --region R" (AWS) or "" when unknown.
func awsRegion(region string) string {
	if region == "" {
		return ""
	}
	return "--region " + q(region)
}

// imageRef is the image as the user wrote it, quoted, or a placeholder.
func (r *renderer) imageRef() string {
	if r.im.valid {
		return q(r.im.full)
	}
	return or(r.im.raw, "image")
}

// registry adds the registry-side commands for image causes: the one that
// tells a wrong name from missing credentials, and the cause's own fix.
func (r *renderer) registry(c Cause) {
	switch c {
	case ImageNotFound, RegistryAuth, RegistryTokenExpired, RegistryRateLimited, RegistryUnreachable,
		ImagePlatformMismatch, ImageUnsupported, InvalidImageReference:
	default:
		return
	}
	im := r.im
	if c == InvalidImageReference || !im.valid {
		if im.raw != "" {
			r.add("The image string as configured (look for spaces, a scheme or an empty variable)", "printf '%s\\n'", q(im.raw))
		}
		return
	}
	switch c {
	case ImagePlatformMismatch, ImageUnsupported:
		r.add("List the platforms and media types the image really has", "docker buildx imagetools inspect --raw", q(im.full))
		return
	case RegistryTokenExpired:
		r.login()
		return
	case RegistryRateLimited:
		r.add("Log in so pulls count against an account, not the shared anonymous IP", "docker login", q(im.domain))
		if f := r.f; f.Platform == failure.ECS && im.kind == dockerHub {
			r.add("Serve Docker Hub images from an ECR pull-through cache", "aws ecr create-pull-through-cache-rule --ecr-repository-prefix docker-hub --upstream-registry-url registry-1.docker.io --credential-arn <secrets-manager-arn>", awsRegion(f.Region))
		}
		return
	case RegistryUnreachable:
		r.add("Check the registry answers from the same network (any HTTP status means reachable)", "curl -sS -o /dev/null -w '%{http_code}\\n'", q("https://"+registryHost(im.domain)+"/v2/"))
		return
	}
	// ImageNotFound and RegistryAuth: list what the registry has.
	switch im.kind {
	case ecrRegistry:
		r.add("Check the tag exists in ECR (an error names missing permission or repository)",
			"aws ecr describe-images --repository-name", q(im.path), "--image-ids", q(tagOrDigest(im)),
			"--registry-id", q(ecrAccount(im.domain)), "--region", q(ecrRegion(im.domain)))
		if c == RegistryAuth {
			r.add("Show who may pull from the repository", "aws ecr get-repository-policy --repository-name", q(im.path),
				"--registry-id", q(ecrAccount(im.domain)), "--region", q(ecrRegion(im.domain)))
		}
	case acrRegistry:
		r.add("List the tags in ACR", "az acr repository show-tags --name", q(acrName(im.domain)), "--repository", q(im.path), "--output table")
		if c == RegistryAuth {
			r.add("Show who has pull rights on the registry", "az role assignment list --scope \"$(az acr show --name "+q(acrName(im.domain))+" --query id --output tsv)\" --output table")
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

// login adds the command that refreshes registry credentials.
func (r *renderer) login() {
	im, f := r.im, r.f
	switch im.kind {
	case ecrRegistry:
		region := ecrRegion(im.domain)
		if f.Platform == failure.Kubernetes {
			r.add("Recreate the pull secret with a fresh 12-hour ECR token (then automate it: node role or a refresher)",
				"kubectl create secret docker-registry <pull-secret> --docker-server="+q(im.domain)+" --docker-username=AWS --docker-password=\"$(aws ecr get-login-password --region "+q(region)+")\"",
				"--namespace", or(f.Namespace, "namespace"), "--dry-run=client --output yaml | kubectl apply -f -")
			return
		}
		r.add("Log in to ECR with a fresh token", "aws ecr get-login-password --region", q(region), "| docker login --username AWS --password-stdin", q(im.domain))
	case acrRegistry:
		r.add("Log in to ACR with a fresh token", "az acr login --name", q(acrName(im.domain)))
	case garRegistry, gcrRegistry:
		r.add("Refresh Google registry credentials", "gcloud auth configure-docker", q(im.domain))
	default:
		r.add("Log in to the registry again", "docker login", q(registryHost(im.domain)))
	}
}

// ecs adds ECS commands.
func (r *renderer) ecs(c Cause) {
	f := r.f
	reg := awsRegion(f.Region)
	cluster := or(f.Cluster, "cluster")
	task := f.TaskARN
	if task == "" {
		task = f.Task
	}
	td := or(f.TaskDefinition, "task-definition")
	switch c {
	case RegistryAuth, SecretUnavailable, LogConfigError:
		r.add("Show the task execution role that pulls images, reads secrets and creates logs",
			"aws ecs describe-task-definition --task-definition", td, "--query taskDefinition.executionRoleArn --output text", reg)
	}
	switch c {
	case SecretUnavailable:
		r.add("List the secrets the containers reference", "aws ecs describe-task-definition --task-definition", td,
			"--query 'taskDefinition.containerDefinitions[].secrets'", reg)
	case LogConfigError:
		if g := f.Details[DetailLogGroup]; g != "" {
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
		if f.Workload != "" {
			r.add("Show the load balancer target groups and grace period", "aws ecs describe-services --cluster", cluster, "--services", q(f.Workload),
				"--query 'services[0].[loadBalancers,healthCheckGracePeriodSeconds]'", reg)
		}
	case VolumeMountFailed:
		r.add("Show the volumes the task mounts", "aws ecs describe-task-definition --task-definition", td, "--query taskDefinition.volumes", reg)
	case InsufficientCapacity:
		r.add("Show the cluster's registered capacity", "aws ecs describe-clusters --clusters", cluster, "--include STATISTICS --query 'clusters[0].[registeredContainerInstancesCount,capacityProviders,statistics]'", reg)
	case QuotaExceeded:
		r.add("Show the Fargate and ECS quotas", "aws service-quotas list-service-quotas --service-code fargate", reg)
	case RegistryUnreachable:
		if f.Region != "" {
			r.add("Check for ECR VPC endpoints (needed in subnets without NAT)", "aws ec2 describe-vpc-endpoints --filters Name=service-name,Values="+q("com.amazonaws."+f.Region+".ecr.dkr"), reg)
		}
	}
	if task != "" && f.Cluster != "" {
		r.add("Show why the task stopped", "aws ecs describe-tasks --cluster", cluster, "--tasks", q(task),
			"--query 'tasks[0].[stopCode,stoppedReason,containers[].[name,exitCode,reason]]'", reg)
	}
	if f.Workload != "" && f.Cluster != "" {
		r.add("Show the service's recent events", "aws ecs describe-services --cluster", cluster, "--services", q(f.Workload),
			"--query 'services[0].events[:5]'", reg)
	}
	switch c {
	case AppCrash, OutOfMemory, HealthCheckFailed, CommandNotFound, Unknown:
		if g := f.Details[DetailLogGroup]; g != "" {
			args := []string{"aws logs tail", q(g), "--since 1h"}
			if s := f.Details[DetailLogStream]; s != "" {
				args = append(args, "--log-stream-names", q(s))
			}
			r.add("Read the container's last log lines", append(args, reg)...)
		}
	}
	if f.Workload != "" && f.Cluster != "" {
		switch c {
		case RegistryTokenExpired, RegistryRateLimited, RegistryUnreachable, SecretUnavailable, NodeInterrupted, PlatformError:
			r.add("Start fresh tasks once fixed", "aws ecs update-service --cluster", cluster, "--service", q(f.Workload), "--force-new-deployment", reg)
		}
	}
}

// kubernetes adds kubectl and gcloud commands.
func (r *renderer) kubernetes(c Cause) {
	f := r.f
	ns := or(f.Namespace, "namespace")
	pod := or(f.Task, "pod")
	if f.Cluster != "" {
		args := []string{"gcloud container clusters get-credentials", q(f.Cluster)}
		if f.Region != "" {
			args = append(args, "--location", q(f.Region))
		}
		if f.Account != "" {
			args = append(args, "--project", q(f.Account))
		}
		r.add("Point kubectl at the cluster", args...)
	}
	switch c {
	case RegistryAuth:
		r.add("Show the pull secrets the pod uses", "kubectl get pod", pod, "--namespace", ns,
			"--output jsonpath='{.spec.imagePullSecrets}{\"\\n\"}{.spec.serviceAccountName}{\"\\n\"}'")
	case SecretUnavailable:
		r.add("List the secrets and config maps in the namespace", "kubectl get secrets,configmaps --namespace", ns)
	case CommandNotFound, ContainerConfigError:
		r.add("Show the command, args and security context", "kubectl get pod", pod, "--namespace", ns,
			"--output jsonpath='{range .spec.containers[*]}{.name}{\"\\t\"}{.command}{\"\\t\"}{.args}{\"\\t\"}{.securityContext}{\"\\n\"}{end}'")
	case OutOfMemory:
		r.add("Show memory use against the limit", "kubectl top pod", pod, "--namespace", ns, "--containers")
		if f.Workload != "" {
			r.add("Raise the memory limit (pick the value)", "kubectl set resources", q(f.Workload), "--namespace", ns,
				"--containers", or(f.Container, "container"), "--limits=memory=<new-limit>")
		}
	case HealthCheckFailed:
		r.add("Show the probes", "kubectl get pod", pod, "--namespace", ns,
			"--output jsonpath='{range .spec.containers[*]}{.name}{\"\\n\"}{.livenessProbe}{\"\\n\"}{.readinessProbe}{\"\\n\"}{.startupProbe}{\"\\n\"}{end}'")
	case VolumeMountFailed:
		r.add("Show the claims and their status", "kubectl get pvc --namespace", ns)
	case InsufficientCapacity, DiskFull, NodeInterrupted:
		if f.Node != "" {
			r.add("Show the node's conditions and allocations", "kubectl describe node", q(f.Node))
		} else {
			r.add("Show node capacity and allocations", "kubectl describe nodes")
		}
	case QuotaExceeded:
		r.add("Show the namespace quotas and their use", "kubectl describe resourcequota --namespace", ns)
	case RegistryUnreachable:
		if f.Node != "" && r.im.valid {
			r.add("Resolve the registry from the node", "kubectl debug node/"+q(f.Node), "-it --image=busybox -- nslookup", q(registryHost(r.im.domain)))
		}
	}
	if f.Task != "" {
		r.add("Show the pod's state and events", "kubectl describe pod", pod, "--namespace", ns)
	}
	switch c {
	case AppCrash, OutOfMemory, HealthCheckFailed, CommandNotFound, Unknown:
		args := []string{"kubectl logs", pod, "--namespace", ns, "--previous"}
		if f.Container != "" {
			args = append(args, "--container", q(f.Container))
		}
		r.add("Read the last lines the crashed container wrote", args...)
	}
	if f.Task != "" {
		r.add("List the pod's recent events", "kubectl get events --namespace", ns, "--field-selector", q("involvedObject.name="+f.Task), "--sort-by=.lastTimestamp")
	}
}

// aci adds az commands for Azure Container Instances.
func (r *renderer) aci(c Cause) {
	f := r.f
	group := f.Task
	if group == "" {
		group = f.Workload
	}
	rg, name := or(f.ResourceGroup, "resource-group"), or(group, "container-group")
	switch c {
	case RegistryAuth, RegistryTokenExpired:
		r.add("Show the registry credentials and identity the group pulls with", "az container show --resource-group", rg, "--name", name,
			"--query '[imageRegistryCredentials,identity]'")
	case PlatformError:
		r.add("Register the Container Instances resource provider", "az provider register --namespace Microsoft.ContainerInstance --wait")
	case QuotaExceeded, InsufficientCapacity:
		r.add("Show Container Instances usage against quota in the region (ARM Location - List Usage)", "az rest --method get --url",
			q("https://management.azure.com/subscriptions/"+orRaw(f.Account, "<subscription-id>")+
				"/providers/Microsoft.ContainerInstance/locations/"+orRaw(f.Region, "<location>")+"/usages?api-version=2025-09-01"))
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
		if f.Container != "" {
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
	switch c {
	case DiskFull:
		r.add("Show what uses the disk", "docker system df")
		r.add("Remove unused images and stopped containers", "docker system prune")
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
