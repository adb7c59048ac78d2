// Package terraform_test checks the Terraform modules against the code they deploy, offline
// and without any provider: every module and example parses, every variable is declared with
// a type and a description, secrets stay out of outputs, the EventBridge rules select the real
// ECS failure events and nothing else, and artifact, handler and function names agree with
// `make dist` and the entry points.
package terraform_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// The modules and the root examples that use them.
var (
	modules  = []string{"aws", "azure", "gcp"}
	examples = []string{"examples/aws", "examples/azure", "examples/gcp"}
)

// artifacts are what `make dist` writes for each module and the function each one carries.
var artifacts = map[string]string{
	"aws":   "dist/ecs.zip",
	"azure": "dist/azure.zip",
	"gcp":   "dist/gke.zip",
}

func TestVariablesDeclaredTypedDescribedAndUsed(t *testing.T) {
	for _, dir := range append(slices.Clone(modules), examples...) {
		t.Run(dir, func(t *testing.T) {
			m := loadModule(t, dir)
			vars := m.variables()
			for name, b := range vars {
				if _, ok := b.Body.Attributes["type"]; !ok {
					t.Errorf("variable %q has no type", name)
				}
				d, ok := b.Body.Attributes["description"]
				if !ok || strings.TrimSpace(literal(t, d.Expr).AsString()) == "" {
					t.Errorf("variable %q has no description", name)
				}
			}
			used := m.references("var")
			for name := range used {
				if vars[name] == nil {
					t.Errorf("var.%s is used but not declared", name)
				}
			}
			for name := range vars {
				if !used[name] {
					t.Errorf("variable %q is declared but never used", name)
				}
			}
			for _, b := range m.find("output") {
				if d, ok := b.Body.Attributes["description"]; !ok || literal(t, d.Expr).AsString() == "" {
					t.Errorf("output %q has no description", b.Labels[0])
				}
			}
		})
	}
}

// secretAttributes are provider attributes that hold secret values.
var secretAttributes = []string{"secret_string", "secret_data", "value", "primary_access_key",
	"secondary_access_key", "primary_connection_string", "connection_string", "instrumentation_key"}

func TestSecretsMarkedSensitiveAndNeverOutput(t *testing.T) {
	for _, dir := range modules {
		t.Run(dir, func(t *testing.T) {
			m := loadModule(t, dir)
			sensitive := map[string]bool{}
			for name, b := range m.variables() {
				isSecret := strings.Contains(name, "token")
				s, ok := b.Body.Attributes["sensitive"]
				marked := ok && literal(t, s.Expr).True()
				if isSecret && !marked {
					t.Errorf("variable %q holds a secret but is not sensitive = true", name)
				}
				sensitive[name] = marked
			}
			if !slices.Contains(mapKeys(sensitive), "slack_token") && !slices.Contains(mapKeys(sensitive), "slack_bot_token") {
				t.Errorf("no Slack token variable: the module must accept the token only as a sensitive variable")
			}
			for _, b := range m.find("output") {
				for _, tr := range b.Body.Attributes["value"].Expr.Variables() {
					if tr.RootName() == "var" && sensitive[tr[1].(hcl.TraverseAttr).Name] {
						t.Errorf("output %q exposes sensitive var.%s", b.Labels[0], tr[1].(hcl.TraverseAttr).Name)
					}
					for _, step := range tr[1:] {
						if a, ok := step.(hcl.TraverseAttr); ok && slices.Contains(secretAttributes, a.Name) {
							t.Errorf("output %q exposes the secret attribute %s", b.Labels[0], a.Name)
						}
					}
				}
			}
		})
	}
}

// TestREADMEListsInputsAndOutputs keeps each module README's tables in step with the code.
func TestREADMEListsInputsAndOutputs(t *testing.T) {
	for _, dir := range modules {
		t.Run(dir, func(t *testing.T) {
			readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
			if err != nil {
				t.Fatal(err)
			}
			m := loadModule(t, dir)
			for name := range m.variables() {
				if !strings.Contains(string(readme), "| `"+name+"` |") {
					t.Errorf("README.md does not list input %q", name)
				}
			}
			for _, b := range m.find("output") {
				if !strings.Contains(string(readme), "| `"+b.Labels[0]+"` |") {
					t.Errorf("README.md does not list output %q", b.Labels[0])
				}
			}
		})
	}
}

