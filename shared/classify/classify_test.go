package classify

import (
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/shared/failure"
)

// TestClassifyFailures drives Classify with whole failures as the functions
// build them: reason codes (ECS stopCode, Kubernetes event reason, ARM error
// code), several messages most specific first, and exit codes.
func TestClassifyFailures(t *testing.T) {
	cases := []struct {
		name     string
		f        failure.Failure
		want     Cause
		conf     Confidence
		runnerUp Cause
		evidence string // exact evidence, when checked
		commands []string
		source   string
	}{
		{name: "ecs/oom-container-reason",
			f: failure.Failure{Platform: failure.ECS, Region: "eu-west-1", Cluster: "default", Workload: "webapp", Task: "c0a8", TaskDefinition: "webapp:7",
				Reason: "EssentialContainerExited", ExitCode: failure.IntPtr(137),
				Messages: []string{"OutOfMemoryError: Container killed due to memory usage", "Essential container in task exited"},
				Details:  map[string]string{DetailLogGroup: "/ecs/webapp", DetailLogStream: "ecs/webapp/c0a8"}},
			want: OutOfMemory, conf: High, evidence: "OutOfMemoryError: Container killed due to memory usage",
			commands: []string{"aws ecs describe-task-definition --task-definition webapp:7 --query '[taskDefinition.memory", "aws logs tail /ecs/webapp --since 1h --log-stream-names ecs/webapp/c0a8 --region eu-west-1"},
			source:   "testdata/events/aws-ecs-task-state-change.STOPPED-EssentialContainerExited-OOM.DERIVED.json"},
		{name: "ecs/exit-137-only",
			f: failure.Failure{Platform: failure.ECS, Reason: "EssentialContainerExited", ExitCode: failure.IntPtr(137),
				Messages: []string{"Essential container in task exited"}},
			want: OutOfMemory, conf: Medium, runnerUp: HealthCheckFailed, evidence: "exit code 137",
			source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html (exit 137 = SIGKILL)"},
		{name: "ecs/exit-1",
			f: failure.Failure{Platform: failure.ECS, Reason: "EssentialContainerExited", ExitCode: failure.IntPtr(1),
				Messages: []string{"Essential container in task exited"}},
			want: AppCrash, conf: Medium, source: "corpus (mapbox/ecs-watchbot#108)"},
		{name: "ecs/exit-1-log-tail-decides",
			f: failure.Failure{Platform: failure.ECS, Reason: "EssentialContainerExited", ExitCode: failure.IntPtr(1),
				Messages: []string{"Essential container in task exited"},
				LogTail:  []string{"Started container", "standard_init_linux.go:219: exec user process caused: exec format error"}},
			want: ImagePlatformMismatch, conf: High, evidence: "standard_init_linux.go:219: exec user process caused: exec format error",
			source: "corpus: container log line on Fargate (vrnithinkumar / vendor multi-arch issue)"},
		{name: "ecs/log-tail-cannot-silence",
			f: failure.Failure{Platform: failure.ECS, ExitCode: failure.IntPtr(2),
				Messages: []string{"Essential container in task exited"}, LogTail: []string{"Task stopped by user"}},
			want: AppCrash, conf: Medium, source: "a log line may say anything; only platform text decides not_a_failure"},
		{name: "kubernetes/log-tail-app-wording-is-not-a-registry-error",
			f: failure.Failure{Platform: failure.Kubernetes, ExitCode: failure.IntPtr(1), Messages: []string{"Back-off restarting failed container"},
				LogTail: []string{"level=error msg=\"upstream answered 401 Unauthorized: authentication required\""}},
			want: AppCrash, conf: Medium, source: "an application's own 401 must not read as a registry credential problem"},
		{name: "ecs/spot",
			f:    failure.Failure{Platform: failure.ECS, Reason: "TerminationNotice", Messages: []string{"Your Spot Task was interrupted."}},
			want: NodeInterrupted, conf: High, source: "testdata/events/aws-ecs-task-state-change.spot-interruption.SNIPPET.awsdocs.txt"},
		{name: "ecs/spot-stopcode",
			f:    failure.Failure{Platform: failure.ECS, Reason: "SpotInterruption", Messages: []string{"Essential container in task exited"}},
			want: NodeInterrupted, conf: High, source: "ECS stopCode SpotInterruption (AWS API reference)"},
		{name: "ecs/user-stop",
			f:    failure.Failure{Platform: failure.ECS, Reason: "UserInitiated", Messages: []string{"Task stopped by user"}},
			want: NotAFailure, conf: High, source: "testdata/events/aws-ecs-task-state-change.STOPPED-UserInitiated-EC2.aws-samples.json"},
		{name: "ecs/scale-in",
			f: failure.Failure{Platform: failure.ECS, Reason: "ServiceSchedulerInitiated",
				Messages: []string{"Scaling activity initiated by (deployment ecs-svc/8709920613704280865)"}},
			want: NotAFailure, conf: High, source: "corpus"},
		{name: "ecs/elb-health",
			f: failure.Failure{Platform: failure.ECS, Cluster: "prod", Workload: "web", Reason: "ServiceSchedulerInitiated",
				Messages: []string{"Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef)"}},
			want: HealthCheckFailed, conf: High,
			commands: []string{"aws ecs describe-services --cluster prod --services web --query 'services[0].[loadBalancers,healthCheckGracePeriodSeconds]'"},
			source:   "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html"},
		{name: "ecs/scheduler-stop-without-detail",
			f:    failure.Failure{Platform: failure.ECS, Reason: "ServiceSchedulerInitiated", Messages: []string{"Task stopped by scheduler"}},
			want: NotAFailure, conf: Medium, source: "ECS stopCode ServiceSchedulerInitiated"},
		{name: "ecs/pull-disk-full-innermost",
			f: failure.Failure{Platform: failure.ECS, Reason: "TaskFailedToStart",
				Messages: []string{"CannotPullContainerError: failed to register layer: Error processing tar file(exit status 1): write /tmp/my_large_file: no space left on device"}},
			want: DiskFull, conf: High, source: "corpus (aws/amazon-ecs-agent)"},
		{name: "kubernetes/normal-pulled",
			f:    failure.Failure{Platform: failure.Kubernetes, Reason: "Pulled", Messages: []string{`Container image "nginx:1.27" already present on machine`}},
			want: NotAFailure, conf: High, source: "testdata/events/gcp-gke-k8s-event-logentry.k8s_pod.Normal-Pulling.sekoia-real.json"},
		{name: "kubernetes/killing-stop",
			f:    failure.Failure{Platform: failure.Kubernetes, Reason: "Killing", Messages: []string{"Stopping container api"}},
			want: NotAFailure, conf: High, source: "kubelet event wording (https://github.com/kubernetes/kubernetes/issues/91600)"},
		{name: "kubernetes/killing-liveness",
			f: failure.Failure{Platform: failure.Kubernetes, Namespace: "shop", Task: "api-1", Reason: "Killing",
				Messages: []string{"Container api failed liveness probe, will be restarted"}},
			want: HealthCheckFailed, conf: High, commands: []string{".livenessProbe"},
			source: "kubelet event wording (kubernetes/kubernetes pkg/kubelet/prober)"},
		{name: "kubernetes/backoff-then-probe",
			f: failure.Failure{Platform: failure.Kubernetes, Reason: "BackOff",
				Messages: []string{"Back-off restarting failed container", "Liveness probe failed: Get http://10.0.0.7:8080/healthz: dial tcp 10.0.0.7:8080: connect: connection refused"}},
			want: HealthCheckFailed, conf: High, source: "https://github.com/kubernetes/kubernetes/issues/62594 (corpus)"},
		{name: "kubernetes/backoff-only",
			f: failure.Failure{Platform: failure.Kubernetes, Namespace: "shop", Task: "api-1", Container: "api", Reason: "BackOff",
				Messages: []string{"Back-off restarting failed container"}},
			want: AppCrash, conf: Medium,
			commands: []string{"kubectl logs api-1 --namespace shop --previous --container api"},
			source:   "kubelet BackOff event"},
		{name: "kubernetes/failed-scheduling",
			f:    failure.Failure{Platform: failure.Kubernetes, Reason: "FailedScheduling", Messages: []string{"0/5 nodes are available: 5 Insufficient cpu"}},
			want: InsufficientCapacity, conf: High, source: "corpus"},
		{name: "kubernetes/oomkilling-node-event",
			f: failure.Failure{Platform: failure.Kubernetes, Reason: "OOMKilling",
				Messages: []string{"Memory cgroup out of memory: Killed process 3504804 (kubectl) total-vm:753508kB"}},
			want: OutOfMemory, conf: High, evidence: "Memory cgroup out of memory: Killed process 3504804 (kubectl) total-vm:753508kB",
			source: "corpus (node-problem-detector)"},
		{name: "kubernetes/node-not-ready",
			f:    failure.Failure{Platform: failure.Kubernetes, Reason: "NodeNotReady", Messages: []string{"Node gke-pool-1 status is now: NodeNotReady"}},
			want: NodeInterrupted, conf: High, source: "node controller event"},
		{name: "kubernetes/evicted-memory",
			f: failure.Failure{Platform: failure.Kubernetes, Reason: "Evicted",
				Messages: []string{"The node was low on resource: memory. Container api was using 1276Mi, which exceeds its request of 512Mi."}},
			want: OutOfMemory, conf: High, source: "kubelet eviction wording (https://github.com/kubernetes/kubernetes/issues/91600 shows the family)"},
		{name: "kubernetes/sandbox",
			f: failure.Failure{Platform: failure.Kubernetes, Reason: "FailedCreatePodSandBox",
				Messages: []string{`Failed to create pod sandbox: rpc error: code = DeadlineExceeded desc = context deadline exceeded`}},
			want: PlatformError, conf: High, source: "https://github.com/kata-containers/kata-containers/issues/2539"},
		{name: "kubernetes/sandbox-no-pod-ip",
			f: failure.Failure{Platform: failure.Kubernetes, Reason: "FailedCreatePodSandBox",
				Messages: []string{`Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "abc": plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container`}},
			want: InsufficientCapacity, conf: High, source: "https://github.com/aws/amazon-vpc-cni-k8s/issues/890 (node out of pod IPs)"},
		{name: "aci/container-group-quota",
			f: failure.Failure{Platform: failure.ACI, Account: "00000000-0000-0000-0000-000000000000", Region: "eastus", ResourceGroup: "rg", Task: "cg",
				Reason:   "ContainerGroupQuotaReached",
				Messages: []string{"Resource type 'Microsoft.ContainerInstance/containerGroups' container group quota 'StandardCores' exceeded in region 'eastus'. Limit: '10', Usage: '10' Requested: '1'."}},
			want: QuotaExceeded, conf: High,
			commands: []string{"az rest --method get --url 'https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.ContainerInstance/locations/eastus/usages?api-version=2025-09-01'"},
			source:   "https://github.com/MicrosoftDocs/azure-docs/issues/51738"},
		{name: "aci/provider-not-registered",
			f:    failure.Failure{Platform: failure.ACI, ResourceGroup: "rg", Task: "cg", Reason: "MissingSubscriptionRegistration", Messages: []string{"The subscription is not registered to use namespace 'Microsoft.ContainerInstance'."}},
			want: PlatformError, conf: High, commands: []string{"az provider register --namespace Microsoft.ContainerInstance --wait"},
			source: "corpus (Azure/aci-connector-k8s#33)"},
		{name: "aci/deployment-failed-json",
			f: failure.Failure{Platform: failure.ACI, ResourceGroup: "rg", Task: "migration-container-v1",
				Messages: []string{`{"code":"DeploymentFailed","message":"At least one resource deployment operation failed. Please list deployment operations for details.","details":[{"code":"InaccessibleImage","message":"The image 'jacobalberty/unifi:latest' in container group 'migration-container-v1' is not accessible. Please check the image and registry credential."}]}`}},
			want: ImageNotFound, conf: Medium, runnerUp: RegistryAuth,
			commands: []string{"docker manifest inspect docker.io/jacobalberty/unifi:latest"},
			source:   "https://github.com/jacobalberty/unifi-docker/issues/641 (corpus)"},
		{name: "unknown-keeps-message",
			f: failure.Failure{Platform: failure.Kubernetes, Namespace: "shop", Task: "api-1",
				Messages: []string{"  Zork: frobnication quux failed  "}},
			want: Unknown, conf: Low, evidence: "Zork: frobnication quux failed",
			commands: []string{"kubectl describe pod api-1 --namespace shop"},
			source:   "failure wording the rules and the corpus do not know"},
		// The same with no failure wording at all is not a failure: what
		// happened, not what went wrong (failureWords).
		{name: "no-failure-wording-is-ordinary",
			f: failure.Failure{Platform: failure.Kubernetes, Namespace: "shop", Task: "api-1",
				Messages: []string{"ClusterIP -> LoadBalancer"}},
			want: NotAFailure, conf: Low, evidence: "ClusterIP -> LoadBalancer",
			source: "https://kubernetes.github.io/ingress-nginx/examples/PREREQUISITES/ (corpus; a Service's Type event)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := Classify(&tc.f)
			if d.Cause != tc.want || d.Confidence != tc.conf {
				t.Fatalf("got %s/%s (evidence %q), want %s/%s [%s]", d.Cause, d.Confidence, d.Evidence, tc.want, tc.conf, tc.source)
			}
			if tc.runnerUp != "" && d.RunnerUp != tc.runnerUp {
				t.Errorf("runner-up %q, want %q", d.RunnerUp, tc.runnerUp)
			}
			if tc.evidence != "" && d.Evidence != tc.evidence {
				t.Errorf("evidence %q, want %q", d.Evidence, tc.evidence)
			}
			if d.Title == "" || len(d.Fix) == 0 {
				t.Errorf("missing title or fix: %+v", d)
			}
			if d.Cause == NotAFailure && len(d.Commands) != 0 {
				t.Errorf("not_a_failure carries commands: %v", d.Commands)
			}
			for _, want := range tc.commands {
				if !hasCommand(d.Commands, want) {
					t.Errorf("no command contains %q; got:\n%s", want, listCommands(d.Commands))
				}
			}
		})
	}
}

