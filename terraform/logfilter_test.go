package terraform_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/tracegrid/tracegrid/internal/testevents"
	"github.com/tracegrid/tracegrid/shared/kube"
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

// TestGKELogSinkFilter checks the sink filter against the real GKE LogEntries in
// testdata/events: the fields it selects on exist with the values it expects, Warning events
// are routed and Normal ones are not.
func TestGKELogSinkFilter(t *testing.T) {
	filter := gkeLocal(t, "log_filter").AsString()
	for _, want := range []string{`log_id("events")`, `severity>=WARNING`} {
		if !strings.Contains(filter, want) {
			t.Errorf("filter lacks %s:\n%s", want, filter)
		}
	}
	m := regexp.MustCompile(`log_id\("events"\) AND resource\.type=\(([^)]*)\)`).FindStringSubmatch(filter)
	if m == nil {
		t.Fatalf("no resource.type list for the events log:\n%s", filter)
	}
	types := strings.Split(strings.ReplaceAll(m[1], `"`, ""), " OR ")
	severities := []string{"DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"}

	tests := []struct {
		file   string
		routed bool
	}{
		{"gcp-gke-k8s-event-logentry.k8s_pod.Warning-Failed-pull-image.DERIVED.json", true},
		{"gcp-gke-k8s-event-logentry.k8s_node.Warning-NodeSysctlChange.sekoia-real.json", true},
		{"gcp-gke-k8s-event-logentry.k8s_cluster.Warning-FailedToUpdateEndpoint.sekoia-real.json", true},
		{"gcp-gke-k8s-event-logentry.k8s_pod.Normal-Created.sekoia-real.json", false},
		{"gcp-gke-k8s-event-logentry.k8s_pod.Normal-Pulling.sekoia-real.json", false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var e struct {
				LogName  string `json:"logName"`
				Severity string `json:"severity"`
				Resource struct {
					Type   string            `json:"type"`
					Labels map[string]string `json:"labels"`
				} `json:"resource"`
			}
			if err := json.Unmarshal(testevents.Read(t, tt.file), &e); err != nil {
				t.Fatal(err)
			}
			rank := slices.Index(severities, e.Severity)
			if rank < 0 {
				t.Fatalf("severity %q is not a LogSeverity name", e.Severity)
			}
			routed := strings.HasSuffix(e.LogName, "/logs/events") && slices.Contains(types, e.Resource.Type) && rank >= slices.Index(severities, "WARNING")
			if routed != tt.routed {
				t.Errorf("routed = %v, want %v (log %s, type %s, severity %s)", routed, tt.routed, e.LogName, e.Resource.Type, e.Severity)
			}
			if e.Resource.Labels["cluster_name"] == "" {
				t.Errorf("no resource.labels.cluster_name for the cluster filter")
			}
		})
	}

	t.Run("cluster filter", func(t *testing.T) {
		got := gkeLocal(t, "log_filter", "prod", "stage").AsString()
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
