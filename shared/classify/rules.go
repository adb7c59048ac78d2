package classify

import (
	"regexp"
	"strings"
)

// rule recognises one family of real failure wording. A rule matches a
// message when, for every group in when, at least one phrase of the group
// occurs (ASCII case-insensitively), no phrase of not occurs, and re (when
// set) matches. Among the rules that match one message, the highest tier
// decides; within a tier, the rule whose naming phrase stands deepest in the
// error chain (the innermost clause of `a: b: c`, `desc = `, `caused by`),
// then table order.
type rule struct {
	name     string // family name, used by tests that cite the evidence
	cause    Cause
	conf     Confidence
	runnerUp Cause
	tier     tier
	// pull marks ambiguous pull-denied wording, resolved by registry kind.
	pull bool
	// log marks families that containers themselves write (the corpus has
	// them from container logs); only these are matched on log lines, where
	// an application may print anything ("unauthorized", "not found").
	log  bool
	when [][]string
	not  []string
	re   matcher

	groups [][]kwID
	notIDs []kwID
}

// matcher confirms a rule on the whole message: a regexp, or a function
// where a regexp would be slow on long messages.
type matcher interface{ MatchString(string) bool }

// matchFunc is a function as a matcher.
type matchFunc func(string) bool

// MatchString calls f.
func (f matchFunc) MatchString(s string) bool { return f(s) }

// tier orders the kinds of evidence a rule reads. A higher tier decides over
// a lower one wherever it stands in the message; within a tier the innermost
// clause wins, so a network error buried in a credentials or secrets wrapper
// names the cause and the wrapper does not.
type tier uint8

const (
	// symptom rules name a wrapper or a symptom (CrashLoopBackOff,
	// ImagePullBackOff) rather than a cause; they decide only when no other
	// rule, reason or exit code did.
	symptom tier = iota
	// generic wording also appears outside failures of its kind: a bare
	// "unauthorized", "connection refused" in an application's log.
	generic
	// stage rules name the step that failed (reading secrets, the log
	// driver, the pod sandbox, a mount) but not why it failed.
	stage
	// root rules name a root condition: a missing tag, the OOM killer, a
	// full disk, a rate limit.
	root
	// network rules name a transport failure on the way to a registry
	// (DNS, dial, TLS, timeouts): whatever wraps it, from credentials
	// helpers to secrets retrieval, failed because of it.
	network
	// frame rules decide whatever they wrap: a probe's own result, an
	// expected stop.
	frame
)

// oneOf is shorthand for one group of alternative phrases.
func oneOf(phrases ...string) []string { return phrases }

// notAMissingTag are phrases that, beside not-found wording, mean
// something other than a missing tag: a pull that may be denied (the
// registry kind decides), no manifest for the platform, a volume.
var notAMissingTag = []string{"pull access denied", "may require 'docker login'", "may require authorization",
	"no matching manifest", "manifest list instead of", "attachvolume.", "mountvolume."}

// credentialHelper are phrases of Docker's credential helpers and stores:
// a program they cannot run is the host's credentials configuration, not
// the container's command.
var credentialHelper = oneOf("error getting credentials", "error storing credentials", "credentials store", "docker-credential-")

// pullContext is a group of phrases that place a message in an image pull.
var pullContext = oneOf("pull", "registry", "image", "manifest", "/v2/", "/v1/_ping", "resolve ref", "docker.io", ".dkr.ecr.",
	"azurecr.io", "pkg.dev", "gcr.io", "quay.io", "ghcr.io", "mcr.microsoft.com")