// TestEvidenceIsInnermost checks that wrappers are peeled off: the evidence
// is the innermost error text, taken verbatim from the message.
func TestEvidenceIsInnermost(t *testing.T) {
	cases := []struct{ message, evidence string }{
		{ // corpus: ActionIQ/terraform-aws-retool-ecs-fargate#20
			`CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/tryretool/backend:2.110.5: failed to do request: Head "https://registry-1.docker.io/v2/tryretool/backend/manifests/2.110.5": dial tcp 34.205.13.154:443: i/o timeout`,
			`Head "https://registry-1.docker.io/v2/tryretool/backend/manifests/2.110.5": dial tcp 34.205.13.154:443: i/o timeout`},
		{ // corpus: lachie83/k8s-kubectl#157
			`Failed to pull image "lachlanevenson/k8s-kubectl:v1.18.20": rpc error: code = Unknown desc = Error response from daemon: manifest for lachlanevenson/k8s-kubectl:v1.18.20 not found: manifest unknown: manifest unknown`,
			`manifest for lachlanevenson/k8s-kubectl:v1.18.20 not found: manifest unknown: manifest unknown`},
		{ // corpus: MicrosoftDocs ACI troubleshooting
			`Failed to pull image "mcr.microsoft.com/azuredocs/aci-hellowrld": rpc error: code 2 desc Error: image t/aci-hellowrld:latest not found`,
			`image t/aci-hellowrld:latest not found`},
		{ // corpus: jacobalberty/unifi-docker#641 (ARM DeploymentFailed details)
			`{"code":"DeploymentFailed","message":"At least one resource deployment operation failed.","details":[{"code":"InaccessibleImage","message":"The image 'jacobalberty/unifi:latest' in container group 'm' is not accessible. Please check the image and registry credential."}]}`,
			`The image 'jacobalberty/unifi:latest' in container group 'm' is not accessible. Please check the image and registry credential.`},
		{ // corpus: reportportal/kubernetes#178
			`Error: secret "secretpostgresql" not found`, `secret "secretpostgresql" not found`},
	}
	for _, tc := range cases {
		d := Text(failure.Kubernetes, tc.message)
		if d.Evidence != tc.evidence {
			t.Errorf("evidence\n got %q\nwant %q", d.Evidence, tc.evidence)
		}
	}
}

