package classify

// causeInfo is the human text for one cause: the title read first and the
// fix steps, in order.
type causeInfo struct {
	title string
	fix   []string
}

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
