package classify

import (
	"regexp"

	"github.com/tracegrid/tracegrid/shared/failure"
)

// names are the names commands use: the Failure's own, completed from what
// its messages state when the event left a field empty.
type names struct {
	namespace, pod, container string
	secret                    string // the Kubernetes Secret a message names
	group                     string // the ACI container group
	location                  string // the Azure region
}

var (
	// kubelet: "restarting failed container=web pod=web-7d9c-x2k4p_shop(5c1e...)".
	kubeletPod       = regexp.MustCompile(`\bpod=([a-z0-9][-a-z0-9.]*)_([a-z0-9][-a-z0-9]*)\(`)
	kubeletContainer = regexp.MustCompile(`\bcontainer=([A-Za-z0-9][-A-Za-z0-9_.]*)`)
	// klog structured kubelet lines: pod="NAMESPACE/NAME".
	klogPod = regexp.MustCompile(`\bpod="([a-z0-9][-a-z0-9]*)/([a-z0-9][-a-z0-9.]*)"`)
	// kubelet: "couldn't find key K in Secret NAMESPACE/NAME".
	namespacedSecret = regexp.MustCompile(`\bSecret ([a-z0-9][-a-z0-9]*)/([a-z0-9][-a-z0-9.]*)`)
	// kubelet: `secret "NAME" not found`.
	quotedSecret = regexp.MustCompile(`\bsecrets? "([a-z0-9][-a-z0-9.]*)" not found`)
	// ARM: "The image 'X' in container group 'agoa' is not accessible."
	aciGroup = regexp.MustCompile(`\bin container group '([^']+)'`)
	// ARM: "not available in the location 'uksouth'", "exceeded in region 'eastus'".
	aciLocation = regexp.MustCompile(`\bin (?:the )?(?:location|region) '([A-Za-z0-9]+)'`)
)

// namesIn returns f's names, with the empty ones filled from f's messages.
func namesIn(f *failure.Failure) names {
	n := names{namespace: f.Namespace, pod: f.Task, container: f.Container, group: f.Task, location: f.Region}
	if n.group == "" {
		n.group = f.Workload
	}
	for _, m := range f.Messages {
		switch f.Platform {
		case failure.Kubernetes:
			if p := kubeletPod.FindStringSubmatch(m); p != nil {
				fill(&n.pod, p[1])
				fill(&n.namespace, p[2])
			}
			if p := klogPod.FindStringSubmatch(m); p != nil {
				fill(&n.namespace, p[1])
				fill(&n.pod, p[2])
			}
			if c := kubeletContainer.FindStringSubmatch(m); c != nil {
				fill(&n.container, c[1])
			}
			if s := namespacedSecret.FindStringSubmatch(m); s != nil {
				fill(&n.namespace, s[1])
				fill(&n.secret, s[2])
			}
			if s := quotedSecret.FindStringSubmatch(m); s != nil {
				fill(&n.secret, s[1])
			}
		case failure.ACI:
			if g := aciGroup.FindStringSubmatch(m); g != nil {
				fill(&n.group, g[1])
			}
			if l := aciLocation.FindStringSubmatch(m); l != nil {
				fill(&n.location, l[1])
			}
		}
	}
	return n
}

// fill sets *dst to v when *dst is empty.
func fill(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}