// TestPhrasesReadThroughEscapes: a runtime error quoted inside another
// error, or a JSON log, escapes its quotes once or more (\", \\\"); the
// phrases read through the backslashes, and the image reference still ends
// at its quote.
func TestPhrasesReadThroughEscapes(t *testing.T) {
	cases := []struct {
		message string
		want    Cause
		image   string
	}{
		// corpus: opencontainers/runc#2158 and #2200 (runc on a host
		// whose cgroup filesystem it cannot mount).
		{`ERRO[0000] container_linux.go:346: starting container process caused "process_linux.go:449: container init caused \"rootfs_linux.go:58: mounting \\\"cgroup\\\" to rootfs \\\"/home/suda/tmp/runctest/rootfs\\\" at \\\"/sys/fs/cgroup\\\" caused \\\"operation not permitted\\\"\""`,
			PlatformError, ""},
		{`OCI runtime create failed: container_linux.go:355: starting container process caused \"process_linux.go:424: container init caused \\\"rootfs_linux.go:66: mounting \\\\\\\"cgroup\\\\\\\" to rootfs \\\\\\\"rootfs\\\\\\\" at \\\\\\\"/sys/fs/cgroup\\\\\\\" caused \\\\\\\"no such file or directory\\\\\\\"\\\"\": unknown`,
			PlatformError, ""},
		{`Failed to pull image \"nginx:1.25\": rpc error: code = NotFound desc = manifest unknown`, ImageNotFound, "nginx:1.25"},
	}
	for _, tc := range cases {
		if d := Text(failure.Docker, tc.message); d.Cause != tc.want {
			t.Errorf("%.60q: got %s, want %s", tc.message, d.Cause, tc.want)
		}
		if got := ImageInMessage(tc.message); got != tc.image {
			t.Errorf("%.60q: image %q, want %q", tc.message, got, tc.image)
		}
	}
}