// rules is the rule table, in priority order.
var rules = []rule{
	// Expected stops and normal events: never posted.
	{name: "ecs-expected-stop", tier: frame, cause: NotAFailure, conf: High,
		when: [][]string{oneOf("scaling activity initiated by", "task stopped by user", "deregistration forced by user",
			"has reached a steady state", ") deregistered ", ") registered ", "has begun draining connections")}},
	// A namespace being deleted refuses new objects in it (a pod's token,
	// a lease): the teardown someone asked for.
	{name: "namespace-terminating", tier: frame, cause: NotAFailure, conf: Medium,
		when: [][]string{oneOf("because it is being terminated")}},
	{name: "aci-group-stopped", tier: frame, cause: NotAFailure, conf: Medium,
		when: [][]string{oneOf("container group "), oneOf(" is stopped")}},
	{name: "ecs-scaling-notice", tier: frame, cause: NotAFailure, conf: High,
		when: [][]string{oneOf("successfully set desired count to", "triggered policy",
			// Application Auto Scaling's NotScaledReasons codes.
			"alreadyatmaxcapacity", "alreadyatmincapacity", "alreadyatdesiredcapacity")}},
	// A deployment or job that completed.
	{name: "completed-notice", tier: frame, cause: NotAFailure, conf: High,
		when: [][]string{oneOf("deployment ", "job "), oneOf(" completed", " in progress")},
		not:  []string{"failed", "error", "backofflimitexceeded", "could not", "not completed", "exceed"}},
	// Knative surfaces a revision scaled to zero as a failure with an
	// empty message (knative/serving#1668): nothing failed.
	{name: "knative-empty-failure", tier: frame, cause: NotAFailure, conf: Low,
		when: [][]string{oneOf("failed with message: \"\".")}},
	// The INFO events ECS sends to EventBridge for services, by name.
	{name: "ecs-service-info-event", tier: frame, cause: NotAFailure, conf: High,
		when: [][]string{oneOf("service_steady_state", "service_desired_count_updated", "service_deployment_in_progress",
			"service_deployment_completed", "taskset_steady_state", "capacity_provider_steady_state")}},
	// docker pull's per-layer progress lines ("511136ea3c5a: Already exists").
	{name: "docker-pull-progress", tier: frame, cause: NotAFailure, conf: High,
		when: [][]string{oneOf(": already exists", ": pull complete", ": download complete", ": pulling fs layer",
			": verifying checksum", ": waiting", "layer already being pulled by another client")},
		re: regexp.MustCompile(`^\s*[0-9a-f]{12}: (?i:already exists|pull complete|download complete|pulling fs layer|verifying checksum|waiting|layer already being pulled by another client\. waiting\.)\s*$`)},
	{name: "ecs-service-started-tasks", tier: frame, cause: NotAFailure, conf: High,
		when: [][]string{oneOf(" has started "), oneOf(" tasks: ", "(task ")}},
	// Normal Kubernetes events (kubelet, controllers, autoscalers) and ACI's
	// lifecycle events, which reuse the kubelet's wording.
	{name: "k8s-normal-event", tier: frame, cause: NotAFailure, conf: High,
		when: [][]string{oneOf("successfully assigned ", "successfully pulled image", "container image \"", "created container",
			"started container", "stopping container ", "scaled down replica set", "scaled up replica set", "pulling image \"",
			"cannot disrupt node", "computed the desired num of replicas", "new size: ", "created pod: ", "deleted pod: ",
			"pod triggered scale-up", "successfully provisioned volume", "attachvolume.attach succeeded", "job completed",
			"saw completed job", "created job ", "became leader", "status is now: nodeready", "registered node ",
			"starting kubelet", "updated computeddesiredcount", "in statefulset ", "scale-up: setting group",
			"gracefully stopping", "definition changed", "succeeded for volume", "setup succeeded",
			"surge node", "updated node allocatable limit", "pod should schedule on",
			// cluster-autoscaler's Normal ScaleDown events (kubernetes/autoscaler).
			"deleting pod for node scale down", "marked the node as tobedeleted", "scale-down: removing",
			// The kubelet's Normal node conditions; Karpenter's node claims; compose.
			"status is now: nodehassufficient", "status is now: nodehasno", "node synced successfully", "uncordoned",
			"health check successful",
			"launched nodeclaim", "registered nodeclaim", "initialized nodeclaim", " ... done",
			// Azure Container Apps' system log: events as JSON, typed Normal.
			"\"type\":\"normal\"",
			// The cloud node lifecycle controller's Normal DeletingNode event.
			"not present according to cloud provider",
			// Normal events of the node, service and volume controllers.
			"status is now: nodeschedulable", "ensuring load balancer", "ensured load balancer",
			// A PodDisruptionBudget that selects no pod yet (NoPods); a
			// client polling a container that is still being created.
			"no matching pods found", "reason=containercreating",
			"updated load balancer with new hosts", "waiting for first consumer to be created", "deleted job",
			// Routine consolidation and voluntary evictions (Karpenter, the
			// VPA updater, AKS upgrades) and volume resizes.
			"disrupting nodeclaim", "launching nodeclaim", "can't replace with a", "prevents pod evictions",
			"status condition transitioned", "to apply resource recommendation", "soak duration",
			"managed by vpc resource controller", "have been applied to the selected clusters",
			"resizing volume", "file system resize", "issuing certificate", "certificate issued", "issuer verified",
			// docker pull, docker events and compose progress (v2 marks lines with ⠿).
			"image is up to date for", "downloaded newer image for", "using default tag:", "container create ",
			"container attach ", "container start ", "attaching to ", "removing network ", "creating network ", "⠿",
			// The daemon or a server stopping because it was asked to.
			"processing signal 'terminated'", "start clean shutdown", "shutdown initiated", "shutdown complete",
			"sent interrupt. waiting", "exited successfully", "aborting on container exit",
			"signal handled: terminated", "cleaning up after shim disconnected", "cleaning up dead shim",
			"catching signal: sigterm", "caught sigterm", "received sigterm",
			"killing with docker id",
			// Volumes mounted or being provisioned; cert-manager and GKE
			// multi-cluster services at work.
			"successfully mounted", "waiting for a volume to be created", "preparing certificate",
			// docker run before it pulls.
			"' locally",
			"waiting for an external controller",
			"was ensured in cluster",
			// The volume controller waiting on an external provisioner.
			"expecting that a volume for the claim is provisioned")},
		// docker run prints its "Unable to find image ... locally" note
		// before the pull's own error ("docker: no matching manifest ...").
		not: []string{"back-off", "failed", "error", "oom", "unhealthy", "is not present with pull policy", "docker: ",
			// AKS refusing a surge node for want of vCPU quota; the kubelet
			// giving up a pull that made no progress.
			"insufficient", "quota", "could not", "no progress",
			// docker pull's "Using default tag" line before its own refusal.
			"no matching manifest", "manifest unknown", "denied"}},
	// A container (a one-shot init or job container, often) that exited
	// with 0: it finished. ECS's task JSON says it with "exitCode":0 (a
	// one-off task stopped before a waiter saw it run).
	{name: "exit-zero", tier: frame, cause: NotAFailure, conf: Medium, runnerUp: AppCrash,
		// Container Apps: "Container 'x' was terminated with exit code '0'".
		when: [][]string{oneOf("exited (0)", "exited with code 0", "\"exitcode\":0", "exit code '0'")},
		re:   regexp.MustCompile(`(?i)exited (?:\(0\)|with code 0\b)|"exitCode":0[,}\s]|exit code '0'`),
		// Another container of the task that exited otherwise; Compose
		// failing a service because a dependency it waits on exited, even
		// with 0.
		not: []string{"dependency failed to start", "\"exitcode\":1", "\"exitcode\":2", "\"exitcode\":3", "\"exitcode\":4", "\"exitcode\":5",
			"\"exitcode\":6", "\"exitcode\":7", "\"exitcode\":8", "\"exitcode\":9"}},
	// docker ps's status of a container killed with SIGKILL: most often
	// docker stop escalating after its grace period, or docker kill (the
	// corpus has no OOM among them: docker inspect's State.OOMKilled
	// tells).
	{name: "docker-ps-killed", tier: frame, cause: NotAFailure, conf: Low, runnerUp: OutOfMemory,
		when: [][]string{oneOf("exited (137) ")},
		re:   regexp.MustCompile(`(?i)\bexited \(137\) (?:\d+|an?|about an?) \w+ ago`),
		not:  []string{"oom"}},
	// A line the docker, Compose or Podman CLI logged at warning level
	// (logrus's "WARN[0000]"): the command went on, as with Compose's unset
	// variable defaulting to blank or rootless Podman falling back to
	// cgroupfs. A retried or failed pull it warns about names its own cause.
	{name: "cli-warning-level", tier: frame, cause: NotAFailure, conf: Medium,
		when: [][]string{oneOf("warn[")},
		re:   regexp.MustCompile(`^\s*WARN\[\d+\] `),
		not: []string{"retrying", "error:", "error response", "failed to pull", "pull access denied", "access to the resource is denied",
			"not found"}},
	// A drain that a PodDisruptionBudget holds back: the budget doing its
	// job, and the drain retries (kubectl's "will retry after 5s").
	{name: "pdb-blocks-eviction", tier: frame, cause: NotAFailure, conf: Low, runnerUp: NodeInterrupted,
		when: [][]string{oneOf("would violate the pod's disruption budget")},
		// An upgrade or drain that gave up on it failed, if not a container.
		not: []string{"failed"}},
	// A container that ran to completion (kubectl describe's State block).
	{name: "k8s-completed-state", tier: frame, cause: NotAFailure, conf: Medium, runnerUp: AppCrash,
		when: [][]string{oneOf("completed"), oneOf("reason:")},
		re:   regexp.MustCompile(`(?i)reason:\s+completed\s+exit code:\s+0\b`),
		not:  []string{"crashloopbackoff", "back-off", "backoff"}},
	// docker service ps: a task Swarm shut down on purpose (a rolling update
	// or scale-in replaced it); failed and rejected tasks read otherwise.
	{name: "swarm-task-shutdown", tier: frame, cause: NotAFailure, conf: Medium,
		when: [][]string{oneOf(" shutdown ")},
		re:   regexp.MustCompile(`(?i)\s(?:running|shutdown)\s+shutdown\s+(?:\d+|an?|about an?)\s+\w+\s+ago`)},
	// Karpenter's voluntary disruption (consolidation of empty or
	// underused nodes, expiry, drift): scale-in, its pods rescheduled.
	{name: "karpenter-disruption", tier: frame, cause: NotAFailure, conf: Medium, runnerUp: NodeInterrupted,
		when: [][]string{oneOf("disrupting node: ", "disrupting nodeclaim: ")}},
	// Routine notices worded with failure words, so the k8s-normal-event
	// list, which refuses "failed" and "error", cannot hold them.
	{name: "routine-notice", tier: frame, cause: NotAFailure, conf: High,
		when: [][]string{oneOf(
			// Warnings of the docker and compose CLIs that stop nothing: logs
			// kept by a remote log driver, containers left from an older
			// compose file, attributes compose ignores, a kernel without swap
			// accounting.
			"no logs are available with the", "does not support reading", "found orphan containers", "is obsolete, it will be ignored",
			"swap limit capabilities",
			// gVisor's note on a syscall it does not implement, which it
			// says itself is almost never the cause.
			"you can safely ignore this message",
			// The taint manager calling off an eviction: the node is back.
			"cancelling deletion of pod",
			// The buildpacks analyzer on a first build: no earlier image
			// to reuse layers from.
			"previous image with name",
			// Notices of a JVM and mysqld_safe about options they ignore; a
			// process stopped by SIGTERM (143) under supervisord; the
			// daemon not restarting a container someone stopped; an
			// optimistic-concurrency conflict the controller retries.
			"vm warning: ignoring option", "can't log to error log and syslog at the same time", "(exit status 143)",
			"restart canceled", "the object has been modified",
			// kubectl's and the JVM's warnings that stop nothing.
			"kubectl apply should be used on resource created by", "a terminally deprecated method",
			// PostgreSQL on images without locales; servers shutting down
			// because they were asked to (Apache's SIGWINCH, PostgreSQL's
			// smart and fast shutdowns, MongoDB's SIGTERM, Puma's workers);
			// Elasticsearch's deprecation log.
			"no usable system locales were found", "sh: locale: not found", "caught sigwinch, shutting down gracefully",
			"received smart shutdown request", "received fast shutdown request", "gracefully shutting down workers",
			"will terminate after current cmd ends", "is deprecated, please use",
			// docker login's note on a config without a credential helper;
			// a CLI naming a command it will retire.
			"will be stored unencrypted", "are stored unencrypted", "will be removed in a future release",
			// Podman noting a runtime its configuration lists but the host
			// does not have; it runs with the one it found.
			"error initializing configured oci runtime",
			// helm --wait --debug polling a pod that is still starting.
			"[debug] pod is not ready",
			// Strimzi Drain Cleaner taking an eviction during a node drain.
			"received eviction webhook",
			// containerd skipping a snapshotter the host cannot use; Compose
			// naming services it will build rather than pull; the ECS agent's
			// periodic reconnect to its backend; a load balancer's TCP health
			// check closing without a TLS handshake.
			"skip loading plugin", "skip plugin", "must be built from source", "connection closed for a valid reason",
			"tls handshake error from",
			// Podman nested in a container whose root is a private mount;
			// the kubelet stopping a container (a scale-down, a deletion; a
			// failed probe says so in its own event).
			"this could cause issues or missing mounts", "killing container with a grace period",
			// Start-up notes of dockerd, the kubelet and kube-proxy on hosts
			// without swap accounting, static pods, D-Bus or a loadable
			// br_netfilter; the ECS agent's telemetry socket reconnecting;
			// Envoy before its first configuration. (containerd failing to
			// load a snapshotter is noise where none is configured and a
			// fault where one is: the corpus has both, so no rule.)
			"does not support memory swap", "path does not exist, ignoring", "could not connect to d-bus system bus",
			"running modprobe bridge ",
			// docker login's advice on a password given as a flag; docker run
			// ignoring -p with host networking; apt in a Dockerfile without
			// apt-utils; CRI-O without an OCI hooks directory; dockerd on a
			// host without a docker group; Calico without IPv6; the ECS agent
			// with no task to report; gRPC reconnecting; Terraform naming a
			// deprecated argument.
			"use --password-stdin", "published ports are discarded when using host network mode",
			"delaying package configuration", "hooks path: ", "group docker not found",
			"/etc/calico/confd/config/bird6.cfg", "no task metrics to report",
			"still trying, connection is transient_failure", "[deprecated] deprecated in favor of",
			// Redis at start on a host without vm.overcommit_memory=1: it
			// warns and serves.
			"memory overcommit must be enabled",
			// tini started where it is not PID 1 (an init of the runtime's
			// own wraps it, or the host's PID namespace): it warns and runs
			// the command; a client's notice of an API field deprecated
			// since a Kubernetes release, the object still created.
			"isn't registered as a child subreaper", "deprecated since v1.",
			// The kubelet or dockerd asked to stop or kill a container that
			// had already exited; the ECS agent noting a state it already
			// has.
			"is already stopped", "killcontainererror: \"no such container", "container change is redundant",
			// Vault before anyone has initialised it: it waits for that.
			"seal configuration missing, not initialized",
			"error getting message from ws backend", "current state is: initializing", "stats version is not preset",
			// An application shutting down as asked (Spring Boot's shutdown
			// hook refusing new traffic, then draining requests; gunicorn,
			// nginx and others acknowledging SIGTERM or SIGQUIT).
			"commencing graceful shutdown", "changed from accepting_traffic to refusing_traffic",
			"triggering graceful shutdown", "handling signal: term", "handling signal: int", "was sent sigterm",
			"sigterm received", "(sigquit) received",
			// podman stop killing what SIGTERM did not end, as docker's
			// "using the force".
			"resorting to sigkill",
			// AWS Health's notice that Fargate will replace a service's tasks
			// on newer platform software: the service starts their successors.
			"upcoming routine retirement",
			// Nomad stopping an allocation its new job version replaces.
			"alloc not needed due to job update",
			// The kubelet's first image GC before its stats are ready, and
			// its cAdvisor noise where systemd keeps no per-service cgroups.
			"stats initialization may not have completed yet", "failed to get system container stats",
			// A stop past its grace period: docker kills what SIGTERM did not
			// end ("... failed to exit within 10s of signal 15 - using the force").
			"using the force",
			// az aks check-acr's advice on a registry in another region;
			// Knative's NoTraffic condition of a revision scaled to zero;
			// cert-manager re-issuing a certificate whose secret is gone.
			"may result in slow image pulls", "the target is not receiving traffic", "will re-issue",
			// ECS rebalancing a service across zones; Karpenter's controller
			// marking and expiring nodes; a tool falling back to its
			// defaults; fluent-bit's shutdown.
			"az rebalancing in progress", "drifted status condition", "expired node after ttl",
			"marking empty", "- using defaults", "[engine] shutdown",
			// Karpenter nominating nodes; cluster-autoscaler keeping a node for
			// a pod with no controller; the CronJob controller meeting a job it
			// did not create; kubectl drain skipping DaemonSet pods; Azure
			// Policy in audit mode; dockerd's start-up warnings.
			"is nominated for a pending pod", "does not have an associated node", "is not replicated",
			"saw a job that the controller did not create", "ignoring daemonset-managed pods", "warning: [azurepolicy-",
			"no swap limit support", "dns resolver found in resolv.conf",
			// node-problem-detector's conditions when all is well.
			"kernel has no deadlock", "filesystem is not read-only", "no bad block", "has no scheduled event",
			"is posting ready status",
			// GKE Autopilot raising or defaulting a workload's requests (it
			// admits the workload); Kueue reserving quota; a Kyverno rule
			// skipped by a policy exception.
			"autopilot-default-resources-mutator", "autopilot increased resource requests", "quota reserved in clusterqueue",
			"admitted by clusterqueue", "skipped due to policy exception",
			// A scheduler's job report that says nothing failed (ofelia); the
			// ECS agent reporting a state change; kube-vip taking the virtual IP.
			"failed: false, skipped: false", "sending state change to ecs", "is adopting the virtual ip",
			// More of the same: Autopilot's link to its defaults; containerd's
			// image events; the kubelet killing a deleted pod's containers;
			// docker's note on anonymous pulls; kind loading an image; EKS
			// Fargate's size annotation.
			"g.co/gke/autopilot-defaults", "imagecreate event", "imageupdate event", "pod has been deleted and must be killed",
			"this pull may be subject to", "not yet present on node", "capacityprovisioned:",
			// gcloud's notice that its docker wrapper is deprecated.
			"gcloud docker will not be supported",
			// A pod's conditions while its containers start; GitLab Runner
			// waiting for its build pod.
			"containers with incomplete status", "containers with unready status", "to be running on the node",
			"to be running, status is pending",
			// kubectl rollout status (and tools that wrap it) while a
			// rollout proceeds.
			"waiting for rollout to finish",
			// Compose v1's notes on an image it built and a key it ignores;
			// cluster-autoscaler failing to scale a node group down.
			"was built because it did not already exist", "key, which will be ignored", "scale.down.error.",
			"scale down a node because",
			// SAM CLI refreshing its emulation image before an invoke.
			"--skip-pull-image",
			// ECS keeping tasks that have scale-in protection; a tool that
			// stopped waiting while a deleted service drained.
			"number of protected tasks", "(last state: 'draining'",
			// kubectl rollout status naming the deployment; the kubelet
			// trimming a node's resolv.conf to three nameservers;
			// cluster-autoscaler keeping a node or waiting for one it added.
			"rollout to finish: ", "nameserver limits were exceeded", "fast evaluation: node",
			"can be scheduled on upcoming node",
			// Apache's start-up note on its own hostname; a controller's
			// optimistic-concurrency conflict, retried.
			"could not reliably determine the server's fully qualified domain name",
			"please apply your changes to the latest version",
			// PostgreSQL stopping on request (its init-time server, or docker stop).
			"received fast shutdown request",
			// Start-up warnings that stop nothing: Redis on a host without
			// vm.overcommit_memory=1 (older wording), initdb trusting local
			// connections, a JVM option or a JAVA_HOME fallback to be retired,
			// kubectl's exec credential plugin to be retired, kubectl apply on
			// an object created without it.
			"overcommit_memory is set to 0", "enabling \"trust\" authentication", "was deprecated in version",
			"this behavior is deprecated", "auth plugin is deprecated",
			"missing the kubectl.kubernetes.io/last-applied-configuration annotation",
			// A server stopping on a signal it was sent (Graylog's shutdown
			// hook; systemd in a container halting on docker stop's
			// SIGRTMIN+3). npm's "signal SIGTERM" is not here: the corpus has
			// it both for a stop and for a crash.
			"signal received. shutting down", "signal=rtmin+3",
			// More start-up notices of common images: MongoDB on a host
			// with transparent huge pages or a low ulimit, supervisord run as
			// root or clearing its old socket, WildFly generating its
			// keystore, options and settings to be retired, Redis's TCP
			// backlog, rsyslog without the kernel log, MinIO's default
			// credentials, Home Assistant's untested integrations, Kafka
			// creating a topic.
			"/sys/kernel/mm/transparent_hugepage/", "has a low ulimit setting configured",
			"supervisor is running as root", "unlinking stale socket", "it will be auto generated",
			"are deprecated and will be removed", "is deprecated, you should use", "deprecation notice: ",
			"tcp backlog setting of", "imklog: cannot open kernel log", "detected default credentials",
			"which has not been tested by home assistant", "leader_not_available",
			// Settings and APIs to be retired (RabbitMQ's environment and
			// config keys, kustomize's vars, Kubernetes API versions the
			// server still serves), the JVM's illegal reflective access
			// warning, a client-go program falling back to in-cluster
			// config; a field the API server warns is deprecated since a
			// release, a kubectl flag that no longer does anything; the
			// kubelet's note on an image filesystem whose capacity it has
			// not read yet, and on a pod it has finished cleaning up.
			"is deprecated and will be removed", "using deprecated config parameter", "is deprecated. please use",
			"has been deprecated, has no effect", "all resources are reclaimed",
			"are deprecated. please use", "is deprecated in v1", "is deprecated since v1", "illegal reflective access",
			"invaliddiskcapacity",
			"neither --kubeconfig nor --master was specified",
			// Start-up and run-time notes of common images and hosts: Spilo
			// skipping WAL-E without credentials, docker info without the
			// bridge netfilter module, a shell without a terminal, nginx's
			// entrypoint scripts, ZooKeeper and RabbitMQ clients hanging
			// up, Grafana without provisioning directories, MySQL's mbind
			// in a container, a watch restarted from a newer version, Helm
			// on a group-readable kubeconfig, the ECS agent's image cleanup
			// and stats, a container instance set draining.
			"but not set. skipping", "-nf-call-iptables is disabled", "-nf-call-ip6tables is disabled",
			"job control turned off", "will attempt to perform configuration",
			"is not a file or does not exist", "unable to read additional data from client",
			"unexpectedly closed tcp connection", "provisioning files from directory", "mbind: operation not permitted",
			"provided watch is too old", "is group-readable", "no eligible images for deletion",
			"processing metrics stream", "error getting network stats", "state changed to draining",
			// More of the same kind: nginx's user directive when not run
			// as root, bash without a terminal to control, Flask's and npm's
			// advice, PostgreSQL without IPv6, the mongo shell's history,
			// Helm skipping a bad index entry, servers stopping on SIGTERM
			// (gunicorn, Go and .NET hosts), ASP.NET's key directory, the
			// ECS agent reconnecting to its control plane, a rollout still
			// in progress, fluentd's GCE metadata, docker service create's
			// progress, s6-overlay's notes, MinIO waiting for its
			// subsystems, Grafana skipping a dangling dashboard link.
			"directive makes sense only if the master process runs with super-user privileges",
			"cannot set terminal process group", "this is a development server", "use `--omit=dev`",
			"could not bind ipv6 address", "error saving history file", "skipping loading invalid entry",
			"sigterm: terminating process", "shutting down: master", "application is shutting down",
			"storing keys in a directory", "hasn't had any activity for too long",
			"lost websocket connection with agent communication service", "not yet rolled out because",
			"[google_cloud]", "overall progress: ", "preinit: info:", "waiting for all minio sub-systems",
			"failed to read content of symlinked path",
			// ASP.NET's warning beside its key directory; SLF4J without a
			// binding (it falls back to no-op logging); bash dropping a NUL
			// from a command substitution; s6-linux-init's own notes; the
			// kubelet's eviction manager before its first observation; a
			// shell's note on a group ID /etc/group does not name; the
			// Docker daemon answering a client about a container already
			// removed; Envoy reconnecting its xDS stream.
			"no xml encryptor configured", "org.slf4j.impl.staticloggerbinder", "slf4j: defaulting to no-operation",
			"no slf4j providers were found", "ignored null byte in input", "s6-linux-init: warning",
			"no observation found for eviction signal", "cannot find name for group id", "returned error: no such container",
			"grpc config stream closed: 13", "grpc config stream closed: 14",
			// containerd's shim relaying its own info line as a cleanup
			// warning after a container exits.
			"starting signal loop")},
		// A runtime still holding a container's name from a create that
		// hung is a failure, whatever pod condition it comes with.
		// docker login's advice before it failed to store the login is
		// not the line's news.
		not: []string{"denied", "rejected", "failed to reserve container name", "error saving credentials"}},
	// mysqld's and MariaDB's own log at Note, Warning or System level
	// ("2018-05-18T17:13:33.902121Z 0 [Warning] 'user' entry ... ignored",
	// "... 0 [Note] mysqld (initiated by: unknown): Normal shutdown"): the
	// server runs on, or stops as asked; what stops it is logged [ERROR].
	{name: "mysqld-notice", tier: frame, cause: NotAFailure, conf: Medium,
		when: [][]string{oneOf("[warning] ", "[note] ", "[system] ")},
		// Compose prefixes each line with its service ("db_1 | ").
		re:  regexp.MustCompile(`^\s*(?:\S+\s+\|\s+)?\d{4}-\d{2}-\d{2}[T ]\s*\d{1,2}:\d{2}:\d{2}\S*\s+\d+\s+\[(?:Warning|Note|System)\] `),
		not: []string{"no space left", "cannot allocate", "out of memory", "permission denied", "unable to lock", "can't create"}},
	// fluent-bit retrying a flush or a connection and stopping on SIGTERM;
	// a kubelet plugin's registration; a registry cache falling back to
	// its upstream.
	{name: "agent-notice", tier: frame, cause: NotAFailure, conf: Medium,
		when: [][]string{oneOf("[engine] caught signal (sigterm)", "failed to flush chunk", "[http_client] broken connection",
			"pluginregistered:true", "serving from upstream")}},
	// docker events: a stop's SIGTERM.
	{name: "docker-event-stop", tier: frame, cause: NotAFailure, conf: High,
		when: [][]string{oneOf("container kill "), oneOf("signal=15")}},
	// kubectl drain's and kubectl evict's report of what it evicted, as
	// asked ("pod/web-1 evicted", "node/n1 evicted").
	{name: "kubectl-evicted", tier: frame, cause: NotAFailure, conf: Medium, runnerUp: NodeInterrupted,
		when: [][]string{oneOf(" evicted")}, re: regexp.MustCompile(`(?i)^\s*(?:pod|node)/\S+ evicted\s*$`)},
	// The HPA without the metrics it scales on (metrics-server not ready,
	// pods not yet ready): it keeps the replica count; no container failed.
	{name: "hpa-metrics-missing", tier: frame, cause: NotAFailure, conf: Medium,
		when: [][]string{oneOf("invalid metrics (", "failed to get cpu utilization", "metrics obtained for 0/",
			"did not receive metrics for any ready pods")},
		// A container without the resource request the HPA divides by is
		// the workload's spec.
		not: []string{"missing request for"}},
	// The same event in the API's JSON form of Docker 1.x, which names no
	// signal: someone ran docker stop or docker kill (the kernel's OOM
	// kill is an "oom" event of its own).
	{name: "docker-event-kill-json", tier: frame, cause: NotAFailure, conf: Medium,
		when: [][]string{oneOf("\"status\":\"kill\"")}},
	// docker events: a container that ended with 0, or on the SIGTERM of
	// a stop (143); the event names its exit code among its attributes.
	{name: "docker-event-die-clean", tier: frame, cause: NotAFailure, conf: High,
		when: [][]string{oneOf("container die "), oneOf("exitcode=0", "exitcode=143")},
		re:   regexp.MustCompile(`(?i)container die \S+ \(.*\bexitCode=(?:0|143)[,)]`)},
	// docker events: a container joining or leaving a network.
	{name: "docker-event-network", tier: frame, cause: NotAFailure, conf: High,
		when: [][]string{oneOf("network connect ", "network disconnect "), oneOf("(container=")}},

	// Image-pull family: explicit evidence first.
	{name: "token-expired", tier: root, cause: RegistryTokenExpired, conf: High,
		when: [][]string{oneOf("authorization token has expired")}},
	// Generic token wording also comes from other AWS calls (CloudWatch Logs,
	// Secrets Manager), so it needs pull context.
	{name: "token-expired-on-pull", tier: root, cause: RegistryTokenExpired, conf: High,
		when: [][]string{oneOf("token has expired", "token is expired", "security token included in the request is invalid",
			"security token included in the request is expired", "expiredtokenexception", "token expired"), pullContext},
		not: []string{"authorization token has expired"}},
	// A credential helper or OAuth exchange that can no longer mint a token:
	// the stored refresh token or session behind it expired.
	{name: "token-refresh-failed", tier: root, cause: RegistryTokenExpired, conf: Medium, runnerUp: RegistryAuth,
		when: [][]string{oneOf("oauth2: cannot fetch token", "invalid_grant", "invalid_rapt", "reauth related error",
			"during token exchange", "access token: oauth2", "refresh token has expired", "failed to refresh token",
			"access token has expired", "aadsts700082", "aadsts70043",
			// Entra ID refusing a federated (OIDC) client assertion that
			// expired before the registry login used it.
			"aadsts700024", "not within its valid time range", "refresh token is not set",
			"request had invalid authentication credentials")}},
	// GHCR answers a bare "denied: denied" to a pull whose credentials it
	// refuses: none sent for a private package, an empty or stale entry in
	// the docker config, a personal access token past its expiry or without
	// read:packages. Refused credentials outnumber lapsed ones in the corpus
	// five to two.
	{name: "ghcr-denied", tier: root, cause: RegistryAuth, conf: Medium, runnerUp: RegistryTokenExpired,
		when: [][]string{oneOf("denied: denied")}},
	// GCR's answer for a repository whose Google Cloud project was deleted:
	// the image is gone, whatever the credentials.
	{name: "gcr-project-deleted", tier: root, cause: ImageNotFound, conf: High,
		when: [][]string{oneOf("has been deleted"), oneOf("project ")},
		re:   regexp.MustCompile(`(?i)\bproject #?[a-z0-9-]+ has been deleted`)},
	// GCR after its shutdown, for a project never moved to Artifact
	// Registry: the image is no longer served at that path.
	{name: "gcr-shut-down", tier: root, cause: ImageNotFound, conf: High,
		when: [][]string{oneOf("container registry is deprecated and shutting down")}},
	// ECR's token API throttles agents that ask for a token per pull.
	{name: "ecr-throttled", tier: root, cause: RegistryRateLimited, conf: High,
		when: [][]string{oneOf("throttlingexception", "rate exceeded"), oneOf("cannotpullecrcontainererror", "ecr:", "ecr ", "image details",
			"getauthorizationtoken")}},
	{name: "rate-limited", tier: root, cause: RegistryRateLimited, conf: High,
		when: [][]string{oneOf("toomanyrequests", "too many requests", "pull rate limit", "pull qps exceeded",
			"429 too many", "rate limit exceeded for", "you have reached your pull rate limit", "status 429", "error 429", "http 429",
			"response code 429")},
		// A cloud API's 429 for a cluster's operations is a quota.
		not: []string{"failed login attempts", "for this subscription", "operations quota", "has asked us to try again later"}},
	// A registry locking out a user or address after repeated failed
	// logins answers with its rate-limit code; the stored credentials are
	// what is wrong.
	{name: "login-lockout", tier: root, cause: RegistryAuth, conf: High,
		when: [][]string{oneOf("failed login attempts")}},
	{name: "aci-registry-error-response", tier: generic, cause: RegistryRateLimited, conf: Medium, runnerUp: RegistryUnreachable,
		when: [][]string{oneOf("registryerrorresponse", "an error response is received from the docker registry")}},
	{name: "docker-hub-unexpected-status", tier: root, cause: RegistryRateLimited, conf: Medium, runnerUp: RegistryUnreachable,
		when: [][]string{oneOf("unexpected status code"), oneOf("registry-1.docker.io", "index.docker.io")},
		not:  []string{" 400 bad request", " 500 ", " 502 ", " 503 ", " 504 ", " 401 ", " 403 ", " 404 "}},
	{name: "invalid-reference", tier: root, cause: InvalidImageReference, conf: High,
		when: [][]string{oneOf("invalid reference format", "couldn't parse image reference", "invalidimagename",
			"must not have leading or trailing whitespace", "repository name must be lowercase",
			"repository name must have at least one component", "invalid image name", "could not parse reference",
			"invalid reference:", "failed to parse image reference", "not a valid repository/tag", "invalid image reference",
			"both a tag and digest", "image should not be null", "error parsing reference", "repository can only contain the characters",
			// CRI-O and Podman refuse a short name that several registries could serve.
			"short name mode is enforcing", "short-name resolution", "returns ambiguous list",
			"did not resolve to an alias", "failed to normalize image reference",
			"no registries configured while trying to pull an unqualified image",
			// Cloud Run refusing a host it does not pull from.
			"expected an image path like")}},
	// A pipeline variable left unexpanded in the image reference.
	{name: "unexpanded-variable", tier: root, cause: InvalidImageReference, conf: Medium, runnerUp: ImageNotFound,
		when: [][]string{oneOf("$[[", "${{"), pullContext}},
	{name: "platform-mismatch", tier: root, log: true, cause: ImagePlatformMismatch, conf: High,
		when: [][]string{oneOf("exec format error", "no matching manifest for", "does not match the specified platform",
			"descriptor matching platform", "no match for platform in manifest", "cannot be used on this platform",
			"image operating system", "platform mismatch", "no matching manifest", "osversionnotsupported", "os version of image",
			"imageostypenotmatch", "doesn't support specified os", "does not match the detected host platform",
			"no image found in manifest list", "based image is incompatible with", "no supported platform found",
			// Azure Container Apps validating a revision's image.
			"image os/arc must be",
			// Windows containers (HCS) on a host of another OS version; Cloud
			// Run's requirement of an amd64 image; qemu failing to emulate
			// a binary built for another CPU.
			"operating system does not match the host operating system", "must support amd64/linux",
			"unable to find a guest_base",
			// An image of another architecture run under QEMU emulation.
			"qemu: uncaught target signal")},
		// A kernel module tool failing on an old kernel is the volume plugin's.
		not: []string{"could not get modinfo"}},
	{name: "image-format-unsupported", tier: root, cause: ImageUnsupported, conf: High,
		when: [][]string{oneOf("diffids don't", "diffids do not match", "unsupported media type", "unsupported manifest",
			"manifest version 2, schema 1", "schema 1 support", "unknown media type", "zstd", "unsupported image format",
			"application/vnd.in-toto", "unsupported layer", "missing signature key", "does not support oci index", "invalid tar header", "schema 1 image",
			// Artifactory refusing schema 1 manifests on a repository.
			"manifest v2 schema 1", "schema1deprecation",
			// docker's advice when it refuses a schema 1 image.
			"upgrade the image to the oci format",
			"received a manifest list instead of", "max depth exceeded", "accept header does not support oci")}},
	{name: "media-type-unsupported", tier: root, cause: ImageUnsupported, conf: High,
		when: [][]string{oneOf("media type", "mediatype"), oneOf("unsupported", "unknown", "not supported", "invalid", "should be")},
		not:  []string{"text/html"}},
	// An HTML page where a manifest or blob was expected: a proxy, captive
	// portal or login page answered instead of the registry.
	{name: "registry-html", tier: root, cause: RegistryUnreachable, conf: Medium, runnerUp: ImageUnsupported,
		when: [][]string{oneOf("media type text/html", "mediatype text/html")}},
	{name: "disk-full", tier: root, log: true, cause: DiskFull, conf: High,
		when: [][]string{oneOf("no space left on device", "thin pool has", "free space in thin pool", "ephemeral-storage", "ephemeral storage", "usage of emptydir volume",
			"diskpressure", "disk pressure", "out of disk", "disk quota exceeded", "applylayer exit status 1",
			"failed to garbage collect", "freediskspacefailed", "insufficient free space", "not enough free space",
			"not enough space", "disk is full", "disk full", "no free space", "disk-pressure",
			// MySQL's storage engine reporting errno 28 (ENOSPC).
			"got error 28 from storage engine", "low-disk", "low disk space",
			// The kubelet's image GC freeing less than the disk needed; its
			// evictions for the node's or the image filesystem's space or inodes.
			"wanted to free", "low on resource: nodefs", "low on resource: imagefs", "to reclaim nodefs", "to reclaim imagefs",
			// Elasticsearch refusing writes past its disk watermark.
			"disk watermark")},
		// A pod asking more ephemeral storage than any node offers is a
		// placement problem, not a full disk; ENOSPC from the cgroup
		// filesystem or from inotify is a kernel limit, not a disk.
		// GKE Autopilot refusing a request below its minimum is the spec's.
		// The kernel's keyring quota for session keys, and its limit of
		// user namespaces (ENOSPC from unshare), are not a disk.
		not: []string{"insufficient ephemeral", "enough resource: ephemeral", "/sys/fs/cgroup", "inotify_add_watch", "autopilot minimum",
			"session key", "unshare(clone_newuser)"}},
	// A pod status after the kubelet evicted it, most often for ephemeral
	// storage, and lost track of its containers; a lost node reads the same.
	{name: "container-status-unknown", tier: generic, cause: DiskFull, conf: Medium, runnerUp: NodeInterrupted,
		when: [][]string{oneOf("containerstatusunknown")}},
	{name: "oom", tier: root, log: true, cause: OutOfMemory, conf: High,
		when: [][]string{oneOf("outofmemoryerror", "oomkilled", "oomkilling", "oom-kill", "out of memory",
			"killed due to memory usage", "low on resource: memory", "memory limit exceeded", "oom killed",
			"exceeded its memory limit", "reason: oom", "vmalloc: allocation failure", "page allocation failure", "due to oom", "system oom", "oom encountered", "oom_kill", "oom-killer", "oom_reaper", "low on compute resources", "memoryerror",
			"cannot allocate memory", "exceeded memory limit", "failcnt", "taskoom", "allowed memory size of",
			// Tekton's TaskRun reasons for a step, sidecar or init container.
			"stepoom", "sidecaroom", "initcontaineroom",
			// The kernel's cgroup OOM report ("Task in /ecs/... killed as a
			// result of limit of /ecs/..."); gcc's cc1plus killed by it; the
			// kubelet evicting for the node's memory.
			"killed as a result of limit of", "internal compiler error: killed", "low on resource: [memorypressure]",
			"to reclaim memory",
			// docker events: the kernel OOM killer hit a container, in
			// the CLI's form and the API's JSON.
			"container oom ", "\"status\":\"oom\"")}},
	// Cloud Run's own report of an instance past its memory limit
	// ("Memory limit of 512 MiB exceeded with 516 MiB used").
	{name: "memory-limit-exceeded", tier: root, cause: OutOfMemory, conf: High,
		when: [][]string{oneOf("memory limit of ")}, re: regexp.MustCompile(`(?i)memory limit of \d+ ?[kmg]i?b exceeded`)},
	// SIGKILL by number: the kernel OOM killer's usual signal, or the
	// orchestrator's after a grace period (as exit code 137 reads).
	{name: "sigkill", tier: generic, log: true, cause: OutOfMemory, conf: Medium, runnerUp: HealthCheckFailed,
		when: [][]string{oneOf("signal 9", "signal: killed", "killed by signal 9")}},
	{name: "log-driver", tier: stage, cause: LogConfigError, conf: High,
		when: [][]string{oneOf("failed to initialize logging driver", "failed to validate logger args", "logging driver",
			"log driver", "failed to create cloudwatch log", "log group does not exist", "awslogs-group",
			"[error] [config]", "awslogs-", "logs:createlogstream", "disabled logging", "logging_configmap_not_found", "logs:createloggroup", "logs:putlogevents", "loganalytics", "log analytics", "gelf:", "fluentd:", "splunk:", "syslog:",
			// Podman's journald log driver without a journal socket.
			"failed to initialize journal")}},
	{name: "ecr-unreachable-for-auth", tier: network, cause: RegistryUnreachable, conf: High,
		when: [][]string{oneOf("cannot pull registry auth from amazon ecr"), oneOf("connection issue", "timeout", "timed out")}},
	{name: "secret-store", tier: stage, cause: SecretUnavailable, conf: High,
		when: [][]string{oneOf("retrieve secret", "retrieve secrets", "unable to retrieve secret", "from asm", "from ssm",
			"secretsmanager", "secrets manager", "parameter store", "parameternotfound", "invalidparameters",
			"key vault", "keyvault", "cannot retrieve secret", "unable to fetch secret", "failed to fetch secret",
			"kms:decrypt", "ssm:", "failed to get secret", "error getting secret", "could not get secret", "secretnotfound",
			"non-existent secret key",
			// Windows containers' gMSA credentials (Container Credential Guard).
			"container credential guard failed to fetch",
			// ECS environment files (S3) and compose env files.
			"env files", "env file:", "environment files", "secretstore",
			// Podman creating a container whose secret was never created.
			"no such secret")}},
	// A mount whose secret the kubelet could not read.
	{name: "mount-secret-unreadable", tier: stage, cause: SecretUnavailable, conf: High,
		// A projected service account token the API server would not issue
		// is a credential the container needs, as a Secret is.
		when: [][]string{oneOf("couldn't get secret", "failed to fetch token", ": secret \""), oneOf("mountvolume.")}},
	{name: "ecs-secrets-or-auth", tier: stage, cause: SecretUnavailable, conf: Medium, runnerUp: RegistryUnreachable,
		when: [][]string{oneOf("unable to pull secrets or registry auth")}},
	{name: "k8s-secret-missing", tier: root, cause: SecretUnavailable, conf: High,
		when: [][]string{oneOf("couldn't find key", "secret \"", "secrets \"", "configmap \"", "configmaps \"")},
		re:   regexp.MustCompile(`(?i)couldn't find key|(?:secrets?|configmaps?) "[^"]*" not found`),
		// The Fargate log router's own configmap: logging, not the app.
		not: []string{"disabled logging"}},
	// The pod's service account may not read the Secret or ConfigMap the
	// app loads at start (RBAC).
	{name: "k8s-secret-rbac", tier: root, cause: SecretUnavailable, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("is forbidden: user"), oneOf("cannot get resource \"secrets\"", "cannot list resource \"secrets\"",
			"cannot get resource \"configmaps\"", "cannot list resource \"configmaps\"",
			"cannot get secrets", "cannot list secrets", "cannot get configmaps", "cannot list configmaps")}},
	{name: "k8s-secret-volume", tier: root, cause: SecretUnavailable, conf: High,
		when: [][]string{oneOf("secrets store", "secrets-store", "secretproviderclass", "non-existent config key",
			"couldn't propagate object cache", "failed to sync secret cache", "failed to sync configmap cache")}},
	// Cloud Run's service agent without read access to the image's
	// repository.
	{name: "service-agent-cannot-read-image", tier: root, cause: RegistryAuth, conf: High,
		when: [][]string{oneOf("must have permission to read the image")}},
	// GCR's own hint that the request carried no credentials: it decides
	// over the "not found" it wraps (an image the caller may not see), not
	// over a network failure.
	{name: "no-credentials-on-request", tier: root, cause: RegistryAuth, conf: High,
		when: [][]string{oneOf("no credentials on this request")}},
	// ACI's registry credential block in the container group.
	{name: "aci-registry-credentials-shape", tier: root, cause: ContainerConfigError, conf: High,
		when: [][]string{oneOf("imageregistrycredentials", "image registry credentials"), oneOf("is not supported", "more image registry credentials",
			"should be a valid host name")}},
	{name: "aci-registry-credentials", tier: root, cause: RegistryAuth, conf: High,
		when: [][]string{oneOf("imageregistrycredentials", "invalidimageregistrypassword", "valid registrycredential")}},
	{name: "ecr-permission", tier: root, cause: RegistryAuth, conf: High,
		when: [][]string{oneOf("ecr:batchgetimage", "ecr:getauthorizationtoken", "ecr:getdownloadurlforlayer",
			"denied: user: arn:", "denied: user:", "private repository credentials are not a supported")}},
	// The kubelet could not read the pod's image pull secrets; a public
	// image may still pull.
	{name: "pull-secret-unreadable", tier: root, cause: RegistryAuth, conf: Medium, runnerUp: NotAFailure,
		when: [][]string{oneOf("image pull secrets", "pull secret "), oneOf("may not succeed")}},
	// The kubelet's own log line for the same gap, written at every pod
	// sync whether or not a pull follows (kubelet_pods.go): a pod whose
	// image is public or already present runs on; a pull that fails posts
	// its own event.
	{name: "pull-secret-log-warning", tier: frame, cause: NotAFailure, conf: Low, runnerUp: RegistryAuth,
		when: [][]string{oneOf("unable to retrieve pull secret"), oneOf("may not succeed")}},
	// ACR's exchange of a refresh token for an access token refused with
	// 401: the refresh token (three hours on ABAC registries) lapsed.
	{name: "acr-refresh-token-refused", tier: root, cause: RegistryTokenExpired, conf: Medium, runnerUp: RegistryAuth,
		when: [][]string{oneOf("getacraccesstoken", "getacrrefreshtoken"), oneOf("401", "unauthorized")}},
	{name: "credential-provider", tier: stage, cause: RegistryAuth, conf: High,
		when: [][]string{oneOf("credential provider plugin", "registry credential provider", "failed getting credential",
			"unable to retrieve auth token", "failed to fetch anonymous token", "failed to fetch oauth token",
			// The ECR credential helper with no AWS credentials to sign with.
			"failed to get authorization token",
			"failed to authorize")}},
	// The ECR credential helper configured for a registry that is not ECR:
	// the credentials configuration is wrong, no token lapsed.
	{name: "credential-helper-wrong-registry", tier: root, cause: RegistryAuth, conf: High,
		when: [][]string{oneOf("can only be used with amazon elastic container registry")}},
	// A credential helper that is not installed: the credentials
	// configuration names a program the host does not have.
	{name: "credential-helper-missing", tier: root, cause: RegistryAuth, conf: Medium, runnerUp: RegistryTokenExpired,
		when: [][]string{credentialHelper,
			oneOf("executable file not found", "not found in $path", "not found in %path%", "not installed or not available")}},
	// A credential helper that ran but holds no credentials for the
	// registry (no login in the OS keychain, no AWS credentials for ECR's
	// helper): a login is missing, not one that lapsed.
	{name: "credential-helper-no-credentials", tier: root, cause: RegistryAuth, conf: Medium, runnerUp: RegistryTokenExpired,
		when: [][]string{append(oneOf("credentials not found in native keychain"), credentialHelper...),
			oneOf("credentials not found in native keychain", "nocredentialproviders", "no valid providers in chain")}},
	// A credential helper mints short-lived tokens; when it fails, the
	// login or refresh token behind it has usually lapsed.
	{name: "credential-helper", tier: stage, cause: RegistryTokenExpired, conf: Medium, runnerUp: RegistryAuth,
		when: [][]string{oneOf("error getting credentials", "docker-credential-")}},
	// The engine had no credentials at all for the registry (ECR's answer
	// to a pull without a login): registry wording, however it is wrapped,
	// even in a daemon's 500.
	{name: "no-basic-auth", tier: root, cause: RegistryAuth, conf: High,
		when: [][]string{oneOf("no basic auth credentials")}},
	// ECS's short form of a pull the execution role may not make.
	{name: "ecs-pull-access-denied", tier: root, cause: RegistryAuth, conf: Medium, runnerUp: ImageNotFound,
		when: [][]string{oneOf("cannotpullcontainer"), oneOf("accessdenied")}},
	{name: "auth-required", tier: generic, cause: RegistryAuth, conf: High,
		when: [][]string{oneOf("authentication required", "invalid username/password",
			"incorrect username or password", "unauthorized: ", "401 unauthorized", "status 401",
			"artifactregistry.repositories.downloadartifacts", "storage.objects.get", "denied: permission", "authentication is required",
			"you have permission to access it", "403 forbidden", "status 403", "access denied", "denied: access forbidden",
			"imagepullsecret", "unauthorized", "rejected token exchange", "admin user is disabled",
			"anonymous users are only allowed", "installation not allowed", "invalid auth configuration", "signed by untrusted key")},
		not: []string{"pull access denied", "may require 'docker login'", "may require authorization", "insufficient_scope",
			// A Kubernetes client refused by the API server, not a registry;
			// Redis refusing a client without its password (a probe's
			// redis-cli, the application).
			"failed to watch *", "failed to list *", "noauth", "wrongpass"}},
	// Quay answers a repository that does not exist as it answers one the
	// caller may not read.
	// Elsewhere the words are the distribution registry's own UNAUTHORIZED
	// message, which a private registry (Nexus, a company registry, a
	// self-hosted Quay) answers to refused credentials: the registry kind
	// decides.
	{name: "quay-unauthorized", tier: root, cause: ImageNotFound, conf: Medium, runnerUp: RegistryAuth, pull: true,
		when: [][]string{oneOf("access to the requested resource is not authorized")}},
	{name: "tag-not-found", tier: root, cause: ImageNotFound, conf: High,
		when: [][]string{oneOf("manifest unknown", "name unknown", "manifest_unknown", "name_unknown", "not known to the registry", "not found in repository", "manifest for ",
			"repository name not known", "no such image", "does not exist in repository",
			"requested image not found", "image not found")},
		not: notAMissingTag},
	// containerd's gRPC NotFound names an image only inside a pull; a
	// container or task the runtime cannot find is the runtime's.
	{name: "pull-grpc-not-found", tier: root, cause: ImageNotFound, conf: High,
		when: [][]string{oneOf("code = notfound", "not found: not found"), pullContext},
		not:  append(oneOf("find container", "running task"), notAMissingTag...)},
	// A manifest whose size differs from what its index declares: the image
	// was built or pushed wrong, and containerd refuses what Docker tolerated.
	{name: "manifest-size", tier: root, cause: ImageUnsupported, conf: Medium, runnerUp: RegistryUnreachable,
		when: [][]string{oneOf("failed size validation"), oneOf("manifest-sha256")}},
	// Old Docker clients answer "no such manifest" for an OCI index they cannot
	// read (attestation manifests): the tag exists, in a format they cannot use.
	{name: "no-such-manifest", tier: root, cause: ImageUnsupported, conf: Medium, runnerUp: ImageNotFound,
		when: [][]string{oneOf("no such manifest")}},
	{name: "image-x-not-found", tier: root, cause: ImageNotFound, conf: High,
		when: [][]string{oneOf(" not found"), oneOf("image ", "repository ", "failed to resolve ref")},
		not:  []string{"no pull access"},
		re:   matchFunc(namedNotFound)},
	// The registry refused the request and said why: no credentials it
	// accepts. Docker Hub's "denied" alone may hide a missing repository;
	// with "authentication required" beside it, it does not.
	{name: "pull-denied-unauthenticated", tier: root, cause: RegistryAuth, conf: High,
		when: [][]string{oneOf("requested access to the resource is denied"), oneOf("unauthorized: authentication required")}},
	{name: "pull-access-denied", tier: root, cause: ImageNotFound, conf: Medium, runnerUp: RegistryAuth, pull: true,
		when: [][]string{oneOf("pull access denied", "may require 'docker login'", "may require authorization",
			"insufficient_scope", "requested access to the resource is denied", "please check the image and registry credential",
			"no pull access")}},
	// A registry served over plain HTTP to a client that speaks HTTPS (an
	// insecure registry not declared to the runtime): only registries
	// answer image clients this way.
	{name: "insecure-registry", tier: network, cause: RegistryUnreachable, conf: High,
		when: [][]string{oneOf("server gave http response to https client")}},
	{name: "registry-network", tier: network, cause: RegistryUnreachable, conf: High,
		when: [][]string{
			oneOf("i/o timeout", "no such host", "client.timeout exceeded", "connection refused", "connection reset",
				"tls handshake timeout", "x509:", "certificate signed by unknown authority", "server misbehaving", "proxy authentication required",
				"unexpected eof", "send request failed", "request send failed", "handshake failure", "connection timed out", "broken pipe",
				"use of closed network connection", "dial tcp", "network unreachable", "server gave http response to https client",
				"tls: failed to verify", "remote error: tls", "http request to an https server", "requestcanceled",
				"request context canceled",
				"network is unreachable", "no route to host", "proxyconnect", "context deadline exceeded",
				"temporary failure in name resolution", "request canceled", "could not reach",
				"timed out", "timeout exceeded", "tls: oversized record",
				// minikube's check that its VM reaches the registry.
				"having trouble accessing",
				// containers/image when the registry's /v2/ ping failed (an
				// outage, TLS, a proxy) and the v1 fallback too.
				"can't talk to a v1 container registry"),
			pullContext},
		// The log driver's own calls (CloudWatch, the task's credentials
		// endpoint at /v2/credentials) are not a pull.
		// A URL built without its scheme ("unsupported protocol scheme")
		// never left the host: the agent or runtime that built it is at fault.
		not: []string{"probe failed", "health check", "initialize logging driver", "unsupported protocol scheme"}},
	// A registry's firewall refused the caller's address (ACR network rules):
	// the network path, not the credentials.
	{name: "registry-firewall", tier: root, cause: RegistryUnreachable, conf: High,
		when: [][]string{oneOf("aka.ms/acr/firewall", "client with ip")}},
	// The registry's token service failing (5xx) while the client fetches
	// a token: an outage on the way to the registry, not refused
	// credentials.
	{name: "token-endpoint-5xx", tier: network, cause: RegistryUnreachable, conf: Medium, runnerUp: RegistryAuth,
		when: [][]string{oneOf("anonymous token", "oauth token", "failed to authorize"),
			oneOf("500 internal server error", "502 bad gateway", "503 service unavailable", "504 gateway")}},
	// A registry that answered with a server error is reachable but failing;
	// an answer that names a cause (unauthorized, not found) decides over it.
	{name: "registry-5xx", tier: generic, cause: RegistryUnreachable, conf: Medium,
		when: [][]string{oneOf("502 bad gateway", "503 service unavailable", "504 gateway", "500 internal server error",
			"502 (bad gateway)", "503 (service unavailable)", "504 (gateway timeout)"), pullContext},
		not: []string{"probe failed", "health check"}},
	// The distribution registry answering 503 because its own health check
	// failed (its storage driver, mostly).
	{name: "registry-health-failed", tier: root, cause: RegistryUnreachable, conf: Medium,
		when: [][]string{oneOf("please see /debug/health")}},

	// Container start. A sandbox failure is the runtime's, not the app's.
	{name: "pod-sandbox", tier: frame, cause: PlatformError, conf: High,
		when: [][]string{oneOf("failed to create pod sandbox", "failed create pod sandbox", "failedcreatepodsandbox")},
		// Not the runtime's: a sandbox whose pause image could not be pulled
		// (the pull rules decide), one the pod's own settings refuse (a
		// sysctl the kernel will not take, a hostname longer than it allows,
		// a seccomp profile), and one on a full disk.
		not: []string{"failed to get sandbox image", "failed pulling image", "failed to pull image", "sysctl", "fqdn", "seccomp",
			"no space left on device", "free space in thin pool",
			// The node's pod IP range or its ENIs' addresses are used up
			// (the AWS VPC CNI's "failed to assign an IP address"): capacity.
			"range is full", "no ip addresses available in range", "failed to assign an ip address"}},
	{name: "health-check-exec", tier: frame, cause: HealthCheckFailed, conf: Medium, runnerUp: CommandNotFound,
		when: [][]string{oneOf("oci runtime exec failed")},
		// runc could not join the container's namespaces, open its
		// terminal or load its seccomp filter, or is missing itself: the
		// runtime's or kernel's fault, not the probe's.
		not: []string{"to cgroup.procs", "error executing setns process", "unable to create new parent process",
			"open /dev/pts/", "seccomp filter into kernel", "fork/exec /usr/bin/runc"}},
	// A command run in the container with docker or kubectl exec that the
	// image lacks ("bash", a word of an unquoted command); a probe's or a
	// health check's own exec says so, or names its tool (health-tool-missing).
	{name: "exec-command-missing", tier: frame, cause: CommandNotFound, conf: Medium, runnerUp: HealthCheckFailed,
		when: [][]string{oneOf("executable file not found"), oneOf("oci runtime exec failed")},
		not:  []string{"probe", "health", "\"curl\"", "\"wget\"", "\"nc\""}},
	{name: "health-tool-missing", tier: root, cause: HealthCheckFailed, conf: Medium, runnerUp: CommandNotFound,
		when: [][]string{oneOf(": curl: not found", ": wget: not found", ": nc: not found", "curl: command not found",
			"wget: command not found")}},
	// What a health check's own command prints when the app does not
	// answer (the output Docker keeps in the container's health log).
	{name: "health-command-output", tier: root, log: true, cause: HealthCheckFailed, conf: Medium, runnerUp: AppCrash,
		when: [][]string{oneOf("curl: (7)", "curl: (22)", "curl: (28)", "curl: (52)", "curl: (56)",
			"wget: can't connect to remote host", "wget: server returned error")}},
	{name: "passwd-missing", tier: root, cause: ContainerConfigError, conf: Medium,
		when: [][]string{oneOf("/etc/passwd", "unable to find user", "unable to find group", "no users found", "chdir to cwd", "chdir: no such file",
			"unable to setgid to", "unable to setuid to",
			"error gathering device information", "no such device", "working directory", "setup user: ",
			"invalid environment variable names", "ipvs proxier", "intree provisioner",
			// A capability name the runtime does not know (cap_add, securityContext);
			// Podman publishing ports for a container that joins another's
			// network namespace.
			"unknown capability", "cannot set port bindings on an existing container network namespace")},
		// FUSE missing on the host, for rootless storage, is the host's.
		not: []string{"fuse-overlayfs"}},
	// A process past its open-files limit (the container's ulimit). Out of
	// inotify or fsnotify instances (a file watcher that cannot be
	// created, systemd's manager object in a node container), it is the
	// host's sysctl.
	{name: "open-files-limit", tier: root, log: true, cause: ContainerConfigError, conf: Medium, runnerUp: AppCrash,
		when: [][]string{oneOf("too many open files")},
		not:  []string{"inotify", "fsnotify", "watcher", "failed to allocate manager object"}},
	{name: "inotify-limit", tier: root, log: true, cause: PlatformError, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("inotify", "fsnotify", "watcher", "failed to allocate manager object"),
			oneOf("too many open files", "has been reached", "no space left on device")}},
	// A service account token the container cannot read: an IRSA web
	// identity token its user may not open, or no token mounted at all
	// (automountServiceAccountToken: false).
	{name: "service-account-token-unreadable", tier: root, cause: ContainerConfigError, conf: Medium, runnerUp: SecretUnavailable,
		when: [][]string{oneOf("eks.amazonaws.com/serviceaccount/token", "kubernetes.io/serviceaccount/token")}},
	// docker-py (docker compose v1, testcontainers) unable to reach the
	// daemon's API at all.
	{name: "docker-api-unreachable", tier: root, cause: PlatformError, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("error while fetching server api version")}},
	// EKS on Fargate refusing a pod it cannot run (host volumes, daemon
	// sets, privileged containers).
	{name: "fargate-pod-unsupported", tier: root, cause: ContainerConfigError, conf: High,
		when: [][]string{oneOf("not supported on fargate")}},
	// The daemon refusing a container's own settings: CPUs or memory out
	// of the range it accepts, a name it does not allow.
	{name: "container-settings-refused", tier: root, cause: ContainerConfigError, conf: High,
		when: [][]string{oneOf("range of cpus is from", "minimum memory limit allowed is", "invalid container name",
			// runc refusing an environment variable it cannot set (a name
			// with '=' or a value with a NUL byte).
			"setenv: invalid argument",
			// Container Apps' ingress sending traffic to a port the app
			// does not listen on.
			"does not match the listening port", "does not match any of the listening ports",
			// --oom-kill-disable, which cgroup v2 does not offer.
			"cannot disable oom killer with cgroupv2")}},
	{name: "security-context", tier: root, cause: ContainerConfigError, conf: High,
		when: [][]string{oneOf("runasnonroot", "non-numeric user", "run as non-root", "has no healthcheck configured",
			"violates podsecurity", "security context constraint", "read-only root filesystem")}},
	// A process without the privilege to bind a port below 1024 (a
	// non-root user): the container's user or port is misconfigured.
	{name: "privileged-port", tier: root, log: true, cause: ContainerConfigError, conf: Medium, runnerUp: AppCrash,
		when: [][]string{oneOf("bind: permission denied", "failed (13: permission denied)",
			// Node's listen() and Tomcat's APR connector refused the port.
			"listen eacces", "socket bind failed: [13]",
			// Rootless Podman's pasta refusing a port below 1024.
			"couldn't listen on requested tcp ports")}},
	// The app could not take ownership of or create its data directory:
	// the volume's owner does not match the container's user (fsGroup,
	// runAsUser). A mount failure (stage) decides over it.
	{name: "data-dir-permission", tier: generic, log: true, cause: ContainerConfigError, conf: Medium, runnerUp: VolumeMountFailed,
		when: [][]string{oneOf("chown", "mkdir",
			// A server refused its own data or log file (MySQL's errcode
			// 13, Redis's log file, a shell redirect).
			"can't create", "can't open the", "errcode: 13"),
			oneOf("permission denied", "operation not permitted")},
		// The runtime's own directories on the host are the host's problem.
		not: []string{"/var/lib/docker", "/var/lib/containerd", "/var/lib/kubelet", "failed to register layer"}},
	// A GPU workload on a host or group without the GPU driver: the group
	// or pod did not request a GPU.
	{name: "gpu-driver-absent", tier: root, log: true, cause: ContainerConfigError, conf: Medium, runnerUp: PlatformError,
		when: [][]string{oneOf("kernel driver does not appear to be running", "/proc/driver/nvidia/version does not exist")}},
	// An image the node does not have, with pull policy Never: a locally
	// built image never loaded into the cluster's runtime, more often than
	// a policy set by mistake.
	{name: "pull-policy-never", tier: root, cause: ImageNotFound, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("is not present with pull policy of never")}},
	// A CLI naming the flag a command needs ("Please specify --secrets
	// --secrets-mount-path to enable secrets volume mount.").
	{name: "cli-flag-required", tier: root, cause: ContainerConfigError, conf: Medium,
		when: [][]string{oneOf("please specify --")}},
	// A program refusing the flags its container was started with (Go's
	// flag package, cobra, kingpin, getopt); generic, so the mount or
	// step that ran the program names the cause when there is one.
	{name: "cli-flag-unknown", tier: generic, log: true, cause: ContainerConfigError, conf: Medium, runnerUp: AppCrash,
		when: [][]string{oneOf("flag provided but not defined", "unknown short flag", "unrecognized option")}},
	// A command-line tool (eksctl, kubectl, the docker or podman CLI)
	// refusing a flag it was given: the person's command, not a container.
	{name: "cli-unknown-flag", tier: generic, cause: Unknown, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("unknown flag: -", "unknown shorthand flag: '")}},
	// A manifest the API server or a generator will not decode: a field in
	// the wrong place or misspelt.
	{name: "manifest-unknown-field", tier: generic, cause: ContainerConfigError, conf: Medium,
		when: [][]string{oneOf("strict decoding error", "unknown field \"", "cannot find field: ",
			// Elastic Beanstalk's Docker platform reading its own manifest.
			"invalid dockerrun.aws.json")}},
	// A program refusing the settings it was started with (Traefik's
	// flags from another major version or a field its configuration
	// does not have; Grafana's data directory owned by another user than
	// the image runs as).
	{name: "program-refuses-settings", tier: root, cause: ContainerConfigError, conf: Medium, runnerUp: AppCrash,
		when: [][]string{oneOf("failed to decode configuration from flags", "you may have issues with file permissions",
			"field not found, node: ")}},
	// A mount whose path in the container is relative ("invalid mount
	// path: 'config.toml' mount path must be absolute"): the spec's, no
	// volume failed; a pod an admission policy (Kyverno) blocked.
	{name: "spec-refused", tier: root, cause: ContainerConfigError, conf: High,
		when: [][]string{oneOf("mount path must be absolute", "blocked due to the following policies")}},
	// docker run's --env-file with a line that is not NAME=value (a
	// section header, an HTML page saved in its place).
	{name: "env-file-malformed", tier: root, cause: ContainerConfigError, conf: High,
		when: [][]string{oneOf("poorly formatted environment")}},
	// kubectl meeting an API server whose certificate has lapsed: the
	// cluster's certificates, not the caller's command.
	{name: "apiserver-cert-expired", tier: frame, cause: PlatformError, conf: Medium,
		when: [][]string{oneOf("unable to connect to the server"), oneOf("certificate has expired")}},
	// A task definition whose network mode its launch type refuses
	// ("Fargate only supports network mode 'awsvpc'", quotes of either kind).
	{name: "network-mode-unsupported", tier: root, cause: ContainerConfigError, conf: High,
		when: [][]string{oneOf("only supports network mode")}},
	// A seccomp profile the pod names but the node lacks.
	{name: "seccomp-profile", tier: root, cause: ContainerConfigError, conf: Medium, runnerUp: PlatformError,
		when: [][]string{oneOf("seccomp profile")}},
	// AppArmor missing or its profile failing to load: the host's. A pod
	// naming a profile the node has not loaded is the pod's.
	{name: "apparmor", tier: root, cause: PlatformError, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("apparmor")},
		not:  []string{"cannot enforce apparmor"}},
	{name: "apparmor-profile-not-loaded", tier: root, cause: ContainerConfigError, conf: Medium, runnerUp: PlatformError,
		when: [][]string{oneOf("cannot enforce apparmor")}},
	// A process that cannot start a thread: the container's pids or
	// thread limit. runc itself failing so ("runc did not terminate
	// sucessfully: runtime/cgo: pthread_create failed") is the host's.
	{name: "thread-limit", tier: root, log: true, cause: ContainerConfigError, conf: Medium, runnerUp: PlatformError,
		when: [][]string{oneOf("pthread_create failed: resource temporarily unavailable", "system error: resource temporarily unavailable")},
		not:  []string{"runc did not terminate"}},
	// A namespace quota that needs every pod to state its requests.
	{name: "quota-needs-requests", tier: root, cause: ContainerConfigError, conf: High,
		when: [][]string{oneOf("must make explicit request")}},
	// The runtime re-executing itself (runc init, rootlesskit, dockerd's
	// reexec) was refused by the host: user namespaces disabled, AppArmor
	// restricting them. Whatever the errno says, the host is at fault.
	{name: "runtime-reexec", tier: frame, cause: PlatformError, conf: Medium,
		when: [][]string{oneOf("fork/exec /proc/self/exe")}},
	// A FUSE filesystem (gcsfuse, s3fs, sshfs) mounted inside a container
	// that was not given /dev/fuse and CAP_SYS_ADMIN.
	{name: "fuse-device", tier: root, log: true, cause: ContainerConfigError, conf: Medium, runnerUp: VolumeMountFailed,
		when: [][]string{oneOf("/dev/fuse", "fuse device not found", "fusermount: mount failed")}},
	// setHostnameAsFQDN with a name longer than the kernel's 64 characters.
	{name: "hostname-too-long", tier: root, cause: ContainerConfigError, conf: High,
		when: [][]string{oneOf("fqdn"), oneOf("is too long")}},
	// runc could not mount a volume as the pod asked (idmapped mounts on a
	// filesystem that does not support them).
	{name: "runc-mount-request", tier: root, cause: VolumeMountFailed, conf: Medium, runnerUp: PlatformError,
		when: [][]string{oneOf("failed to fulfil mount request")}},
	// An amd64 image run under Rosetta on Apple silicon: the emulator
	// failing (a Docker Desktop or macOS release), not the image.
	{name: "rosetta-emulation", tier: root, log: true, cause: PlatformError, conf: Medium, runnerUp: ImagePlatformMismatch,
		when: [][]string{oneOf("rosetta error:")},
		// The amd64 image's loader Rosetta cannot open: the image's
		// architecture is the problem (an arm64 image is the fix).
		not: []string{"failed to open elf at"}},
	{name: "rosetta-image-loader", tier: root, log: true, cause: ImagePlatformMismatch, conf: Medium, runnerUp: PlatformError,
		when: [][]string{oneOf("rosetta error: failed to open elf at")}},
	// dockerd could not run its port-mapping helper: the host install.
	{name: "docker-proxy-missing", tier: root, cause: PlatformError, conf: High,
		when: [][]string{oneOf("failed to start docker-proxy")}},
	// A Docker network whose subnet another network or the host already uses.
	{name: "network-pool-overlap", tier: root, cause: PlatformError, conf: High,
		when: [][]string{oneOf("overlaps with other one on this address space")}},
	// A signature policy (CRI-O, Podman, containers-policy.json) refusing an
	// image that is unsigned or signed by someone else.
	{name: "signature-policy", tier: root, cause: ContainerConfigError, conf: Medium, runnerUp: RegistryAuth,
		when: [][]string{oneOf("source image rejected", "signaturevalidationfailed")}},
	// An authorization plugin (a CI service's restricted daemon) refusing a
	// docker option.
	{name: "authz-plugin-denied", tier: root, cause: ContainerConfigError, conf: Medium, runnerUp: PlatformError,
		when: [][]string{oneOf("authorization denied by plugin")}},
	// IRSA without the cluster's OIDC provider registered in IAM.
	{name: "irsa-oidc-provider-missing", tier: root, cause: ContainerConfigError, conf: High,
		when: [][]string{oneOf("no openidconnect provider found")}},
	// The runtime mounting the container's own /proc, /sys or mqueue: the
	// host (a nested or unprivileged container) refused it, not a volume.
	{name: "runtime-system-mount", tier: root, cause: PlatformError, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("mounting \"sysfs\"", "mounting \"proc\"", "mounting \"mqueue\"", "mounting \"devpts\"")}},
	// An OCI spec runc refuses as given: a relative working directory, a
	// terminal for a detached process.
	{name: "runtime-spec-invalid", tier: root, cause: ContainerConfigError, conf: Medium, runnerUp: PlatformError,
		when: [][]string{oneOf("cwd must be an absolute path", "without setting console socket")}},
	// A CPU without an instruction the image was built for (AVX): SIGILL,
	// exit 132.
	{name: "cpu-instruction-missing", tier: root, log: true, cause: ImagePlatformMismatch, conf: Medium, runnerUp: AppCrash,
		when: [][]string{oneOf("illegal instruction", "sent code 132", "cpu with avx", "avx support")}},
	// A Compose file the compose CLI will not load.
	{name: "compose-file-invalid", tier: root, cause: ContainerConfigError, conf: Medium,
		when: [][]string{oneOf("is invalid because", "additional properties are not allowed",
			"can't find a suitable configuration file", "does not match any of the regexes")}},
	// Resource limits (ulimits) the runtime may not set.
	{name: "rlimit-refused", tier: root, cause: ContainerConfigError, conf: Medium, runnerUp: PlatformError,
		when: [][]string{oneOf("error setting rlimit", "setrlimit `rlimit_", "wrong rlimit value")}},
	// A process without the privilege a tool needs (iptables in a
	// container without NET_ADMIN).
	{name: "needs-root", tier: root, log: true, cause: ContainerConfigError, conf: Medium, runnerUp: PlatformError,
		when: [][]string{oneOf("(you must be root)")}},
	// SIGBUS in a container most often means /dev/shm is too small (64 MB
	// by default) for what the process maps there.
	{name: "bus-error", tier: root, log: true, cause: ContainerConfigError, conf: Low, runnerUp: AppCrash,
		when: [][]string{oneOf("bus error (core dumped)", ": bus error")}},
	// Hardware video acceleration (VAAPI, DRM) without the host's GPU
	// device passed into the container.
	{name: "video-device-missing", tier: root, log: true, cause: ContainerConfigError, conf: Medium, runnerUp: PlatformError,
		when: [][]string{oneOf("failed to open the drm device", "no va display found")}},
	// The runtime could not place the process in its cgroup.
	{name: "cgroup-config", tier: root, cause: PlatformError, conf: High,
		when: [][]string{oneOf("applying cgroup configuration", "unable to apply cgroup configuration", "mounting \"cgroup\"",
			"cgroup.freeze", "to cgroup.procs")}},
	// The runtime's own image store failing (Podman and Buildah's build
	// containers, containers/storage).
	{name: "container-storage", tier: root, cause: PlatformError, conf: Medium,
		when: [][]string{oneOf("error committing the finished image", "error mounting build container", "error mounting container \"")}},
	// The environment and arguments exceed what the kernel takes.
	{name: "argument-list-too-long", tier: root, cause: ContainerConfigError, conf: High,
		when: [][]string{oneOf("argument list too long")}},
	// A user, CI runner or container without access to the Docker socket:
	// the caller was refused the daemon's API (the corpus labels it the
	// caller's 4 times, the host's 2, the container's 1).
	{name: "docker-socket-permission", tier: root, cause: Unknown, conf: Medium, runnerUp: PlatformError,
		when: [][]string{oneOf("permission denied while trying to connect to the docker daemon")}},
	// docker run's -p flag, or an address or port in it, in a form the
	// CLI cannot parse: the command line was refused before any container
	// existed (the corpus labels five of six such messages so).
	{name: "publish-format", tier: frame, cause: Unknown, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("invalid publish opts", "invalid ip address: ", "invalid containerport")}},
	// virtual-kubelet's ACI provider refusing a pod spec field ACI lacks.
	{name: "aci-unsupported-field", tier: root, cause: ContainerConfigError, conf: High,
		when: [][]string{oneOf("aci does not support")}},
	// A pod naming a PriorityClass the cluster does not have.
	{name: "priority-class-missing", tier: root, cause: ContainerConfigError, conf: High,
		when: [][]string{oneOf("no priorityclass with name")}},
	// Docker's refusal to reuse a container name: a deploy script or a
	// person running the same name twice, refused before any container
	// ran (the corpus labels it the caller's 5 times, the spec's 3, a
	// daemon bug's 2).
	{name: "container-name-conflict", tier: root, cause: Unknown, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("is already in use by"), oneOf("container name", "the name ")}},
	// Settings the host or the image's entrypoint requires: kernel
	// parameters (sysctl, vm.max_map_count) and required environment.
	{name: "host-sysctl", tier: root, log: true, cause: ContainerConfigError, conf: High,
		when: [][]string{oneOf("vm.max_map_count", "sysctl")}},
	{name: "env-missing", tier: generic, log: true, cause: ContainerConfigError, conf: Medium, runnerUp: AppCrash,
		when: [][]string{oneOf("is uninitialized and", "environment variable"), oneOf("not set", "is required", "must be set", "missing", "not specified")}},
	// ARM validation codes for container group properties.
	{name: "aci-invalid-properties", tier: root, cause: ContainerConfigError, conf: High,
		when: [][]string{oneOf("invalidostype", "resourcerequestsnotspecified", "resourcelimitslessthanrequests",
			"containerlimitgreaterthan", "is greater than the total request", "cce policy", "not allowed by policy",
			"denied due to policy", "can only have one container", "invalidvolumemountpath",
			// Codes that name a rule the group broke
			// (SubnetAndContainerGroupMustBeInSameSubscription).
			"mustbe")}},
	// ECS API validation (RegisterTaskDefinition, RunTask): the task
	// definition or its overrides; a more specific reason decides over it.
	{name: "ecs-api-validation", tier: generic, cause: ContainerConfigError, conf: Medium,
		when: [][]string{oneOf("clientexception", "invalidparameterexception")}},
	{name: "ecs-task-size", tier: root, cause: ContainerConfigError, conf: High,
		when: [][]string{oneOf("setting for container", "no fargate configuration exists", "unable to assume the role", "sts:assumerole",
			"cluster not found", "clusternotfoundexception")},
		// A role the Secrets Store CSI driver could not assume: the secret
		// is what the pod lacks.
		not: []string{"secrets store", "secrets-store"}},
	// The kubelet's object cache has not registered a secret or configmap
	// it mounts (a kubelet bug, not a missing object).
	{name: "kubelet-object-not-registered", tier: root, cause: PlatformError, conf: Medium, runnerUp: SecretUnavailable,
		when: [][]string{oneOf("\" not registered")}},
	{name: "runtime-not-registered", tier: root, cause: PlatformError, conf: High,
		when: [][]string{oneOf("unknown runtime specified", "invalid runtime name", "unknown or invalid runtime",
			"could not select device driver")}},
	// An awsvpc task's network interface never attached.
	{name: "eni-provisioning", tier: root, cause: PlatformError, conf: Medium,
		when: [][]string{oneOf("network interface provisioning")}},
	// crun names the command it could not find in backquotes ("executable
	// file `/app/start` not found in $PATH"), and Podman reports it as "OCI
	// runtime command not found error": the container's command, not the
	// runtime.
	{name: "crun-command-missing", tier: root, cause: CommandNotFound, conf: High,
		when: [][]string{oneOf("executable file `")}},
	// The host's runtime binary is missing, not the container's command.
	{name: "host-runtime-missing", tier: root, cause: PlatformError, conf: High,
		when: [][]string{oneOf("executable file not found", "no such file or directory", "invalid runtime name", "unknown runtime"),
			oneOf("runc\"", "runc:", "/runc", "nvidia-container-runtime", "containerd-shim", "runtime name",
				// CRI-O validating its configured runtimes; containerd's
				// shim binary for a runtime (io.containerd.runc.v2).
				"runtime validation", "io.containerd.runc.",
				"oci runtime command not found", "\"iptables\"", "\"nvidia-container-cli\"",
				// Rootless Podman's ID-mapping helpers (the uidmap package).
				"\"newuidmap\"", "\"newgidmap\"")},
		// Once runc is starting the container's process, runc is there: what
		// is missing is the container's command.
		not: []string{"error during container init", "starting container process", "executable file `"}},
	// The shell or the runtime could not run the entrypoint file itself
	// ("exec /docker-entrypoint.sh: no such file or directory" from CRLF
	// line ends, "/bin/sh: 1: ./start.sh: not found").
	{name: "entrypoint-file", tier: root, log: true, cause: CommandNotFound, conf: High,
		when: [][]string{oneOf("exec /", "/bin/sh:", "/bin/bash:", "sh: 1:"),
			oneOf(": not found", "no such file or directory", "permission denied", "command not found", "bad interpreter")},
		// A prestart hook's binary is the host's, not the container's.
		not: []string{"exec format error", "running prestart hook"}},
	// A shell script calling a program the image lacks ("line 34: python:
	// not found").
	{name: "script-command-missing", tier: root, log: true, cause: CommandNotFound, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf(": line "), oneOf(": not found")}, re: regexp.MustCompile(`: line \d+: [^:"]+: not found`)},
	// The runtime allowed to start the command but not to exec it: a
	// binary with file capabilities under --cap-drop or a non-root user,
	// a seccomp or no-new-privileges setting.
	{name: "exec-not-permitted", tier: root, cause: ContainerConfigError, conf: Medium, runnerUp: PlatformError,
		when: [][]string{oneOf("exec user process caused"), oneOf("operation not permitted")}},
	// A Windows container whose command the system cannot find.
	{name: "windows-command-missing", tier: root, cause: CommandNotFound, conf: Medium, runnerUp: ImagePlatformMismatch,
		when: [][]string{oneOf("createprocess"), oneOf("cannot find the file specified")}},
	{name: "exec-not-found", tier: root, log: true, cause: CommandNotFound, conf: High,
		when: [][]string{oneOf("executable file not found", "exec user process caused", "command not found",
			"starting container process caused: exec:", "starting container process caused \"exec:", "exec: \"",
			// An interpreter or supervisor whose entry file or program is missing.
			"can't open file", "can't find command", "container command '",
			"error when reading '",
			// Cloud Run refusing an entrypoint file that is not executable;
			// npm and a PaaS without the start script the command names.
			"invalid entrypoint", "npm err! missing script:", "npm error missing script:", "the start command is invalid",
			"unable to access jarfile",
			// Google's buildpacks finding no entrypoint for the app (no
			// Procfile, no GOOGLE_ENTRYPOINT).
			"an entrypoint must be manually set",
			// The daemon refusing to create a container from an image with
			// no CMD and none given.
			"no command specified", "no command or entrypoint provided",
			// Cloud Run's runtime naming the command it could not find
			// ("\"--port\" not found in PATH [/usr/local/sbin ...]").
			"\" not found in path [")},
		// A credential helper or a volume plugin's tool missing on the
		// host is not the container's command.
		not: append([]string{"exec format error", "mountvolume.", "apparmor", "credential provider plugin", "operation not permitted",
			"oci runtime command not found", "\"iptables\"", "\"nvidia-container-cli\"", "\"conntrack\"", "\"runc\"",
			"\"newuidmap\"", "\"newgidmap\""}, credentialHelper...)},

	// Volumes.
	// A Compute Engine disk still attached to another VM (a node that went
	// away without detaching it): the kubelet cannot attach it again.
	{name: "gce-disk-in-use", tier: root, cause: VolumeMountFailed, conf: High,
		when: [][]string{oneOf("resource_in_use_by_another_resource", "is already being used by"), oneOf("disk")}},
	// The kubelet's list of the volumes it is still waiting on, quoted
	// without the reason: any named reason (a Secret, a timeout) decides.
	{name: "volumes-unmounted", tier: symptom, cause: VolumeMountFailed, conf: Low, runnerUp: SecretUnavailable,
		when: [][]string{oneOf("unmounted volumes=[")}},
	// Podman stats a bind mount's source before it starts the container:
	// a source path that does not exist on the host.
	{name: "bind-source-missing", tier: root, cause: VolumeMountFailed, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("error: statfs "), oneOf("no such file or directory")}},
	{name: "volume-mount", tier: stage, cause: VolumeMountFailed, conf: High,
		when: [][]string{oneOf("unable to attach or mount volumes",
			// Container Apps' reason for a replica whose volume (Azure
			// Files) would not mount.
			"reason 'volumemountfailure'",
			"failedattachvolume", "volumedriver.mount", "could not attach volume", "are you trying to mount a directory onto a file",
			"error while creating mount source path", "bind source path does not exist", "invalid mount config",
			"failed to provision volume", "provisioningfailed", "mountvolume.", "subpath",
			"failed to attach volume", "unable to mount volumes", "attachvolume.attach failed", "efs utils", "efs volume", "mount.nfs",
			// EFS's mount helper, Lustre (FSx), and formatting a new block
			// volume.
			"connection to the mount target", "mount.lustre", "mkfs.",
			"unbound immediate persistentvolumeclaims", "persistentvolumeclaim", "multi-attach error", "azurefilevolume",
			"azure file", "to rootfs at", "mount through procfd", "mounting volume", "error mounting", "failed to mount",
			"mount failed", "volume mount", "volume driver", "in driver '", "found reference to volume", "volume plugin",
			"rootfs_linux.go", "iscsiadm: ", "iscsi driver",
			// Nomad's CSI volume hook; Swarm's bind mount whose source is missing;
			// an SELinux relabel (:z, :Z) the volume's filesystem refuses.
			"\"csi_hook\"", "invalid bind mount source", "lsetxattr(label=",
			// Azure: a disk lease taken by another attach; a Container Apps
			// environment without the storage a volume names.
			"acquiredisklease", "managedenvironmentstoragenotfound",
			// virtual-kubelet's ACI provider refusing a pod's volume.
			"which is of an unsupported type", "mount error(",
			// Docker Desktop's file sharing.
			"mounts denied", "drive is not shared",
			// Ceph, SMB and block devices under a volume; filesystems that
			// will not mount.
			"libceph", "smbglobalmapping", "output: mount: ", "superblock", "bad magic number", "could not get modinfo",
			// ECS's agent failing to create a task's volumes.
			"volumeerror:", "task's volume resources")},
		// containerd mounting an image's layers to unpack or start them is
		// the runtime's own storage, not a volume.
		not: []string{"/containerd-mount", "failed to mount container storage"}},
	// A CSI driver the node has not registered (not installed, or its
	// node plugin not running): the volume cannot mount, whatever it holds.
	{name: "csi-driver-not-registered", tier: root, cause: VolumeMountFailed, conf: High,
		when: [][]string{oneOf("not found in the list of registered csi drivers", ".csi.k8s.io\" not found")}},

	// Probes and load balancers.
	{name: "probe", tier: frame, cause: HealthCheckFailed, conf: High,
		when: [][]string{oneOf("liveness probe failed", "readiness probe failed", "startup probe failed", "failed liveness probe",
			"failed startup probe", "failed readiness probe", "health checks failed", "failed elb health checks",
			"failed container health checks", "is unhealthy in", "health check failed", "healthcheck failed",
			"unhealthy container", "probe failed", "unhealthythreshold", " is unhealthy", "probe errored",
			// istio-proxy's readiness check output; a watchdog's health score;
			// an EC2 Auto Scaling replacement for a load balancer's check.
			"envoy proxy is not ready", "health level: ", "elb system health check failure",
			// docker ps's STATUS for a container whose HEALTHCHECK fails.
			"(unhealthy)",
			// A test harness's wait for a container's HEALTHCHECK; Traefik's
			// check of a backend.
			"waiting for container to become healthy", "health check still failing",
			// Cloud Run's revision that never passed its startup probe.
			"failed the configured startup probe",
			// GKE Ingress's annotation of its backends' health-check state.
			"\":\"unhealthy\"")},
		// A probe the runtime could not start (no cgroup for its process) is
		// the host's fault, not the app's.
		// replicatedhq/troubleshoot's "is unhealthy with a status of: X.
		// Message is: ..." names a pod status, not a probe.
		// The distribution registry answering 503 names its own failed
		// health check ("please see /debug/health"): the registry is down.
		not: []string{"due to an internal error", "to cgroup.procs", "unhealthy with a status of", "please see /debug/health"}},

	// A platform's start-up check that the container listens on its port
	// (Cloud Run's "failed to start and listen on the port defined by the
	// PORT environment variable", Render's port scan): the check failed;
	// why the app did not listen is in its own logs.
	{name: "port-listen-check", tier: stage, cause: HealthCheckFailed, conf: Medium, runnerUp: AppCrash,
		when: [][]string{oneOf("listen on the port defined", "no open ports detected")}},
	// The kubelet's ProbeWarning event: the probe passed with a remark
	// (a redirect it did not follow, a body it cut).
	{name: "probe-warning", tier: frame, cause: NotAFailure, conf: High, runnerUp: HealthCheckFailed,
		when: [][]string{oneOf("probe warning:")}},
	// A load balancer's or the kubelet's health check in the app's access
	// log: a 4xx or 5xx answer is the failed check.
	{name: "health-checker-access-log", tier: root, log: true, cause: HealthCheckFailed, conf: Medium, runnerUp: AppCrash,
		when: [][]string{oneOf("elb-healthchecker/", "kube-probe/", "googlehc/")},
		re:   regexp.MustCompile(`" [45]\d\d [\d-]+ .*(?i:elb-healthchecker/|kube-probe/|googlehc/)`)},
	{name: "probe-kubelet", tier: frame, cause: HealthCheckFailed, conf: High,
		when: [][]string{oneOf("liveness probe for", "readiness probe for", "startup probe for"), oneOf("failed")}},

	// Heroku's dyno memory errors (R14 past the quota into swap, R15 killed
	// past twice it): the dyno's memory, not an account quota.
	{name: "heroku-memory", tier: root, log: true, cause: OutOfMemory, conf: High,
		when: [][]string{oneOf("memory quota exceeded", "memory quota vastly exceeded")}},

	// Placement.
	{name: "quota", tier: root, cause: QuotaExceeded, conf: High,
		when: [][]string{oneOf("exceeded quota", "failed quota", "you've reached the limit", "exceeds limit",
			"exceeds the maximum limit", "quota exceeded", "quotaexceeded", "containergroupquotareached",
			"exceeding approved", "above your limit", "insufficient vcpu quota", "insufficient regional quota", "insufficient quota", "insufficientquota", "servicequotaexceeded", "quota limit", "limit on the number of", "resource quota", "vcpu limit",
			"container group quota", "exceeds the limit", "maxspotinstancecountexceeded", "operations quota",
			// EC2's limit codes (VpcLimitExceeded) and wording, ARM's per-region caps.
			"limitexceeded", "instance(s) are already running", "cannot create more than", "cannot have more than",
			// A registry plan's allowance of repositories (DigitalOcean's
			// "registry contains 1 repositories, limit is 1").
			"repositories, limit is",
			// Kueue holding a workload its ClusterQueue has no quota left for.
			"insufficient unused quota",
			// Google Cloud's quota check ("Quota violated:
			// MemAllocPerProjectRegion requested: ... allowed: ..."), its
			// metric named alone.
			"quota violated", "perprojectregion requested",
			// ECS's cap on a service's simultaneously active deployments.
			"active deployments exist")},
		// A registry's request quota (Artifact Registry's "toomanyrequests:
		// Quota exceeded for quota metric") is a rate limit; an API's request
		// limit is throttling; the kernel's limits on inotify instances and
		// open files, and on session keys, are the host's or the
		// container's, not an account's.
		not: []string{"session key", "toomanyrequests", "too many requests", "requestlimitexceeded", "internal error occurred", "inotify",
			"open file descriptors", "backofflimitexceeded", "ratelimitexceeded", "emptydir volume", "response code 429",
			"memory quota", "must specify limits", "must specify requests", "insufficient quota to match these scopes"}},
	// A namespace's ResourceQuota refusing a pod that sets no limits or
	// requests ("failed quota: compute-resources: must specify
	// limits.cpu"), or a priority class no quota scope admits (GKE keeps
	// the node- and cluster-critical classes to kube-system): the pod's
	// spec, not a quota used up. (The corpus labels the first either
	// way, more often as the spec's.)
	{name: "quota-needs-spec", tier: root, cause: ContainerConfigError, conf: Medium, runnerUp: QuotaExceeded,
		when: [][]string{oneOf("must specify limits", "must specify requests", "insufficient quota to match these scopes")}},
	// A named quota, however it is worded ("Quota 'CPUS' exceeded").
	{name: "quota-named", tier: generic, cause: QuotaExceeded, conf: High,
		when: [][]string{oneOf("quota"), oneOf("exceed", "reached")},
		not:  []string{"disk quota", "toomanyrequests", "too many requests"}},
	// Compute Engine throttling a disk attach: the cloud's API, whatever
	// step it stopped.
	{name: "gce-rate-limit", tier: root, cause: PlatformError, conf: High,
		when: [][]string{oneOf("ratelimitexceeded", "too many pending operations")}},
	// A Google Cloud API request refused as malformed (node pool settings
	// that do not go together, a network range or name the API does not
	// accept): the caller's request, whatever it asked for.
	{name: "gcp-bad-request", tier: generic, cause: Unknown, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("googleapi: error 400")}},
	{name: "api-throttled", tier: generic, cause: PlatformError, conf: High,
		when: [][]string{oneOf("requestlimitexceeded", "request limit exceeded", "throttlingexception", "rate exceeded",
			"throttled", "too many concurrent attempts", "number of requests for subscription",
			"request limit has been exceeded", "requests have been received for this subscription",
			// The Kubernetes API server's 429 to a client (client-go's
			// wording for StatusReasonTooManyRequests).
			"has asked us to try again later")}},
	// The kubelet rejecting a pod at admission when the node lacks the
	// resource (pod status reason "OutOfcpu", "OutOfpods", "OutOfnvidia.com/gpu").
	{name: "kubelet-admission-out-of", tier: root, cause: InsufficientCapacity, conf: High,
		when: [][]string{oneOf("outof")}, re: regexp.MustCompile(`\bOutOf(?:cpu|memory|pods|ephemeral-storage|[a-z0-9.-]+/[a-z0-9.-]+)\b`)},
	{name: "capacity", tier: root, cause: InsufficientCapacity, conf: High,
		when: [][]string{oneOf("insufficient cpu", "insufficient memory", "insufficient pods", "insufficient nvidia",
			"insufficient ephemeral", "resource:cpu", "resource:memory", "resource:gpu", "resource:eni", "resource:ports",
			"resource:fargate",
			"no container instance met all of its requirements", "capacity is unavailable",
			"missing an attribute required by your task", "unable to attach network interface", "no available ip addresses",
			"failed to assign an ip address", "insufficientfreeaddressesinsubnet", "not available in the location",
			"insufficient capacity", "insufficientcapacity", "didn't match pod's node affinity", "untolerated taint",
			"no nodes available to schedule", "didn't trigger scale-up", "insufficientinstancecapacity",
			"no container instances", "no capacity pools", "resource_pool_exhausted", "too many pods",
			"didn't have free ports", "node(s) were unschedulable", "not have enough resources available",
			"host ports unavailable", "taints that the pod didn't tolerate", "max node group size reached",
			"no spot capacity", "out of resources", "ips available", "insufficientsubnetsize",
			"is already full", "subnetisfull", "podexceedsfree",
			"free ips: 0", "topology affinity error", "higher than that can be met", "no remaining cidrs",
			// The kubelet's CPU manager short of exclusive CPUs; cluster-autoscaler
			// standing in for instances its cloud could not create.
			"not enough cpus available", "creating placeholder instance",
			// EKS on Fargate: no Fargate size holds the pod's requests.
			"exceed the max fargate configuration",
			"failed to fit in any node", "cidrnotavailable",
			// Compute Engine's zonal capacity code; AKS closing a region to
			// new clusters for a while.
			"overconstrainedallocationrequest", "due to an operational threshold",
			// cluster-autoscaler's visibility event for a scale-up with no
			// capacity; Nomad's placement failures.
			"scale.up.error.out.of.resources", "(failed to place", "waiting for additional capacity",
			// Volcano's gang scheduling: the whole group could not be placed.
			"in gang unschedulable",
			// A CNI's IP pool for the node is used up (Cilium, host-local).
			"range is full", "no ip addresses available in range",
			// Swarm placing a service task; cluster-autoscaler on a pending pod.
			"no suitable node (insufficien", "scheduling constraints not satisfied", "host-mode port already in use",
			"no suitable node available",
			"is unschedulable")},
		// A node whose disk is under pressure cannot take the pod: the
		// disk is what needs freeing.
		not: []string{"disk-pressure"}},

	// The cluster's own machinery failing under a workload: etcd losing
	// its leader or timing out, a P2P image mirror (Spegel) unable to
	// resolve, a kernel without a feature the runtime needs.
	// The Windows host compute service refusing to create a container for
	// a reason of its own (a feature or file it lacks, a Win32 error): the
	// host's fault, unless it says the image's Windows version differs.
	{name: "windows-hcs", tier: root, cause: PlatformError, conf: Medium, runnerUp: ImagePlatformMismatch,
		when: [][]string{oneOf("hcsshim::createcomputesystem")},
		not:  []string{"operating system does not match"}},
	{name: "host-machinery", tier: root, cause: PlatformError, conf: Medium,
		when: [][]string{oneOf("etcdserver: ", "mirror resolve retries exhausted", "kernel does not support cpu",
			"kernel is not configured to",
			// crun without a systemd bus to set up cgroups; dockerd out of
			// address pools for networks; a feature gate the cluster keeps
			// off; ACI's host without overlay; the ECS agent without its
			// pause image; an AWS service's own 5xx.
			"cannot open sd-bus", "have been fully subnetted", "non-overlapping ipv4 address pool", "is disabled by feature-gate",
			"special device overlay does not exist", "~internal~ecs~pause", "serverexception",
			// k3s on a filesystem without overlay support; Docker Desktop on
			// Windows without Hyper-V, or whose WSL 2 VM died under it.
			"snapshotter cannot be enabled", "required feature is not installed",
			"wsl engine terminated", "wsl integration terminated abruptly", "running wsl-bootstrap", "wsl-bootstrap version",
			"a wsl distro that docker desktop relies on",
			// The kernel's keyring full for the runtime's session keys;
			// btrfs, zfs and device-mapper storage failing under dockerd;
			// user namespaces the host will not map; a GPU driver at odds
			// with its kernel module or with no free device; a service
			// account without its API token.
			"could not create session key", "unable to join session keyring", "unable to create session key",
			"failed to create btrfs subvolume", "failed to remove root filesystem", "btree spine",
			"cannot setup namespace using newuidmap", "can't init user+mount namespaces",
			"nvrm: api mismatch", "requested number of devices unavailable",
			"no api token found for service account",
			// Rootless runtimes the host will not give a runtime directory
			// or namespaces to; a CNI range whose addresses a crash left
			// allocated.
			"error creating tmpdir: mkdir /run/user/", "unshare: operation not permitted", "unshare(clone_newuser)", "is not available in range set",
			// runc joining a container's namespaces, or opening its
			// terminal, refused by the host's kernel or security module.
			"setns process for init caused", "executing setns process caused", "open /dev/pts/0: operation not permitted",
			// containerd's snapshotter unable to mount an image's layers
			// (its temporary mounts, a Windows layer); the kubelet refusing
			// its own credential-provider config.
			"failed to mount rootfs component", "/containerd-mount", "failed to mount container storage",
			"failed to register cri auth plugins")}},
	// ECS placement that names the agent: the instance's agent is
	// disconnected, not short of resources.
	{name: "ecs-agent-disconnected", tier: root, cause: PlatformError, conf: High,
		when: [][]string{oneOf("encountered error \"agent\"")}},

	// A host port another container or process holds: the container's
	// port mapping, on a Docker host. ECS places tasks by port, so there a
	// port held on the instance is a placement failure.
	{name: "host-port-taken", tier: root, cause: ContainerConfigError, conf: Medium, runnerUp: InsufficientCapacity,
		when: [][]string{oneOf("port is already allocated", "port already allocated", "ports are not available",
			"driver failed programming external connectivity")},
		// iptables itself failing under that wrapper is the host's firewall.
		not: []string{"cannotstartcontainererror", "iptables failed"}},
	{name: "ecs-host-port-taken", tier: root, cause: InsufficientCapacity, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("cannotstartcontainererror"), oneOf("port is already allocated")}},

	// Nodes.
	{name: "node-gone", tier: root, cause: NodeInterrupted, conf: High,
		when: [][]string{oneOf("spotinterruption", "spot interruption", "terminationnotice", "host ec2",
			"node no longer exists", "deleting all pods from node", "forceful termination", "evictionbyevictionapi",
			"was preempted", "preempted by", "node is shutting down", "nodenotready", "node not ready", "shutting down node",
			// AKS's node condition for a scheduled Azure maintenance event.
			"vmeventscheduled", "preempt scheduled",
			"spot task was interrupted", "was interrupted", "node shutdown", "instance terminated", "is disrupted",
			"nodeshutdown", "deletionbygcpcontrollermanager", "node was drained", "noexecutetaintmanager", "taintmanagereviction",
			"deleting due to noexecute taint",
			// An eviction controller (a termination handler's, the descheduler's)
			// emptying a node.
			"is evicting pods on node",
			"evict pod: ", "lifecycle termination", "instance will be interrupted", "failed to drain node",
			"flagging node as dead", "retire any tasks", "marking for deletion pod", "scheduled for retirement", "being retired", "removing node",
			"has been rebooted", "performing maintenance on the underlying infrastructure", "interruption message",
			"platform initiated", "draining node", "drained node", "nodelost", "nodenotschedulable", "nodes are not-ready",
			"taken out of service in response to an ec2 health check",
			// The node lifecycle controller on a node that stopped reporting;
			// GKE's TerminationEvent for a host that failed.
			"which was running pod", "terminationevent: node",
			// kubectl get nodes' STATUS for a node gone NotReady and cordoned.
			"notready,schedulingdisabled")}},
	// kubectl's STATUS column after a node shut down under its pods.
	{name: "node-shutdown-status", tier: root, cause: NodeInterrupted, conf: Medium, runnerUp: AppCrash,
		when: [][]string{oneOf(" terminated ", " nodeshutdown ")},
		re:   regexp.MustCompile(`\s(?:Terminated|NodeShutdown)\s+\d+(?:\s|$)`)},
	// kubectl's STATUS column for a pod the kubelet evicted, most often for
	// its ephemeral storage.
	{name: "evicted-status", tier: root, cause: DiskFull, conf: Low, runnerUp: OutOfMemory,
		when: [][]string{oneOf(" evicted ")},
		re:   regexp.MustCompile(`\d+/\d+\s+Evicted\s+\d`)},
	// The kubelet rejects a pod whose node affinity no longer matches: the
	// node was recreated (preemption, repair) without the labels the pod
	// was bound for.
	{name: "node-recreated", tier: root, cause: NodeInterrupted, conf: Medium, runnerUp: InsufficientCapacity,
		when: [][]string{oneOf("predicate nodeaffinity failed")}},

	// Platform.
	// A rootless or user-namespaced runtime without enough subordinate
	// IDs for the image's files (/etc/subuid, /etc/subgid): the host's
	// set-up; Nomad with no node whose task driver is healthy.
	{name: "host-setup-missing", tier: root, cause: PlatformError, conf: Medium,
		when: [][]string{oneOf("insufficient uids or gids", "not be enough ids available", "constraint \"missing drivers\"",
			// Rootless storage on a host without FUSE.
			"fuse-overlayfs: cannot mount")}},
	// runc failing so early that the shim cannot read its error back
	// ("unable to retrieve OCI runtime error (open .../log.json: no such
	// file or directory)"): the runtime's own state on the host, whatever
	// the runtime printed after it (all 11 certain corpus labels). A pod
	// sandbox's is pod-sandbox's.
	{name: "oci-runtime-error-lost", tier: frame, cause: PlatformError, conf: Medium,
		when: [][]string{oneOf("unable to retrieve oci runtime error")}, not: []string{"pod sandbox"}},
	// A Google Cloud API the project never enabled or turned off (Cloud
	// Run Admin, Compute; gcloud's "API [run.googleapis.com] not enabled
	// on project"): the project's set-up, whoever called. An API the
	// logging driver or the pull needed is named by their own rules.
	{name: "gcp-api-disabled", tier: stage, cause: PlatformError, conf: High,
		when: [][]string{oneOf("has not been used in project", "not enabled on project")},
		not:  []string{"logging", "artifact registry", "/manifests/", "pull"}},
	{name: "platform", tier: stage, cause: PlatformError, conf: High,
		when: [][]string{oneOf("not registered to use namespace", "missingsubscriptionregistration",
			"not supported in the requested availability zone", "not supported in the requested",
			"devicemapper",
			"an internal error", "internal error occurred", "locationnotavailableforresourcetype", "not available for subscription",
			"dockertimeouterror", "containerruntimeerror", "failed to create containerd task", "guest rpc failure",
			"service linked role", "service-linked role", "reason: internal error", "pleg is not healthy",
			"container runtime is down", "runtime network not ready", "networkpluginnotready", "cni plugin not initialized",
			"no suitable node", "cannot connect to the docker daemon", "unable to connect to docker daemon",
			"ecs agent failed to start", "failed to initialize network manager",
			// A Container Apps environment whose own deployment failed.
			"managedenvironmentnotprovisioned",
			"couldn't connect to docker daemon", "failure reason: agent", "failed to create shim", "unable to apply cgroup configuration",
			"shim version", "failed to start shim", "runtime spec devices", "cni config", "/etc/cni/net.d",
			"still transitioning", "\"reason\":\"agent\"", "pod allocate failed", "unexpectedadmissionerror",
			// The docker client could not reach its daemon; the kubelet could not
			// read the image filesystem's size.
			"error during connect", "invalid capacity 0 on image filesystem", "error executing setns process",
			// containerd still holding a container's name from a create
			// that hung.
			"failed to reserve container name",
			// The NVIDIA runtime hook, or a GPU tool, could not load the
			// host's driver library.
			"nvidia-container-cli: ", "failed to initialize nvml",
			// CUDA in the image newer than the host's driver supports.
			"forward compatibility was attempted", "cuda driver version is insufficient",
			// A kernel booted without the memory cgroup (Raspberry Pi OS).
			"failed to find memory cgroup",
			// Host networking and kernel faults; a snapshotter the host cannot serve.
			"iptables", "] plugin/errors: ", "cpu stuck for", "runc did not terminate", "soft lockup", "failed to create containerd container",
			"noregisteredproviderfound", "no registered resource provider", "enableservicelinks",
			// The kernel's network-namespace refcount leak: a veth or lo
			// that never frees, hanging container teardown.
			"unregister_netdevice: waiting for",
			// AKS naming zones a region does not have.
			"availabilityzonenotsupported",
			"is not available for resource type", "cgroup v1", "can only run as pid 1",
			// Host faults: the VM under Docker Desktop or Colima, systemd
			// delegation and its socket, kernel modules and hung tasks, the
			// kubelet's own start, loop devices, orphaned pod directories.
			"error starting vm", "docker.core.backend", "windows subsystem for linux instance has terminated",
			"lima-hostagent", "delegate=yes", "/run/systemd/private", "podman socket", "podman-machine", "podman machine",
			"not supported as upperdir",
			// QEMU under Colima or Lima refusing its accelerator; a docker
			// unit systemd refuses; sysbox's own daemons unreachable.
			"qemu exited unexpectedly", "hv_denied", "execstart= setting", "with sysbox-mgr", "with sysbox-fs",
			// Go's signal-stack mlock on kernels that break it; a docker
			// client newer than its daemon; kube-proxy without the host's
			// conntrack.
			"mlock of signal stack failed", "maximum supported api version",
			"\"conntrack\": executable file not found", "failed to load kernel module",
			"blocked for more than", "aio-max-nr", "failed to start containermanager", "loopback device",
			"orphaned pod", "mac doesn't match", "remounting filesystem read-only", "hnscall failed", "hcncreate",
			"failed to create trunk interface", "error dialing backend", "cannot destroy container",
			"reason: invalidcertificate", "runpodsandbox from runtime service failed", "cannotinspectcontainererror", "swap on is not supported",
			// runc unable to start its own parent process (a namespace the
			// host's AppArmor profile or kernel refuses); a prestart hook
			// (the NVIDIA hook, a replaced dockerd) failing on the host.
			"unable to create new parent process", "running prestart hook",
			// A virtual-kubelet provider (ACI virtual nodes) failing the pod.
			"providerfailed",
			// The Docker daemon's Windows pipe is absent: the daemon is not running.
			"named pipe error",
			// The ECS agent's own introspection endpoint not answering its
			// health check; an endpoint URL the agent built without a scheme.
			"localhost:51678", "unsupported protocol scheme")}},
	// A CI job's Docker client pointed at the docker:dind service
	// ("tcp://docker:2375", "lookup docker on ...: no such host"): the
	// job's services or DOCKER_HOST are not set up (the corpus labels it
	// the job's setting 5 times, the caller's 1, a node's 1).
	{name: "ci-docker-service", tier: root, cause: ContainerConfigError, conf: Medium, runnerUp: PlatformError,
		when: [][]string{oneOf("tcp://docker:2375", "tcp://docker:2376", "http://docker:2375", "http://docker:2376", "lookup docker on ")}},
	// Docker Desktop's port forwarder failing on the host (it comes up
	// broken after a Windows boot), not a port another process holds.
	{name: "userland-proxy-fault", tier: root, cause: PlatformError, conf: Medium, runnerUp: InsufficientCapacity,
		when: [][]string{oneOf("userland proxy"), oneOf("input/output error")}},
	// The storage driver failing to build a container's layers (an old
	// kernel's overlay, aufs): the host's, not a volume's.
	{name: "storage-driver-mount", tier: root, cause: PlatformError, conf: Medium, runnerUp: VolumeMountFailed,
		when: [][]string{oneOf("error creating overlay mount", "error creating aufs mount", "-init/merged/")}},
	// A Windows client finding no Docker pipe (docker_engine, Docker
	// Desktop's docker_d4w_systray): the daemon is not running.
	{name: "docker-pipe-missing", tier: root, cause: PlatformError, conf: Medium,
		when: [][]string{oneOf(`pipe\docker`, "pipe/docker"), oneOf("cannot find the file specified")}},
	// Docker's reason for a container it created but could not start,
	// mostly its command (a shell builtin, a missing binary).
	{name: "container-cannot-run", tier: symptom, cause: CommandNotFound, conf: Low, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("containercannotrun")}},

	// Application.
	{name: "app-error", tier: generic, log: true, cause: AppCrash, conf: Medium,
		when: [][]string{oneOf("panic:", "traceback (most recent call last)", "segmentation fault", "fatal error",
			"exception in thread", "unhandled exception", "errcode:", "can't create/write", "connection refused",
			"exit status", "errored during run with status code", "observed a panic", "nil pointer dereference", "no module named",
			"modulenotfounderror", "cannot find module", "problem connecting to", "could not connect to the database",
			"unable to connect to the database", "keyerror:", "valueerror:", "typeerror:", "attributeerror:",
			"nameerror:", "importerror:", "nullpointerexception", "illegalstateexception", "illegalargumentexception",
			"uncaught exception", "unhandledpromiserejection", "sigsegv", "sigabrt", "core dumped", "npm err!",
			"econnrefused", "syntaxerror:", "hosting failed to start", "exception starting", "application crashed",
			"panicked at", "a server is already running", "(pid 1) already running", "didn't complete successfully", "unbound variable", "httperror:",
			// libpq (psql, an init container's database check) failing to
			// resolve the database's host name.
			"could not translate host name")}},
	// The daemon refusing exec or attach: the container has already exited.
	{name: "container-not-running", tier: generic, cause: AppCrash, conf: Medium, runnerUp: OutOfMemory,
		when: [][]string{oneOf("error response from daemon: container "), oneOf(" is not running")}},
	// The shell reporting a job it ran was killed (SIGKILL): "line 28: 7 Killed".
	{name: "shell-killed", tier: generic, log: true, cause: OutOfMemory, conf: Medium, runnerUp: HealthCheckFailed,
		when: [][]string{oneOf("killed")}, re: regexp.MustCompile(`(?:^|\s)\d+\s+Killed(?:\s|$)|^\s*Killed\s*$`)},
	// A frame of the backtrace a crashing native program prints
	// ("#0  0x563e3021d38e in cb_stdout_flush() at ...").
	// busybox wget in an init container or a job failing its own download
	// (a TLS alert, a reset, an unknown host): the container's command failed.
	{name: "wget-download-failed", tier: generic, log: true, cause: AppCrash, conf: Medium, runnerUp: RegistryUnreachable,
		when: [][]string{oneOf("wget: tls error", "wget: error getting response", "wget: bad address")}},
	{name: "backtrace-frame", tier: generic, log: true, cause: AppCrash, conf: Medium,
		when: [][]string{oneOf("  0x")}, re: regexp.MustCompile(`(?m)^\s*#\d+\s+0x[0-9a-fA-F]+\s+in\s+\S+\(`)},

	// The Azure CLI's or SDK's own Python failing (a missing module, a
	// client without the attribute the command wants): a tooling defect,
	// no container failed.
	{name: "azure-tooling-defect", tier: frame, cause: Unknown, conf: Medium,
		when: [][]string{oneOf("no module named 'azure.", "managementclient' object has no attribute",
			"operations' object has no attribute", "'networkprofile' object has no attribute")}},
	// The AWS CLI's or SDK's own check of a request against the API model
	// it ships with: a field it does not know is most often a newer field
	// than the installed CLI (nothing was sent), less often a field the
	// API never had.
	{name: "aws-client-validation", tier: frame, cause: Unknown, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("parameter validation failed", "unknown parameter in ")}},
	// kubectl or the Azure CLI refusing a command that names no container
	// in a pod or group of several: the command line, not a container.
	{name: "client-needs-container-name", tier: frame, cause: Unknown, conf: Medium,
		when: [][]string{oneOf("a container name must be specified", "--container-name required")}},
	// A client tool at odds with its server or its own state: kubectl
	// asking an API the server does not serve or further from the server's
	// version than it supports, a docker context that lacks the command,
	// Helm reusing a release name, a second removal of one container.
	{name: "client-tool-error", tier: frame, cause: Unknown, conf: Medium,
		when: [][]string{oneOf("error from server (notfound): the server could not find the requested resource",
			"exceeds the supported minor version skew", "not supported on context type",
			"cannot re-use a name that is still in use",
			// docker kill on a stopped container; CloudFormation's schema
			// check of a template ("#/X: required key [Y] not found").
			"can only kill running containers", "required key [", "extraneous key [",
			// kubectl: an API version the server no longer serves, a
			// credential plugin it no longer reads (one it no longer ships
			// is below, with kubeconfig errors); Helm waiting on its own
			// release lock.
			"error: unable to recognize", "is registered for version",
			"exec plugin: invalid apiversion", "another operation (install/upgrade/rollback) is in progress",
			// kubectl without a reachable or matching API server; Helm refusing
			// a chart's Kubernetes range or an object another release owns;
			// a YAML file that does not parse; the AWS SDK refusing its own
			// request's parameters.
			"unable to connect to the server", "couldn't read version from server", "doesn't have a resource type",
			"chart requires kubeversion", "rendered manifests contain a resource that already exists",
			"mapping values are not allowed", "invalid type for parameter", "parameter validation failed",
			// kubectl reading an OpenAPI schema newer than it knows.
			"schemaerror(",
			// kubectl signed out or without the API for a kind (an operator's
			// manager missing one is the workload's own crash); its exec,
			// attach and port-forward refused for the caller or a pod that
			// is not running (a container not found stays the pod's);
			// kubectl's and docker's own argument checks; Helm's wording
			// without the hyphen and with a quoted range; Helm listing its
			// release Secrets; a Compose network no file defines.
			"must be logged in to the server", "unable to recognize \"", "resource mapping not found", "unable to upgrade connection: forbidden",
			"unable to upgrade connection: 404", "unable to forward port because pod is not running",
			"in resource/name form", "error: no such object:", "client is newer than server",
			"chart requires `kubeversion", "cannot re use a name that is still in use", "failed to query with labels",
			"refers to undefined network", "uses an undefined network",
			// ECS asked about a service that does not exist; CodeDeploy
			// refusing the services a deployment group names.
			"servicenotfoundexception", "invalidecsserviceexception",
			// Argo CD and Flux failing to render or diff what they deploy;
			// Terraform refusing an argument; docker login without a
			// terminal.
			"kustomize build failed", "failed to compare desired state to live state", "comparisonerror:",
			"error: unsupported argument", "is not expected here", "interactive login from a non tty device",
			// Argo CD refusing a sync while another runs.
			"another operation is already in progress",
			// Templates and requests their own service refuses before
			// anything runs: CloudFormation's template check, azapi's schema,
			// traffic splits that do not add up to 100 (Container Apps,
			// Knative), a revision name outside its service's, a task
			// definition revision deregistered, a Container App moved between
			// environments; a GitHub Action or gcloud without credentials to
			// act with; docker's own --tmpfs parsing.
			"service: amazoncloudformation; status code: 400", "embedded schema validation failed",
			"total percentage of traffic", "traffic percent sum", "revision name must be prefixed",
			"taskdefinition is inactive", "containerappenvironmentmismatch", "no method for authentication",
			"invalid tmpfs option",
			// Helm upgrading a release that never deployed; Flux's dry run
			// and Argo CD's manifest generation refusing what they render.
			"has no deployed releases", "dry-run failed", "manifest generation error",
			// A client without a cluster to talk to: no kubeconfig context,
			// an unreadable kubeconfig, GKE's credential plugin missing.
			"kubernetes cluster unreachable", "no context exists with the name", "invalid kube-config file",
			"gke-gcloud-auth-plugin",
			// docker: swarm commands on a node outside a swarm, a build
			// whose context or Dockerfile is not where it was pointed,
			// buildx's docker driver asked for several platforms.
			"not a swarm manager", "unable to prepare context", "cannot locate specified dockerfile",
			"multi-platform build is not supported for the docker driver",
			"multiple platforms feature is currently not supported for docker driver",
			// The Azure CLI's argument parser; the CDK failing to publish
			// its assets.
			"unrecognized arguments: ", "usage error: ", "' command group", "argumentusageerror", ": expected one argument", "failed to publish one or more assets",
			"failed to publish asset ",
			// ecs-cli's own commands failing: its CloudFormation stack, its
			// region and credentials, the tasks it lists.
			"error executing 'up'", "error executing 'down'", "error executing 'ps'", "error executing 'scale'",
			"error executing 'start'", "error executing 'stop'", "error executing 'create'",
			// Container Apps refusing a name the request gives (the app's,
			// a revision's, a secret's, the environment's) or its schema.
			"containerappinvalidname", "containerappinvalidrevisionname", "containerappinvalidsecretname",
			"containerappinvalidschema", "managedenvironmentinvalidname",
			// kubectl sending a kind the server does not serve, a CRD too
			// large for client-side apply, an object whose namespace is
			// not the request's, or talking to no API server at all; a
			// controller started before its CRD; kustomize merging one
			// resource twice.
			"no matches for kind", "metadata.annotations: too long", "does not match the namespace sent on the request",
			"namespace mismatch", "did you specify the right host or port", "should be installed before calling start",
			"may not add resource with an already registered id",
			// Build and CI tooling: buildx's docker exporter, a CI runner
			// without Linux containers or without the Dockerfile it was
			// given, a test harness's Compose on Podman, skaffold's config
			// version.
			"does not currently support exporting manifest lists", "only supported on linux runners",
			"no dockerfile matching", "is unsupported for podman", "parsing skaffold config",
			// Clients without a usable kubeconfig or context, or with an
			// auth plugin kubectl no longer ships (GCP's, Azure's);
			// skaffold's deploy step passing on kubectl's failure.
			"no configuration has been provided", "current-context is not set", "context was not found for specified context",
			"invalid context specified", "no configuration has been found", "auth plugin has been removed",
			"auth plugin is not supported", "deploying manifests: exit status",
			// kubectl's own arguments: a pod of several containers with
			// none named, a missing argument, an object whose namespace is
			// not the command's; argparse and gcloud refusing a choice or
			// a command of another release track.
			"please specify the container to print logs", "is a required argument for the",
			"the namespace from the provided object", "invalid choice: '", "alternate release tracks",
			// Compose's schema types and file versions.
			"contains an invalid type, it should be", "unsupported compose file version",
			// The AWS CLI without a region or given an ARN of another
			// region; ecs-cli's CloudFormation stack for the cluster;
			// Azure resources named that do not exist in the
			// subscription; CircleCI refusing a Docker version.
			"you must specify a region", "invalid region in arn", "cloudformation stack already exists for the cluster",
			"cloudformation stack not found for cluster", "could not be found in subscription", "parentresourcenotfound",
			"is not supported on this resource class",
			// ECS asked about a task or cluster by an identifier of another
			// kind or cluster; Compose starting a project with nothing
			// created.
			"invalid identifier: ", "unsupported resource type: ", "no containers to start",
			// A cluster that does not exist or was deleted; the EKS API
			// refusing a request's parameters; Copilot's manifest; ACR's
			// credential commands with the admin user off; a CI job's OIDC
			// role that does not trust it.
			"clusternotfoundexception", "the specified cluster is inactive", "(service: amazoneks;",
			"unmarshal manifest for", "cannot perform credential operations", "could not assume role with oidc",
			// docker-compose 1.x reading an image field Docker Engine 25
			// no longer returns ("ERROR: for web  'ContainerConfig'");
			// Cloud Run's source deploy without Artifact Registry access;
			// kubectl run given a generator it no longer has; the ECS API
			// refusing a request's enumerated parameter or a call that
			// names no container instance; a runner's shell without
			// Compose v1 (removed from CI images in favour of `docker
			// compose`).
			"'containerconfig'", "access is required to deploy from source", "error: generator \"",
			"docker-compose: command not found",
			"should be one of [", "container instance can not be blank", "container instance cannot be empty")}},
	// A cluster version the managed service does not offer (GKE's master
	// versions, AKS's per-region versions): the request names it.
	{name: "cluster-version-unsupported", tier: frame, cause: Unknown, conf: Medium,
		when: [][]string{oneOf("master version \"", "k8sversionnotsupported", "az aks get-versions", "orchestratorversion is invalid")}},
	// The AWS credentials of the caller (a CLI profile, a CI job, an
	// assumed role) refused or expired: no container was involved. A
	// registry refusing them during a pull is the pull's.
	{name: "caller-credentials-invalid", tier: frame, cause: Unknown, conf: Medium, runnerUp: RegistryTokenExpired,
		when: [][]string{oneOf("security token included in the request is invalid", "security token included in the request is expired")},
		not:  []string{"pull", "manifest"}},
	// A client's own check of a manifest or task definition against the
	// API's schema (kubectl's and Helm's validation, the ECS deploy
	// action's keys, Terraform decoding container definitions): nothing
	// was sent, so no container failed, though the fix is in the spec.
	{name: "client-schema-check", tier: frame, cause: Unknown, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("error validating data", "validationerror(", "found in params",
			"error decoding json: json: cannot unmarshal")}},
	{name: "container-removal-in-progress", tier: frame, cause: Unknown, conf: Medium,
		when: [][]string{oneOf("removal of container "), oneOf("is already in progress")}},
	// The GKE API refusing a caller (Terraform, gcloud, kubectl through
	// GKE's RBAC) a "container.*" permission: a cluster or node pool call,
	// not a container.
	{name: "gke-caller-denied", tier: frame, cause: Unknown, conf: Medium,
		when: [][]string{oneOf("required \"container."), oneOf(" permission")}},
	// gcloud refused an API call for the caller's own account ("(gcloud.run.deploy)
	// PERMISSION_DENIED: Permission 'run.services.get' denied"): the
	// deployment never started. A refused image read is the registry's.
	{name: "gcloud-caller-denied", tier: frame, cause: Unknown, conf: Medium,
		when: [][]string{oneOf("(gcloud."), oneOf("permission_denied", "code=403", "permission denied on resource")},
		// An API the project never enabled is the project's setting, not
		// the caller's role.
		not: []string{"artifactregistry.", "storage.objects", "downloadartifacts", "quota", "has not been used in project"}},
	// The docker CLI refusing its own command line ("unknown flag:
	// --build ... See 'docker --help'"); a Compose file version the
	// installed Compose does not read; a client newer than its daemon's API.
	{name: "docker-cli-usage", tier: frame, cause: Unknown, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("see 'docker --help'", "see 'docker compose --help'", "see 'podman --help'",
			"requires at least 1 argument", "requires exactly 1 argument", "requires a minimum of 1 argument")}},
	{name: "compose-version-unsupported", tier: frame, cause: Unknown, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("wrong compose file version")}},
	// Compose's schema check of the file ("(root) Additional property db
	// is not allowed"): nothing was started.
	{name: "compose-schema", tier: frame, cause: Unknown, conf: Medium, runnerUp: ContainerConfigError,
		when: [][]string{oneOf("additional property "), oneOf(" is not allowed")}},
	{name: "client-api-too-new", tier: frame, cause: Unknown, conf: Medium, runnerUp: PlatformError,
		when: [][]string{oneOf("is too new. maximum supported api version")}},
	// A person or a tool's service account refused a Kubernetes API call of
	// its own (logs, exec, reading pods, creating jobs): the caller's RBAC,
	// not the workload. A Secret or ConfigMap the workload reads is
	// k8s-secret-rbac's.
	{name: "k8s-caller-forbidden", tier: frame, cause: Unknown, conf: Medium,
		when: [][]string{oneOf("is forbidden: user"), oneOf("pods/log", "pods/exec", "pods/attach", "pods/portforward",
			"cannot get resource \"pods\"", "cannot list resource \"pods\"", "cannot create resource \"jobs\"",
			// kubectl's own refusal, Helm upgrading or restoring a release,
			// an operator's informer listing what it watches: whatever the
			// resource, the caller's role lacks the verb.
			"error from server (forbidden)", "upgrade failed:", "failed restoring revision", "failed to list *",
			// A controller or job patching workloads, listing nodes or
			// creating pods; a role granting more than its author holds.
			"cannot patch resource", "cannot list resource \"nodes\"", "cannot create resource \"pods\"",
			"attempt to grant extra privileges", "is attempting to grant rbac permissions not currently held")},
		// A CSI attacher refused its volume attachments: the volume's.
		not: []string{"volumeattachments"}},
	// An Azure client without the role for the call it made. A volume the
	// kubelet could not attach for the same reason is the volume's.
	{name: "azure-caller-denied", tier: frame, cause: Unknown, conf: Medium,
		when: [][]string{oneOf("authorizationfailed")},
		not:  []string{"attachvolume.", "mountvolume.", "client certificate was not provided"}},
	// The caller (a CI role, a scheduler, Step Functions, a Logic App) may
	// not make the call that would start the container: pass the task's
	// IAM role, call ECS's API, create a container group or write to its
	// resource group. No container was started, and none failed. (The
	// platform's own identities refused ECR, logs, secrets or a disk read
	// other rules name.)
	{name: "caller-not-authorized", tier: frame, cause: Unknown, conf: Medium,
		when: [][]string{oneOf("iam:passrole", "not authorized to perform: ecs:", "not authorized to perform: eks:",
			"not authorized to perform: iam:",
			"authorization to perform action 'microsoft.containerinstance/",
			"authorization to perform action 'microsoft.resources/", "linkedauthorizationfailed")}},

	// Weak: wrappers and symptoms that do not name the cause themselves.
	// kubectl's "container ... is waiting to start: CreateContainerConfigError":
	// the kubelet could not build the container's config, most often for a
	// Secret or ConfigMap that is not there.
	{name: "config-error-waiting", cause: SecretUnavailable, conf: Low, runnerUp: ContainerConfigError, tier: symptom,
		when: [][]string{oneOf("createcontainerconfigerror")}},
	// ECS's deployment circuit breaker, as CloudFormation or the console
	// quotes it: tasks did not reach a steady state, most often for health
	// checks that never passed.
	{name: "circuit-breaker", cause: HealthCheckFailed, conf: Low, runnerUp: AppCrash, tier: symptom,
		when: [][]string{oneOf("circuit breaker was triggered")}},
	{name: "crash-loop", cause: AppCrash, conf: Medium, tier: symptom,
		when: [][]string{oneOf("crashloopbackoff", "back-off restarting failed container", "essential container in task exited",
			"restarting failed container", "backoff restarting", "container exited", "terminated",
			// A Job whose pods kept failing (Helm's hooks report it too); an
			// init container that exited non-zero.
			"backofflimitexceeded", "reached the specified backoff limit", "init:error",
			// Cloud Run's note that the container's process exited; Knative's
			// that it failed, with what it printed (nothing, at times).
			"container called exit(", "container failed with: ")}},
	{name: "pull-backoff", cause: ImageNotFound, conf: Low, runnerUp: RegistryAuth, tier: symptom, pull: true,
		when: [][]string{oneOf("imagepullbackoff", "back-off pulling image", "errimagepull", "errimageneverpull")}},
	// The kubelet killing a pod's containers because the pod is going
	// away: most often deleted or replaced, sometimes after an OOM kill
	// the line does not name.
	{name: "kubelet-kill-pod", tier: frame, cause: NotAFailure, conf: Low, runnerUp: OutOfMemory,
		when: [][]string{oneOf("need to kill pod")}},
	// A `kubectl get pods --watch` row of a pod just created (age 0s):
	// nothing has had time to fail.
	{name: "pod-row-created", cause: NotAFailure, conf: Low, runnerUp: InsufficientCapacity, tier: frame,
		when: [][]string{oneOf(" pending ", " containercreating ")},
		re:   regexp.MustCompile(`^\S+\s+\d+/\d+\s+(?:Pending|ContainerCreating)\s+0\s+0s\s*$`)},
	// A `kubectl get pods` row still Pending: not yet placed, most often for
	// want of room, though a quota or a pod just created reads the same.
	{name: "pod-row-pending", cause: InsufficientCapacity, conf: Low, runnerUp: NotAFailure, tier: symptom,
		when: [][]string{oneOf(" pending ")}, re: regexp.MustCompile(`^\S+\s+\d+/\d+\s+Pending\s+\d+\s+\S+\s*$`)},
	{name: "ecs-service-stopped-tasks", cause: NotAFailure, conf: Low, tier: symptom,
		when: [][]string{oneOf(") has stopped ", ") stopped ")}},
}

