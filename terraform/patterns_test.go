package terraform_test

import (
	"encoding/json"
	"sort"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/tracegrid/tracegrid/internal/testevents"
	"github.com/tracegrid/tracegrid/terraform/eventpattern"
)

// rulePatterns evaluates the AWS module's rule_patterns local (patterns/*.json plus the
// optional cluster filter), exactly what aws_cloudwatch_event_rule.ecs gets, for cluster_arns.
func rulePatterns(t *testing.T, clusterARNs ...string) map[string]*eventpattern.Pattern {
	t.Helper()
	m := loadModule(t, "aws")
	arns := cty.ListValEmpty(cty.String)
	if len(clusterARNs) > 0 {
		var vals []cty.Value
		for _, a := range clusterARNs {
			vals = append(vals, cty.StringVal(a))
		}
		arns = cty.ListVal(vals)
	}
	v, err := newEvaluator(m, defaults(t, m, map[string]cty.Value{"cluster_arns": arns})).eval(m.locals["rule_patterns"])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*eventpattern.Pattern{}
	for name, p := range v.AsValueMap() {
		parsed, err := eventpattern.Parse([]byte(p.AsString()))
		if err != nil {
			t.Fatalf("rule %s: %v\n%s", name, err, p.AsString())
		}
		out[name] = parsed
	}
	return out
}

// matchingRules returns the names of the rules whose pattern matches event.
func matchingRules(t *testing.T, rules map[string]*eventpattern.Pattern, event []byte) []string {
	t.Helper()
	var names []string
	for name, p := range rules {
		ok, err := p.Match(event)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// variant returns a copy of the event in file with detail fields set (nil deletes one).
func variant(t *testing.T, file string, detail map[string]any) []byte {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(testevents.Read(t, file), &ev); err != nil {
		t.Fatal(err)
	}
	d := ev["detail"].(map[string]any)
	for k, v := range detail {
		if v == nil {
			delete(d, k)
		} else {
			d[k] = v
		}
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const (
	userStopped  = "aws-ecs-task-state-change.STOPPED-UserInitiated-EC2.aws-samples.json"
	fargateStop  = "aws-ecs-task-state-change.STOPPED-Fargate-UserInitiated.third-party-capture-2024.json"
	pullFailed   = "aws-ecs-task-state-change.STOPPED-CannotPullContainerError.DERIVED.json"
	oomKilled    = "aws-ecs-task-state-change.STOPPED-EssentialContainerExited-OOM.DERIVED.json"
	running      = "aws-ecs-task-state-change.full-example.awsdocs.json"
	placement    = "ecs-service-action.SERVICE_TASK_PLACEMENT_FAILURE.fargate-spot.awsdocs.json"
	impaired     = "ecs-service-action.SERVICE_TASK_START_IMPAIRED.awsdocs.json"
	steady       = "ecs-service-action.SERVICE_STEADY_STATE.awsdocs.json"
	deployFailed = "ecs-deployment-state-change.SERVICE_DEPLOYMENT_FAILED.awsdocs.json"
	deployDone   = "ecs-deployment-state-change.SERVICE_DEPLOYMENT_COMPLETED.awsdocs.json"
)

// TestEventBridgeRulesSelectFailures matches the rules against the real ECS events: every
// failure the function handles is selected by exactly one rule, every non-failure by none.
func TestEventBridgeRulesSelectFailures(t *testing.T) {
	rules := rulePatterns(t)
	if len(rules) != 4 {
		t.Fatalf("want the task-stopped, task-recovered, service-action and deployment-failed rules, got %d", len(rules))
	}
	tests := []struct {
		name  string
		event []byte
		want  string // the rule that selects it, "" for none
	}{
		{"image pull failure", testevents.Read(t, pullFailed), "task-stopped"},
		{"OOM kill", testevents.Read(t, oomKilled), "task-stopped"},
		{"user stop (EC2)", testevents.Read(t, userStopped), ""},
		{"user stop (Fargate, 2024 capture)", testevents.Read(t, fargateStop), ""},
		{"standalone task running", testevents.Read(t, running), ""},
		// A service's task running again resolves the service's open incident.
		{"service task running", variant(t, running, map[string]any{"group": "service:sample-fargate"}), "task-recovered"},
		{"service task still starting", variant(t, running, map[string]any{"group": "service:sample-fargate", "lastStatus": "PENDING"}), ""},
		{"task running, container exited 0", testevents.Read(t, "aws-ecs-task-state-change.STOPPED-container-exit0.aws-lambda-dotnet-test.json"), ""},
		{"container instance change", testevents.Read(t, "aws-ecs-container-instance-state-change.awsdocs.json"), ""},
		{"container instance change (aws-lambda-go)", testevents.Read(t, "aws-ecs-container-instance-state-change.aws-lambda-go-testdata.json"), ""},
		{"placement failure", testevents.Read(t, placement), "service-action"},
		{"task start impaired", testevents.Read(t, impaired), "service-action"},
		{"service steady state", testevents.Read(t, steady), ""},
		{"deployment failed (circuit breaker)", testevents.Read(t, deployFailed), "deployment-failed"},
		{"deployment completed", testevents.Read(t, deployDone), ""},
		// Failure variants built from the real envelopes.
		{"essential container exited", variant(t, userStopped, map[string]any{"stopCode": "EssentialContainerExited", "stoppedReason": "Essential container in task exited"}), "task-stopped"},
		{"failed ELB health checks", variant(t, userStopped, map[string]any{"stopCode": "ServiceSchedulerInitiated", "stoppedReason": "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:eu-west-1:0123456789:targetgroup/web/0123456789abcdef)"}), "task-stopped"},
		{"spot interruption", variant(t, userStopped, map[string]any{"stopCode": "SpotInterruption", "stoppedReason": "Your Spot Task was interrupted."}), "task-stopped"},
		{"stop without stopCode", variant(t, userStopped, map[string]any{"stopCode": nil}), "task-stopped"},
		{"Fargate task failed to start", variant(t, fargateStop, map[string]any{"stopCode": "TaskFailedToStart", "stoppedReason": "ResourceInitializationError: unable to pull secrets or registry auth"}), "task-stopped"},
		{"running task told to stop", variant(t, running, map[string]any{"desiredStatus": "STOPPED", "stopCode": "TerminationNotice"}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := matchingRules(t, rules, tt.event)
			var want []string
			if tt.want != "" {
				want = []string{tt.want}
			}
			if len(got) != len(want) || (len(want) == 1 && got[0] != want[0]) {
				t.Errorf("matching rules = %v, want %v", got, want)
			}
		})
	}
}

// TestEventBridgeClusterFilter checks the optional cluster filter, which must reach the
// deployment events through resources[0] since they carry no detail.clusterArn.
func TestEventBridgeClusterFilter(t *testing.T) {
	const (
		features = "arn:aws:ecs:eu-west-1:0123456789:cluster/Features"
		dflt     = "arn:aws:ecs:us-west-2:111122223333:cluster/default"
		prodDflt = "arn:aws:ecs:us-west-2:111122223333:cluster/default-prod"
	)
	tests := []struct {
		name     string
		clusters []string
		event    string
		want     bool
	}{
		{"task in watched cluster", []string{features}, pullFailed, true},
		{"task in other cluster", []string{dflt}, pullFailed, false},
		{"task, one of two clusters", []string{dflt, features}, oomKilled, true},
		{"service action in watched cluster", []string{dflt}, placement, true},
		{"service action in other cluster", []string{features}, placement, false},
		{"deployment in watched cluster", []string{dflt}, deployFailed, true},
		{"deployment in other cluster", []string{features}, deployFailed, false},
		{"deployment, cluster name is a prefix of another", []string{prodDflt}, deployFailed, false},
		{"user stop stays filtered", []string{features}, userStopped, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := len(matchingRules(t, rulePatterns(t, tt.clusters...), testevents.Read(t, tt.event))) > 0
			if got != tt.want {
				t.Errorf("selected = %v, want %v", got, tt.want)
			}
		})
	}
}
