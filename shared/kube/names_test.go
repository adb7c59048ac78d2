package kube

import "testing"

func TestWorkloadFromPod(t *testing.T) {
	tests := []struct{ pod, want string }{
		{"kube-dns-56494768b7-544n6", "kube-dns"},                                      // Deployment, real GKE event (SEKOIA sample)
		{"app-7d9c6b5f4-abcde", "app"},                                                 // Deployment
		{"mysql-mysql-54746f9675-4m94v", "mysql-mysql"},                                // Deployment, corpus (rancher/rancher#13457)
		{"web-controller-3987916996-qtfg7", "web-controller"},                          // Deployment, old decimal hash, corpus (kubernetes#62594)
		{"backup-28391520-x2k4p", "backup"},                                            // CronJob's Job
		{"fluentd-gcp-v3-x7k2p", "fluentd-gcp-v3"},                                     // DaemonSet
		{"registry-v1-j6noi", "registry-v1"},                                           // ReplicationController, kb8or#68
		{"fpl-case-service-pr-3308-es-master-0", "fpl-case-service-pr-3308-es-master"}, // StatefulSet, corpus (hmcts/cnp-flux-config#13765)
		{"taf-com-tlinux", ""},                                                         // bare pod, corpus (kubernetes#23672)
		{"nginx", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := WorkloadFromPod(tt.pod); got != tt.want {
			t.Errorf("WorkloadFromPod(%q) = %q, want %q", tt.pod, got, tt.want)
		}
	}
}

func TestContainerAndImage(t *testing.T) {
	tests := []struct {
		fieldPath, message, container, image string
	}{
		{"spec.containers{prometheus-to-sd}", `Pulling image "gke.gcr.io/prometheus-to-sd:v0.11.3-gke.0"`, "prometheus-to-sd", "gke.gcr.io/prometheus-to-sd:v0.11.3-gke.0"},
		{"spec.initContainers{migrate}", "Error: ErrImagePull", "migrate", ""},
		{"", `Error syncing pod, skipping: failed to "StartContainer" for "c-taf-com-tlinux" with CrashLoopBackOff: "Back-off 20s restarting failed container=c-taf-com-tlinux pod=taf-com-tlinux_default(bdfa8741-f70a-11e5-bf51-00269e2bd23c)"`, "c-taf-com-tlinux", ""},
		{"", "Back-off restarting failed container app in pod app-7d9c6b5f4-x2k4p_default(0f3c)", "app", ""},
		{"", "The node was low on resource: ephemeral-storage. Container ebaogi-bff-app was using 34260Ki, which exceeds its request of 0. ", "ebaogi-bff-app", ""},
		{"", `Failed to apply default image tag "https://harbor.k8s.mybank/release/name:1.1.0": couldn't parse image reference "https://harbor.k8s.mybank/release/name:1.1.0": invalid reference format.`, "", "https://harbor.k8s.mybank/release/name:1.1.0"},
		{"", `Failed to pull image "": rpc error: code = Unknown desc = Error response from daemon`, "", ""},
	}
	for _, tt := range tests {
		e := Event{Reason: "Failed", Message: tt.message, InvolvedObject: ObjectRef{Kind: "Pod", Name: "p", FieldPath: tt.fieldPath}}
		f := e.Failure()
		if f.Container != tt.container || f.Image != tt.image {
			t.Errorf("%q: container, image = %q, %q; want %q, %q", tt.message, f.Container, f.Image, tt.container, tt.image)
		}
	}
}

func TestWorkloadFromOwner(t *testing.T) {
	tests := []struct{ kind, name, want string }{
		{"ReplicaSet", "allocation-manager-6597bc46dc", "allocation-manager"},   // corpus (ministryofjustice/cloud-platform#590)
		{"ReplicaSet", "kubernetes-bootcamp-68cf47c9c8", "kubernetes-bootcamp"}, // kubernetes/website#56173
		{"ReplicaSet", "web", "web"},
		{"StatefulSet", "fpl-case-service-pr-3308-es-master", "fpl-case-service-pr-3308-es-master"},
		{"Job", "backup-28391520", "backup-28391520"},
	}
	for _, tt := range tests {
		if got := WorkloadFromOwner(tt.kind, tt.name); got != tt.want {
			t.Errorf("WorkloadFromOwner(%s, %s) = %q, want %q", tt.kind, tt.name, got, tt.want)
		}
	}
}
