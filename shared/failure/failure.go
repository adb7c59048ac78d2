// Package failure defines the platform-neutral description of a container
// failure that every Tracegrid function builds from its cloud's event, and
// that the classifier and the Slack renderer read.
package failure

import "time"

// Platform names where a failure happened. The values are stable: they appear
// in the CLI's JSON, in Slack message metadata and in the corpus.
type Platform string

// Platforms Tracegrid understands.
const (
	ECS        Platform = "ecs"        // Amazon ECS (EC2 or Fargate)
	Kubernetes Platform = "kubernetes" // Kubernetes, GKE in the cloud
	ACI        Platform = "aci"        // Azure Container Instances
	Docker     Platform = "docker"     // a plain Docker/containerd host (CLI only)
)

// Failure is one container failure as reported by a cloud, normalized. Fields
// that a platform does not have stay empty; nothing here is cloud specific.
type Failure struct {
	Platform Platform `json:"platform"`
	// Account is the AWS account id, GCP project id or Azure subscription id.
	Account string `json:"account,omitempty"`
	// Region is the AWS region, GCP location or Azure location.
	Region string `json:"region,omitempty"`
	// Cluster is the ECS cluster name or the GKE cluster name.
	Cluster string `json:"cluster,omitempty"`
	// ResourceGroup is the Azure resource group of the container group.
	ResourceGroup string `json:"resource_group,omitempty"`
	// Namespace is the Kubernetes namespace.
	Namespace string `json:"namespace,omitempty"`
	// Workload is what owns the failing unit: the ECS service (or task
	// definition family for standalone tasks), the Kubernetes Deployment,
	// StatefulSet, Job or DaemonSet, or the ACI container group.
	Workload string `json:"workload,omitempty"`
	// Task is the failing unit: the ECS task id, the pod name, or the ACI
	// container group name.
	Task string `json:"task,omitempty"`
	// TaskARN is the full ECS task ARN where there is one.
	TaskARN string `json:"task_arn,omitempty"`
	// TaskDefinition is the ECS task definition ARN or family:revision.
	TaskDefinition string `json:"task_definition,omitempty"`
	// Node is the Kubernetes node or ECS container instance, where known.
	Node string `json:"node,omitempty"`
	// Container is the container that caused the failure.
	Container string `json:"container,omitempty"`
	// Image is the container image reference as configured.
	Image string `json:"image,omitempty"`
	// Reason is the platform's reason code: the ECS stopCode or container
	// reason prefix, the Kubernetes event reason, the ARM error code.
	Reason string `json:"reason,omitempty"`
	// Messages holds the raw failure messages, most specific first (for ECS:
	// the container reason before the task stoppedReason).
	Messages []string `json:"messages,omitempty"`
	// ExitCode is the exit code of the container, when it exited.
	ExitCode *int `json:"exit_code,omitempty"`
	// Time is when the platform reported the failure.
	Time time.Time `json:"time,omitempty"`
	// Links point to consoles and log views for this failure.
	Links []Link `json:"links,omitempty"`
	// LogTail is the last lines the container wrote, oldest first.
	LogTail []string `json:"log_tail,omitempty"`
	// Details holds enrichment facts worth showing (memory limit, execution
	// role, restart count, ...), keyed by a short human label.
	Details map[string]string `json:"details,omitempty"`
	// EventID identifies the delivery for exact-redelivery dedup: ECS
	// taskArn+detail.version, Event Grid event id, LogEntry insertId.
	EventID string `json:"event_id,omitempty"`
	// Recovered marks a report that the workload is healthy again (ECS task
	// RUNNING, ACI group Running, Kubernetes Started) rather than a failure.
	Recovered bool `json:"recovered,omitempty"`
	// Group, when set, makes failures of several workloads one incident:
	// the registry check sets it for auth failures that share one registry
	// credential ("registry-credential:HOST").
	Group string `json:"group,omitempty"`
}

// Link is a titled URL, such as a console page or a log stream.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Resource returns the most specific human name of what failed, such as
// "service web (task 0123abcd)" or "pod api-7d9f/app".
func (f *Failure) Resource() string {
	name := f.Workload
	if name == "" {
		name = f.Task
	}
	if f.Namespace != "" && name != "" {
		name = f.Namespace + "/" + name
	}
	if f.Container != "" && f.Container != name {
		if name == "" {
			return f.Container
		}
		return name + " (" + f.Container + ")"
	}
	return name
}

// Message returns all raw messages joined, most specific first.
func (f *Failure) Message() string {
	switch len(f.Messages) {
	case 0:
		return ""
	case 1:
		return f.Messages[0]
	}
	n := 0
	for _, m := range f.Messages {
		n += len(m) + 1
	}
	b := make([]byte, 0, n)
	for i, m := range f.Messages {
		if i > 0 {
			b = append(b, '\n')
		}
		b = append(b, m...)
	}
	return string(b)
}

// Exit returns the exit code and whether there is one.
func (f *Failure) Exit() (int, bool) {
	if f.ExitCode == nil {
		return 0, false
	}
	return *f.ExitCode, true
}

// IntPtr returns a pointer to n, for filling ExitCode.
func IntPtr(n int) *int { return &n }
