// Package eventpattern matches events against Amazon EventBridge event patterns, so tests can
// check that the rules a Terraform module creates select the events its function handles.
//
// It implements the part of the pattern language the Tracegrid rules use: exact values
// (strings, numbers, booleans, null), "prefix", "anything-but" (a value or a list of values),
// "exists", and "$or". Any other operator is reported as an error rather than guessed at.
// Semantics follow the EventBridge user guide ("Event patterns", "Content filtering"): every
// field named in a pattern must match; a pattern value is a list of alternatives; an event
// array matches when any element matches (for arrays of objects too); a missing field matches only {"exists": false}.
package eventpattern

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
)

// Pattern is a parsed EventBridge event pattern.
type Pattern struct {
	root map[string]any
}

// Parse parses and checks an event pattern in its JSON form.
func Parse(pattern []byte) (*Pattern, error) {
	v, err := decode(pattern)
	if err != nil {
		return nil, fmt.Errorf("eventpattern: pattern: %w", err)
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("eventpattern: pattern must be a JSON object")
	}
	if err := check(root, ""); err != nil {
		return nil, err
	}
	return &Pattern{root: root}, nil
}

// Match reports whether the event, in its JSON form, matches the pattern.
func (p *Pattern) Match(event []byte) (bool, error) {
	v, err := decode(event)
	if err != nil {
		return false, fmt.Errorf("eventpattern: event: %w", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return false, fmt.Errorf("eventpattern: event must be a JSON object")
	}
	return matchObject(p.root, obj), nil
}

func decode(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("trailing data after the JSON value")
	}
	return v, nil
}

// check validates a pattern object: nested objects, "$or" lists of objects, or non-empty
// lists of matchers using only the supported operators.
func check(obj map[string]any, path string) error {
	for k, v := range obj {
		p := path + "." + k
		if k == "$or" {
			alts, ok := v.([]any)
			if !ok || len(alts) < 2 {
				return fmt.Errorf("eventpattern: %s: $or needs a list of at least two patterns", p)
			}
			for i, a := range alts {
				sub, ok := a.(map[string]any)
				if !ok {
					return fmt.Errorf("eventpattern: %s[%d]: not a pattern object", p, i)
				}
				if err := check(sub, fmt.Sprintf("%s[%d]", p, i)); err != nil {
					return err
				}
			}
			continue
		}
		switch t := v.(type) {
		case map[string]any:
			if err := check(t, p); err != nil {
				return err
			}
		case []any:
			if len(t) == 0 {
				return fmt.Errorf("eventpattern: %s: empty list matches nothing", p)
			}
			for _, m := range t {
				if err := checkMatcher(m, p); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("eventpattern: %s: pattern values must be lists or objects, got %v", p, v)
		}
	}
	return nil
}

func checkMatcher(m any, path string) error {
	op, ok := m.(map[string]any)
	if !ok {
		return nil // an exact value
	}
	if len(op) != 1 {
		return fmt.Errorf("eventpattern: %s: a matcher object has exactly one operator", path)
	}
	for name, arg := range op {
		switch name {
		case "prefix":
			if _, ok := arg.(string); !ok {
				return fmt.Errorf("eventpattern: %s: prefix takes a string", path)
			}
		case "exists":
			if _, ok := arg.(bool); !ok {
				return fmt.Errorf("eventpattern: %s: exists takes true or false", path)
			}
		case "anything-but":
			vals, isList := arg.([]any)
			if !isList {
				vals = []any{arg}
			}
			for _, v := range vals {
				switch v.(type) {
				case string, json.Number:
				default:
					return fmt.Errorf("eventpattern: %s: anything-but takes strings or numbers", path)
				}
			}
		default:
			return fmt.Errorf("eventpattern: %s: operator %q is not supported", path, name)
		}
	}
	return nil
}

func matchObject(pattern, event map[string]any) bool {
	for k, pv := range pattern {
		if k == "$or" {
			matched := false
			for _, alt := range pv.([]any) {
				if matchObject(alt.(map[string]any), event) {
					matched = true
					break
				}
			}
			if !matched {
				return false
			}
			continue
		}
		ev, present := event[k]
		switch t := pv.(type) {
		case map[string]any:
			if !present || !matchNested(t, ev) {
				return false
			}
		case []any:
			if !matchLeaf(t, ev, present) {
				return false
			}
		}
	}
	return true
}

// matchNested matches a nested pattern against an object, or against any object of an array
// of objects (EventBridge flattens arrays).
func matchNested(pattern map[string]any, ev any) bool {
	values, isArray := ev.([]any)
	if !isArray {
		values = []any{ev}
	}
	for _, v := range values {
		if obj, ok := v.(map[string]any); ok && matchObject(pattern, obj) {
			return true
		}
	}
	return false
}

// matchLeaf matches one event field against a list of alternative matchers.
func matchLeaf(matchers []any, ev any, present bool) bool {
	for _, m := range matchers {
		if op, ok := m.(map[string]any); ok {
			if exists, ok := op["exists"]; ok {
				if exists.(bool) == present {
					return true
				}
				continue
			}
		}
		if !present {
			continue
		}
		values, isArray := ev.([]any)
		if !isArray {
			values = []any{ev}
		}
		for _, v := range values {
			if matchValue(m, v) {
				return true
			}
		}
	}
	return false
}

func matchValue(m, v any) bool {
	op, ok := m.(map[string]any)
	if !ok {
		return equal(m, v)
	}
	if prefix, ok := op["prefix"]; ok {
		s, ok := v.(string)
		return ok && len(s) >= len(prefix.(string)) && s[:len(prefix.(string))] == prefix.(string)
	}
	if arg, ok := op["anything-but"]; ok {
		vals, isList := arg.([]any)
		if !isList {
			vals = []any{arg}
		}
		for _, x := range vals {
			if equal(x, v) {
				return false
			}
		}
		return true
	}
	return false
}

// equal compares a pattern value with an event value: strings exactly, numbers by value.
func equal(p, v any) bool {
	pn, pIsNum := p.(json.Number)
	vn, vIsNum := v.(json.Number)
	if pIsNum || vIsNum {
		if !pIsNum || !vIsNum {
			return false
		}
		a, okA := new(big.Float).SetString(pn.String())
		b, okB := new(big.Float).SetString(vn.String())
		return okA && okB && a.Cmp(b) == 0
	}
	return p == v
}