func TestExamplesUseTheirModule(t *testing.T) {
	for i, dir := range examples {
		t.Run(dir, func(t *testing.T) {
			ex := loadModule(t, dir)
			call := ex.one(t, "module", "tracegrid")
			source := literal(t, call.Body.Attributes["source"].Expr).AsString()
			if want := "../../" + modules[i]; source != want {
				t.Fatalf("source = %q, want %q", source, want)
			}
			mod := loadModule(t, filepath.Join(dir, source))
			vars := mod.variables()
			for name := range call.Body.Attributes {
				if name != "source" && vars[name] == nil {
					t.Errorf("passes %q, which %s does not declare", name, source)
				}
			}
			for name, b := range vars {
				if _, hasDefault := b.Body.Attributes["default"]; !hasDefault && call.Body.Attributes[name] == nil {
					t.Errorf("does not pass required variable %q", name)
				}
			}
			req := ex.one(t, "terraform").Body.Blocks
			if len(req) == 0 {
				t.Errorf("no required_providers")
			}
		})
	}
}

func TestProviderVersions(t *testing.T) {
	want := map[string]string{"aws": `>= 6.0, < 7.0`, "azure": `>= 5.0, < 6.0`, "gcp": `>= 7.0, < 8.0`}
	source := map[string]string{"aws": "hashicorp/aws", "azure": "hashicorp/azurerm", "gcp": "hashicorp/google"}
	for _, dir := range modules {
		t.Run(dir, func(t *testing.T) {
			tf := loadModule(t, dir).one(t, "terraform")
			if v := literal(t, tf.Body.Attributes["required_version"].Expr).AsString(); v != ">= 1.8" {
				t.Errorf("required_version = %q, want >= 1.8", v)
			}
			var got cty.Value
			for _, b := range tf.Body.Blocks {
				if b.Type == "required_providers" {
					for _, a := range b.Body.Attributes {
						got = literal(t, a.Expr)
					}
				}
			}
			if got == cty.NilVal {
				t.Fatal("no required_providers entry")
			}
			attrs := got.AsValueMap()
			if s := attrs["source"].AsString(); s != source[dir] {
				t.Errorf("source = %q, want %q", s, source[dir])
			}
			if v := attrs["version"].AsString(); v != want[dir] {
				t.Errorf("version = %q, want %q", v, want[dir])
			}
		})
	}
}

