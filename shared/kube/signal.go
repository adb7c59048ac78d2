package kube

import "strings"

// Signal says what an Event means for alerting.
type Signal int

// Signals, from Event.Signal.
const (
	// SignalIgnore: routine or benign (Normal lifecycle events, endpoint update
	// conflicts, sysctl notices, autoscaler chatter). Nothing is posted.
	SignalIgnore Signal = iota
	// SignalFailure: something a person has to look at.
	SignalFailure
	// SignalRecovery: the pod's container started or its image was pulled; an
	// open incident for the pod can be resolved. Never posted on its own.
	SignalRecovery
)

// failureReasons are the event reasons Tracegrid alerts on, whatever the
// event type. The names are the constants of the components that emit
// them: kubelet (pkg/kubelet/events), the scheduler, the eviction manager,
// workload controllers, the node lifecycle controller and
// node-problem-detector's kernel monitor.
var failureReasons = map[string]bool{
	"Failed":                   true, // kubelet: image pull, create and config errors
	"BackOff":                  true, // kubelet: back-off pulling image / restarting failed container
	"ErrImageNeverPull":        true, // kubelet: image not present with imagePullPolicy Never
	"InspectFailed":            true, // kubelet: invalid image reference
	"Unhealthy":                true, // kubelet: liveness, readiness or startup probe failed
	"FailedMount":              true, // kubelet: volume, Secret or ConfigMap could not be mounted
	"FailedAttachVolume":       true, // attach/detach controller
	"FailedCreatePodSandBox":   true, // kubelet: CNI or runtime could not create the sandbox
	"FailedCreatePodContainer": true, // kubelet: cgroup for the pod could not be created
	"FailedPostStartHook":      true, // kubelet
	"FailedPreStopHook":        true, // kubelet
	"FailedSync":               true, // kubelet (older clusters): wraps CrashLoopBackOff and others
	"NetworkNotReady":          true, // kubelet: CNI not initialised on the node
	"Evicted":                  true, // eviction manager: node pressure
	"OOMKilling":               true, // node-problem-detector kernel monitor
	"SystemOOM":                true, // kubelet OOM watcher
	"KernelOops":               true, // node-problem-detector kernel monitor
	"FailedScheduling":         true, // scheduler: no node fits, unbound PVCs
	"FailedCreate":             true, // ReplicaSet/StatefulSet/Job controllers: quota, admission
	"BackoffLimitExceeded":     true, // Job controller
	"DeadlineExceeded":         true, // Job controller
	"NodeNotReady":             true, // node lifecycle controller
	"Rebooted":                 true, // kubelet: node rebooted
	"DeletingAllPods":          true, // node lifecycle controller: node deleted
	"EvictionThresholdMet":     true, // kubelet: node under disk or memory pressure
	"FreeDiskSpaceFailed":      true, // kubelet image GC could not free disk
}

// Signal classifies e by its reason. "Killing" is a failure only when the
// kubelet restarts a container for a failed probe ("Container app failed
// liveness probe, will be restarted"); plain "Stopping container" is a
// scale-in or rollout. "Started" and "Pulled" on a pod are recoveries.
func (e Event) Signal() Signal {
	switch {
	case failureReasons[e.Reason]:
		return SignalFailure
	case e.Reason == "Killing":
		if strings.Contains(e.Message, " probe, will be restarted") {
			return SignalFailure
		}
	case e.Reason == "Started" || e.Reason == "Pulled":
		if e.InvolvedObject.Kind == "Pod" {
			return SignalRecovery
		}
	}
	return SignalIgnore
}