// wrappers are error prefixes that wrap the real cause. Evidence starts
// after the last wrapper preceding the deciding phrase. A wrapper ending in
// a space-free image or ref marker (toColon) extends to the next ": ".
var wrappers = []struct {
	phrase  string
	toColon bool
}{
	{"cannotpullcontainererror:", false},
	{"cannotstartcontainererror:", false},
	{"cannotcreatecontainererror:", false},
	{"cannotinspectcontainererror:", false},
	{"resourceinitializationerror:", false},
	{"time(s):", false},
	{"desc = ", false},
	{"desc ", false},
	{"error response from daemon:", false},
	{"error response:", false},
	{"failed to pull and unpack image", true},
	{"failed to pull image", true},
	{"failed to resolve reference", true},
	{"failed to resolve ref", true},
	{"failed to resolve image", true},
	{"error reading manifest", true},
	{"failed to copy:", false},
	{"failed open:", false},
	{"failed to do request:", false},
	{"not continuing with pull after error:", false},
	{"imagepull:", false},
	{"error syncing pod, skipping:", false},
	{"\"details\":[", false},
	{"\"message\":\"", false},
	{"error:", false},
}

// Image markers: phrases after which an image reference follows, with the
// byte that ends the reference.
var imageMarkers = []struct {
	phrase string
	end    byte // 0: ends at space, comma or colon-space
}{
	{"failed to pull image \"", '"'},
	{"back-off pulling image \"", '"'},
	{"pulling image \"", '"'},
	{"failed to pull and unpack image \"", '"'},
	{"failed to resolve reference \"", '"'},
	{"failed to resolve image \"", '"'},
	{"the image '", '\''},
	{"pull access denied for ", 0},
	{"failed to resolve ref ", 0},
	{"manifest for ", 0},
	{"for image ", 0},
	{"failed to pull image ", 0},
	{"back-off pulling image ", 0},
	{"image tag \"", '"'},
	{"image \"", '"'},
	{"image '", '\''},
	// containers/image (Podman, CRI-O, skopeo): "initializing source docker://REF: ...".
	{"source docker://", 0},
}

