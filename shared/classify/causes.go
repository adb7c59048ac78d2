package classify

import "github.com/tracegrid/tracegrid/shared/failure"

// causeInfo is the human text for one cause: the title read first and the
// fix steps, in order.
type causeInfo struct {
	title string
	fix   []string
}

// fixFor returns the fix steps for c on platform p: the platform's own
// where they differ (fixes), else the cause's. The slices are shared.
func fixFor(c Cause, p failure.Platform) []string {
	if steps, ok := fixes[c][p]; ok {
		return steps
	}
	return causes[c].fix
}

// fixes holds the fix steps of causes whose fix differs by platform: the
// identity that pulls, the store that holds secrets, the limit to raise
// live in a different place on each.
var fixes = map[Cause]map[failure.Platform][]string{
	RegistryAuth: {
		failure.ECS: {
			"ECR image: give the task execution role ecr:GetAuthorizationToken, ecr:BatchGetImage and ecr:GetDownloadUrlForLayer (commands below show the role and the repository policy).",
			"Other private registry: set the container's repositoryCredentials to a Secrets Manager secret with the user name and password, and let the execution role read it (secretsmanager:GetSecretValue, kms:Decrypt).",
			"For a repository in another account, grant pull on its repository policy.",
		},
		failure.Kubernetes: {
			"Create a docker-registry pull secret in the pod's namespace (`kubectl create secret docker-registry`) and attach it to the pod's service account (`kubectl patch serviceaccount`), or list it under the pod's imagePullSecrets.",
			"On GKE with Artifact Registry, grant the node service account (or the Workload Identity principal) roles/artifactregistry.reader on the repository instead; on EKS with ECR, the node role needs AmazonEC2ContainerRegistryReadOnly.",
			"Run the check below to confirm the image exists, which rules out a wrong name.",
		},
		failure.ACI: {
			"Give the container group imageRegistryCredentials for the registry (server, user name, password), or for ACR a managed identity with AcrPull (`az container create --acr-identity`).",
			"AcrPull granted on the resource group or subscription counts too: the role listing below includes inherited assignments.",
			"Run the check below to confirm the image exists, which rules out a wrong name.",
		},
		failure.Docker: {
			"Log in to the registry on this host (`docker login`, `az acr login`, `gcloud auth configure-docker`, ECR's get-login-password).",
			"Run the check below to confirm the image exists and the account may read it.",
		},
	},
	RegistryTokenExpired: {
		failure.ECS: {
			"ECS fetches ECR tokens itself with the task execution role: remove repositoryCredentials that hold a stored ECR token and give the role ECR pull permissions.",
			"For another registry, put a long-lived token in the repositoryCredentials secret, then start fresh tasks (commands below).",
		},
		failure.Kubernetes: {
			"The pull secret holds a short-lived token (ECR tokens last 12 hours). Recreate it now (command below).",
			"Then stop storing tokens: the kubelet credential provider (ecr-credential-provider on EKS, built in on GKE and AKS) or a refresher job that recreates the secret.",
		},
		failure.ACI: {
			"The container group stores a static password in imageRegistryCredentials; a 12-hour ECR token there expires. Redeploy the group with a fresh credential.",
			"For ACR use a managed identity with AcrPull (`az container create --acr-identity`); for ECR, a refresher that redeploys before the token expires.",
		},
		failure.Docker: {
			"Refresh the login on this host (command below); for ECR, ACR and Google registries prefer the cloud's credential helper over stored tokens.",
		},
	},
	RegistryRateLimited: {
		failure.ECS: {
			"Pull Docker Hub images through an ECR pull-through cache (command below) and point the task definition at the cached repository.",
			"Or give the container repositoryCredentials with a Docker Hub account so pulls count against it, not against the NAT gateway's shared IP.",
			"Stagger mass restarts of services.",
		},
		failure.Kubernetes: {
			"Give the pods a pull secret with a registry account (commands below) so pulls count against it, not against the nodes' shared IP.",
			"Or mirror the image: Artifact Registry remote repository (GKE), ECR pull-through cache (EKS), ACR cache rule (AKS), and pull from the mirror.",
			"For kubelet's `pull QPS exceeded`, raise registryPullQPS/registryBurst in the kubelet configuration; no login changes it.",
		},
		failure.ACI: {
			"Give the container group imageRegistryCredentials for a Docker Hub account so its pulls are authenticated.",
			"Or import the image into ACR (`az acr import`) or serve it through an ACR cache rule, and pull from there.",
		},
		failure.Docker: {
			"Log in (command below) so pulls count against an account, not the shared anonymous IP.",
			"Or pull from a mirror (registry-mirrors in daemon.json).",
		},
	},
	RegistryUnreachable: {
		failure.ECS: {
			"Give the task a route to the registry: a public IP or NAT gateway, or VPC endpoints for ECR (api and dkr) and the S3 gateway endpoint, with security groups allowing 443.",
			"If the registry itself answered 5xx, retry later and check its status page.",
		},
		failure.Kubernetes: {
			"Check the node's route to the registry (NAT, firewall rules, Private Google Access or private endpoints) and DNS from the node (command below).",
			"Check proxies or TLS interception configured for the container runtime.",
			"If the registry itself answered 5xx, retry later and check its status page.",
		},
		failure.ACI: {
			"A container group in a virtual network needs outbound access to the registry (NAT gateway, firewall rules, private endpoint for ACR).",
			"If the registry itself answered 5xx, retry later and check its status page.",
		},
	},
	ImagePlatformMismatch: {
		failure.ECS: {
			"Build and push for the platform that runs it (`docker buildx build --platform linux/amd64,linux/arm64 --push`).",
			"Or set the task definition's runtimePlatform.cpuArchitecture to the image's architecture.",
		},
		failure.Kubernetes: {
			"Build and push for the platform that runs it (`docker buildx build --platform linux/amd64,linux/arm64 --push`).",
			"Or schedule it on matching nodes with a nodeSelector on kubernetes.io/arch.",
		},
		failure.ACI: {
			"ACI runs linux/amd64 (and Windows): build and push a linux/amd64 image (`docker buildx build --platform linux/amd64 --push`).",
		},
		failure.Docker: {
			"Pull or build the variant for this host (`docker pull --platform linux/amd64`, `docker buildx build --platform`), or run under emulation.",
		},
	},
	SecretUnavailable: {
		failure.ECS: {
			"Check the secret or parameter exists with that exact ARN or name, in the task's region.",
			"Check the task execution role may read it: secretsmanager:GetSecretValue, ssm:GetParameters, and kms:Decrypt for a customer key.",
			"Check the network path to Secrets Manager/SSM (NAT or VPC endpoints).",
		},
		failure.Kubernetes: {
			"Check the Secret or ConfigMap exists in the pod's namespace with the key the pod names (command below), or mark the reference optional.",
			"For CSI secret stores (Key Vault, Secret Manager, Secrets Manager), check the provider's identity may read the secret.",
		},
		failure.ACI: {
			"Check the secure environment variables, secret volumes and Key Vault references of the container group, and that its managed identity may read the vault.",
		},
	},
	VolumeMountFailed: {
		failure.ECS: {
			"Check the EFS file system, access point and root directory exist, and the mount targets' security group allows NFS (2049) from the task.",
			"Check the task role and file system policy when IAM authorization is on.",
		},
		failure.Kubernetes: {
			"Check the PVC is Bound (command below); for an unbound claim, check its StorageClass and provisioner.",
			"For a volume from a Secret or ConfigMap, check it exists in the namespace.",
			"For a volume still attached to another node, wait for the detach or delete the stale VolumeAttachment.",
		},
		failure.ACI: {
			"Check the Azure Files share exists and the storage account name and key in the group's volume are current.",
		},
	},
	DiskFull: {
		failure.ECS: {
			"On EC2 capacity, free or grow the instance's Docker volume (ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION, ECS_IMAGE_CLEANUP_INTERVAL) or use a bigger volume.",
			"On Fargate, raise the task's ephemeralStorage (up to 200 GiB) or write large data to EFS.",
		},
		failure.Kubernetes: {
			"Set ephemeral-storage requests and limits, and write large data to volumes.",
			"Free space on the node (kubelet image garbage collection thresholds) or give the node pool bigger boot disks.",
		},
		failure.Docker: {
			"Free space on the host (commands below) or give it a bigger disk.",
		},
	},
	OutOfMemory: {
		failure.ECS: {
			"Raise the container's memory (hard limit) or the task's memory, or reduce its use.",
			"Check for leaks: memory growth before each stop in Container Insights.",
			"For runtimes with their own heap (JVM, Node), size the heap below the container limit.",
		},
		failure.Kubernetes: {
			"Raise resources.limits.memory on the workload (command below) or reduce its use.",
			"Check for leaks: memory growth before each restart (`kubectl top`, your metrics).",
			"For runtimes with their own heap (JVM, Node), size the heap below the container limit.",
		},
		failure.ACI: {
			"Redeploy the container group with more memoryInGB for the container, or reduce its use.",
			"For runtimes with their own heap (JVM, Node), size the heap below the container limit.",
		},
		failure.Docker: {
			"Raise the container's --memory limit or reduce its use.",
			"For runtimes with their own heap (JVM, Node), size the heap below the container limit.",
		},
	},
	HealthCheckFailed: {
		failure.ECS: {
			"Check the container healthCheck command works in the image (curl or wget present) and targets the port the app serves.",
			"Give slow starters time: startPeriod, and healthCheckGracePeriodSeconds on the service.",
			"Check the load balancer target group's health check path and port, and the security groups between them.",
		},
		failure.Kubernetes: {
			"Check the liveness, readiness and startup probes target the port and path the app serves (command below).",
			"Give slow starters a startupProbe instead of a long initialDelaySeconds.",
		},
		failure.ACI: {
			"Check the container's liveness and readiness probes target the port and path the app serves.",
		},
	},
	InsufficientCapacity: {
		failure.ECS: {
			"Add capacity (scale the Auto Scaling group or capacity provider) or lower the task's CPU/memory.",
			"Check placement constraints and free IP addresses in the subnets (awsvpc tasks need one each).",
			"For Fargate capacity in a zone, retry or add subnets in other zones.",
		},
		failure.Kubernetes: {
			"Add nodes (cluster autoscaler, node pool size) or lower the pod's requests.",
			"Check nodeSelectors, affinity, taints and tolerations against the nodes (command below).",
		},
		failure.ACI: {
			"The region has no capacity for this size now: retry later, in another region, or with less CPU/memory.",
		},
	},
	QuotaExceeded: {
		failure.ECS: {
			"Find the quota that was hit among the ECS and Fargate quotas (commands below) and request an increase in Service Quotas, or lower the usage.",
		},
		failure.Kubernetes: {
			"For a namespace ResourceQuota (command below), set requests/limits on every container or raise the quota.",
			"For a cloud quota (CPUs, IP addresses), request an increase from the provider.",
		},
		failure.ACI: {
			"Compare Container Instances usage with the region's quota (command below); request an increase or delete unused container groups.",
		},
	},
	NodeInterrupted: {
		failure.ECS: {
			"The instance or Fargate Spot capacity went away; the service replaces the task.",
			"If it repeats, mix Fargate and Fargate Spot (or On-Demand) in the capacity provider strategy and handle SIGTERM within stopTimeout.",
		},
		failure.Kubernetes: {
			"The node went away (preemption, spot reclaim, NotReady); the controller reschedules the pod.",
			"If it repeats, spread replicas across zones and node pools, add a PodDisruptionBudget, and handle SIGTERM within terminationGracePeriodSeconds.",
		},
	},
	PlatformError: {
		failure.ACI: {
			"Register the Microsoft.ContainerInstance resource provider (command below), or pick a region and size ACI supports.",
			"If Azure reports a service fault, retry with backoff.",
		},
		failure.Kubernetes: {
			"Sandbox and runtime errors come from the node: drain and replace it if they repeat (check the CNI and container runtime).",
			"For API throttling, retry with backoff.",
		},
	},
}

