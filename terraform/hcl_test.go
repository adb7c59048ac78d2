package terraform_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// module is one Terraform module directory, parsed without any provider: the tests read
// its blocks and evaluate the expressions that depend only on files and variables.
type module struct {
	dir    string
	blocks []*hclsyntax.Block
	locals map[string]hcl.Expression
}

func loadModule(t *testing.T, dir string) *module {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tf files in %s (%v)", dir, err)
	}
	m := &module{dir: dir, locals: map[string]hcl.Expression{}}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, diags := hclsyntax.ParseConfig(src, f, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("parse %s: %s", f, diags.Error())
		}
		for _, b := range file.Body.(*hclsyntax.Body).Blocks {
			m.blocks = append(m.blocks, b)
			if b.Type == "locals" {
				for name, a := range b.Body.Attributes {
					if _, dup := m.locals[name]; dup {
						t.Fatalf("%s: local %q defined twice", dir, name)
					}
					m.locals[name] = a.Expr
				}
			}
		}
	}
	return m
}

// find returns the blocks of a type whose labels start with labels.
func (m *module) find(typ string, labels ...string) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, b := range m.blocks {
		if b.Type != typ || len(b.Labels) < len(labels) {
			continue
		}
		match := true
		for i, l := range labels {
			match = match && b.Labels[i] == l
		}
		if match {
			out = append(out, b)
		}
	}
	return out
}

// one returns the single block of a type and labels.
func (m *module) one(t *testing.T, typ string, labels ...string) *hclsyntax.Block {
	t.Helper()
	bs := m.find(typ, labels...)
	if len(bs) != 1 {
		t.Fatalf("%s: want one %s %q block, found %d", m.dir, typ, labels, len(bs))
	}
	return bs[0]
}

// variables returns the module's variable blocks by name.
func (m *module) variables() map[string]*hclsyntax.Block {
	vars := map[string]*hclsyntax.Block{}
	for _, b := range m.find("variable") {
		vars[b.Labels[0]] = b
	}
	return vars
}

// references returns every root.attr name referenced anywhere in the module, e.g. all
// "var.X" for root "var".
func (m *module) references(root string) map[string]bool {
	refs := map[string]bool{}
	for _, b := range m.blocks {
		hclsyntax.VisitAll(b.Body, func(n hclsyntax.Node) hcl.Diagnostics {
			if e, ok := n.(hclsyntax.Expression); ok {
				for _, tr := range e.Variables() {
					if tr.RootName() == root && len(tr) > 1 {
						if a, ok := tr[1].(hcl.TraverseAttr); ok {
							refs[a.Name] = true
						}
					}
				}
			}
			return nil
		})
	}
	return refs
}

// literal evaluates an expression that needs no context (a constant).
func literal(t *testing.T, e hcl.Expression) cty.Value {
	t.Helper()
	v, diags := e.Value(nil)
	if diags.HasErrors() {
		t.Fatalf("%s: not a constant: %s", e.Range(), diags.Error())
	}
	return v
}

// strings converts a list, set or tuple of strings.
func stringsOf(t *testing.T, v cty.Value) []string {
	t.Helper()
	var out []string
	if !v.CanIterateElements() {
		t.Fatalf("not a collection: %#v", v)
	}
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.Type() != cty.String || !e.IsKnown() || e.IsNull() {
			t.Fatalf("not a known string: %#v", e)
		}
		out = append(out, e.AsString())
	}
	return out
}

// evaluator evaluates module expressions with given variable values and stubs for the data
// sources the expressions read; managed resources evaluate to unknown values, as in a plan.
type evaluator struct {
	m      *module
	vars   map[string]cty.Value
	data   map[string]map[string]cty.Value // data source type -> name -> value
	locals map[string]cty.Value
}

func newEvaluator(m *module, vars map[string]cty.Value) *evaluator {
	return &evaluator{m: m, vars: vars, data: map[string]map[string]cty.Value{}, locals: map[string]cty.Value{}}
}

func (ev *evaluator) functions() map[string]function.Function {
	return map[string]function.Function{
		"coalesce":   stdlib.CoalesceFunc,
		"contains":   stdlib.ContainsFunc,
		"file":       ev.fileFunc(),
		"fileset":    ev.filesetFunc(),
		"format":     stdlib.FormatFunc,
		"join":       stdlib.JoinFunc,
		"jsondecode": stdlib.JSONDecodeFunc,
		"jsonencode": stdlib.JSONEncodeFunc,
		"length":     stdlib.LengthFunc,
		"merge":      stdlib.MergeFunc,
		"one":        oneFunc,
		"replace":    stdlib.ReplaceFunc,
		"split":      stdlib.SplitFunc,
		"trimsuffix": stdlib.TrimSuffixFunc,
	}
}

