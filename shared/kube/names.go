package kube

import (
	"regexp"
	"strings"
)

// WorkloadFromPod derives the owning workload's name from a pod name by the
// suffixes Kubernetes controllers append:
//
//	Deployment   web-7d9c6b5f4-x2k4p       ReplicaSet hash + random suffix
//	CronJob      backup-28391520-x2k4p     schedule minute + random suffix
//	DaemonSet,
//	Job,
//	ReplicaSet   fluentd-x2k4p             random suffix
//	StatefulSet  db-0                      ordinal
//
// It returns "" for a pod that has no controller suffix (a bare pod).
func WorkloadFromPod(pod string) string {
	parts := strings.Split(pod, "-")
	n := len(parts)
	if n < 2 {
		return ""
	}
	last := parts[n-1]
	switch {
	case isRandomSuffix(last):
		if n >= 3 && isTemplateHash(parts[n-2]) {
			return strings.Join(parts[:n-2], "-")
		}
		return strings.Join(parts[:n-1], "-")
	case isOrdinal(last):
		return strings.Join(parts[:n-1], "-")
	}
	return ""
}

// WorkloadFromOwner names the workload behind an owning object: a
// ReplicaSet named DEPLOYMENT-HASH belongs to the Deployment; StatefulSets,
// Jobs, DaemonSets and the rest are the workload themselves.
func WorkloadFromOwner(kind, name string) string {
	if kind == "ReplicaSet" {
		if i := strings.LastIndexByte(name, '-'); i > 0 && isTemplateHash(name[i+1:]) {
			return name[:i]
		}
	}
	return name
}

// isRandomSuffix matches the 5-character suffix generateName adds.
func isRandomSuffix(s string) bool {
	return len(s) == 5 && isLowerAlnum(s)
}

// isTemplateHash matches a pod-template-hash (a uint32, safe-encoded to 1-10
// characters; old clusters wrote it in decimal) or a CronJob's scheduled
// minute. It requires a digit so that ordinary words are not stripped.
func isTemplateHash(s string) bool {
	return len(s) >= 6 && len(s) <= 10 && isLowerAlnum(s) && strings.ContainsAny(s, "0123456789")
}

func isOrdinal(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func isLowerAlnum(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

var fieldPathContainer = regexp.MustCompile(`^spec\.(?:initContainers|containers|ephemeralContainers)\{([^}]+)\}`)

// ContainerFromFieldPath returns NAME from an involvedObject.fieldPath such
// as spec.containers{NAME} or spec.initContainers{NAME}, or "".
func ContainerFromFieldPath(fieldPath string) string {
	if m := fieldPathContainer.FindStringSubmatch(fieldPath); m != nil {
		return m[1]
	}
	return ""
}

// containerInMessage finds the container named in kubelet messages that
// carry no fieldPath: "restarting failed container=NAME pod=...",
// "Back-off restarting failed container NAME in pod ...", "failed to
// \"StartContainer\" for \"NAME\" with ...", and the eviction message
// "Container NAME was using 34260Ki, which exceeds its request".
var containerInMessage = regexp.MustCompile(`failed container[= ]([A-Za-z0-9][-A-Za-z0-9_.]*)|"StartContainer\\?" for \\?"([^"\\]+)|Container ([A-Za-z0-9][-A-Za-z0-9_.]*) was using`)

func containerFromMessage(msg string) string {
	m := containerInMessage.FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	for _, g := range m[1:] {
		if g != "" {
			return g
		}
	}
	return ""
}