// callerError is the title and fix of `unknown` when a rule or the model
// read the message as an error of a tool or of the caller (a CLI, an
// infrastructure-as-code run, a CI job, a controller, an API request):
// nothing in the taxonomy failed, and the request is what to correct.
var callerError = causeInfo{"Error of a tool or caller, not of a container", []string{
	"The message reads as an error of the command, template, pipeline or identity that made the request, not of a running container; the evidence line names what was refused.",
	"Correct the request (flags, manifest or template fields, names, region, versions) or give the calling identity the permission the message names, then run it again.",
	"If a container did fail, its logs and the platform's events say so (commands below).",
}}

// causes holds the title and fix of every cause in the taxonomy.
var causes = map[Cause]causeInfo{
	ImageNotFound: {"Image or tag does not exist", []string{
		"Check the repository name and tag for typos; `latest` exists only if it was pushed.",
		"List the tags the registry really has (command below) and point the task/pod at one of them.",
		"If the tag should exist, check that the build pushed it to this registry and region.",
	}},
	RegistryAuth: {"Registry refused the credentials", []string{
		"Check the identity that pulls: ECS task execution role (ecr:GetAuthorizationToken, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer), Kubernetes imagePullSecrets or node service account, ACI registry credentials or managed identity with AcrPull.",
		"For a private repository in another account or project, grant pull on the repository policy.",
		"Run the command below to confirm the image exists, which rules out a wrong name.",
	}},
	RegistryTokenExpired: {"Registry token expired", []string{
		"A short-lived registry token (ECR tokens last 12 hours) was stored in a secret or cached and has expired.",
		"Refresh it now (command below), then replace the static secret with a credential helper, IRSA/Workload Identity or a refresher job.",
	}},
	RegistryRateLimited: {"Registry rate limit hit", []string{
		"Authenticate pulls (Docker Hub anonymous pulls are limited per IP; NAT gateways share one IP).",
		"Mirror the image into your own registry (ECR pull-through cache, Artifact Registry remote repository, ACR cache rules) and pull from there.",
		"Stagger mass restarts; for kubelet `pull QPS exceeded` raise registryPullQPS/registryBurst.",
	}},
	RegistryUnreachable: {"Registry unreachable from the workload", []string{
		"Check the route to the registry: public IP or NAT gateway, or VPC/private endpoints (ECR api+dkr and S3), and their security groups.",
		"Check DNS resolution and any proxy or TLS interception on the node.",
		"If the registry itself answered 5xx, retry later and check its status page.",
	}},
	InvalidImageReference: {"Image reference is malformed", []string{
		"Fix the image string: no scheme (https://), no spaces, lower-case repository, host/path:tag or @sha256:digest.",
		"Check that variables used to build the image name are set (an empty variable leaves `/repo:tag` or `:tag`).",
	}},
	ImagePlatformMismatch: {"Image built for another OS or CPU architecture", []string{
		"Build and push for the platform that runs it, e.g. `docker buildx build --platform linux/amd64,linux/arm64 --push`.",
		"Or run it on matching nodes: ECS runtimePlatform.cpuArchitecture, a Kubernetes nodeSelector on kubernetes.io/arch, ACI runs linux/amd64.",
	}},
	ImageUnsupported: {"Image format not supported by the runtime", []string{
		"Rebuild with a format the runtime reads: gzip layers (not mixed zstd), Docker v2 schema 2 or OCI manifests, no schema 1.",
		"On ACI, push without attestation manifests (`docker buildx build --provenance=false --sbom=false`).",
	}},
	SecretUnavailable: {"A secret or config the container needs could not be read", []string{
		"Check the secret or config exists with that exact name and key, in the same region, namespace or vault.",
		"Check the reader may read it: ECS task execution role (secretsmanager:GetSecretValue, ssm:GetParameters, kms:Decrypt), Kubernetes namespace, Key Vault access.",
		"Check the network path to the secret store (NAT or VPC endpoints for Secrets Manager/SSM).",
	}},
	CommandNotFound: {"Entrypoint or command not found", []string{
		"Check the command/entrypoint names a file that exists in the image and is executable (or is on $PATH).",
		"Arguments given as the command replace the image's entrypoint; use args instead, or set the entrypoint.",
		"A volume mounted over the directory hides the file; a CRLF shebang or missing interpreter gives `no such file or directory`.",
	}},
	ContainerConfigError: {"Container configuration is invalid", []string{
		"Check the user, working directory and devices in the task definition or pod spec against the image.",
		"A numeric user needs no /etc/passwd; a user name does.",
	}},
	LogConfigError: {"Log driver could not start", []string{
		"Create the log group or grant logs:CreateLogGroup (awslogs-create-group) and logs:CreateLogStream/PutLogEvents to the execution role.",
		"Give the task a route to CloudWatch Logs (NAT or the logs VPC endpoint).",
		"For FireLens, check the log router container and its options.",
	}},
	VolumeMountFailed: {"Volume could not be mounted", []string{
		"Check the volume exists and its path exists on it (EFS root directory/access point, Azure Files share, PVC).",
		"Check network access to the file system (EFS mount target security group allows NFS 2049) and permissions.",
		"For an unbound PVC, check its StorageClass and provisioner.",
	}},
	DiskFull: {"Disk full on the host", []string{
		"Free space on the node or instance (unused images and stopped containers) or give it a bigger disk.",
		"For evictions on ephemeral storage, set ephemeral-storage requests/limits and write large data to volumes.",
	}},
	OutOfMemory: {"Container killed for exceeding its memory limit", []string{
		"Raise the container's memory limit (ECS memory/memoryReservation, Kubernetes resources.limits.memory, ACI memoryInGB) or reduce its use.",
		"Check for leaks: memory growth before each restart in the metrics.",
		"For runtimes with their own heap (JVM, Node), size the heap below the container limit.",
	}},
	AppCrash: {"Application exited and keeps restarting", []string{
		"Read the container's last log lines (command below): the application says why it stopped.",
		"Check what it depends on at start: configuration, database, network access.",
		"A process that exits 0 must run in the foreground for a service.",
	}},
	HealthCheckFailed: {"Health check failing", []string{
		"Check the probe or health check targets the port and path the app serves, and that the tool it runs (curl, wget) exists in the image.",
		"Give slow starters time: startupProbe, ECS healthCheckGracePeriodSeconds, startPeriod.",
		"Check the load balancer target group health check and security groups.",
	}},
	InsufficientCapacity: {"No capacity to place it", []string{
		"Add capacity (scale the node group, ASG or capacity provider) or lower the CPU/memory requested.",
		"Check placement constraints, node selectors, taints and available IP addresses/ENIs in the subnets.",
		"For regional capacity, retry later, in another zone, or with another size.",
	}},
	QuotaExceeded: {"Quota exceeded", []string{
		"Check the quota that was hit (command below) and request an increase, or lower the usage.",
		"For a Kubernetes ResourceQuota, set requests/limits on every container or raise the namespace quota.",
	}},
	NodeInterrupted: {"Host or node was interrupted", []string{
		"The instance or node went away (spot reclaim, termination, preemption, NotReady); the scheduler replaces the work.",
		"If it repeats, spread across capacity types and zones, and handle SIGTERM within the stop timeout.",
	}},
	PlatformError: {"Cloud platform error", []string{
		"This is on the provider side or host: register the resource provider, pick a supported zone, or retry with backoff for API throttling.",
		"If a host runtime is broken, drain and replace the node or instance.",
	}},
	NotAFailure: {"Expected stop (not a failure)", []string{
		"Nothing to do: scale-in, deployment replacement, user stop or a normal event.",
	}},
	Unknown: {"Unrecognised failure", []string{
		"Tracegrid did not recognise this wording; the raw message is shown as evidence.",
		"Check the container logs and the platform's events for the resource (commands below).",
	}},
}
