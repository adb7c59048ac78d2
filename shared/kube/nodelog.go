package kube

import (
	"regexp"
	"strings"

	"github.com/tracegrid/tracegrid/shared/failure"
)

var (
	oomEvidence       = regexp.MustCompile(`Memory cgroup out of memory|Out of memory: Kill|oom-kill:|OOMKilled`)
	crashLoopEvidence = regexp.MustCompile(`CrashLoopBackOff`)
	// klog structured kubelet lines end with pod="NAMESPACE/NAME".
	podInLog = regexp.MustCompile(`\bpod="([^"/\s]+)/([^"\s]+)"`)
)

// ParseNodeLog reads one kubelet or kernel log line (as the node's journal
// or a log sink delivers it) and returns the failure it shows, or nil when
// it carries no out-of-memory or crash-loop evidence. Kubelet lines such as
//
//	"Error syncing pod, skipping" err="failed to \"StartContainer\" for \"app\" with CrashLoopBackOff: ..." pod="default/app-7d9c6b5f4-x2k4p"
//
// name the pod and container; kernel OOM lines name only the process.
func ParseNodeLog(line string) *failure.Failure {
	line = strings.TrimSpace(line)
	var reason string
	switch {
	case oomEvidence.MatchString(line):
		reason = "OOMKilling"
	case crashLoopEvidence.MatchString(line):
		reason = "CrashLoopBackOff"
	default:
		return nil
	}
	f := &failure.Failure{
		Platform:  failure.Kubernetes,
		Reason:    reason,
		Container: containerFromMessage(line),
		Messages:  []string{line},
	}
	if m := podInLog.FindStringSubmatch(line); m != nil {
		f.Namespace, f.Task = m[1], m[2]
		f.Workload = WorkloadFromPod(m[2])
	}
	return f
}
