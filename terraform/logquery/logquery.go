// Package logquery evaluates Cloud Logging queries against LogEntries, so tests can check
// that the log sink a Terraform module creates routes the entries its function handles and
// nothing else.
//
// It implements the part of the Logging query language the Tracegrid sink uses, with the
// semantics of Google's "Logging query language" reference: comparisons FIELD OP VALUE with
// = != < <= > >= and : (has: case-insensitive substring), a parenthesised OR-list of values
// on the right of = and :, the log_id("ID") function, bare strings as global restrictions
// (case-insensitive substring of any field's value), NOT, AND, OR and parentheses, where OR
// binds tighter than AND and juxtaposition means AND. severity compares by LogSeverity rank.
// A comparison on a missing field is false. Anything else is a parse error, not a guess.
package logquery

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Query is a parsed Logging query.
type Query struct{ root node }

// Parse parses a Logging query.
func Parse(q string) (*Query, error) {
	toks, err := lex(q)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	root, err := p.and()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("logquery: unexpected %q at token %d", p.toks[p.pos].text, p.pos)
	}
	return &Query{root: root}, nil
}

// Match reports whether the LogEntry (its JSON form) matches q.
func (q *Query) Match(entry []byte) (bool, error) {
	var e map[string]any
	if err := json.Unmarshal(entry, &e); err != nil {
		return false, fmt.Errorf("logquery: entry: %w", err)
	}
	return q.root.eval(e), nil
}

type node interface{ eval(e map[string]any) bool }

type (
	andNode []node
	orNode  []node
	notNode struct{ n node }
	logID   string
	global  string
	compare struct {
		path   []string
		op     string
		values []string // alternatives
	}
)

func (n andNode) eval(e map[string]any) bool {
	for _, c := range n {
		if !c.eval(e) {
			return false
		}
	}
	return true
}

func (n orNode) eval(e map[string]any) bool {
	for _, c := range n {
		if c.eval(e) {
			return true
		}
	}
	return false
}

func (n notNode) eval(e map[string]any) bool { return !n.n.eval(e) }

// log_id("ID") matches logName projects/P/logs/ID, the ID URL-encoded.
func (n logID) eval(e map[string]any) bool {
	name, _ := e["logName"].(string)
	_, id, ok := strings.Cut(name, "/logs/")
	if !ok {
		return false
	}
	if u, err := url.PathUnescape(id); err == nil {
		id = u
	}
	return id == string(n)
}

func (n global) eval(e map[string]any) bool {
	return anyString(e, func(s string) bool { return containsFold(s, string(n)) })
}

func anyString(v any, f func(string) bool) bool {
	switch v := v.(type) {
	case string:
		return f(v)
	case map[string]any:
		for _, x := range v {
			if anyString(x, f) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if anyString(x, f) {
				return true
			}
		}
	}
	return false
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

var severities = []string{"DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"}

func severityRank(s string) int {
	for i, name := range severities {
		if strings.EqualFold(s, name) {
			return i
		}
	}
	return -1
}

func (n compare) eval(e map[string]any) bool {
	var v any = e
	for _, k := range n.path {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if v, ok = m[k]; !ok || v == nil {
			return false
		}
	}
	got := fmt.Sprint(v)
	if b, err := json.Marshal(v); err == nil && !isString(v) {
		got = string(b)
	}
	for _, want := range n.values {
		if n.test(got, want) {
			return n.op != "!="
		}
	}
	return n.op == "!="
}

func isString(v any) bool { _, ok := v.(string); return ok }

func (n compare) test(got, want string) bool {
	switch n.op {
	case ":":
		return containsFold(got, want)
	case "=", "!=":
		return got == want
	}
	// Ordering: severity by rank, numbers numerically, else strings (timestamps).
	var c int
	if len(n.path) == 1 && n.path[0] == "severity" {
		c = severityRank(got) - severityRank(want)
	} else if a, err1 := strconv.ParseFloat(got, 64); err1 == nil {
		b, err2 := strconv.ParseFloat(want, 64)
		if err2 != nil {
			return false
		}
		c = cmp.Compare(a, b)
	} else {
		c = strings.Compare(got, want)
	}
	switch n.op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

// ---- lexer ----

type token struct {
	kind byte // '(' ')' 's' (quoted string) 'w' (word) 'o' (operator)
	text string
}

func lex(q string) ([]token, error) {
	var toks []token
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, token{kind: c, text: string(c)})
			i++
		case c == '"':
			j := i + 1
			var b strings.Builder
			for ; j < len(q) && q[j] != '"'; j++ {
				if q[j] == '\\' && j+1 < len(q) {
					j++
				}
				b.WriteByte(q[j])
			}
			if j >= len(q) {
				return nil, fmt.Errorf("logquery: unterminated string at %d", i)
			}
			toks = append(toks, token{kind: 's', text: b.String()})
			i = j + 1
		case strings.ContainsRune("=!<>:", rune(c)):
			op := string(c)
			if i+1 < len(q) && (q[i+1] == '=' || q[i+1] == '~') && c != ':' {
				op += string(q[i+1])
			}
			if op == "!" || strings.HasSuffix(op, "~") {
				return nil, fmt.Errorf("logquery: operator %q is not supported", op)
			}
			toks = append(toks, token{kind: 'o', text: op})
			i += len(op)
		default:
			j := i
			for j < len(q) && !strings.ContainsRune(" \t\r\n()\"=!<>:", rune(q[j])) {
				j++
			}
			toks = append(toks, token{kind: 'w', text: q[i:j]})
			i = j
		}
	}
	return toks, nil
}