// TestArtifactsAndEntryPoints checks the names the modules deploy against `make dist` and the
// entry points of DESIGN.md.
func TestArtifactsAndEntryPoints(t *testing.T) {
	for _, dir := range modules {
		t.Run(dir+"/package", func(t *testing.T) {
			m := loadModule(t, dir)
			v, err := newEvaluator(m, defaults(t, m, requiredVars[dir])).eval(m.locals["package_path"])
			if err != nil {
				t.Fatal(err)
			}
			if got, want := filepath.Clean(v.AsString()), filepath.Clean(filepath.Join(dir, "../..", artifacts[dir])); got != want {
				t.Errorf("default package = %s, want %s", got, want)
			}
			ex := loadModule(t, "examples/"+dir)
			ev := newEvaluator(ex, defaults(t, ex, requiredVars["examples/"+dir]))
			pv, err := ev.eval(ex.one(t, "module", "tracegrid").Body.Attributes["package_path"].Expr)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := filepath.Clean(pv.AsString()), filepath.Clean(filepath.Join("examples", dir, "../../..", artifacts[dir])); got != want {
				t.Errorf("example package = %s, want %s", got, want)
			}
		})
	}

	t.Run("makefile", func(t *testing.T) {
		mk, err := os.ReadFile("../Makefile")
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`(?m)^dist:`).Match(mk) {
			t.Skip("Makefile has no dist recipe yet: it must write " + strings.Join(mapValues(artifacts), ", "))
		}
		for _, a := range artifacts {
			if !strings.Contains(string(mk), a) {
				t.Errorf("make dist does not write %s", a)
			}
		}
	})

	t.Run("aws", func(t *testing.T) {
		fn := loadModule(t, "aws").one(t, "resource", "aws_lambda_function", "this")
		want := map[string]any{"runtime": "provided.al2023", "handler": "bootstrap", "architectures": []string{"arm64"}}
		for attr, w := range want {
			v := literal(t, fn.Body.Attributes[attr].Expr)
			if s, ok := w.(string); ok && v.AsString() != s {
				t.Errorf("%s = %q, want %q", attr, v.AsString(), s)
			}
			if l, ok := w.([]string); ok && !slices.Equal(stringsOf(t, v), l) {
				t.Errorf("%s = %v, want %v", attr, stringsOf(t, v), l)
			}
		}
		requireDir(t, "../functions/ecs/cmd/bootstrap", "the Lambda binary's package (DESIGN.md entry points)")
	})

	t.Run("azure", func(t *testing.T) {
		m := loadModule(t, "azure")
		if got := literal(t, m.locals["event_function"]).AsString(); got != "AciEvent" {
			t.Errorf("Event Grid subscriptions deliver to %q, want AciEvent", got)
		}
		app := m.one(t, "resource", "azurerm_function_app_flex_consumption", "this")
		if got := literal(t, app.Body.Attributes["runtime_name"].Expr).AsString(); got != "custom" {
			t.Errorf("runtime_name = %q, want custom: the Functions host must start the handler binary of host.json", got)
		}
		requireDir(t, "../functions/azure/app", "the Azure function folders")
		readJSON := func(p string) string {
			b, err := os.ReadFile(filepath.Join("../functions/azure/app", p))
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		if s := readJSON("AciEvent/function.json"); !strings.Contains(s, `"eventGridTrigger"`) {
			t.Errorf("AciEvent is not an Event Grid trigger: %s", s)
		}
		if s := readJSON("AciScan/function.json"); !strings.Contains(s, `"%TRACEGRID_SCAN_SCHEDULE%"`) {
			t.Errorf("AciScan's timer does not read the TRACEGRID_SCAN_SCHEDULE app setting: %s", s)
		}
		readJSON("host.json")
	})

	t.Run("gcp", func(t *testing.T) {
		m := loadModule(t, "gcp")
		if got := literal(t, m.locals["entry_point"]).AsString(); got != "Handler" {
			t.Errorf("entry_point = %q, want Handler", got)
		}
		fn := m.one(t, "resource", "google_cloudfunctions2_function", "this")
		for _, b := range fn.Body.Blocks {
			if b.Type == "event_trigger" {
				t.Errorf("the function has an event_trigger: Eventarc would own the push subscription and its dead-letter policy")
			}
		}
		rt := literal(t, m.variables()["go_runtime"].Body.Attributes["default"].Expr).AsString()
		if !regexp.MustCompile(`^go1[0-9]{2}$`).MatchString(rt) {
			t.Errorf("go_runtime default %q is not a Go runtime ID", rt)
		}
		requireDir(t, "../functions/gke", "package functions/gke")
		if !grepFiles(t, "../functions/gke", ".go", `"Handler"`) {
			t.Errorf("functions/gke registers no CloudEvent function named Handler")
		}
	})
}

