package kube

import "testing"

func TestParseNodeLog(t *testing.T) {
	tests := []struct {
		name, line                                  string
		reason, namespace, pod, workload, container string
	}{
		{
			// kubelet journal line quoted in a public microk8s troubleshooting write-up.
			name:      "kubelet crash loop",
			line:      `E0308 00:29:40.068702   24749 pod_workers.go:918] "Error syncing pod, skipping" err="failed to \"StartContainer\" for \"install-cni\" with CrashLoopBackOff: \"back-off 2m40s restarting failed container=install-cni pod=calico-node-29x5m_kube-system(144b3044-4f15-46ba-93bf-305be42d810e)\"" pod="kube-system/calico-node-29x5m" podUID=144b3044-4f15-46ba-93bf-305be42d810e`,
			reason:    "CrashLoopBackOff",
			namespace: "kube-system", pod: "calico-node-29x5m", workload: "calico-node", container: "install-cni",
		},
		{
			// kernel line, corpus (kubernetes/node-problem-detector#766).
			name:   "kernel memcg OOM",
			line:   "Memory cgroup out of memory: Killed process 3504804 (kubectl) total-vm:753508kB, anon-rss:58776kB, file-rss:29400kB, shmem-rss:0kB, UID:0 pgtables:288kB oom_score_adj:999",
			reason: "OOMKilling",
		},
		{
			name: "routine kubelet line",
			line: `I1028 00:00:56.628767    4687 scope.go:117] "RemoveContainer" containerID="92f71d8760fdc154a9065c7a18cd1d059bed8e734ffa36498934f1935ce84617"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ParseNodeLog(tt.line)
			if tt.reason == "" {
				if f != nil {
					t.Fatalf("got %+v, want nil", f)
				}
				return
			}
			if f == nil {
				t.Fatal("got nil")
			}
			if f.Reason != tt.reason || f.Namespace != tt.namespace || f.Task != tt.pod || f.Workload != tt.workload || f.Container != tt.container {
				t.Errorf("got reason %q ns %q pod %q workload %q container %q", f.Reason, f.Namespace, f.Task, f.Workload, f.Container)
			}
		})
	}
}