// TestCommandsQuoteEventValues feeds hostile names (they come from events,
// which anyone who can create a resource controls) and checks every value is
// shell-quoted in every command.
func TestCommandsQuoteEventValues(t *testing.T) {
	evil := "api$(touch /tmp/pwned)'x"
	quoted := `'api$(touch /tmp/pwned)'\''x'`
	for _, p := range []failure.Platform{failure.ECS, failure.Kubernetes, failure.ACI, failure.Docker} {
		f := &failure.Failure{Platform: p, Account: evil, Region: evil, Cluster: evil, ResourceGroup: evil, Namespace: evil,
			Workload: evil, Task: evil, TaskDefinition: evil, Container: evil, Node: evil,
			Details:  map[string]string{DetailLogGroup: evil},
			Messages: []string{"Back-off restarting failed container"}, ExitCode: failure.IntPtr(1)}
		d := Classify(f)
		if len(d.Commands) == 0 {
			t.Fatalf("%s: no commands", p)
		}
		for _, c := range d.Commands {
			if exposed(c.Line, "$(touch") {
				t.Errorf("%s: unquoted event value in %q", p, c.Line)
			}
		}
	}
	if !exposed("echo $(touch x)", "$(touch") || exposed(`echo '$(touch x)'`, "$(touch") {
		t.Fatal("exposed() does not model shell quoting")
	}
	if got := q(evil); got != quoted {
		t.Errorf("q(%q) = %s, want %s", evil, got, quoted)
	}
	for in, want := range map[string]string{"": "''", "web:42": "web:42", "a b": "'a b'", "/ecs/app": "/ecs/app", "x;y": "'x;y'"} {
		if got := q(in); got != want {
			t.Errorf("q(%q) = %s, want %s", in, got, want)
		}
	}
}

