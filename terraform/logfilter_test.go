package terraform_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/tracegrid/tracegrid/internal/testevents"
	"github.com/tracegrid/tracegrid/shared/kube"
	"github.com/tracegrid/tracegrid/terraform/logquery"
)

// gkeLocal evaluates a local of the GCP module with cluster_names set.
func gkeLocal(t *testing.T, name string, clusters ...string) cty.Value {
	t.Helper()
	m := loadModule(t, "gcp")
	set := map[string]cty.Value{}
	for k, v := range requiredVars["gcp"] {
		set[k] = v
	}
	set["cluster_names"] = cty.ListValEmpty(cty.String)
	if len(clusters) > 0 {
		var vals []cty.Value
		for _, c := range clusters {
			vals = append(vals, cty.StringVal(c))
		}
		set["cluster_names"] = cty.ListVal(vals)
	}
	v, err := newEvaluator(m, defaults(t, m, set)).eval(m.locals[name])
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestGKELogSinkFilter evaluates the sink's filter, as the module renders it, with the
// Logging query language (terraform/logquery) against GKE LogEntries in testdata/events
// (real ones, and DERIVED ones built from real envelopes; SOURCES.md says which): Warning
// events and the pods' Normal Started recoveries are routed; other Normal events, container
// and node logs are not.
func TestGKELogSinkFilter(t *testing.T) {
	filter := gkeLocal(t, "log_filter").AsString()
	q, err := logquery.Parse(filter)
	if err != nil {
		t.Fatalf("filter does not parse: %v\n%s", err, filter)
	}
	tests := []struct {
		file   string
		routed bool
	}{
		{"gcp-gke-k8s-event-logentry.k8s_pod.Warning-Failed-pull-image.DERIVED.json", true},
		{"gcp-gke-k8s-event-logentry.k8s_pod.Warning-BackOff-restarting.DERIVED.json", true},
		{"gcp-gke-k8s-event-logentry.k8s_pod.Warning-BackOff-events-k8s-io-v1.DERIVED.json", true},
		{"gcp-gke-k8s-event-logentry.k8s_node.Warning-NodeSysctlChange.sekoia-real.json", true},
		{"gcp-gke-k8s-event-logentry.k8s_cluster.Warning-FailedToUpdateEndpoint.sekoia-real.json", true},
		{"gcp-gke-k8s-event-logentry.k8s_pod.Normal-Started.DERIVED.json", true},
		{"gcp-gke-k8s-event-logentry.k8s_pod.Normal-Pulled.DERIVED.json", false},
		{"gcp-gke-k8s-event-logentry.k8s_pod.Normal-Created.sekoia-real.json", false},
		{"gcp-gke-k8s-event-logentry.k8s_pod.Normal-Pulling.sekoia-real.json", false},
		{"gcp-gke-k8s_container-stdout-logentry.sekoia-real.json", false},
		{"gcp-gke-k8s_node-container-runtime-logentry.sekoia-real.json", false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			entry := testevents.Read(t, tt.file)
			routed, err := q.Match(entry)
			if err != nil {
				t.Fatal(err)
			}
			if routed != tt.routed {
				t.Errorf("routed = %v, want %v", routed, tt.routed)
			}
			var e struct {
				Resource struct {
					Labels map[string]string `json:"labels"`
				} `json:"resource"`
			}
			if err := json.Unmarshal(entry, &e); err != nil {
				t.Fatal(err)
			}
			if e.Resource.Labels["cluster_name"] == "" {
				t.Errorf("no resource.labels.cluster_name for the cluster filter")
			}
		})
	}

	t.Run("kernel OOM line on a node", func(t *testing.T) {
		// The real containerd journal entry, as the kernel log carries an OOM kill.
		var e map[string]any
		if err := json.Unmarshal(testevents.Read(t, "gcp-gke-k8s_node-container-runtime-logentry.sekoia-real.json"), &e); err != nil {
			t.Fatal(err)
		}
		e["logName"] = "projects/hazel-aria-348413/logs/kernel"
		e["jsonPayload"].(map[string]any)["MESSAGE"] = "Memory cgroup out of memory: Killed process 3504804 (java) total-vm:753508kB"
		raw, _ := json.Marshal(e)
		if routed, err := q.Match(raw); err != nil || !routed {
			t.Errorf("kernel OOM line not routed (%v)", err)
		}
	})

	t.Run("cluster filter", func(t *testing.T) {
		got := gkeLocal(t, "log_filter", "prod", "stage").AsString()
		other, err := logquery.Parse(got)
		if err != nil {
			t.Fatal(err)
		}
		if routed, _ := other.Match(testevents.Read(t, "gcp-gke-k8s-event-logentry.k8s_pod.Normal-Started.DERIVED.json")); routed {
			t.Errorf("an entry of cluster-1 passes a filter for prod and stage")
		}
		if !strings.HasSuffix(got, `) AND resource.labels.cluster_name=("prod" OR "stage")`) {
			t.Errorf("filter does not end with the cluster filter:\n%s", got)
		}
		if strings.Contains(filter, "cluster_name") {
			t.Errorf("unfiltered filter names clusters:\n%s", filter)
		}
	})

	t.Run("node OOM terms", func(t *testing.T) {
		for _, term := range stringsOf(t, gkeLocal(t, "node_oom_terms")) {
			if !strings.Contains(filter, `"`+term+`"`) {
				t.Errorf("filter does not route %q", term)
			}
			// A kernel line as node-problem-detector and the kernel log carry it.
			line := "kernel: " + term + " process 4242 (java) total-vm:1Gi, pod=\"default/web-7d4b9c8f5-x2x9q\""
			if f := kube.ParseNodeLog(line); f == nil || f.Reason != "OOMKilling" {
				t.Errorf("the node-log parser does not read %q as an OOM kill: %+v", line, f)
			}
		}
	})
}
