package kube

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/internal/testevents"
	"github.com/tracegrid/tracegrid/shared/failure"
)

// jsonPayload returns the core/v1 Event a GKE LogEntry carries, as JSON.
func jsonPayload(t testing.TB, name string) []byte {
	t.Helper()
	raw := testevents.Read(t, name)
	var entry struct {
		JSONPayload json.RawMessage `json:"jsonPayload"`
	}
	if err := json.Unmarshal(raw, &entry); err != nil {
		t.Fatal(err)
	}
	return entry.JSONPayload
}

func TestParseEventRealPayloads(t *testing.T) {
	yamlEvent := testevents.Read(t, "k8s-event.Failed-to-pull-image.UKHomeOffice-kb8or-issue68.yaml")
	tests := []struct {
		name   string
		data   []byte
		signal Signal
		want   *failure.Failure // nil: Failure() must return nil
	}{
		{
			name:   "kubectl get events -o yaml list, kubelet Failed to pull image",
			data:   yamlEvent,
			signal: SignalFailure,
			want: &failure.Failure{
				Platform:  failure.Kubernetes,
				Namespace: "srrs-ci",
				Task:      "registry-v1-j6noi",
				Workload:  "registry-v1",
				Container: "registry",
				Node:      "ip-10-50-1-50.eu-west-1.compute.internal",
				Image:     "quay.io/ukhomeofficedigital/s3registry:v2.0.0-bob",
				Reason:    "Failed",
				Time:      time.Date(2016, 1, 29, 11, 54, 45, 0, time.UTC),
				Details:   map[string]string{"Occurrences": "61"},
			},
		},
		{
			name:   "GKE jsonPayload, Warning Failed pull (DERIVED)",
			data:   jsonPayload(t, "gcp-gke-k8s-event-logentry.k8s_pod.Warning-Failed-pull-image.DERIVED.json"),
			signal: SignalFailure,
			want: &failure.Failure{
				Platform:  failure.Kubernetes,
				Namespace: "default",
				Task:      "app-7d9c6b5f4-abcde",
				Workload:  "app",
				Container: "app",
				Node:      "gke-cluster-1-default-pool-476246ab-wnl7",
				Image:     "us-docker.pkg.dev/my-project/my-repo/app:does-not-exist",
				Reason:    "Failed",
				Time:      time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
			},
		},
		{
			name:   "events.k8s.io/v1 Event, kubelet BackOff restarting (DERIVED)",
			data:   testevents.Read(t, "k8s-event.events-k8s-io-v1.BackOff-restarting.DERIVED.json"),
			signal: SignalFailure,
			want: &failure.Failure{
				Platform:  failure.Kubernetes,
				Namespace: "kube-system",
				Task:      "kube-dns-56494768b7-544n6",
				Workload:  "kube-dns",
				Container: "prometheus-to-sd",
				Node:      "gke-cluster-1-default-pool-476246ab-wnl7",
				Reason:    "BackOff",
				Time:      time.Date(2022, 6, 1, 14, 9, 2, 0, time.UTC),
				Details:   map[string]string{"Occurrences": "7"},
			},
		},
		{
			name:   "GKE jsonPayload, Normal Pulling posts nothing",
			data:   jsonPayload(t, "gcp-gke-k8s-event-logentry.k8s_pod.Normal-Pulling.sekoia-real.json"),
			signal: SignalIgnore,
		},
		{
			name:   "GKE jsonPayload, Normal Created posts nothing",
			data:   jsonPayload(t, "gcp-gke-k8s-event-logentry.k8s_pod.Normal-Created.sekoia-real.json"),
			signal: SignalIgnore,
		},
		{
			name:   "GKE jsonPayload, endpoint update conflict is benign",
			data:   jsonPayload(t, "gcp-gke-k8s-event-logentry.k8s_cluster.Warning-FailedToUpdateEndpoint.sekoia-real.json"),
			signal: SignalIgnore,
		},
		{
			name:   "GKE jsonPayload, node sysctl notice is benign",
			data:   jsonPayload(t, "gcp-gke-k8s-event-logentry.k8s_node.Warning-NodeSysctlChange.sekoia-real.json"),
			signal: SignalIgnore,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ParseEvent(tt.data)
			if err != nil {
				t.Fatalf("ParseEvent: %v", err)
			}
			if got := e.Signal(); got != tt.signal {
				t.Errorf("Signal() = %v, want %v", got, tt.signal)
			}
			got := e.Failure()
			if tt.want == nil {
				if got != nil {
					t.Fatalf("Failure() = %+v, want nil", got)
				}
				return
			}
			if got == nil {
				t.Fatal("Failure() = nil")
			}
			if len(got.Messages) != 1 || got.Messages[0] != e.Message {
				t.Errorf("Messages = %q, want the event message", got.Messages)
			}
			got.Messages = nil
			assertFailure(t, got, tt.want)
		})
	}
}

func assertFailure(t *testing.T, got, want *failure.Failure) {
	t.Helper()
	g, _ := json.MarshalIndent(got, "", " ")
	w, _ := json.MarshalIndent(want, "", " ")
	if string(g) != string(w) {
		t.Errorf("Failure mismatch\n got: %s\nwant: %s", g, w)
	}
}

func TestParseEventRejects(t *testing.T) {
	for name, in := range map[string]string{
		"not yaml":        "{{{",
		"scalar":          "hello",
		"a pod":           "kind: Pod\nmetadata:\n  name: web\n",
		"empty list":      "[]",
		"event no object": `{"kind":"Event","reason":"Failed"}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseEvent([]byte(in)); err == nil {
				t.Fatal("ParseEvent accepted it")
			} else if name != "not yaml" && !errors.Is(err, ErrNotEvent) {
				t.Errorf("err = %v, want ErrNotEvent", err)
			}
		})
	}
}

func TestParseEventListPrefersWarning(t *testing.T) {
	list := `{"kind":"EventList","apiVersion":"v1","items":[
	 {"kind":"Event","reason":"Scheduled","type":"Normal","message":"Successfully assigned default/web-0 to node-1","involvedObject":{"kind":"Pod","name":"web-0","namespace":"default"}},
	 {"kind":"Event","reason":"FailedMount","type":"Warning","message":"MountVolume.SetUp failed for volume \"volume-apache-ssl-conf\" : configmap \"apache-ssl-conf\" not found","involvedObject":{"kind":"Pod","name":"web-0","namespace":"default"}}]}`
	e, err := ParseEvent([]byte(list))
	if err != nil {
		t.Fatal(err)
	}
	if e.Reason != "FailedMount" {
		t.Fatalf("picked %q, want the Warning FailedMount", e.Reason)
	}
	if f := e.Failure(); f.Workload != "web" || f.Task != "web-0" {
		t.Errorf("workload/task = %q/%q, want web/web-0", f.Workload, f.Task)
	}
}

// TestSignal covers the reasons the GKE sink delivers, with messages from
// the corpus (testdata/corpus/messages.jsonl) and kubelet's own wording.
func TestSignal(t *testing.T) {
	tests := []struct {
		reason, kind, message string
		want                  Signal
	}{
		{"BackOff", "Pod", "Back-off restarting failed container app in pod app-7d9c6b5f4-x2k4p_default(0f3c)", SignalFailure},
		{"Unhealthy", "Pod", "Liveness probe failed: Get https://192.168.3.82:8443/: dial tcp 192.168.3.82:8443: connect: connection refused", SignalFailure}, // kubernetes-retired/dashboard#3254
		{"FailedScheduling", "Pod", "0/5 nodes are available: 5 Insufficient cpu", SignalFailure},                                                             // pires/kubernetes-elasticsearch-cluster#178
		{"OOMKilling", "Node", "Memory cgroup out of memory: Killed process 3504804 (kubectl) total-vm:753508kB", SignalFailure},                              // kubernetes/node-problem-detector#766
		{"FailedCreate", "ReplicaSet", `Error creating: pods "allocation-manager-6597bc46dc-2wm8j" is forbidden: exceeded quota: namespace-quota`, SignalFailure},
		{"Killing", "Pod", "Container app failed liveness probe, will be restarted", SignalFailure},
		{"Killing", "Pod", "Stopping container app", SignalIgnore},
		{"Started", "Pod", "Started container app", SignalRecovery},
		{"Pulled", "Pod", `Successfully pulled image "nginx:1.27"`, SignalRecovery},
		{"Started", "Node", "Starting kubelet.", SignalIgnore},
		{"ScalingReplicaSet", "Deployment", "Scaled down replica set web-7d9c6b5f4 to 0", SignalIgnore},
	}
	for _, tt := range tests {
		t.Run(tt.reason+"/"+tt.message, func(t *testing.T) {
			e := Event{Reason: tt.reason, Message: tt.message, InvolvedObject: ObjectRef{Kind: tt.kind, Name: "x"}}
			if got := e.Signal(); got != tt.want {
				t.Errorf("Signal() = %v, want %v", got, tt.want)
			}
			if f := e.Failure(); (f == nil) != (tt.want == SignalIgnore) || (f != nil && f.Recovered != (tt.want == SignalRecovery)) {
				t.Errorf("Failure() = %+v for signal %v", f, tt.want)
			}
		})
	}
}
