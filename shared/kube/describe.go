package kube

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
)

// ErrNotDescribe is returned by ParseDescribe when the text has none of the
// fields of `kubectl describe pod` output.
var ErrNotDescribe = errors.New("kube: not kubectl describe pod output")

// containerState is one State: or Last State: block of a container.
type containerState struct {
	State    string // Waiting, Running, Terminated
	Reason   string
	Message  string
	ExitCode *int
}

type describedContainer struct {
	Name         string
	Image        string
	State        containerState
	Last         containerState
	Restarts     int
	MemoryLimit  string
	inLimits     bool
	stateIndent  int
	currentBlock *containerState
}

type describedEvent struct {
	Type, Reason, From, Message string
	// Container comes from the "spec.containers{NAME}: " prefix newer
	// kubectl versions put before the message.
	Container string
}

type describedPod struct {
	Name, Namespace, Node, Status, Reason, Message, ControlledBy string
	// ExitCode is an exit code outside any container: a state's fields
	// pasted without the state ("Reason: ContainerCannotRun ... Exit
	// Code: 127").
	ExitCode   *int
	Containers []*describedContainer
	Events     []describedEvent
}

var (
	describeField = regexp.MustCompile(`^( *)([A-Za-z][A-Za-z0-9 ._/-]*?):(?:\s+(.*?))?\s*$`)
	columnGap     = regexp.MustCompile(`\s{2,}`)
	// stateSubfield finds the fields of a container state block pasted
	// onto one line ("State: Terminated Reason: OOMKilled Exit Code: 137").
	stateSubfield = regexp.MustCompile(`\s+(?:Reason|Message|Exit Code|Signal|Started|Finished):`)
	// stateStart finds a container's State or Last State block inside a
	// line (a state kubectl prints, so that "State:" in a message's text
	// is not taken for one).
	stateStart = regexp.MustCompile(`\s(?:Last )?State:\s+(?:Running|Waiting|Terminated)\b`)
)

// unflatten splits a container's State or Last State block that was pasted
// onto one line, as issue threads and chat often carry it, back into the
// lines kubectl prints, its fields indented under it. Other lines pass
// through.
func unflatten(line string) []string {
	rest := strings.TrimLeft(line, " ")
	indent := line[:len(line)-len(rest)]
	if !strings.HasPrefix(rest, "State:") && !strings.HasPrefix(rest, "Last State:") {
		// The container's other fields pasted before its state on the
		// same line ("Command: /manager State: Running ..."): the state
		// block starts a line of its own.
		if at := stateStart.FindStringIndex(line); at != nil {
			return append([]string{line[:at[0]]}, unflatten(line[at[0]+1:])...)
		}
		if strings.HasPrefix(rest, "Reason:") {
			// A state's fields pasted without the state ("Reason:
			// ContainerCannotRun Message: ... Exit Code: 127"): each
			// field on its own line, at the same indent.
			return splitFields(line, indent)
		}
		return []string{line}
	}
	// State and Last State pasted onto one line: each block on its own.
	head := strings.Index(rest, ":") + 1
	if at := stateStart.FindStringIndex(rest[head:]); at != nil {
		return append(unflatten(indent+rest[:head+at[0]]), unflatten(indent+rest[head+at[0]+1:])...)
	}
	return splitFields(line, indent+"  ")
}

// splitFields puts each state field pasted into line on a line of its own,
// indented by indent, after the text before the first of them (if any).
func splitFields(line, indent string) []string {
	cuts := stateSubfield.FindAllStringIndex(line, -1)
	if cuts == nil {
		return []string{line}
	}
	var out []string
	if head := line[:cuts[0][0]]; strings.TrimSpace(head) != "" {
		out = append(out, head)
	}
	for i, c := range cuts {
		end := len(line)
		if i+1 < len(cuts) {
			end = cuts[i+1][0]
		}
		out = append(out, indent+strings.TrimLeft(line[c[0]:end], " \t"))
	}
	return out
}

