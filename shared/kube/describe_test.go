package kube

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/shared/failure"
)

func readDescribe(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "describe", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseDescribe(t *testing.T) {
	tests := []struct {
		file string
		want *failure.Failure
	}{
		{
			file: "keda-example-issue6.events.txt",
			want: &failure.Failure{
				Platform: failure.Kubernetes,
				Image:    "local/dummy",
				Reason:   "Failed",
				Messages: []string{
					`Failed to pull image "local/dummy": rpc error: code = Unknown desc = Error response from daemon: pull access denied for local/dummy, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`,
					"Error: ErrImagePull",
					"Error: ImagePullBackOff",
				},
			},
		},
		{
			file: "kubernetes-website-56173.pull.txt",
			want: &failure.Failure{
				Platform:  failure.Kubernetes,
				Namespace: "default",
				Workload:  "kubernetes-bootcamp",
				Task:      "kubernetes-bootcamp-68cf47c9c8-m4zqr",
				Node:      "minikube",
				Container: "kubernetes-bootcamp",
				Image:     "docker.io/jocatalin/kubernetes-bootcamp:v2",
				Reason:    "Failed",
				Messages:  []string{"Error: ErrImagePull", "Error: ImagePullBackOff"},
			},
		},
		{
			file: "kube-eventer-issue285.oom-state.txt",
			want: &failure.Failure{
				Platform: failure.Kubernetes,
				Reason:   "OOMKilled",
				ExitCode: failure.IntPtr(1),
				Messages: []string{"State: Waiting (CrashLoopBackOff); Last State: Terminated (OOMKilled, exit code 1)"},
				Details:  map[string]string{"Restart count": "3"},
			},
		},
		{
			file: "kubernetes-issue22005.pending-pull.txt",
			want: &failure.Failure{
				Platform:  failure.Kubernetes,
				Namespace: "kube-system",
				// A static pod (<name>-<node>): no controller suffix.
				Task:      "fluentd-elasticsearch-e2e-test-mml-minion-siao",
				Node:      "e2e-test-mml-minion-siao",
				Container: "fluentd-elasticsearch",
				Image:     "gcr.io/google_containers/fluentd-elasticsearch:1.14",
				Reason:    "ImagePullBackOff",
				Messages:  []string{"State: Waiting (ImagePullBackOff)"},
				Details:   map[string]string{"Pod status": "Pending"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ParseDescribe(readDescribe(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			assertFailure(t, got, tt.want)
		})
	}
}

// TestParseDescribeCorpus parses every `kubectl describe` fragment of the
// corpus and checks the reason and exit code it shows.
func TestParseDescribeCorpus(t *testing.T) {
	want := map[string]struct {
		reason string
		exit   int
	}{
		"https://github.com/apecloud/kubeblocks/issues/4633":                                                                         {"CrashLoopBackOff", 127},
		"https://github.com/Azure/azure-service-operator/issues/298":                                                                 {"OOMKilled", 137},
		"https://github.com/crossplane/oam-kubernetes-runtime/issues/100":                                                            {"OOMKilled", 137},
		"https://github.com/kubernetes/website/issues/8210":                                                                          {"Completed", 0},
		"https://github.com/kubernetes/kubernetes/issues/98157":                                                                      {"OOMKilled", 137},
		"https://github.com/kubernetes/kubernetes/issues/131530":                                                                     {"OOMKilled", 0},
		"https://github.com/operator-framework/operator-sdk-samples/issues/156":                                                      {"OOMKilled", 137},
		"https://github.com/portainer/portainer/issues/5314":                                                                         {"CrashLoopBackOff", 0},
		"https://github.com/Azure/azure-databricks-operator/issues/62":                                                               {"OOMKilled", 137},
		"https://github.com/stafftastic/jitsu-chart/issues/76":                                                                       {"OOMKilled", 137},
		"https://github.com/kubernetes/kubernetes/issues/104454":                                                                     {"OOMKilled", 0},
		"https://github.com/kubernetes/kubernetes/issues/14307":                                                                      {"Error", 0},
		"https://github.com/kubernetes/kubernetes/issues/63195":                                                                      {"Completed", 0},
		"https://github.com/kubernetes-sigs/azurefile-csi-driver/pull/751":                                                           {"OOMKilled", 137},
		"https://github.com/kubernetes-sigs/azuredisk-csi-driver/pull/750":                                                           {"OOMKilled", 137},
		"https://github.com/Yolean/kubernetes-kafka/issues/15":                                                                       {"Completed", 0},
		"https://github.com/vercel/next.js/issues/41280":                                                                             {"Completed", 0},
		"https://github.com/broadinstitute/gnomad-browser/pull/1410":                                                                 {"OOMKilled", 137},
		"https://github.com/gimlet-io/gimlet/issues/649":                                                                             {"OOMKilled", 137},
		"https://github.com/bitnami/charts/issues/4672":                                                                              {"Error", 7},
		"https://github.com/kedacore/keda-olm-operator/issues/162":                                                                   {"OOMKilled", 137},
		"https://github.com/cilium/cilium-olm/issues/32":                                                                             {"OOMKilled", 137},
		"https://github.com/kube-rs/kube/issues/331":                                                                                 {"Error", 139},
		"https://github.com/kubernetes/kubernetes/issues/93826":                                                                      {"Error", 1},
		"https://github.com/kubernetes/minikube/issues/23065":                                                                        {"CrashLoopBackOff", 139},
		"https://github.com/kubernetes/kubernetes/issues/49873":                                                                      {"CrashLoopBackOff", 0},
		"https://github.com/lsst-it/k8s-cookbook/pull/1308":                                                                          {"OOMKilled", 137},
		"https://github.com/humio/humio-operator/issues/229":                                                                         {"OOMKilled", 137},
		"https://deverrors.com/errors/k8s-oomkilled":                                                                                 {"OOMKilled", 137},
		"https://github.com/kyma-project/kyma/issues/3195":                                                                           {"OOMKilled", 137},
		"https://fixdevs.com/blog/kubernetes-pod-oom-killed/":                                                                        {"OOMKilled", 137},
		"https://kubernetesinterviewquestions.com/errors/containercannotrun":                                                         {"ContainerCannotRun", 127},
		"https://github.com/starburstdata/starburst-terraform/pull/1":                                                                {"OOMKilled", 137},
		"https://github.com/adampetrovic/home-ops/pull/2464":                                                                         {"OOMKilled", 137},
		"https://techdevlabs.pages.dev/kubernetes/kubernetes-exit-code-137-resolving-oomkilled-pod-eviction-and-memory-limit-errors": {"OOMKilled", 137},
		"https://openillumi.com/?p=116205":                                                                                           {"Error", 1},
		"https://errcodes.dev/kubernetes/exitcode143":                                                                                {"Error", 143},
		"https://tasrieit.com/blog/how-to-fix-crashloopbackoff-kubernetes-error-2026":                                                {"Error", 1},
		"https://github.com/sentry-kubernetes/charts/issues/1491":                                                                    {"OOMKilled", 137},
		"https://github.com/strimzi/strimzi-kafka-operator/issues/11964":                                                             {"OOMKilled", 137},
		"https://github.com/KentaroJay/knowledge-software/blob/70c69bf373073d59338187df1a04a9c29c0be4bc/k8s/kubectl-describe-pod.md": {"Completed", 0},
	}
	f, err := os.Open("../../testdata/corpus/messages.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m struct{ Field, Message, Source string }
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Field, "kubectl describe") || !strings.Contains(m.Message, "Exit Code:") {
			continue // an Events line quoted from describe, not a container section
		}
		seen++
		w, ok := want[m.Source]
		if !ok {
			t.Errorf("corpus fragment from %s has no expectation here", m.Source)
			continue
		}
		got, err := ParseDescribe(m.Message)
		if err != nil {
			t.Errorf("%s: %v", m.Source, err)
			continue
		}
		if code, ok := got.Exit(); got.Reason != w.reason || !ok || code != w.exit {
			t.Errorf("%s: reason %q exit %v, want %q %d", m.Source, got.Reason, got.ExitCode, w.reason, w.exit)
		}
	}
	if seen != len(want) {
		t.Errorf("saw %d describe fragments, want %d", seen, len(want))
	}
}

// TestParseDescribeSkipsCompletedInit: the init container that completed
// is not the failure; the app container crash-looping after an OOM kill is.
// Blocks in kubectl's layout, states from kube-eventer#285.
func TestParseDescribeSkipsCompletedInit(t *testing.T) {
	text := `Name:             api-6b8d7f9c5d-2xk4p
Namespace:        prod
Controlled By:  ReplicaSet/api-6b8d7f9c5d
Init Containers:
  migrate:
    Image:          registry.example.com/api-migrate:1.4.2
    State:          Terminated
      Reason:       Completed
      Exit Code:    0
    Ready:          True
    Restart Count:  0
Containers:
  api:
    Image:          registry.example.com/api:1.4.2
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
    Ready:          False
    Restart Count:  3
    Limits:
      cpu:     500m
      memory:  256Mi
    Requests:
      memory:  128Mi
`
	got, err := ParseDescribe(text)
	if err != nil {
		t.Fatal(err)
	}
	assertFailure(t, got, &failure.Failure{
		Platform:  failure.Kubernetes,
		Namespace: "prod",
		Workload:  "api",
		Task:      "api-6b8d7f9c5d-2xk4p",
		Container: "api",
		Image:     "registry.example.com/api:1.4.2",
		Reason:    "OOMKilled",
		ExitCode:  failure.IntPtr(137),
		Messages:  []string{"State: Waiting (CrashLoopBackOff); Last State: Terminated (OOMKilled, exit code 137)"},
		Details:   map[string]string{"Restart count": "3", "Memory limit": "256Mi"},
	})
}

func TestParseDescribeRejects(t *testing.T) {
	for _, in := range []string{"", "hello world", "CannotPullContainerError: ref not found", `{"kind":"Event"}`} {
		if f, err := ParseDescribe(in); !errors.Is(err, ErrNotDescribe) {
			t.Errorf("ParseDescribe(%q) = %+v, %v; want ErrNotDescribe", in, f, err)
		}
	}
}

func TestParseDescribeEvicted(t *testing.T) {
	// Pod-level status of an evicted pod, message from the corpus
	// (kubernetes/kubernetes#91600).
	text := "Name:           ebaogi-bff-app-6b8d7f9c5d-2xk4p\nNamespace:      prod\nStatus:         Failed\nReason:         Evicted\nMessage:        The node was low on resource: ephemeral-storage. Container ebaogi-bff-app was using 34260Ki, which exceeds its request of 0. \n"
	got, err := ParseDescribe(text)
	if err != nil {
		t.Fatal(err)
	}
	assertFailure(t, got, &failure.Failure{
		Platform:  failure.Kubernetes,
		Namespace: "prod",
		Workload:  "ebaogi-bff-app",
		Task:      "ebaogi-bff-app-6b8d7f9c5d-2xk4p",
		Reason:    "Evicted",
		Messages:  []string{"The node was low on resource: ephemeral-storage. Container ebaogi-bff-app was using 34260Ki, which exceeds its request of 0."},
		Details:   map[string]string{"Pod status": "Failed"},
	})
}

// TestUnflatten: a container's state blocks pasted onto one line (as issue
// threads carry them) read as kubectl prints them; other lines pass through.
func TestUnflatten(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{"Last State:     Terminated Reason:       OOMKilled Exit Code:    137",
			[]string{"Last State:     Terminated", "  Reason:       OOMKilled", "  Exit Code:    137"}},
		{"    State:          Terminated Reason: Error Exit Code: 0",
			[]string{"    State:          Terminated", "      Reason: Error", "      Exit Code: 0"}},
		{"    State:          Waiting", []string{"    State:          Waiting"}},
		// State and Last State on one line (kubernetes#49873), and after
		// the container's other fields (humio-operator#229).
		{"State: Waiting Reason: CrashLoopBackOff Last State: Terminated Reason: Completed Exit Code: 0",
			[]string{"State: Waiting", "  Reason: CrashLoopBackOff", "Last State: Terminated", "  Reason: Completed", "  Exit Code: 0"}},
		{"Command: /manager State: Running Last State: Terminated Reason: OOMKilled",
			[]string{"Command: /manager", "State: Running", "Last State: Terminated", "  Reason: OOMKilled"}},
		// "State:" in a message's text is not a state block.
		{`Message: pod is not in 'Running' state - State: "Pending"`, []string{`Message: pod is not in 'Running' state - State: "Pending"`}},
		{"      Reason:       CrashLoopBackOff", []string{"      Reason:       CrashLoopBackOff"}},
		// A state's fields without the state (kubernetesinterviewquestions.com).
		{"Reason: ContainerCannotRun Message: exec: stat /app/run: no such file or directory Exit Code: 127",
			[]string{"Reason: ContainerCannotRun", "Message: exec: stat /app/run: no such file or directory", "Exit Code: 127"}},
	}
	for _, tt := range tests {
		got := unflatten(tt.line)
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("unflatten(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}