// requiredVars are values for the variables that have no default.
var requiredVars = map[string]map[string]cty.Value{
	"aws": {},
	"azure": {
		"name": cty.StringVal("tracegrid"), "resource_group_name": cty.StringVal("rg"), "location": cty.StringVal("westeurope"),
		"watched_resource_group_names": cty.ListVal([]cty.Value{cty.StringVal("apps")}), "storage_account_name": cty.StringVal("tracegridst"),
		"key_vault_name": cty.StringVal("tracegrid-kv"), "slack_channel": cty.StringVal("C0123456789"),
	},
	"gcp":          {"project_id": cty.StringVal("p"), "region": cty.StringVal("europe-west1"), "slack_channel": cty.StringVal("C0123456789")},
	"examples/aws": {"region": cty.StringVal("eu-west-1"), "slack_channel": cty.StringVal("C0123456789")},
	"examples/azure": {
		"subscription_id": cty.StringVal("00000000-0000-0000-0000-000000000000"), "location": cty.StringVal("westeurope"), "name": cty.StringVal("tracegrid"),
		"storage_account_name": cty.StringVal("tracegridst"), "key_vault_name": cty.StringVal("tracegrid-kv"),
		"watched_resource_group_names": cty.ListVal([]cty.Value{cty.StringVal("apps")}), "slack_channel": cty.StringVal("C0123456789"),
	},
	"examples/gcp": {"project_id": cty.StringVal("p"), "region": cty.StringVal("europe-west1"), "slack_channel": cty.StringVal("C0123456789")},
}

// settings are the environment variables (app settings) each module gives its function.
func settings(t *testing.T, cloud string) []string {
	t.Helper()
	m := loadModule(t, cloud)
	switch cloud {
	case "aws":
		fn := m.one(t, "resource", "aws_lambda_function", "this")
		for _, b := range fn.Body.Blocks {
			if b.Type == "environment" {
				return objectKeys(t, b.Body.Attributes["variables"].Expr)
			}
		}
	case "azure":
		return objectKeys(t, m.one(t, "resource", "azurerm_function_app_flex_consumption", "this").Body.Attributes["app_settings"].Expr)
	case "gcp":
		fn := m.one(t, "resource", "google_cloudfunctions2_function", "this")
		for _, b := range fn.Body.Blocks {
			if b.Type != "service_config" {
				continue
			}
			for _, s := range b.Body.Blocks {
				if s.Type == "secret_environment_variables" {
					t.Errorf("the function gets a secret through secret_environment_variables: it cannot deploy before the secret has a version")
				}
			}
			return objectKeys(t, b.Body.Attributes["environment_variables"].Expr)
		}
	}
	t.Fatalf("%s: no function settings found", cloud)
	return nil
}

// TestSettingsAreReadByTheCode checks every setting a module gives its function is a name the
// code reads (shared/ or the cloud's functions/ package), so a rename on either side fails here.
func TestSettingsAreReadByTheCode(t *testing.T) {
	code := map[string]string{"aws": "../functions/ecs", "azure": "../functions/azure", "gcp": "../functions/gke"}
	for _, cloud := range modules {
		t.Run(cloud, func(t *testing.T) {
			keys := settings(t, cloud)
			if len(keys) < 4 {
				t.Fatalf("found only %v", keys)
			}
			requireDir(t, code[cloud], "the "+cloud+" function")
			for _, k := range keys {
				// Go code reads "KEY"; a function.json binding reads %KEY% through the host.
				if !grepFiles(t, code[cloud], ".go", `"`+k+`"`) && !grepFiles(t, "../shared", ".go", `"`+k+`"`) &&
					!grepFiles(t, code[cloud], "function.json", "%"+k+"%") {
					t.Errorf("the module sets %s but no code under %s or shared/ reads it", k, code[cloud])
				}
			}
		})
	}
}

func requireDir(t *testing.T, dir, what string) {
	t.Helper()
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Skipf("%s (%s) does not exist yet", dir, what)
	}
}

// grepFiles reports whether a file under dir whose name ends in suffix (not a Go test)
// contains s.
func grepFiles(t *testing.T, dir, suffix, s string) bool {
	t.Helper()
	found := false
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || found || d.IsDir() || !strings.HasSuffix(p, suffix) || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		found = err == nil && strings.Contains(string(b), s)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func srcOf(t *testing.T, r hcl.Range) []byte {
	t.Helper()
	b, err := os.ReadFile(r.Filename)
	if err != nil {
		t.Fatal(err)
	}
	return b[r.Start.Byte:r.End.Byte]
}

func mapKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}