// ParseDescribe reads the text `kubectl describe pod` prints, or a fragment
// of it (a container's State/Last State block, the Events table), and
// returns the failure it shows: the pod, namespace, node and owning
// workload, the failing container with its image, the decisive reason
// (OOMKilled, CrashLoopBackOff, ImagePullBackOff, Evicted, ...), the exit
// code, and the Warning event messages.
func ParseDescribe(text string) (*failure.Failure, error) {
	p := parseDescribe(text)
	c := p.failingContainer()
	if p.Name == "" && c == nil && len(p.Events) == 0 && p.Reason == "" {
		return nil, ErrNotDescribe
	}
	f := &failure.Failure{
		Platform:  failure.Kubernetes,
		Namespace: p.Namespace,
		Task:      p.Name,
		Node:      p.Node,
		Workload:  p.workload(),
		Reason:    p.Reason,
		ExitCode:  p.ExitCode,
	}
	var msgs []string
	add := func(m string) {
		m = strings.TrimSpace(m)
		for _, seen := range msgs {
			if seen == m {
				return
			}
		}
		if m != "" {
			msgs = append(msgs, m)
		}
	}
	details := map[string]string{}
	if c != nil {
		f.Container = c.Name
		f.Image = c.Image
		if r := c.reason(); r != "" {
			f.Reason = r
		}
		if code := c.exitCode(); code != nil {
			f.ExitCode = code
		}
		add(c.State.Message)
		add(c.Last.Message)
		add(c.summary())
		if c.Restarts > 0 {
			details["Restart count"] = strconv.Itoa(c.Restarts)
		}
		if c.MemoryLimit != "" {
			details["Memory limit"] = c.MemoryLimit
		}
	}
	add(p.Message)
	for _, e := range p.Events {
		if e.Type == "Warning" {
			add(e.Message)
			if f.Reason == "" {
				f.Reason = e.Reason
			}
			if f.Container == "" {
				f.Container = e.Container
			}
		}
	}
	if f.Image == "" {
		for _, m := range msgs {
			if f.Image = classify.ImageInMessage(m); f.Image != "" {
				break
			}
		}
	}
	if p.Status != "" && p.Status != "Running" {
		details["Pod status"] = p.Status
	}
	f.Messages = msgs
	if len(details) > 0 {
		f.Details = details
	}
	return f, nil
}

func parseDescribe(text string) *describedPod {
	p := &describedPod{}
	section := ""
	var cur *describedContainer
	var lines []string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		lines = append(lines, unflatten(strings.ReplaceAll(line, "\t", "    "))...)
	}
	for _, line := range lines {
		line = strings.TrimRight(line, " ")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if section == "events" {
			if p.addEventRow(line) {
				continue
			}
		}
		m := describeField.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		indent, key, val := len(m[1]), m[2], m[3]
		if indent == 0 {
			switch key {
			case "Containers", "Init Containers":
				section, cur = "containers", nil
				continue
			case "Events":
				section = "events"
				continue
			case "Name", "Namespace", "Node", "Status", "Reason", "Message", "Controlled By", "Exit Code":
				section = ""
				p.setTop(key, val)
				continue
			case "State", "Last State":
				// A fragment: a container block pasted without its header
				// (after other fields of the container, if any).
				section = ""
			default:
				section = "other"
				continue
			}
		}
		if section == "other" || section == "events" {
			continue
		}
		if section == "containers" && indent == 2 && val == "" {
			cur = &describedContainer{Name: key}
			p.Containers = append(p.Containers, cur)
			continue
		}
		if cur == nil {
			if key != "State" && key != "Last State" {
				continue
			}
			cur = &describedContainer{}
			p.Containers = append(p.Containers, cur)
		}
		cur.field(indent, key, val)
	}
	return p
}

func (p *describedPod) setTop(key, val string) {
	switch key {
	case "Name":
		p.Name = val
	case "Namespace":
		p.Namespace = val
	case "Node":
		// "gke-pool-abc/10.128.0.5", or "<none>" while unscheduled.
		if n, _, _ := strings.Cut(val, "/"); n != "<none>" {
			p.Node = n
		}
	case "Status":
		p.Status = val
	case "Reason":
		p.Reason = val
	case "Message":
		p.Message = val
	case "Controlled By":
		p.ControlledBy = val
	case "Exit Code":
		if n, err := strconv.Atoi(val); err == nil {
			p.ExitCode = &n
		}
	}
}

// addEventRow reads one row of the Events table and reports whether the
// line was part of the table.
func (p *describedPod) addEventRow(line string) bool {
	cols := columnGap.Split(strings.TrimSpace(line), 5)
	if len(cols) < 5 {
		return strings.HasPrefix(strings.TrimSpace(line), "<none>")
	}
	switch cols[0] {
	case "Normal", "Warning":
		e := describedEvent{Type: cols[0], Reason: cols[1], From: cols[3], Message: cols[4]}
		if e.Container = ContainerFromFieldPath(e.Message); e.Container != "" {
			_, e.Message, _ = strings.Cut(e.Message, "}: ")
		}
		p.Events = append(p.Events, e)
		return true
	case "Type", "----":
		return true
	}
	return false
}