// exposed reports whether sub occurs in line where a POSIX shell would
// expand it: outside single quotes and not backslash-escaped.
func exposed(line, sub string) bool {
	const outside, single, double = 0, 1, 2
	state := outside
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch state {
		case single:
			if c == '\'' {
				state = outside
			}
			continue
		case outside:
			switch c {
			case '\\':
				i++
				continue
			case '\'':
				state = single
				continue
			case '"':
				state = double
				continue
			}
		case double:
			switch c {
			case '\\':
				i++
				continue
			case '"':
				state = outside
				continue
			}
		}
		if strings.HasPrefix(line[i:], sub) {
			return true
		}
	}
	return false
}

// TestTextDoesNotRenderCommands pins the contract the CLI relies on: Text
// decides only.
func TestTextDoesNotRenderCommands(t *testing.T) {
	d := Text(failure.ECS, "Task stopped by user")
	if d.Cause != NotAFailure || d.Commands != nil {
		t.Errorf("got %+v", d)
	}
}

// TestEveryCauseHasTitleAndFix checks the taxonomy table is complete.
func TestEveryCauseHasTitleAndFix(t *testing.T) {
	all := []Cause{ImageNotFound, RegistryAuth, RegistryTokenExpired, RegistryRateLimited, RegistryUnreachable,
		InvalidImageReference, ImagePlatformMismatch, ImageUnsupported, SecretUnavailable, CommandNotFound,
		ContainerConfigError, LogConfigError, VolumeMountFailed, DiskFull, OutOfMemory, AppCrash, HealthCheckFailed,
		InsufficientCapacity, QuotaExceeded, NodeInterrupted, PlatformError, NotAFailure, Unknown}
	if len(all) != len(causes) {
		t.Errorf("causes table has %d entries, taxonomy has %d", len(causes), len(all))
	}
	for _, c := range all {
		info, ok := causes[c]
		if !ok || info.title == "" || len(info.fix) == 0 {
			t.Errorf("%s: missing title or fix", c)
		}
	}
}

