package classify

import (
	"testing"

	"github.com/tracegrid/tracegrid/shared/failure"
)

// familyCases cite real messages rule families were written from (the
// shared corpus, with their public sources). The test checks that the named
// family is the one that decides each message, and that every family decides
// at least one cited or corpus message right, so a rule cannot exist without
// evidence and cannot be shadowed unnoticed.
var familyCases = []struct {
	family   string
	platform failure.Platform
	message  string
	want     Cause
	source   string
}{
	{"aci-registry-error-response", "aci", "ERROR: (RegistryErrorResponse) An error response is received from the docker registry 'index.docker.io'. Please retry later.", "registry_rate_limited", "https://github.com/Azure/azure-cli/issues/29300"},
	{"api-throttled", "ecs", "An error occurred (InvalidParameterException) when calling the RunTask operation: Error retrieving security group information for [sg-05937427457b61ff5]: Request limit exceeded. (ErrorCode: RequestLimitExceeded)", "platform_error", "https://github.com/dask/dask-cloudprovider/issues/56"},
	{"api-throttled", "ecs", "An error occurred (ThrottlingException) when calling the DescribeTasks operation (reached max retries: 4): Rate exceeded", "platform_error", "https://github.com/dask/dask-cloudprovider/issues/309"},
	{"app-error", "kubernetes", "mysqld: Can't create/write to file '/var/lib/mysql/is_writable' (Errcode: 22 - Invalid argument)", "app_crash", "https://github.com/rancher/rancher/issues/13457"},
	{"app-error", "kubernetes", "E1218 10:39:50.481923       1 mysql.go:62] Ping to Katib db failed: dial tcp 10.233.28.55:3306: connect: connection refused", "app_crash", "https://github.com/kubeflow/kubeflow/issues/5468"},
	{"no-basic-auth", "docker", "failed to fetch manifest: Get https://MY_ACCOUNT.dkr.ecr.eu-west-1.amazonaws.com/v2/MY_REPO/manifests/d196e5688d: no basic auth credentials", "registry_auth", "https://github.com/concourse/docker-image-resource/issues/161"},
	{"auth-required", "ecs", "CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref 123456789123.dkr.ecr.us-east-1.amazonaws.com/a2-ecr-app-repo:latest: pulling from host 123456789123.dkr.ecr.us-east-1.amazonaws.com failed with status code [manifests latest]: 403 Forbidden", "registry_auth", "https://github.com/aws/aws-cdk/issues/29876"},
	{"capacity", "kubernetes", "0/17 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 2 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 3 node(s) had untolerated taint {...}, 4 node(s) had untolerated taint {...}, 6 node(s) didn't match Pod's node affinity/selector. preemption: 0/17 nodes are available: 15 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.", "insufficient_capacity", "https://github.com/kubernetes/kubernetes/issues/112333"},
	// ECS service action SERVICE_TASK_PLACEMENT_FAILURE for Fargate Spot: no Spot capacity.
	{"capacity", "ecs", "RESOURCE:FARGATE", "insufficient_capacity", "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_events.html"},
	{"capacity", "aci", "The requested resource is not available in the location 'uksouth' at this moment. Please retry with a different resource request or in another location. Resource requested: '1' CPU '2' GB memory 'Linux' OS virtual network", "insufficient_capacity", "https://github.com/Azure/Azure-Landing-Zones/issues/2404"},
	{"crash-loop", "kubernetes", "CrashLoopBackOff: Back-off 20s restarting failed container=mysql-mysql pod=mysql-mysql-54746f9675-4m94v_default(73c7ba9b-5641-11e8-b98a-aa6755e81c4d)", "app_crash", "https://github.com/rancher/rancher/issues/13457"},
	{"crash-loop", "aci", "CrashLoopBackOff: Back-off restarting failed", "app_crash", "https://github.com/Azure/azure-cli/issues/24159"},
	// The plugin timed out reaching ECR: the network, not the credentials
	// (the same message in aws/eks-anywhere-packages#1216 was a proxy).
	{"registry-network", "kubernetes", "Failed getting credential from external registry credential provider: error execing credential provider plugin ecr-credential-provider for image XXX.dkr.ecr.us-west-2.amazonaws.com/cilium/cilium: context deadline exceeded", "registry_unreachable", "https://github.com/kubernetes/cloud-provider-aws/issues/1029"},
	{"credential-provider", "kubernetes", "Failed to pull image \"registry.example.com/my/app:latest\": rpc error: code = Unknown desc = failed to resolve image \"registry.example.com/my/app:latest\": failed to fetch anonymous token: unexpected status: 403 Forbidden", "registry_auth", "https://github.com/kubernetes/kubernetes/issues/66162"},
	{"disk-full", "ecs", "CannotPullContainerError: failed to register layer: Error processing tar file(exit status 1): write /tmp/my_large_file: no space left on device", "disk_full", "https://github.com/aws/amazon-ecs-agent/issues/1434"},
	{"disk-full", "ecs", "DockerGoClient: failed to pull image 123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/my-image: write /var/lib/docker/tmp/GetImageBlob721002426: no space left on device", "disk_full", "https://github.com/aws/amazon-ecs-agent/issues/1434"},
	{"docker-hub-unexpected-status", "ecs", "CannotPullContainerError: inspect image has been retried 5 time(s): httpReaderSeeker: failed open: unexpected status code https://registry-1.docker.io...: 4...", "registry_rate_limited", "https://openillumi.com/?p=93450"},
	// dockerd's stop escalating to SIGKILL after the grace period (an
	// uncertain corpus label: in its thread swarm was replacing the container).
	{"routine-notice", "docker", "Container failed to exit within 10s of signal 15 - using the force", "not_a_failure", "https://github.com/moby/moby/issues/51343"},
	{"ecr-permission", "ecs", "CannotPullECRContainerError: AccessDeniedException: User: arn:aws:sts::...:assumed-role/OvertureTilesCdkStack-OvertureTilesContainer... is not authorized to perform: ecr:GetAuthorizationToken on r", "registry_auth", "https://github.com/OvertureMaps/overture-tiles/pull/20"},
	{"ecr-permission", "docker", "Not continuing with pull after error: denied: User: arn:aws:sts::XXX:assumed-role/nomad-client20171228230446599800000004/i-03543d3e416f0f883 is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:XXX:repository/YYY", "registry_auth", "https://github.com/awslabs/amazon-ecr-credential-helper/issues/88"},
	{"ecr-unreachable-for-auth", "ecs", "ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. operation error ECR: GetAuthorizationToken, exceeded maximum number of attempts, 3, https response error", "registry_unreachable", "https://github.com/anomalyco/sst/issues/6019"},
	{"ecs-expected-stop", "ecs", "Task stopped by user", "not_a_failure", "github file (find_string index id 32924382078; aws ecs describe-tasks output, repo not identified)"},
	{"ecs-expected-stop", "ecs", "Container instance deregistration forced by user", "not_a_failure", "https://github.com/awsdocs/amazon-ecs-developer-guide/blob/master/doc_source/stopped-task-errors.md"},
	{"ecs-secrets-or-auth", "ecs", "ResourceInitializationError: unable to pull secrets or registry auth", "secret_unavailable", "https://github.com/nikovirtala/cdk-github-actions-runner/pull/3"},
	{"ecs-service-started-tasks", "ecs", "service service-prod has started 1 tasks: task 269a6d27375c4d8b8def40061a341456.", "not_a_failure", "https://github.com/aws/amazon-ecs-agent/issues/2125"},
	{"ecs-service-started-tasks", "ecs", "(service prometheus) has started 1 tasks: (task 5ed3be04-09bc-4a26-a1e2-5d7d19a4f51e).", "not_a_failure", "https://github.com/aws/amazon-ecs-agent/issues/2031"},
	{"ecs-service-stopped-tasks", "ecs", "(service nginx-local) has stopped 1 running tasks: (task 834a5628bef14f2dbb81c7bc0b272160).", "not_a_failure", "https://github.com/fujiwara/tracer (README.md)"},
	{"exec-not-found", "docker", "Error response from daemon: OCI runtime create failed: container_linux.go:348: starting container process caused \"exec: \\\"db:create\\\": executable file not found in $PATH\": unknown", "command_not_found", "https://github.com/docker/for-linux/issues/726"},
	{"exec-not-found", "ecs", "CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: failed to create shim: OCI runtime create failed: container_linux.go:380: starting container process caused: exec: \"-url\": executable file not found in", "command_not_found", "https://github.com/jenkinsci/amazon-ecs-plugin/issues/258"},
	{"health-check-exec", "docker", "OCI runtime exec failed: exec failed: container_linux.go:370: starting container process caused: exec: \"curl\": executable file not found in $PATH: unknown", "health_check_failed", "https://github.com/DanielWinks/pwrstat_docker/issues/9"},
	{"health-tool-missing", "docker", "/bin/sh: curl: not found\n", "health_check_failed", "https://github.com/iam4x/bobarr/pull/236"},
	{"image-format-unsupported", "ecs", "ref pull has been retried 1 time(s): number of layers and diffIDs don't  match: 3 != 15", "image_unsupported", "https://vrnithinkumar.github.io/2025/02/17/aws-ecs-docker-pull-error"},
	{"image-x-not-found", "aci", "Failed to pull image \"mcr.microsoft.com/azuredocs/aci-hellowrld\": rpc error: code 2 desc Error: image t/aci-hellowrld:latest not found", "image_not_found", "https://github.com/MicrosoftDocs/azure-compute-docs/blob/main/articles/container-instances/container-instances-troubleshooting.md"},
	{"pull-access-denied", "ecs", "CannotPullContainerError: API error (404): repository serverless-batch not found: does not exist or no pull access", "image_not_found", "https://github.com/RafalWilinski/deploy-with-serverless/issues/11"},
	{"invalid-reference", "kubernetes", "Failed to apply default image tag \"/cloudfoundry/75f129a0-d8c9-415a-9a8a-f514002f1459:a28a05709747165a9c25c14f1b77d5c4db260d48\": couldn't parse image reference \"/cloudfoundry/75f129a0-d8c9-415a-9a8a-f514002f1459:a28a05709747165a9c25c14f1b77d5c4db260d48\": invalid reference format", "invalid_image_reference", "https://github.com/cloudfoundry-incubator/kubecf/issues/63"},
	{"invalid-reference", "kubernetes", "Pod \"nginx-example-675cc5bc44-78dpt\" is invalid:\nspec.containers[0].image: Invalid value: \" \": must not have leading or trailing whitespace", "invalid_image_reference", "https://github.com/sclorg/nginx-ex/pull/37"},
	// Normal events as kubectl describe prints them in public how-tos and threads.
	{"k8s-normal-event", "kubernetes", "Node node01 status is now: NodeSchedulable", "not_a_failure", "github file (find_string index id 24486598992; kubectl describe node after uncordon)"},
	{"k8s-normal-event", "kubernetes", "Ensured load balancer", "not_a_failure", "github file (find_string index id 40836083590; kubectl describe service Events)"},
	{"k8s-normal-event", "kubernetes", "waiting for first consumer to be created before binding", "not_a_failure", "github file (find_string index id 1733479541; kubectl describe pvc Events)"},
	{"k8s-normal-event", "kubernetes", "deleting pod for node scale down", "not_a_failure", "https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/core/scaledown/actuation/drain.go"},
	{"k8s-normal-event", "kubernetes", "Successfully pulled image \"vanyarock01/test-app:0.1.0-1-g4577716\"", "not_a_failure", "https://github.com/tarantool/tarantool-operator/pull/88"},
	{"k8s-normal-event", "kubernetes", "Container image \"localhost:5000/aegis-workload-demo-using-init-container:0.15.6\" already present on machine", "not_a_failure", "https://github.com/shieldworks/aegis/issues/293"},
	{"k8s-secret-missing", "kubernetes", "Error: secret \"secretpostgresql\" not found", "secret_unavailable", "https://github.com/reportportal/kubernetes/issues/178"},
	{"k8s-secret-missing", "kubernetes", "MountVolume.SetUp failed for volume \"cf-secrets\" : secrets \"secrets-2.16.4-1\" not found", "secret_unavailable", "https://github.com/cloudfoundry/eirini-release/issues/111"},
	{"log-driver", "ecs", "ResourceInitializationError: failed to validate logger args: : signal: killed", "log_config_error", "https://gist.github.com/bradleybeddoes/7b568d87d20c5e4ebfe31de9a8dc08c7"},
	{"log-driver", "ecs", "CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log group: AccessDeniedException: User: arn:aws:sts::765486523053:assumed-role/amazon-ecs-cli-setup-foodtrucks-EcsInstanceRole-1II7J9P4", "log_config_error", "https://github.com/prakhar1989/docker-curriculum/issues/260"},
	{"no-such-manifest", "docker", "no such manifest: docker.io/jacobalberty/unifi:latest", "image_unsupported", "https://github.com/jacobalberty/unifi-docker/issues/637"},
	{"node-gone", "ecs", "Host EC2 (instance i-0da6526579af3bd1b) terminated.", "node_interrupted", "github file (find_string index id 60017266395; Portuguese incident write-up, repo not identified)"},
	{"node-gone", "kubernetes", "GCPControllerManager: node no longer exists", "node_interrupted", "https://github.com/kubernetes-sigs/prow/pull/117"},
	{"oom", "kubernetes", "Memory cgroup out of memory: Killed process 3504804 (kubectl) total-vm:753508kB, anon-rss:58776kB, file-rss:29400kB, shmem-rss:0kB, UID:0 pgtables:288kB oom_score_adj:999", "out_of_memory", "https://github.com/kubernetes/node-problem-detector/issues/766"},
	{"oom", "ecs", "STOPPED ExitCode: 137 Reason: OutOfMemoryError: Container killed due to memory usage", "out_of_memory", "https://github.com/aws/amazon-ecs-agent/issues/1027"},
	{"passwd-missing", "ecs", "CannotStartContainerError: ResourceInitializationError: unable to create new container: mount callback failed on /tmp/containerd-mount916692511: open /tmp/containerd-mount916692511/etc/passwd: no such file or directory", "container_config_error", "https://github.com/aws-samples/net-modernization/issues/13"},
	{"platform", "kubernetes", "Fargate is not supported in the requested availability zone: ca-central-1d", "platform_error", "https://github.com/awsdocs/amazon-eks-user-guide/pull/262"},
	{"platform", "aci", "HTTP response status code 409 error code \"MissingSubscriptionRegistration\": The subscription is not registered to use namespace 'Microsoft.ContainerInstance'", "platform_error", "https://github.com/MicrosoftDocs/azure-docs/issues/28770"},
	{"platform-mismatch", "docker", "standard_init_linux.go:228: exec user process caused: exec format error", "image_platform_mismatch", "https://github.com/monitoror/monitoror/issues/403"},
	{"platform-mismatch", "kubernetes", "standard_init_linux.go:228: exec user process caused: exec format error", "image_platform_mismatch", "https://github.com/combor/k8s-mongo-labeler-sidecar/issues/14"},
	{"pod-sandbox", "kubernetes", "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create containerd task: failed to create shim task: OCI runtime create failed: unable to retrieve OCI runtime error (open /run/containerd/io.containerd.runtime.v2.task/k8s.io/155263a41df79bafca243969690abc66048dc2609d02c3a543a1e10a12c3a071/log.json: no such file or directory): fork/exec /usr/bin/nvidia-container-runtime: no such file or directory: unknown", "platform_error", "https://github.com/kubernetes/kubernetes/issues/118461"},
	{"probe", "kubernetes", "Startup probe failed: HTTP probe failed with statuscode: 500", "health_check_failed", "https://github.com/kodekloudhub/certified-kubernetes-administrator-course/issues/150"},
	{"probe", "kubernetes", "Liveness probe failed: Get https://192.168.3.82:8443/: dial tcp 192.168.3.82:8443: connect: connection refused", "health_check_failed", "https://github.com/kubernetes-retired/dashboard/issues/3254"},
	{"pull-access-denied", "ecs", "CannotPullContainerError: Error response from daemon: pull access denied for elasticsearch/elasticsearch, repository does not exist or may require 'docker login'", "image_not_found", "https://github.com/aws/amazon-ecs-agent/issues/2343"},
	{"pull-access-denied", "ecs", "CannotPullContainerError: inspect image has been retried 1 time(s): failed to resolve ref \"docker.io/library/ngin:latest\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed", "image_not_found", "https://github.com/fujiwara/tracer (README.md)"},
	{"pull-backoff", "kubernetes", "ImagePullBackOff: Back-off pulling image \"drainnode/leader:v1.0-rc9\"", "image_not_found", "https://github.com/mattmattox/drain-node-on-crash/issues/7"},
	{"quota", "aci", "Microsoft.Rest.Azure.CloudException: Resource type 'Microsoft.ContainerInstance/containerGroups' container group quota 'StandardCores' exceeded in region 'eastus'. Limit: '10', Usage: '10' Requested: '1'.", "quota_exceeded", "https://github.com/MicrosoftDocs/azure-docs/issues/51738"},
	{"quota", "ecs", "5 deployments exist on the service. Unable to create new TaskSet since this exceeds the maximum limit.", "quota_exceeded", "https://github.com/pipe-cd/pipecd/issues/4692"},
	{"rate-limited", "docker", "Error response from daemon: toomanyrequests: Rate exceeded", "registry_rate_limited", "https://github.com/zebrunner/mcloud-agent/issues/235"},
	{"rate-limited", "ecs", "ERROR: toomanyrequests: Too Many Requests.", "registry_rate_limited", "https://github.com/awsdocs/amazon-ecs-developer-guide/blob/master/doc_source/task_cannot_pull_image.md"},
	{"registry-network", "ecs", "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/tryretool/backend:2.110.5: failed to do request: Head \"https://registry-1.docker.io/v2/tryretool/backend/manifests/2.110.5\": dial tcp 34.205.13.154:443: i/o timeout", "registry_unreachable", "https://github.com/ActionIQ/terraform-aws-retool-ecs-fargate/issues/20"},
	{"registry-network", "ecs", "CannotPullContainerError: Error response from daemon: Get https://XXXXXXXXXXX.dkr.ecr.eu-west-1.amazonaws.com/v2/: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)", "registry_unreachable", "https://github.com/aws/amazon-ecs-agent/issues/2235"},
	{"secret-store", "ecs", "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch", "secret_unavailable", "https://github.com/aws-samples/dataops-platform-airflow-dbt/issues/12"},
	{"secret-store", "ecs", "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: ....", "secret_unavailable", "https://github.com/aws/copilot-cli/issues/3104"},
	{"tag-not-found", "kubernetes", "Failed to pull image \"aerokube/logger:cad1da0af14ee43856ce3ca635daf0e79ebb1fef\": rpc error: code = 2 desc = manifest unknown: manifest unknown", "image_not_found", "https://github.com/aerokube/moon/issues/43"},
	{"tag-not-found", "ecs", "CannotPullContainerError: Tag latest not found in repository docker.io/library/owncloud", "image_not_found", "https://github.com/aws/amazon-ecs-agent/issues/422"},
	// Docker for Windows not yet started: its pipe is absent (an uncertain
	// corpus label; the duplicate docker/compose#6175 says the service was down).
	{"docker-pipe-missing", "docker", "ERROR: for <service name here> Cannot create container for service postgres: b'open \\\\\\\\.\\\\pipe\\\\docker_d4w_systray: The system cannot find the file specified.'", "platform_error", "https://github.com/docker/compose/issues/6241"},
	// A Job whose command is a shell builtin ("exit 1"): the runtime cannot start it.
	{"container-cannot-run", "kubernetes", "test-job-tqbvl   0/1       ContainerCannotRun   0          3s", "command_not_found", "https://github.com/kubernetes/kubernetes/issues/54870"},
	{"token-expired-on-pull", "docker", "Not continuing with pull after error: denied: The security token included in the request is invalid", "registry_token_expired", "https://github.com/kubernetes/kubernetes/pull/69141"},
	{"token-expired", "kubernetes", "GET https://my-id-aws.dkr.ecr.us-east-1.amazonaws.com/v2/image/tags/list?n=1000: DENIED: Your authorization token has expired. Reauthenticate and try again.", "registry_token_expired", "https://github.com/fluxcd/flux2/issues/643"},
	{"token-expired", "docker", "ERROR: denied: Your Authorization Token has expired. Please run 'aws ecr get-login' to fetch a new one.", "registry_token_expired", "https://github.com/buildkite/elastic-ci-stack-for-aws/issues/178"},
	{"volume-mount", "kubernetes", "0/6 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/6 nodes are available: 6 No preemption victims found for incoming pod..", "volume_mount_failed", "https://github.com/inveniosoftware/helm-invenio/issues/95"},
	{"volume-mount", "ecs", "failed to invoke EFS utils commands to set up EFS volumes: stderr: mount.nfs4: mounting fs-0124b682.efs.us-east-1.amazonaws.com:/var/jenkins_home failed, reason given by server: No such file or directory", "volume_mount_failed", "https://github.com/cn-terraform/terraform-aws-jenkins/issues/1"},
	{"image-format-unsupported", "docker", "Error response from daemon: unauthorized: Pulling Docker images with manifest v2 schema 1 to this repository is blocked. For more information visit https://www.jfrog.com/confluence/display/RTF/Advanced+Topics#AdvancedTopics-DockerManifestV2Schema1Deprecation", "image_unsupported", "https://github.com/cilium/cilium/issues/22493"},
	{"ecr-throttled", "docker", "Failed to query image details \"<image>\" \"<tag>\" ThrottlingException: Rate exceeded status code: 400", "registry_rate_limited", "https://github.com/concourse/docker-image-resource/issues/115"},
	// A credential helper the host lacks, named inside an exec error: not the container's command.
	{"credential-helper-missing", "docker", "failed to initialize task \"xxxx\" for alloc \"44395b24-95c3-7598-8758-e0ed2363a2e1\": Failed to find docker auth for repo \"xxxx.dkr.ecr.xxxx.amazonaws.com/xxx/xxxxx\": exec: \"docker-credential-ecr-login\": executable file not found in $PATH", "registry_auth", "https://github.com/hashicorp/nomad/issues/4776"},
	{"credential-provider", "kubernetes", "ecr: Failed to get authorization token: operation error ECR: GetAuthorizationToken, get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, request canceled, context deadline exceeded", "registry_auth", "https://github.com/ElementTech/kube-arch-scheduler/issues/5"},
	{"credential-provider", "kubernetes", "ecr: Failed to get authorization token: NoCredentialProviders: no valid providers in chain. Deprecated.", "registry_auth", "https://github.com/awslabs/amazon-ecr-credential-helper/issues/293"},
	{"platform", "aci", "ManagedEnvironmentNotProvisioned: The environment '/subscriptions/***/resourceGroups/***/providers/Microsoft.App/managedEnvironments/cae-prd' has not been provisioned successfully.", "platform_error", "https://github.com/microsoft/azure-container-apps/issues/1112"},
	{"routine-notice", "aci", "WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low memory condition.", "not_a_failure", "https://github.com/microsoft/azure-container-apps/issues/965"},
	// Docker's 500 wraps the registry's answer, which names the cause: "InternalServerError" names none (an uncertain corpus label).
	{"auth-required", "aci", "2020-04-08 07:42:30.544 ERROR - DockerApiException: Docker API responded with status code=InternalServerError, response={\"message\":\"Get https://myacr.azurecr.io/v2/myapp/manifests/584: unauthorized: authentication required\"}", "registry_auth", "https://github.com/MicrosoftDocs/azure-docs/issues/49186"},
	{"oom", "kubernetes", "2019-05-04T18:05:45.011072877-05:00 container oom 29d72966e0beb17d9b0b9fbcbfc734e2df2eb5428690115f9b24430357de08e5 (annotation.io.kubernetes.container.hash=cad60de0,", "out_of_memory", "https://github.com/docker/for-linux/issues/670"},
	{"mount-secret-unreadable", "kubernetes", "MountVolume.SetUp failed for volume \"token-vol\" : failed to fetch token: the server could not find the requested resource", "secret_unavailable", "https://github.com/kubernetes/kubernetes/issues/87147"},
	{"probe", "gke", "ingress.kubernetes.io/backends: '{\"k8s-be-30450--7901e6b62d1b12c3\":\"UNHEALTHY\"}'", "health_check_failed", "https://github.com/weaviate/weaviate/issues/1039"},
	{"passwd-missing", "docker", "starting container process caused \"unknown capability \\\"CAP_NOT_REAL\\\"\"", "container_config_error", "https://github.com/cloudfoundry/bpm-release/pull/63"},
	{"crun-command-missing", "docker", "Error: executable file `/no/such/command` not found in $PATH: No such file or directory: OCI runtime command not found error", "command_not_found", "https://github.com/podman-container-tools/podman/issues/7814"},
	// An uncertain corpus label.
	{"rlimit-refused", "docker", "docker: Error response from daemon: OCI runtime create failed: wrong rlimit value: RLIMIT_: unknown.", "container_config_error", "https://github.com/opencontainers/runc/issues/1901"},
	// An uncertain corpus label.
	{"exec-not-found", "docker", "Podman create failed: exit status 125 Error: no command or entrypoint provided, and no CMD or ENTRYPOINT from image", "command_not_found", "https://github.com/frostyard/intuneme/issues/51"},
	// docker run's note that it will pull, then the pull's own error: the note must not silence it (an uncertain corpus label).
	{"platform-mismatch", "docker", "Unable to find image 'node:9.10.0-alpine' locally 9.10.0-alpine: Pulling from library/node docker: no matching manifest for linux/amd64 in the manifest list entries.", "image_platform_mismatch", "https://github.com/nodejs/docker-node/issues/675"},
	// AKS naming surge nodes while it refuses them for quota: not the normal surge event.
	{"quota", "kubernetes", "ErrCode_InsufficientVCPUQuota Insufficient vcpu quota requested 2, remaining 0 for family StandardDasv7Family for region eastus. Surge nodes would also consume vcpu quota.", "quota_exceeded", "https://github.com/1ChristianAlex/motordesk/issues/14"},
	{"kubelet-admission-out-of", "kubernetes", "OutOfpods", "insufficient_capacity", "https://github.com/ContainerSolutions/runbooks/issues/19"},
	{"kubelet-admission-out-of", "kubernetes", "OutOfcpu", "insufficient_capacity", "https://github.com/kubernetes/kubernetes/issues/134712"},
	{"insecure-registry", "kubernetes", "http: server gave HTTP response to HTTPS client", "registry_unreachable", "https://github.com/kubernetes/minikube/issues/17117"},
	// The registry's own failed health check, not a container's.
	{"registry-health-failed", "docker", "Error response from daemon: Unexpected status code [503] : {\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"service unavailable\",\"detail\":\"health check failed: please see /debug/health\"}]}", "registry_unreachable", "https://github.com/distribution/distribution/issues/972"},
	{"k8s-secret-volume", "kubernetes", "MountVolume.SetUp failed for volume \"volume_name\" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod namespace/pod-647dbc98b4-h8kl4, err: rpc error: code = Unknown desc = Failed fetching parameters: WebIdentityErr: failed to retrieve credentials caused by: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity status code: 403, request id: request-uuid", "secret_unavailable", "https://github.com/terraform-aws-modules/terraform-aws-iam/pull/316"},
	{"volume-mount", "docker", "time=\"2016-09-12T12:01:02.431761020+08:00\" level=error msg=\"failed to start taskManager\" error=\"invalid bind mount source, source path not found: /datanotexist\" module=agent", "volume_mount_failed", "https://github.com/moby/moby/issues/26485"},
	{"volume-mount", "docker", "failed to setup alloc: pre-run hook \"csi_hook\" failed: rpc error: code = InvalidArgument desc = server is a required parameter", "volume_mount_failed", "https://github.com/thatsk/nfs-csi-nomad/issues/2"},
	{"log-driver", "docker", "Error: /tmp/podman_test803097333/kube.yaml: failed to initialize journal: write unixgram @018ee->/run/systemd/journal/socket: sendmsg: no such file or directory", "log_config_error", "https://github.com/podman-container-tools/podman/issues/14162"},
	{"credential-helper-wrong-registry", "docker", "Failed to find docker auth for repo \"overv/openstreetmap-tile-server\": docker-credential-ecr-login with input \"overv/openstreetmap-tile-server\" failed with stderr: 2018-11-01T22:34:30Z [ERROR] Error parsing the serverURL: https://docker.io, error: docker-credential-ecr-login can only be used with Amazon Elastic Container Registry.", "registry_auth", "https://github.com/hashicorp/nomad/issues/4832"},
	{"exec-not-found", "gke", "ERROR: (gcloud.run.services.update) Invalid ENTRYPOINT. [name: \"eu.gcr.io/internal-infrastructure-254512/cloud-console-sample-build/testest@sha256:89bd79867c08d8c1227270fdd516e3ab3fcefab63d7c245cab95aa286d65c69d\" error: \"Command \\\"/helloworld.sh\\\": invalid mode \\\"-rw-r--r--\\\" for /helloworld.sh\"", "command_not_found", "https://github.com/GoogleCloudBuild/cloud-console-sample-build/pull/1"},
	{"routine-notice", "docker", "alloc not needed due to job update", "not_a_failure", "https://github.com/openHPI/poseidon/issues/357"},
	{"memory-limit-exceeded", "gke", "Cloud Run container instances that exceed their allowed memory limit are terminated. Consider increasing the memory limit of your Cloud Run service. Memory limit of 512 MiB exceeded with 516 MiB used. Consider increasing the memory limit, see https://cloud.google.com/run/docs/configuring/memory-limits", "out_of_memory", "https://github.com/dart-lang/pub-dev/issues/9554"},
	{"memory-limit-exceeded", "gke", "Memory limit of 256 MiB exceeded", "out_of_memory", "https://github.com/mindset-ai/memex-ai/pull/3"},
	{"port-listen-check", "gke", "Revision 'leaf2mqtt-00025-46f' is not ready and cannot serve traffic. The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable. Logs for this revision might contain more information.", "health_check_failed", "https://github.com/yp87/leaf2mqtt/issues/70"},
	{"port-listen-check", "docker", "==> No open ports detected, continuing to scan...", "health_check_failed", "https://github.com/SillyTavern/SillyTavern/issues/3927"},
	{"gcloud-caller-denied", "gke", "ERROR: (gcloud.run.deploy) PERMISSION_DENIED: Permission 'run.services.get' denied on resource 'namespaces/***/services/***' (or resource may not exist).", "unknown", "https://github.com/google-github-actions/deploy-cloudrun/issues/182"},
	// An uncertain corpus label.
	{"probe", "gke", "Error waiting to create Service: resource is in failed state \"Ready:False\", message: Revision 'cloudrun-service-healthcheck-zwtb5' is not ready and cannot serve traffic. The user-provided container failed the configured startup probe checks. Logs for this revision might contain more information.", "health_check_failed", "https://github.com/terraform-google-modules/terraform-docs-samples/pull/254"},
	{"docker-event-kill-json", "docker", "{\"status\":\"kill\",\"id\":\"273a26b6855e3875dd8dabdf9232a93e4d5a0548bff8a959e9d5252682fd6f1d\",\"from\":\"a33df36cfc8e3095ddb25cebc3fcac8f9f4c13f314c79dfe32de97c85f495f28\",\"time\":1439184255}", "not_a_failure", "https://github.com/moby/moby/issues/15438"},
	{"routine-notice", "ecs", "Upcoming routine retirement of your AWS Elastic Container Service tasks", "not_a_failure", "https://github.com/GSA/data.gov/issues/4610"},
	{"azure-caller-denied", "kubernetes", "Error: Error waiting for completion of Managed Kubernetes Cluster \"cpe-demo-cjw-k8s\" (Resource Group \"cpe-demo-cjw-k8s-rg\"): \nCode=\"CreateRoleAssignmentError\" Message=\"RoleAssignmentReconciler retry timed out: autorest/azure: Service returned an error. \nStatus=403 Code=\\\"AuthorizationFailed\\\" Message=\\\"The client '565e8efe-af95-4b0c-8641-6e2f0fc4aac8' with object id '565e8efe-af95-4b0c-8641-6e2f0fc4aac8' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write' over scope '/subscriptions/9e6b1432-c830-41fb-9c63-b1de69af46dd/resourceGroups/MC_cpe-demo-cjw-k8s-rg_cpe-demo-cjw-k8s_westeurope/providers/Microsoft.Authorization/roleAssignments/194a3266-434d-420c-abc2-0b33ba02640b' or the scope is invalid. If access was recently granted, please refresh your credentials.\\\"\"", "unknown", "https://github.com/hashicorp/terraform-provider-azurerm/issues/3912"},
	{"health-checker-access-log", "ecs", "\"GET /datapoints/health HTTP/1.1\" 400 272 \"-\" \"ELB-HealthChecker/2.0\"", "health_check_failed", "https://github.com/FINRAOS/aphelion/issues/19"},
	{"probe-warning", "kubernetes", "Readiness probe warning: Probe terminated redirects, Response body: Moved Permanently. Redirecting to https://localhost:2368/", "not_a_failure", "https://github.com/groundhog2k/helm-charts/issues/1212"},
	{"docker-cli-usage", "docker", "unknown shorthand flag: 'f' in -f\nSee 'docker --help'.", "unknown", "https://github.com/security-union/yew-actix-template/issues/20"},
	{"client-api-too-new", "docker", "healthHandler: docker Info error: Error response from daemon: client version 1.51 is too new. Maximum supported API version is 1.47", "unknown", "https://github.com/heckenmann/docker-swarm-dashboard/issues/926"},
	{"k8s-caller-forbidden", "kubernetes", "Error from server (Forbidden): pods \"demo-6888488647-2zc4k\" is forbidden: User \"267596194370097065\" cannot get resource \"pods/exec\" in API group \"\" in the namespace \"demo\"", "unknown", "https://github.com/lensapp/lens/issues/950"},
	{"compose-version-unsupported", "docker", "ERROR: Version in \"./docker-compose.yml\" is unsupported. You might be seeing this error because you're using the wrong Compose file version. Either specify a supported version (e.g \"2.2\" or \"3.3\") and place your service definitions under the `services` key, or omit the `version` key and place your service definitions at the root of the file to use version 1.", "unknown", "https://github.com/immers-space/guppe/issues/56"},
	{"host-setup-missing", "docker", "Error: copying system image from manifest list: writing blob: adding layer with blob \"sha256:55c239a204a015f673c4ded573a854b404bc9f90c021aec4b8d321aaea3e151f\": processing tar file(potentially insufficient UIDs or GIDs available in user namespace (requested 172761424:0 for /opt/app): Check /etc/subuid and /etc/subgid if configured locally and run \"podman system migrate\": lchown /opt/app: invalid argument): exit status 1", "platform_error", "https://github.com/podman-container-tools/podman/issues/22092"},
	{"client-tool-error", "kubernetes", "WARNING: version difference between client (1.33) and server (1.23) exceeds the supported minor version skew of +/-1", "unknown", "https://github.com/keisku/kubectl-explore/issues/52"},
	// Troubleshooting docs of Podman and kind (not in the corpus: counting
	// them into the model cost a blind message).
	{"host-runtime-missing", "docker", "command required for rootless mode with multiple IDs: exec: \"newuidmap\": executable file not found in $PATH", "platform_error", "https://github.com/containers/podman/blob/c6580b4a5219c9efb9ab79a540637d8a58b736f8/troubleshooting.md#9-newuidmap-missing-when-running-rootless-podman-commands"},
	{"passwd-missing", "docker", "Error: cannot set port bindings on an existing container network namespace", "container_config_error", "https://github.com/containers/podman/blob/c6580b4a5219c9efb9ab79a540637d8a58b736f8/troubleshooting.md#23-container-with-exposed-ports-wont-run-in-a-pod"},
	{"host-setup-missing", "docker", "fuse-overlayfs: cannot mount: No such device", "platform_error", "https://github.com/containers/podman/blob/c6580b4a5219c9efb9ab79a540637d8a58b736f8/troubleshooting.md#24-podman-container-images-fail-with-fuse-device-not-found-when-run"},
	{"volume-mount", "docker", "Error: lsetxattr(label=system_u:object_r:container_file_t:s0) /var/test: operation not permitted", "volume_mount_failed", "https://github.com/containers/podman/blob/c6580b4a5219c9efb9ab79a540637d8a58b736f8/troubleshooting.md#45-podman-fails-with-lsetxattrlabelsystem_uobject_rcontainer_file_ts0-dir-operation-not-permitted"},
	{"privileged-port", "docker", "Error: pasta failed with exit code 1: Listen failed for HOST TCP port */80: Permission denied Couldn't listen on requested TCP ports", "container_config_error", "https://github.com/containers/podman/blob/c6580b4a5219c9efb9ab79a540637d8a58b736f8/troubleshooting.md#48-pasta-fails-with-listen-failed-or-rootless-podman-fails-with-bind-permission-denied"},
	{"client-tool-error", "kubernetes", "error: SchemaError(io.k8s.api.autoscaling.v2beta1.ExternalMetricStatus): invalid object doesn't have additional properties", "unknown", "https://github.com/kubernetes-sigs/kind/blob/fed268827e21ca48a74c38215c316dd343364ef5/site/content/docs/user/known-issues.md#kubectl-version-skew"},
	// Written from the spent QA–TE held-back split (2026-12-02).
	{"disk-full", "kubernetes", "Failed to create pod sandbox: ... Create more free space in thin pool or use dm.min_free_space option to change behavior", "disk_full", "https://support.huaweicloud.com/intl/ja-jp/cce_faq/cce_faq_00098.html"},
	{"platform", "docker", "Nov 23 14:32:51 ci3 kernel: [387120.141130] unregister_netdevice: waiting for lo to become free. Usage count = -1", "platform_error", "https://github.com/moby/moby/issues/18156"},
	{"privileged-port", "aci", "Caused by: java.lang.Exception: Socket bind failed: [13] [Permission denied]", "container_config_error", "https://azureossd.github.io/2024/06/10/Container-Apps-Binding-to-ports-under-1024/index.html"},
	{"container-settings-refused", "kubernetes", "Error: failed to start container \"filebeat\": Error response from daemon: OCI runtime create failed: container_linux.go:330: starting container process caused \"process_linux.go:381: container init caused \\\\\"setenv: invalid argument\\\\\"\": unknown", "container_config_error", "https://github.com/opentelekomcloud-docs/cloud-container-engine/blob/01b42e271c3aa9d4e5ee742db4951bda2cdfc875/umn/source/faqs/workload/workload_abnormalities/what_should_i_do_if_container_startup_fails.rst"},
	{"routine-notice", "docker", "[analyzer] Previous image with name \"gcr.io/dev-stin-cm/cloud-run-source-deploy/swno-etl-staging:790827769d0546d2bb56275f6fc054cc\" not found", "not_a_failure", "https://github.com/GoogleCloudPlatform/buildpacks/issues/178"},
	{"exec-not-found", "docker", "Failure: (ID: 194879d1) Failed to run /bin/build: for Python, an entrypoint must be manually set, either with \"GOOGLE_ENTRYPOINT\" env var or by creating a \"Procfile\" file", "command_not_found", "https://github.com/GoogleCloudPlatform/buildpacks/issues/324"},
	{"client-tool-error", "aci", "ContainerAppInvalidName: Invalid ContainerApp name '274stxhaw7acw-app'. A name must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character and cannot have '--'. The length must be between 2 and 32 characters inclusive.", "unknown", "https://github.com/microsoft/TWL300-AI-Apps-and-agents/issues/90"},
	{"bind-source-missing", "docker", "Error: statfs ./data/hooks/dovecot: no such file or directory", "volume_mount_failed", "https://github.com/mailcow/mailcow-dockerized/issues/4063"},
	// Written from UA–UH's written-from half (2026-12-02).
	{"routine-notice", "kubernetes", "Container Sandbox: Unsupported syscall rseq(0x3e33315e30e0,0x20,0x0,0x53053053,0x0,0x0). It is very likely that you can safely ignore this message and that this is not the cause of any error you might be troubleshooting.", "not_a_failure", "https://github.com/google/gvisor/issues/8287"},
	{"routine-notice", "kubernetes", "Cancelling deletion of Pod xxx", "not_a_failure", "https://github.com/kubernetes/kubernetes/issues/126681"},
	{"api-throttled", "kubernetes", "W0129 06:55:01.534283 reflector.go:424 failed to list *v1.Pod:\n  the server has received too many requests and has asked us to try again later", "platform_error", "github file (find_string index id 27983597868; aenv sandbox controller throttling investigation notes in Chinese, repo not identified)"},
	// Written from VA–VC's written-from half (2026-12-02).
	{"container-settings-refused", "aci", "Deployment Progress Deadline Exceeded. 0/1 replicas ready. The TargetPort 80 does not match the listening port 8080.", "container_config_error", "github file (find_string index id 56319726548; Container Apps canary traffic-split lab run log)"},
	// ecs-cli's own command failing (UA–UH's written-from half, 2026-12-02).
	{"client-tool-error", "ecs", "FATA[0040] Error executing 'up': NoCredentialProviders: no valid providers in chain. Deprecated.\n\tFor verbose messaging see aws.Config.CredentialsChainVerboseErrors", "unknown", "https://github.com/prakhar1989/docker-curriculum/issues/163"},
	// The Windows host compute service's own refusals (UA–UH's written-from half; the corpus's other such lines are labelled platform_error, uncertain, 2026-12-02).
	{"windows-hcs", "docker", "\"starting container failed: hcsshim::CreateComputeSystem db52129222872ce92b20f187ecd92a97a1de15df1be717d56f2cd2fd300588c2: The request is not supported.\"", "platform_error", "https://github.com/moby/moby/issues/42853"},
}