func (c *describedContainer) field(indent int, key, val string) {
	if c.currentBlock != nil && indent <= c.stateIndent {
		c.currentBlock = nil
	}
	if c.inLimits && !(key == "cpu" || key == "memory" || strings.Contains(key, "/")) {
		c.inLimits = false
	}
	switch {
	case key == "State" || key == "Last State":
		c.currentBlock = &c.State
		if key == "Last State" {
			c.currentBlock = &c.Last
		}
		c.currentBlock.State = val
		c.stateIndent = indent
	case c.currentBlock != nil:
		switch key {
		case "Reason":
			c.currentBlock.Reason = val
		case "Message":
			c.currentBlock.Message = val
		case "Exit Code":
			if n, err := strconv.Atoi(val); err == nil {
				c.currentBlock.ExitCode = &n
			}
		}
	case key == "Image":
		c.Image = val
	case key == "Restart Count":
		c.Restarts, _ = strconv.Atoi(val)
	case key == "Limits":
		c.inLimits = true
	case key == "memory" && c.inLimits:
		c.MemoryLimit = val
	}
}

// failingContainer returns the container the failure is about: the first
// one that is not running cleanly, else the first one.
func (p *describedPod) failingContainer() *describedContainer {
	for _, c := range p.Containers {
		if c.troubled() {
			return c
		}
	}
	if len(p.Containers) > 0 {
		return p.Containers[0]
	}
	return nil
}

// troubled reports whether c has restarted or is not running as it
// should: an init container that completed with exit code 0, or a
// container still being created, is fine.
func (c *describedContainer) troubled() bool {
	if c.Last.State != "" || c.Restarts > 0 {
		return true
	}
	switch c.State.State {
	case "Waiting":
		return c.State.Reason != "PodInitializing" && c.State.Reason != "ContainerCreating"
	case "Terminated":
		return c.State.Reason != "Completed" || c.State.ExitCode == nil || *c.State.ExitCode != 0
	}
	return false
}

// specificTermination lists terminated reasons that name the cause by
// themselves, so they outrank the waiting reason (CrashLoopBackOff) that
// follows them.
var specificTermination = map[string]bool{
	"OOMKilled": true, "ContainerCannotRun": true, "StartError": true, "DeadlineExceeded": true, "Evicted": true,
}

// reason picks the most telling reason of c's states.
func (c *describedContainer) reason() string {
	for _, s := range []containerState{c.State, c.Last} {
		if s.State == "Terminated" && specificTermination[s.Reason] {
			return s.Reason
		}
	}
	if c.State.State == "Waiting" && c.State.Reason != "" {
		return c.State.Reason
	}
	if c.State.Reason != "" {
		return c.State.Reason
	}
	return c.Last.Reason
}

func (c *describedContainer) exitCode() *int {
	if c.State.ExitCode != nil {
		return c.State.ExitCode
	}
	return c.Last.ExitCode
}

// summary renders c's states on one line, e.g. "State: Waiting
// (CrashLoopBackOff); Last State: Terminated (Error, exit code 127)".
func (c *describedContainer) summary() string {
	var parts []string
	for _, s := range []struct {
		label string
		st    containerState
	}{{"State", c.State}, {"Last State", c.Last}} {
		if s.st.State == "" {
			continue
		}
		var inner []string
		if s.st.Reason != "" {
			inner = append(inner, s.st.Reason)
		}
		if s.st.ExitCode != nil {
			inner = append(inner, "exit code "+strconv.Itoa(*s.st.ExitCode))
		}
		part := s.label + ": " + s.st.State
		if len(inner) > 0 {
			part += " (" + strings.Join(inner, ", ") + ")"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "; ")
}

// workload names the owner from "Controlled By: ReplicaSet/web-7d9c6b5f4"
// (the Deployment web), or from the pod name's suffixes.
func (p *describedPod) workload() string {
	kind, name, ok := strings.Cut(p.ControlledBy, "/")
	if !ok {
		return WorkloadFromPod(p.Name)
	}
	return WorkloadFromOwner(kind, name)
}
