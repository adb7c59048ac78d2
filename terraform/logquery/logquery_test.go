package logquery

import "testing"

func TestMatch(t *testing.T) {
	entry := []byte(`{
		"logName": "projects/p/logs/events",
		"severity": "WARNING",
		"resource": {"type": "k8s_pod", "labels": {"cluster_name": "prod"}},
		"jsonPayload": {"reason": "BackOff", "message": "Back-off restarting failed container app", "count": 3}
	}`)
	tests := []struct {
		query string
		want  bool
	}{
		{`log_id("events")`, true},
		{`log_id("kubelet")`, false},
		{`severity>=WARNING`, true},
		{`severity>=ERROR`, false},
		{`severity<WARNING`, false},
		{`resource.type="k8s_pod"`, true},
		{`resource.type=("k8s_node" OR "k8s_pod")`, true},
		{`resource.type!="k8s_pod"`, false},
		{`jsonPayload.reason="backoff"`, false}, // = is exact
		{`jsonPayload.message:"RESTARTING failed"`, true},
		{`jsonPayload.count>2`, true},
		{`jsonPayload.missing="x"`, false},
		{`"restarting failed"`, true}, // global restriction
		{`"no such text"`, false},
		{`log_id("events") resource.type="k8s_node"`, false}, // juxtaposition is AND
		{`log_id("kubelet") OR resource.type="k8s_pod"`, true},
		{`NOT resource.type="k8s_pod"`, false},
		// OR binds tighter than AND: false OR true, AND false.
		{`log_id("kubelet") OR severity=WARNING AND resource.type="k8s_node"`, false},
		{`(log_id("kubelet") OR severity=WARNING) AND (resource.type="k8s_node" OR "Back-off")`, true},
	}
	for _, tt := range tests {
		q, err := Parse(tt.query)
		if err != nil {
			t.Errorf("Parse(%s): %v", tt.query, err)
			continue
		}
		got, err := q.Match(entry)
		if err != nil || got != tt.want {
			t.Errorf("%s: Match = %v, %v; want %v", tt.query, got, err, tt.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, q := range []string{`a=~"x"`, `sample(insertId, 0.1)`, `(a="b"`, `a=`, `"open`} {
		if _, err := Parse(q); err == nil {
			t.Errorf("Parse(%s) succeeded, want an error", q)
		}
	}
}