// failureWords are the words any failure report uses somewhere: errors,
// refusals, absences, limits, kills, terminations. A message no rule
// recognises that holds none of them ("Successfully rotated the
// certificate", "Saw completed job") reports something that happened, not
// something that went wrong, and is an ordinary event. The list is plain
// English and platform jargon, not corpus wording: it must hold for
// messages nobody has seen, so it errs towards a failure.
var failureWords = []string{
	"error", "err=", "fail", "unable", "cannot", "can't", "could not", "couldn't", "denied", "refused",
	"invalid", "not found", "notfound", "no such", "missing", "timeout", "timed out", "exceed", "insufficient",
	"unhealthy", "kill", "crash", "panic", "exception", "backoff", "back-off", "oom", "unauthori", "forbidden",
	"evict", "unreachable", "unavailable", "not available", "no available", "not exist", "n't exist",
	"no space", "not ready", "notready", "mismatch", "exec format", "reject", "abort", "fatal", "expired",
	"throttl", "too many", "quota", "limit", "not supported", "unsupported", "unknown", "exited", "exit code",
	"exit status", "terminat", "interrupt", "preempt", "shutdown", "shutting down", "not allowed", "violat",
	"broken", "corrupt", "deadline", "warning", "inaccessible", "unexpected", "not valid", "not permitted",
	"permission", "conflict", "unschedulable", "didn't", "did not", "pressure", "lost", "segmentation",
	"sigsegv", "sigkill", "signal", "retry", "retries", "not enough", "enough resources", "capacity",
	"out of", "blocked", "disallow", "exhausted", "no longer", "don't match", "do not match", "deprecat",
	"no basic auth", "no username", "low on", "no suitable", "reboot", "is not ", "isn't", "are not ",
	"was not ", "has not ", "not be ", "try again", "must ", "problem", "issue", "wrong", "bad ",
	"resource:", "unsatisfied", "nodes are available", "not running", "dead", "died", "exhaust",
	"no registered", "not registered", "threshold", "drain", "already in use", "already exists",
	"already allocated", "retire", "cancel", "not a ", "stopped posting", "stopped responding", "not responding",
	"stuck", "hung", "hang", "degraded", "stale", "orphan", "no progress", "pending", "prohibit", "illegal",
	"incorrect", "incompatible", "unrecogni", "undefined", "null", "nil pointer", "overflow", "overload",
	"malformed", "doesn't", "does not", "don't", "do not", "won't", "will not", " no ", " not ", "none",
	"empty", " full", " low ", " critical", "severe", "emerg", "alert", "warn", " fault", "segfault", "errno", "eof",
	"disconnect", "offline", "is down", "went down", " reset", "closed", "segv", "core dump", "assert",
	"traceback", "please", "check ", "ensure", "make sure", "required", "expected", "too ",
	// Outcomes, refusals and absences in other words; errno names.
	"unsuccess", "non-zero", "nonzero", "giving up", "gave up", "misconfigur", "unhandled", "refus",
	"unauthenticated", "can not", "err:", "stack trace", "goroutine ", "unrecoverable", "unresolv", "unmet",
	" stalled", "nonexist", "non-exist", " lack", "requires", "enoent", "eacces", "eperm", "etimedout",
	"enospc", "enomem", "eaddrinuse", "ehostunreach", "unbound variable", "not-ready", "can only",
	"untrusted", "oversized", "end of file",
	// Docker's "invalid reference format" however a reporter spells it.
	"reference format",
	// Log levels and prefixes that mark an error: logrus's short names
	// (FATA[0005], ERRO[0001]), conmon's; the ECS CLI listing RunTask's
	// failure reasons.
	"fata[", "erro[", "[conmon:e]", "reasons : [",
	// Other words for a problem ("having trouble accessing", "SELinux is
	// preventing ...", "can be used only when ...").
	"trouble", "prevent", "can be used only",
	// A restart scheduled after a failure (Nomad's "Task restarting in 16s").
	"restarting in ",
	// A read-only filesystem, something that never happened, a back-off,
	// an ambiguous name, a wait that took too long, a shell refusing a
	// directory or a readonly variable.
	"read-only", "never ", "backing off", "ambiguous", "took longer than", "non-successful", "is a directory", "readonly variable",
}