// TestFailureWording pins the ordinary-event check: with no rule deciding,
// a message is ordinary only when it uses no failure wording at all.
func TestFailureWording(t *testing.T) {
	cases := []struct {
		message string
		worded  bool
		source  string
	}{
		{"Started scalers watch", false, "https://learn.microsoft.com/en-us/azure/aks/keda-workload-identity"},
		{"ClusterIP -> LoadBalancer", false, "https://kubernetes.github.io/ingress-nginx/examples/PREREQUISITES/"},
		// An opening negation is failure wording, though the words are
		// matched with a space before them.
		{"no supported platform found in manifest list", true, "https://github.com/docker-library/official-images/issues/3835"},
		{"Kubelet stopped posting node status.", true, "https://github.com/kubernetes/kubernetes/issues/94020"},
		// "default" holds "fault", "successfully" holds "full": neither is failure wording.
		{"Node synced successfully", false, "https://github.com/aws/karpenter-provider-aws/issues/4341"},
		{"Deactivated apps/v1.Deployment default/my-event-based-deployment from 1 to 0", false, "https://keda.sh/troubleshooting/aws-keda-operator-iam/"},
	}
	for _, tc := range cases {
		if got := failureWorded("", []string{tc.message}); got != tc.worded {
			t.Errorf("failureWorded(%q) = %v, want %v [%s]", tc.message, got, tc.worded, tc.source)
		}
	}
	// A bare upper-case code says nothing either way: it stays unknown.
	if d := Text(failure.ECS, "ATTRIBUTE"); d.Cause == NotAFailure {
		t.Errorf("ATTRIBUTE (https://github.com/aws/amazon-ecs-agent/issues/1423) read as %s", d.Cause)
	}
}