func TestRuleFamiliesCiteEvidence(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range familyCases {
		covered[tc.family] = true
		t.Run(tc.family, func(t *testing.T) {
			msgs := []string{tc.message}
			v := decide(tc.platform, "", msgs, nil, 0, false, "", false)
			if v.rule != tc.family || v.cause != tc.want {
				t.Errorf("got family %q cause %s, want family %q cause %s\nmessage: %q\nsource: %s", v.rule, v.cause, tc.family, tc.want, tc.message, tc.source)
			}
			if d := Text(tc.platform, tc.message); d.Cause != tc.want {
				t.Errorf("Text: got %s, want %s", d.Cause, tc.want)
			}
		})
	}
	// A family is also covered by a labelled corpus message it decides
	// right; the test names one such message for each.
	for _, s := range loadSamples(t, corpusPath) {
		if s.Uncertain {
			continue
		}
		v := decide(s.Platform, "", []string{s.Message}, nil, 0, false, "", false)
		if v.rule != "" && v.cause == s.Cause && !covered[v.rule] {
			covered[v.rule] = true
			t.Logf("%s: %.120q [%s]", v.rule, s.Message, s.Source)
		}
	}
	for _, r := range rules {
		if !covered[r.name] {
			t.Errorf("rule family %q decides no cited message (familyCases) and no corpus message right", r.name)
		}
	}
}