// ---- parser ----

type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() *token {
	if p.pos < len(p.toks) {
		return &p.toks[p.pos]
	}
	return nil
}

func (p *parser) keyword(k string) bool {
	if t := p.peek(); t != nil && t.kind == 'w' && t.text == k {
		p.pos++
		return true
	}
	return false
}

// and: or-expressions joined by AND or by juxtaposition.
func (p *parser) and() (node, error) {
	var n andNode
	for {
		t := p.peek()
		if t == nil || t.kind == ')' {
			break
		}
		if len(n) > 0 {
			p.keyword("AND")
		}
		c, err := p.or()
		if err != nil {
			return nil, err
		}
		n = append(n, c)
	}
	if len(n) == 0 {
		return nil, fmt.Errorf("logquery: empty expression")
	}
	return n, nil
}

func (p *parser) or() (node, error) {
	first, err := p.unary()
	if err != nil {
		return nil, err
	}
	n := orNode{first}
	for p.keyword("OR") {
		c, err := p.unary()
		if err != nil {
			return nil, err
		}
		n = append(n, c)
	}
	if len(n) == 1 {
		return first, nil
	}
	return n, nil
}

func (p *parser) unary() (node, error) {
	if p.keyword("NOT") {
		n, err := p.unary()
		return notNode{n}, err
	}
	return p.primary()
}

func (p *parser) primary() (node, error) {
	t := p.peek()
	if t == nil {
		return nil, fmt.Errorf("logquery: unexpected end of query")
	}
	p.pos++
	switch t.kind {
	case '(':
		n, err := p.and()
		if err != nil {
			return nil, err
		}
		if nt := p.peek(); nt == nil || nt.kind != ')' {
			return nil, fmt.Errorf("logquery: missing )")
		}
		p.pos++
		return n, nil
	case 's':
		return global(t.text), nil
	case 'w':
		if nt := p.peek(); nt != nil && nt.kind == '(' {
			return p.function(t.text)
		}
		if nt := p.peek(); nt != nil && nt.kind == 'o' {
			p.pos++
			values, err := p.values()
			if err != nil {
				return nil, err
			}
			return compare{path: strings.Split(t.text, "."), op: nt.text, values: values}, nil
		}
		return global(t.text), nil
	}
	return nil, fmt.Errorf("logquery: unexpected %q", t.text)
}

func (p *parser) function(name string) (node, error) {
	p.pos++ // (
	t := p.peek()
	if name != "log_id" || t == nil || t.kind != 's' {
		return nil, fmt.Errorf("logquery: function %s is not supported", name)
	}
	p.pos++
	if nt := p.peek(); nt == nil || nt.kind != ')' {
		return nil, fmt.Errorf("logquery: log_id takes one string")
	}
	p.pos++
	return logID(t.text), nil
}

// values reads one value or a parenthesised OR-list of values.
func (p *parser) values() ([]string, error) {
	t := p.peek()
	if t == nil {
		return nil, fmt.Errorf("logquery: missing value")
	}
	p.pos++
	if t.kind == 's' || t.kind == 'w' {
		return []string{t.text}, nil
	}
	if t.kind != '(' {
		return nil, fmt.Errorf("logquery: unexpected %q for a value", t.text)
	}
	var vs []string
	for {
		v := p.peek()
		if v == nil || (v.kind != 's' && v.kind != 'w') {
			return nil, fmt.Errorf("logquery: bad value list")
		}
		p.pos++
		vs = append(vs, v.text)
		if p.keyword("OR") {
			continue
		}
		if c := p.peek(); c != nil && c.kind == ')' {
			p.pos++
			return vs, nil
		}
		return nil, fmt.Errorf("logquery: value list: want OR or )")
	}
}