// eval evaluates e, first evaluating the locals it refers to.
func (ev *evaluator) eval(e hcl.Expression) (cty.Value, error) {
	for _, tr := range e.Variables() {
		if tr.RootName() != "local" || len(tr) < 2 {
			continue
		}
		name := tr[1].(hcl.TraverseAttr).Name
		if _, done := ev.locals[name]; done {
			continue
		}
		le, ok := ev.m.locals[name]
		if !ok {
			return cty.NilVal, fmt.Errorf("local.%s is not defined", name)
		}
		v, err := ev.eval(le)
		if err != nil {
			return cty.NilVal, fmt.Errorf("local.%s: %w", name, err)
		}
		ev.locals[name] = v
	}
	vars := map[string]cty.Value{
		"var":   cty.ObjectVal(ev.vars),
		"local": cty.ObjectVal(ev.locals),
		"path":  cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal(ev.m.dir), "root": cty.StringVal(ev.m.dir)}),
	}
	data := map[string]map[string]cty.Value{}
	for _, b := range ev.m.find("data") {
		typ, name := b.Labels[0], b.Labels[1]
		if data[typ] == nil {
			data[typ] = map[string]cty.Value{}
		}
		data[typ][name] = cty.DynamicVal
		if v, ok := ev.data[typ][name]; ok {
			data[typ][name] = v
		}
	}
	dataObj := map[string]cty.Value{}
	for typ, byName := range data {
		dataObj[typ] = cty.ObjectVal(byName)
	}
	vars["data"] = cty.ObjectVal(dataObj)
	for _, b := range ev.m.find("resource") {
		vars[b.Labels[0]] = cty.DynamicVal
	}
	v, diags := e.Value(&hcl.EvalContext{Variables: vars, Functions: ev.functions()})
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	return v, nil
}

func (ev *evaluator) fileFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			b, err := os.ReadFile(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(string(b)), nil
		},
	})
}

func (ev *evaluator) filesetFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "pattern", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Set(cty.String)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			dir := args[0].AsString()
			matches, err := filepath.Glob(filepath.Join(dir, args[1].AsString()))
			if err != nil {
				return cty.NilVal, err
			}
			if len(matches) == 0 {
				return cty.SetValEmpty(cty.String), nil
			}
			sort.Strings(matches)
			var vals []cty.Value
			for _, p := range matches {
				rel, _ := filepath.Rel(dir, p)
				vals = append(vals, cty.StringVal(filepath.ToSlash(rel)))
			}
			return cty.SetVal(vals), nil
		},
	})
}

// oneFunc is Terraform's one(): the only element of a collection, null when empty.
var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.IsKnown() {
			return cty.DynamicVal, nil
		}
		switch n := v.LengthInt(); n {
		case 0:
			return cty.NullVal(cty.DynamicPseudoType), nil
		case 1:
			return v.Index(cty.NumberIntVal(0)), nil
		default:
			return cty.NilVal, fmt.Errorf("one: %d elements", n)
		}
	},
})

// defaults returns the module's variables at their defaults, overridden by set; a variable
// without a default must be in set.
func defaults(t *testing.T, m *module, set map[string]cty.Value) map[string]cty.Value {
	t.Helper()
	out := map[string]cty.Value{}
	for name, b := range m.variables() {
		if v, ok := set[name]; ok {
			out[name] = v
			continue
		}
		d, ok := b.Body.Attributes["default"]
		if !ok {
			t.Fatalf("%s: variable %q has no default: pass it", m.dir, name)
		}
		out[name] = literal(t, d.Expr)
	}
	return out
}

// objectKeys returns the literal keys of the object constructors in e (e.g. the settings in
// merge(var.environment, { KEY = ... })).
func objectKeys(t *testing.T, e hcl.Expression) []string {
	t.Helper()
	var keys []string
	hclsyntax.VisitAll(e.(hclsyntax.Expression), func(n hclsyntax.Node) hcl.Diagnostics {
		if o, ok := n.(*hclsyntax.ObjectConsExpr); ok {
			for _, item := range o.Items {
				keys = append(keys, keyName(item.KeyExpr))
			}
		}
		return nil
	})
	return keys
}

// keyName is the name of an object key written as a bare word or a quoted string.
func keyName(e hclsyntax.Expression) string {
	if k := hcl.ExprAsKeyword(e); k != "" {
		return k
	}
	if v, diags := e.Value(nil); !diags.HasErrors() && v.Type() == cty.String {
		return v.AsString()
	}
	return ""
}