// Phrases used to read an exit code from text such as "Exit Code: 137".
var exitMarkers = []string{"exit code:", "exitcode:", "exit code ", "exited with code ", "exiting with code ",
	// docker ps's status column: "Exited (143) 7 seconds ago", "Restarting (1)".
	"exited (", "restarting (",
	// s6's "command exited 126".
	"command exited "}

// engine is the compiled rule set.
type engine struct {
	ac       *automaton
	wrapKind map[kwID]bool // wrapper id -> toColon
	imageIDs []kwID        // imageMarkers ids, in marker order
	exitIDs  []kwID
	// tagRepoID is ECS's "Tag T not found in repository R" wording.
	tagRepoID kwID
	// unauthorizedIDs are a registry's 401 wording (not a 403's);
	// pullDeniedIDs the wording Docker gives for a refused pull.
	unauthorizedIDs, pullDeniedIDs []kwID
	// failure matches failureWords. It is its own small automaton, run
	// only on messages no rule decided, so the common phrases it holds
	// ("error", "fail") do not slow every scan.
	failure *automaton
	// rulesOf maps a phrase id to the rules whose first group holds it:
	// only those rules can match a message the phrase occurs in.
	rulesOf [maxKeywords]ruleSet
}

// maxRules bounds the rule table so a set of rules is four words.
const maxRules = 256

