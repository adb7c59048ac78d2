package terraform_test

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestRegistryCheckGrants checks the Azure and GCP modules grant the registry
// check exactly its read role on each named registry or repository, and
// nothing when registry_check = false (issue 12). The AWS grant is in
// TestIAMPolicyLeastPrivilege, against ecs.IAMActions.
func TestRegistryCheckGrants(t *testing.T) {
	// grants returns how many grants the resource makes and the value of
	// one of its string attributes.
	grants := func(t *testing.T, dir, typ string, set map[string]cty.Value) (int, func(string) string) {
		m := loadModule(t, dir)
		b := m.one(t, "resource", typ, "registry_check")
		vars := map[string]cty.Value{}
		for name, v := range m.variables() {
			given, isSet := set[name]
			switch d, ok := v.Body.Attributes["default"]; {
			case isSet:
				vars[name] = given
			case ok:
				vars[name] = literal(t, d.Expr)
			default:
				vars[name] = cty.DynamicVal // required, and not what these grants read
			}
		}
		ev := newEvaluator(m, vars)
		v, err := ev.eval(b.Body.Attributes["for_each"].Expr)
		if err != nil {
			t.Fatalf("%s for_each: %v", typ, err)
		}
		return v.LengthInt(), func(name string) string {
			a, err := ev.eval(b.Body.Attributes[name].Expr)
			if err != nil {
				t.Fatalf("%s.%s: %v", typ, name, err)
			}
			return a.AsString()
		}
	}
	t.Run("azure", func(t *testing.T) {
		ids := cty.ListVal([]cty.Value{
			cty.StringVal("/subscriptions/5f3b2c1e-8a4d-4c6f-9b7e-2d1a0c9e8f7a/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/contoso"),
		})
		n, attr := grants(t, "azure", "azurerm_role_assignment", map[string]cty.Value{"acr_registry_ids": ids})
		if n != 1 || attr("role_definition_name") != "AcrPull" {
			t.Errorf("%d grants of %s, want one AcrPull", n, attr("role_definition_name"))
		}
		if n, _ := grants(t, "azure", "azurerm_role_assignment", map[string]cty.Value{"acr_registry_ids": ids, "registry_check": cty.False}); n != 0 {
			t.Errorf("registry_check = false still grants %d roles", n)
		}
	})
	t.Run("gcp", func(t *testing.T) {
		repo := cty.ObjectVal(map[string]cty.Value{"project": cty.StringVal("my-project"), "location": cty.StringVal("us"), "repository": cty.StringVal("gcr.io")})
		set := map[string]cty.Value{"project_id": cty.StringVal("my-project"), "region": cty.StringVal("us-central1"), "artifact_registry_repositories": cty.ListVal([]cty.Value{repo})}
		n, attr := grants(t, "gcp", "google_artifact_registry_repository_iam_member", set)
		if n != 1 || attr("role") != "roles/artifactregistry.reader" {
			t.Errorf("%d grants of %s, want one roles/artifactregistry.reader", n, attr("role"))
		}
		set["registry_check"] = cty.False
		if n, _ := grants(t, "gcp", "google_artifact_registry_repository_iam_member", set); n != 0 {
			t.Errorf("registry_check = false still grants %d roles", n)
		}
	})
}
