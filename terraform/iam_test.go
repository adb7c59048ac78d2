package terraform_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/tracegrid/tracegrid/functions/ecs"
)

// withoutResourceLevel are actions whose only resource is "*": the Service Authorization
// Reference lists no resource type for them.
var withoutResourceLevel = []string{"ecs:DescribeTaskDefinition"}

// moduleActions are granted for what the module itself wires around the code: the function's
// own log group, the SQS on-failure destination, the dedup table (functions/ecs/dynamostate:
// GetItem and a conditional PutItem) and the Slack secret read at cold start.
var moduleActions = []string{
	"logs:CreateLogStream", "logs:PutLogEvents",
	"sqs:SendMessage",
	"dynamodb:GetItem", "dynamodb:PutItem",
	"secretsmanager:GetSecretValue",
}

type statement struct {
	sid       string
	actions   []string
	resources []cty.Value
}

// policyStatements evaluates the execution role's policy documents with placeholder account
// facts; resources that name one managed resource's ARN stay unknown, as in a plan. The
// registry check's document counts while its role policy exists (registry_check).
func policyStatements(t *testing.T, set map[string]cty.Value) []statement {
	t.Helper()
	m := loadModule(t, "aws")
	ev := newEvaluator(m, defaults(t, m, set))
	ev.data["aws_partition"] = map[string]cty.Value{"current": cty.ObjectVal(map[string]cty.Value{"partition": cty.StringVal("aws")})}
	ev.data["aws_region"] = map[string]cty.Value{"current": cty.ObjectVal(map[string]cty.Value{"region": cty.StringVal("eu-west-1")})}
	ev.data["aws_caller_identity"] = map[string]cty.Value{"current": cty.ObjectVal(map[string]cty.Value{"account_id": cty.StringVal("111122223333")})}

	docs := []string{"permissions"}
	count, err := ev.eval(m.one(t, "resource", "aws_iam_role_policy", "registry_check").Body.Attributes["count"].Expr)
	if err != nil {
		t.Fatalf("registry_check count: %v", err)
	}
	if n, _ := count.AsBigFloat().Int64(); n == 1 {
		docs = append(docs, "registry_check")
	}
	var out []statement
	for _, doc := range docs {
		out = append(out, documentStatements(t, m, ev, doc)...)
	}
	return out
}

// documentStatements evaluates one aws_iam_policy_document's statements.
func documentStatements(t *testing.T, m *module, ev *evaluator, doc string) []statement {
	var out []statement
	for _, b := range m.one(t, "data", "aws_iam_policy_document", doc).Body.Blocks {
		if b.Type != "statement" {
			continue
		}
		s := statement{sid: literal(t, b.Body.Attributes["sid"].Expr).AsString()}
		s.actions = stringsOf(t, literal(t, b.Body.Attributes["actions"].Expr))
		if _, ok := b.Body.Attributes["not_actions"]; ok {
			t.Errorf("%s: not_actions grants everything else", s.sid)
		}
		res, err := ev.eval(b.Body.Attributes["resources"].Expr)
		if err != nil {
			t.Fatalf("%s: resources: %v", s.sid, err)
		}
		for it := res.ElementIterator(); it.Next(); {
			_, v := it.Element()
			s.resources = append(s.resources, v)
		}
		out = append(out, s)
	}
	return out
}

// TestIAMPolicyLeastPrivilege checks the Lambda execution role against the code: it grants
// every AWS action functions/ecs calls (ecs.IAMActions), nothing else but what the module
// wires, no wildcard actions, and "*" resources only where the API has no resource-level
// permissions.
func TestIAMPolicyLeastPrivilege(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  map[string]cty.Value
	}{
		{"defaults", nil},
		{"named log groups and own secret", map[string]cty.Value{
			"task_log_group_names": cty.ListVal([]cty.Value{cty.StringVal("/ecs/web")}),
			"slack_secret_arn":     cty.StringVal("arn:aws:secretsmanager:eu-west-1:111122223333:secret:tracegrid-AbCdEf"),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			granted := map[string]bool{}
			for _, s := range policyStatements(t, tc.set) {
				for _, a := range s.actions {
					granted[a] = true
					svc, name, ok := strings.Cut(a, ":")
					if !ok || strings.ContainsAny(name, "*?") || svc == "" {
						t.Errorf("%s: action %q is a wildcard or malformed", s.sid, a)
					}
				}
				for _, r := range s.resources {
					if !r.IsKnown() {
						continue // one managed resource's ARN
					}
					arn := r.AsString()
					if arn == "*" {
						for _, a := range s.actions {
							if !slices.Contains(withoutResourceLevel, a) {
								t.Errorf("%s: %s on resource \"*\", but it supports resource-level permissions", s.sid, a)
							}
						}
						continue
					}
					for _, a := range s.actions {
						svc, _, _ := strings.Cut(a, ":")
						if prefix := "arn:aws:" + svc + ":eu-west-1:111122223333:"; !strings.HasPrefix(arn, prefix) {
							t.Errorf("%s: resource %s for %s is not scoped to the account and region (%s...)", s.sid, arn, a, prefix)
						}
					}
				}
			}
			if len(ecs.IAMActions) == 0 {
				t.Fatal("ecs.IAMActions is empty")
			}
			for _, a := range ecs.IAMActions {
				if !granted[a] {
					t.Errorf("functions/ecs calls %s but the role does not grant it", a)
				}
			}
			for a := range granted {
				if !slices.Contains(ecs.IAMActions, a) && !slices.Contains(moduleActions, a) {
					t.Errorf("the role grants %s, which neither functions/ecs nor the module uses", a)
				}
			}
		})
	}

	t.Run("registry check off: no ECR grant", func(t *testing.T) {
		for _, s := range policyStatements(t, map[string]cty.Value{"registry_check": cty.False}) {
			if slices.Contains(s.actions, "ecr:DescribeImages") {
				t.Errorf("%s grants ecr:DescribeImages with registry_check = false", s.sid)
			}
		}
	})

	t.Run("named log group ARN", func(t *testing.T) {
		for _, s := range policyStatements(t, map[string]cty.Value{"task_log_group_names": cty.ListVal([]cty.Value{cty.StringVal("/ecs/web")})}) {
			if s.sid == "EnrichLogTail" {
				if got, want := s.resources[0].AsString(), "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/web:*"; got != want {
					t.Errorf("log tail resource = %s, want %s", got, want)
				}
				return
			}
		}
		t.Error("no EnrichLogTail statement")
	})
}

// functionRoles are the roles the Azure function's identity gets and the code that needs each.
var functionRoles = map[string]string{
	"Reader":                         "functions/azure/arm: container group GET and list, container logs, on the watched resource groups",
	"Key Vault Secrets User":         "the SLACK_BOT_TOKEN Key Vault reference, resolved with the app's identity",
	"Storage Table Data Contributor": "functions/azure/tablestate: dedup and incident state",
	"activity_log_reader":            "functions/azure/arm: the Activity Log entry of a failed write (one-action custom role)",
	"registry_check":                 "the registry check (TRACEGRID_VERIFY): the image's manifest in each named registry (acr_role)",
}

// TestAzureIdentityRoles checks that every role assignment to the Function App's identity is one
// the code needs, and that each needed role is assigned.
func TestAzureIdentityRoles(t *testing.T) {
	m := loadModule(t, "azure")
	got := map[string]bool{}
	for _, b := range m.find("resource", "azurerm_role_assignment") {
		principal := string(srcOf(t, b.Body.Attributes["principal_id"].Expr.Range()))
		if !strings.Contains(principal, "azurerm_function_app_flex_consumption.this.identity") {
			continue
		}
		// A role named by a constant is keyed by that name, any other (a custom role, a role
		// the user picks) by the assignment's own name.
		role := b.Labels[1]
		if a, ok := b.Body.Attributes["role_definition_name"]; ok {
			if v, diags := a.Expr.Value(nil); !diags.HasErrors() {
				role = v.AsString()
			}
		}
		if _, ok := functionRoles[role]; !ok {
			t.Errorf("azurerm_role_assignment.%s gives the function %q, which no code needs", b.Labels[1], role)
		}
		got[role] = true
	}
	for role, why := range functionRoles {
		if !got[role] {
			t.Errorf("the function lacks %q (%s)", role, why)
		}
	}
}