// ruleSet is a set of rule indexes.
type ruleSet [maxRules / 64]uint64

func (s *ruleSet) add(i int) { s[i>>6] |= 1 << (i & 63) }

func (s *ruleSet) union(o *ruleSet) {
	for i := range s {
		s[i] |= o[i]
	}
}

var eng = compile()

// compile builds the automaton from every phrase the tables mention and
// resolves each rule's phrases to ids.
func compile() *engine {
	var phrases []string
	var wrap []bool
	index := map[string]kwID{}
	// The automaton steps over backslashes (see newAutomaton), so a
	// phrase is compiled without its own.
	add := func(p string, isWrap bool) kwID {
		p = strings.ToLower(strings.ReplaceAll(p, `\`, ""))
		if id, ok := index[p]; ok {
			if isWrap {
				wrap[id] = true
			}
			return id
		}
		id := kwID(len(phrases))
		index[p] = id
		phrases = append(phrases, p)
		wrap = append(wrap, isWrap)
		return id
	}
	e := &engine{wrapKind: map[kwID]bool{}}
	for i := range rules {
		r := &rules[i]
		r.groups = make([][]kwID, len(r.when))
		for g, alts := range r.when {
			for _, p := range alts {
				r.groups[g] = append(r.groups[g], add(p, false))
			}
		}
		for _, p := range r.not {
			r.notIDs = append(r.notIDs, add(p, false))
		}
	}
	for _, w := range wrappers {
		e.wrapKind[add(w.phrase, true)] = w.toColon
	}
	for _, m := range imageMarkers {
		e.imageIDs = append(e.imageIDs, add(m.phrase, false))
	}
	for _, m := range exitMarkers {
		e.exitIDs = append(e.exitIDs, add(m, false))
	}
	e.tagRepoID = add(" not found in repository ", false)
	for _, p := range []string{"unauthorized", "authentication required", " 401 ", "(401)", "status: 401", "status 401"} {
		e.unauthorizedIDs = append(e.unauthorizedIDs, add(p, false))
	}
	for _, p := range []string{"no pull access", "may require 'docker login'", "may require authorization"} {
		e.pullDeniedIDs = append(e.pullDeniedIDs, add(p, false))
	}
	lower := make([]string, 0, len(failureWords))
	seen := map[string]bool{}
	for _, p := range failureWords {
		if p = strings.ToLower(p); !seen[p] {
			seen[p] = true
			lower = append(lower, p)
		}
	}
	e.failure = newAutomaton(lower, make([]bool, len(lower)))
	e.ac = newAutomaton(phrases, wrap)
	if len(rules) > maxRules {
		panic("classify: too many rules; raise maxRules")
	}
	for i := range rules {
		for _, id := range rules[i].groups[0] {
			e.rulesOf[id].add(i)
		}
	}
	return e
}

// matches reports whether r holds for msg given its scan, with two byte
// offsets among the last occurrences of its first group's phrases (the
// phrases that name the cause, at their innermost places; later groups only
// give context): depth, the deepest, ranks rules; from, the earliest, starts
// the evidence.
func (r *rule) matches(msg string, h *hits) (depth, from int, ok bool) {
	depth, from = -1, len(msg)
	for gi, g := range r.groups {
		found := false
		for _, id := range g {
			if h.has(id) {
				found = true
				if p := int(h.last[id]); gi == 0 {
					depth, from = max(depth, p), min(from, p)
				}
			}
		}
		if !found {
			return 0, 0, false
		}
	}
	for _, id := range r.notIDs {
		if h.has(id) {
			return 0, 0, false
		}
	}
	if r.re != nil && !r.re.MatchString(msg) {
		return 0, 0, false
	}
	return depth, from, true
}

// namedNotFound reports whether msg says that a named image, repository or
// reference is not found, case-insensitively: `image "REF" not
// found`, `repository REF not found`, or `failed to resolve ref(erence)
// "REF": X: not found`. It reads back from each " not found"; it is the
// regexp `(?i)(?:image|repository) "?[^\s"]+"? not found|failed to resolve
// ref(?:erence)? "?[^"\s]*"?: [^\s]+: not found` (FuzzNamedNotFound holds
// them equal), without the regexp's backtracking over long messages.
func namedNotFound(msg string) bool {
	const nf = " not found"
	for i := 0; i+len(nf) <= len(msg); i++ {
		if msg[i] == ' ' && foldedSuffix(msg[:i+len(nf)], nf) && (quotedNameBefore(msg[:i]) || resolvedRefBefore(msg[:i])) {
			return true
		}
	}
	return false
}

// quotedNameBefore reports whether s ends in `image "?NAME"?` or
// `repository "?NAME"?`, NAME being one or more bytes other than space and
// quote.
func quotedNameBefore(s string) bool {
	j := len(s)
	if j > 0 && s[j-1] == '"' {
		j--
	}
	k := j
	for k > 0 && !isSpace(s[k-1]) && s[k-1] != '"' {
		k--
	}
	if k == j {
		return false
	}
	if k > 0 && s[k-1] == '"' {
		k--
	}
	if k == 0 || s[k-1] != ' ' {
		return false
	}
	return foldedSuffix(s[:k-1], "image") || foldedSuffix(s[:k-1], "repository")
}

// resolvedRefBefore reports whether s ends in `failed to resolve
// ref(erence) "?REF"?: X:`, REF being bytes other than space and quote
// (possibly none), X one or more bytes other than space.
func resolvedRefBefore(s string) bool {
	j := len(s)
	if j == 0 || s[j-1] != ':' {
		return false
	}
	j--
	k := j
	for k > 0 && !isSpace(s[k-1]) {
		k--
	}
	if k == j || k < 2 || s[k-1] != ' ' || s[k-2] != ':' {
		return false
	}
	m := k - 2
	if m > 0 && s[m-1] == '"' {
		m--
	}
	for m > 0 && s[m-1] != '"' && !isSpace(s[m-1]) {
		m--
	}
	if m > 0 && s[m-1] == '"' {
		m--
	}
	if m == 0 || s[m-1] != ' ' {
		return false
	}
	return foldedSuffix(s[:m-1], "failed to resolve ref") || foldedSuffix(s[:m-1], "failed to resolve reference")
}

// foldedSuffix reports whether s ends in suffix, case-insensitively.
func foldedSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// isSpace is the regexp class \s: space, tab, newline, form feed, return.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }
