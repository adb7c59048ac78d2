package gke

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/internal/testevents"
	"github.com/tracegrid/tracegrid/shared/failure"
)

// binaryRequest reads the DERIVED binary-mode Eventarc request: its ce-*
// headers and its body (MessagePublishedData wrapping the GKE LogEntry).
func binaryRequest(t testing.TB) (http.Header, []byte) {
	t.Helper()
	raw := string(testevents.Read(t, "gcp-pubsub-messagePublished.binary-mode-request.wrapping-gke-event.DERIVED.http.txt"))
	head, body, ok := strings.Cut(raw, "\n\n")
	if !ok {
		t.Fatal("no blank line between headers and body")
	}
	h := http.Header{}
	for _, line := range strings.Split(head, "\n")[1:] { // skip the request line
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("bad header line %q", line)
		}
		h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return h, []byte(body)
}

// withEvent returns the DERIVED GKE LogEntry with its jsonPayload's reason,
// message and involvedObject.fieldPath replaced, for kubelet messages from
// the corpus (testdata/corpus/messages.jsonl).
func withEvent(t testing.TB, insertID, reason, message, fieldPath string) []byte {
	t.Helper()
	var entry map[string]any
	if err := json.Unmarshal(testevents.Read(t, "gcp-gke-k8s-event-logentry.k8s_pod.Warning-Failed-pull-image.DERIVED.json"), &entry); err != nil {
		t.Fatal(err)
	}
	entry["insertId"] = insertID
	p := entry["jsonPayload"].(map[string]any)
	p["reason"], p["message"] = reason, message
	obj := p["involvedObject"].(map[string]any)
	if fieldPath == "" {
		delete(obj, "fieldPath")
	} else {
		obj["fieldPath"] = fieldPath
	}
	b, err := json.Marshal(entry)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// messagePublished wraps a LogEntry as MessagePublishedData, the
// CloudEvent data Eventarc sends, with the duplicated snake_case fields
// Pub/Sub push adds (google-cloudevents MessagePublishedData-duplicatedFields).
func messagePublished(entry []byte, messageID string) []byte {
	b, _ := json.Marshal(map[string]any{
		"subscription": "projects/my-project/subscriptions/eventarc-us-central1-gke-events-fn-000-sub-000",
		"message": map[string]any{
			"@type":        "type.googleapis.com/google.pubsub.v1.PubsubMessage",
			"data":         base64.StdEncoding.EncodeToString(entry),
			"messageId":    messageID,
			"message_id":   messageID,
			"publishTime":  "2024-01-01T00:00:06.500Z",
			"publish_time": "2024-01-01T00:00:06.500Z",
			"attributes":   map[string]string{"logging.googleapis.com/timestamp": "2024-01-01T00:00:05Z"},
		},
	})
	return b
}

// structured wraps MessagePublishedData in the real structured-mode
// envelope from functions-framework-go's tests (structured.B).
func structured(t testing.TB, data []byte) []byte {
	t.Helper()
	var ce map[string]any
	if err := json.Unmarshal(testevents.Read(t, "gcp-pubsub-messagePublished.cloudevent-structured.B.functions-framework-go-test.json"), &ce); err != nil {
		t.Fatal(err)
	}
	ce["data"] = json.RawMessage(data)
	b, err := json.Marshal(ce)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var pullFailure = &failure.Failure{
	Platform:  failure.Kubernetes,
	Account:   "my-project",
	Region:    "us-central1",
	Cluster:   "cluster-1",
	Namespace: "default",
	Workload:  "app",
	Task:      "app-7d9c6b5f4-abcde",
	Node:      "gke-cluster-1-default-pool-476246ab-wnl7",
	Container: "app",
	Image:     "us-docker.pkg.dev/my-project/my-repo/app:does-not-exist",
	Reason:    "Failed",
	Messages:  []string{`Failed to pull image "us-docker.pkg.dev/my-project/my-repo/app:does-not-exist": rpc error: code = NotFound desc = failed to pull and unpack image "us-docker.pkg.dev/my-project/my-repo/app:does-not-exist": failed to resolve reference "us-docker.pkg.dev/my-project/my-repo/app:does-not-exist": us-docker.pkg.dev/my-project/my-repo/app:does-not-exist: not found`},
	Time:      time.Date(2024, 1, 1, 0, 0, 5, 0, time.UTC), // the entry's timestamp (the event's lastTimestamp)
	Links:     []failure.Link{{Title: "Pod in the GKE console", URL: "https://console.cloud.google.com/kubernetes/pod/us-central1/cluster-1/default/app-7d9c6b5f4-abcde/details?project=my-project"}},
	EventID:   "EXAMPLE-insertId",
}

func TestDecodeShapes(t *testing.T) {
	entry := testevents.Read(t, "gcp-gke-k8s-event-logentry.k8s_pod.Warning-Failed-pull-image.DERIVED.json")
	_, binaryBody := binaryRequest(t)
	msgData := messagePublished(entry, "10000000000000001")
	var pushed struct{ Message json.RawMessage }
	if err := json.Unmarshal(msgData, &pushed); err != nil {
		t.Fatal(err)
	}
	dataBase64, _ := json.Marshal(map[string]any{
		"specversion": "1.0", "type": MessagePublishedType, "id": "1", "source": "//pubsub.googleapis.com/projects/my-project/topics/gke-events",
		"data_base64": base64.StdEncoding.EncodeToString(msgData),
	})
	for name, body := range map[string][]byte{
		"bare LogEntry":                            entry,
		"binary-mode request body (DERIVED)":       binaryBody,
		"MessagePublishedData, snake_case fields":  msgData,
		"bare PubsubMessage":                       pushed.Message,
		"structured CloudEvent (real envelope)":    structured(t, msgData),
		"structured CloudEvent with data_base64":   dataBase64,
		"LogEntry with snake_case names (proto)":   bytes.ReplaceAll(bytes.ReplaceAll(entry, []byte(`"insertId"`), []byte(`"insert_id"`)), []byte(`"jsonPayload"`), []byte(`"json_payload"`)),
		"LogEntry with unpadded base64 in message": []byte(`{"message":{"data":"` + base64.RawStdEncoding.EncodeToString(entry) + `"}}`),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Decode(body)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("got %d failures, want 1", len(got))
			}
			assertFailure(t, got[0], pullFailure)
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

// TestDecodeNothingToReport: routine events are read without error and
// report nothing.
func TestDecodeNothingToReport(t *testing.T) {
	for _, name := range []string{
		"gcp-gke-k8s-event-logentry.k8s_pod.Normal-Created.sekoia-real.json",
		"gcp-gke-k8s-event-logentry.k8s_pod.Normal-Pulling.sekoia-real.json",
		"gcp-gke-k8s-event-logentry.k8s_cluster.Warning-FailedToUpdateEndpoint.sekoia-real.json",
		"gcp-gke-k8s-event-logentry.k8s_node.Warning-NodeSysctlChange.sekoia-real.json",
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Decode(testevents.Read(t, name))
			if err != nil || len(got) != 0 {
				t.Fatalf("Decode = %v, %v; want nothing", got, err)
			}
		})
	}
	notice := `{"insertId":"1","logName":"projects/p/logs/events","resource":{"type":"k8s_cluster","labels":{"project_id":"p"}},"textPayload":"exporter notice","severity":"INFO"}`
	if got, err := Decode([]byte(notice)); err != nil || len(got) != 0 {
		t.Fatalf("exporter textPayload notice: %v, %v", got, err)
	}
}

// TestDecodeEventsFromCorpus checks the mapping of the reasons the sink
// delivers, with real kubelet and controller messages from the corpus.
func TestDecodeEventsFromCorpus(t *testing.T) {
	tests := []struct {
		source, reason, fieldPath, message string
		container, image                   string
	}{
		{"rancher/rancher#13457", "BackOff", "", "Back-off 20s restarting failed container=mysql-mysql pod=mysql-mysql-54746f9675-4m94v_default(73c7ba9b-5641-11e8-b98a-aa6755e81c4d)", "mysql-mysql", ""},
		{"kubernetes-retired/dashboard#3254", "Unhealthy", "spec.containers{app}", "Liveness probe failed: Get https://192.168.3.82:8443/: dial tcp 192.168.3.82:8443: connect: connection refused", "app", ""},
		{"RedHatOfficial/openemr-kube#8", "FailedMount", "", `MountVolume.SetUp failed for volume "volume-apache-ssl-conf" : configmap "apache-ssl-conf" not found`, "", ""},
		{"pires/kubernetes-elasticsearch-cluster#178", "FailedScheduling", "", "0/5 nodes are available: 5 Insufficient cpu", "", ""},
		{"kubernetes/kubernetes#118461", "FailedCreatePodSandBox", "", "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create containerd task: failed to create shim task: OCI runtime create failed: unable to retrieve OCI runtime error", "", ""},
		{"kubernetes/kubernetes#91600", "Evicted", "", "The node was low on resource: ephemeral-storage. Container ebaogi-bff-app was using 34260Ki, which exceeds its request of 0. ", "ebaogi-bff-app", ""},
		{"aerokube/moon#43", "Failed", "spec.containers{logger}", `Failed to pull image "aerokube/logger:cad1da0af14ee43856ce3ca635daf0e79ebb1fef": rpc error: code = 2 desc = manifest unknown: manifest unknown`, "logger", "aerokube/logger:cad1da0af14ee43856ce3ca635daf0e79ebb1fef"},
	}
	for _, tt := range tests {
		t.Run(tt.source, func(t *testing.T) {
			got, err := Decode(messagePublished(withEvent(t, "id-"+tt.reason, tt.reason, tt.message, tt.fieldPath), "1"))
			if err != nil || len(got) != 1 {
				t.Fatalf("Decode = %v, %v", got, err)
			}
			f := got[0]
			if f.Reason != tt.reason || f.Container != tt.container || f.Image != tt.image || f.EventID != "id-"+tt.reason {
				t.Errorf("reason %q container %q image %q event %q", f.Reason, f.Container, f.Image, f.EventID)
			}
			if f.Account != "my-project" || f.Region != "us-central1" || f.Cluster != "cluster-1" || f.Namespace != "default" || f.Task != "app-7d9c6b5f4-abcde" || f.Workload != "app" {
				t.Errorf("names not filled: %+v", f)
			}
		})
	}
}

// TestDecodeNodeLogs: kubelet and kernel lines a sink may route, in the
// journal shape GKE's logging agent writes (jsonPayload.MESSAGE, resource
// k8s_node; see SEKOIA-IO's gke_container_runtime samples).
func TestDecodeNodeLogs(t *testing.T) {
	journal := func(logID, message string) []byte {
		b, _ := json.Marshal(map[string]any{
			"insertId": "node-" + logID,
			"logName":  "projects/hazel-aria-348413/logs/" + logID,
			"jsonPayload": map[string]any{
				"MESSAGE": message, "SYSLOG_IDENTIFIER": logID, "_HOSTNAME": "gke-cluster-1-default-pool-476246ab-wnl7",
			},
			"resource": map[string]any{"type": "k8s_node", "labels": map[string]string{
				"cluster_name": "cluster-1", "location": "europe-west1-c", "project_id": "hazel-aria-348413", "node_name": "gke-cluster-1-default-pool-476246ab-wnl7",
			}},
			"timestamp": "2022-06-01T14:01:35.371006269Z",
		})
		return b
	}
	crash := `E0308 00:29:40.068702   24749 pod_workers.go:918] "Error syncing pod, skipping" err="failed to \"StartContainer\" for \"install-cni\" with CrashLoopBackOff: \"back-off 2m40s restarting failed container=install-cni pod=calico-node-29x5m_kube-system(144b3044-4f15-46ba-93bf-305be42d810e)\"" pod="kube-system/calico-node-29x5m" podUID=144b3044-4f15-46ba-93bf-305be42d810e`
	got, err := Decode(journal("kubelet", crash))
	if err != nil || len(got) != 1 {
		t.Fatalf("kubelet crash loop: %v, %v", got, err)
	}
	if f := got[0]; f.Reason != "CrashLoopBackOff" || f.Task != "calico-node-29x5m" || f.Namespace != "kube-system" || f.Container != "install-cni" || f.Cluster != "cluster-1" || f.Node != "gke-cluster-1-default-pool-476246ab-wnl7" {
		t.Errorf("kubelet crash loop: %+v", f)
	}
	oom := "Memory cgroup out of memory: Killed process 3504804 (kubectl) total-vm:753508kB, anon-rss:58776kB, file-rss:29400kB, shmem-rss:0kB, UID:0 pgtables:288kB oom_score_adj:999"
	got, err = Decode(journal("kernel", oom))
	if err != nil || len(got) != 1 || got[0].Reason != "OOMKilling" || got[0].Account != "hazel-aria-348413" {
		t.Fatalf("kernel OOM: %v, %v", got, err)
	}
	got, err = Decode(journal("kubelet", `I1028 00:00:56.628767    4687 scope.go:117] "RemoveContainer" containerID="92f7"`))
	if err != nil || len(got) != 0 {
		t.Fatalf("routine kubelet line: %v, %v", got, err)
	}
}

// TestDecodePoison: inputs that cannot be read are errors (the handler
// logs and acknowledges them).
func TestDecodePoison(t *testing.T) {
	audit := `{"insertId":"a1","logName":"projects/p/logs/cloudaudit.googleapis.com%2Factivity","protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog"},"resource":{"type":"k8s_cluster","labels":{"project_id":"p"}}}`
	for name, body := range map[string][]byte{
		"not JSON":                    []byte("not json"),
		"JSON array":                  []byte("[1,2]"),
		"null":                        []byte("null"),
		"bad base64":                  []byte(`{"message":{"data":"!!!not base64!!!","messageId":"1"}}`),
		"base64 of non-JSON (real A)": testevents.Read(t, "gcp-pubsub-messagePublished.cloudevent-structured.A.functions-framework-go-test.json"),
		"text message (real B)":       testevents.Read(t, "gcp-pubsub-messagePublished.cloudevent-structured.B.functions-framework-go-test.json"),
		"binary data (real)":          testevents.Read(t, "gcp-pubsub.MessagePublishedData-binary.google-cloudevents-testdata.json"),
		"duplicated fields (real)":    testevents.Read(t, "gcp-pubsub.MessagePublishedData-duplicatedFields.google-cloudevents-testdata.json"),
		"Hello World (real)":          testevents.Read(t, "gcp-pubsub.PubsubMessage-simple.google-cloudevents-testdata.json"),
		"audit LogEntry":              messagePublished([]byte(audit), "2"),
		"events entry, not an Event":  messagePublished([]byte(`{"insertId":"b","logName":"projects/p/logs/events","jsonPayload":{"hello":"world"}}`), "3"),
		"message without data":        []byte(`{"message":{"messageId":"1"}}`),
		"other CloudEvent type":       []byte(`{"specversion":"1.0","type":"google.cloud.storage.object.v1.finalized","data":{}}`),
		"unknown JSON":                []byte(`{"hello":"world"}`),
	} {
		t.Run(name, func(t *testing.T) {
			if got, err := Decode(body); err == nil {
				t.Fatalf("Decode accepted it: %v", got)
			} else if !strings.HasPrefix(err.Error(), "gke: ") {
				t.Errorf("error %q does not say where it comes from", err)
			}
		})
	}
}

// TestDecodeNodeEvent: a node-scoped event (resource k8s_node) with the
// kernel monitor's OOMKilling reason, in the real SEKOIA k8s_node envelope
// with the corpus message (kubernetes/node-problem-detector#766).
func TestDecodeNodeEvent(t *testing.T) {
	var entry map[string]any
	if err := json.Unmarshal(testevents.Read(t, "gcp-gke-k8s-event-logentry.k8s_node.Warning-NodeSysctlChange.sekoia-real.json"), &entry); err != nil {
		t.Fatal(err)
	}
	p := entry["jsonPayload"].(map[string]any)
	p["reason"] = "OOMKilling"
	p["message"] = "Memory cgroup out of memory: Killed process 3504804 (kubectl) total-vm:753508kB, anon-rss:58776kB, file-rss:29400kB, shmem-rss:0kB, UID:0 pgtables:288kB oom_score_adj:999"
	p["source"] = map[string]any{"component": "kernel-monitor", "host": "gke-cluster-1-default-pool-eb66079e-k3zf"}
	b, _ := json.Marshal(entry)
	got, err := Decode(b)
	if err != nil || len(got) != 1 {
		t.Fatalf("Decode = %v, %v", got, err)
	}
	assertFailure(t, got[0], &failure.Failure{
		Platform: failure.Kubernetes,
		Account:  "hazel-aria-348413",
		Region:   "europe-central2-a",
		Cluster:  "cluster-1",
		Node:     "gke-cluster-1-default-pool-eb66079e-k3zf",
		Reason:   "OOMKilling",
		Messages: []string{p["message"].(string)},
		Time:     time.Date(2022, 6, 15, 1, 55, 51, 0, time.UTC),
		EventID:  "32ez47f5wz17i",
	})
}

// TestDecodeEventsK8sIoV1: a LogEntry whose payload is an events.k8s.io/v1
// Event decodes to the same failure as its core/v1 form.
func TestDecodeEventsK8sIoV1(t *testing.T) {
	decode := func(file string) *failure.Failure {
		fs, err := Decode(testevents.Read(t, file))
		if err != nil || len(fs) != 1 {
			t.Fatalf("Decode(%s) = %v, %v", file, fs, err)
		}
		return fs[0]
	}
	core := decode("gcp-gke-k8s-event-logentry.k8s_pod.Warning-BackOff-restarting.DERIVED.json")
	v1 := decode("gcp-gke-k8s-event-logentry.k8s_pod.Warning-BackOff-events-k8s-io-v1.DERIVED.json")
	if v1.Details["Occurrences"] != "7" {
		t.Errorf("deprecatedCount not read: %v", v1.Details)
	}
	v1.EventID, v1.Details = core.EventID, core.Details
	assertFailure(t, v1, core)
}
