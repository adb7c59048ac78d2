package classify

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"

	"github.com/tracegrid/tracegrid/internal/localproc"
	"github.com/tracegrid/tracegrid/shared/failure"
)

// The sweep's names. Each fixture states every name its platform has; the
// bare, hostile and text-only fixtures leave them unknown, forged or in the
// message only.
var (
	sweepImages = []string{
		"", "nginx:1.27", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:v1",
		"REDACTED.dkr.ecr.us-east-2.amazonaws.com/test:latest", "shopreg.azurecr.io/shop/api:2",
		"europe-west1-docker.pkg.dev/acme-prod/apps/api:1", "gcr.io/acme-prod/api:1",
		"registry.example.com:5000/team/api@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
		"https://Nginx :latest", "linux/arm64/v8", "XXXX",
	}
	hostile = "--kubeconfig=evil.cfg"
)

// sweepFailures returns the failures the sweep renders for platform p.
func sweepFailures(p failure.Platform) map[string]failure.Failure {
	fs := map[string]failure.Failure{"bare": {Platform: p}}
	forged := failure.Failure{Platform: p, Account: hostile, Region: hostile, Cluster: hostile, ResourceGroup: hostile, Namespace: hostile,
		Workload: hostile, Task: hostile, TaskARN: hostile, TaskDefinition: hostile, Node: hostile, Container: hostile,
		Details: map[string]string{DetailLogGroup: hostile, DetailLogStream: hostile}}
	fs["hostile"] = forged
	redactedNames := failure.Failure{Platform: p, Account: "XXXXXX", Cluster: "REDACTED", ResourceGroup: "{resource-group}", Namespace: "<namespace>",
		Task: "XXXX", TaskDefinition: "xxx", Node: "REDACTED", Container: "***"}
	fs["redacted"] = redactedNames
	switch p {
	case failure.ECS:
		full := failure.Failure{Platform: p, Account: "123456789012", Region: "eu-west-1", Cluster: "prod", Workload: "web",
			Task: "0123456789abcdef0", TaskARN: "arn:aws:ecs:eu-west-1:123456789012:task/prod/0123456789abcdef0",
			TaskDefinition: "web:42", Container: "app",
			Details: map[string]string{DetailLogGroup: "/ecs/web", DetailLogStream: "ecs/app/0123456789abcdef0"}}
		fs["full"] = full
		full.Details = nil
		fs["no log group"] = full
	case failure.Kubernetes:
		fs["deployment pod"] = failure.Failure{Platform: p, Account: "acme-prod", Region: "europe-west1", Cluster: "main", Namespace: "shop",
			Workload: "api", Task: "api-7d9f8b6c5-x2k4q", Node: "gke-main-pool-1-abcd", Container: "api"}
		fs["statefulset pod"] = failure.Failure{Platform: p, Namespace: "shop", Workload: "db", Task: "db-0", Container: "postgres"}
		fs["daemonset pod"] = failure.Failure{Platform: p, Namespace: "shop", Workload: "agent", Task: "agent-x2k4q"}
		fs["kubelet text"] = failure.Failure{Platform: p, Messages: []string{
			`Back-off 5m0s restarting failed container=web pod=web-controller-3987916996-qtfg7_micro-services(a913f25b-400a-11e8-8a2a-0252b8c8a2a4)`,
			`Error: couldn't find key SECURE_DATA in Secret default/deno-demo-secret`}}
		fs["pull QPS"] = failure.Failure{Platform: p, Node: "node-1", Messages: []string{`Failed to pull image "aaatest3contreg.azurecr.io/aaa-yyyy3-evh:latest": pull QPS exceeded`}}
	case failure.ACI:
		fs["full"] = failure.Failure{Platform: p, Account: "00000000-0000-0000-0000-000000000000", Region: "eastus", ResourceGroup: "rg-shop",
			Workload: "shop-api", Task: "shop-api", Container: "api"}
		fs["arm text"] = failure.Failure{Platform: p, Messages: []string{
			`(InaccessibleImage) The image 'agoacontainer/agoa:v1' in container group 'agoa' is not accessible.`,
			`The requested resource is not available in the location 'uksouth' at this moment.`}}
	case failure.Docker:
		fs["full"] = failure.Failure{Platform: p, Task: "web-1", Container: "web"}
	}
	return fs
}

// sweep renders every command template for every cause and platform, over
// the fixtures and images above. It returns each distinct line with where
// it came from.
func sweep() map[string]string {
	lines := map[string]string{}
	for _, p := range []failure.Platform{failure.ECS, failure.Kubernetes, failure.ACI, failure.Docker} {
		fs := sweepFailures(p)
		for c := range causes {
			for fname, f := range fs {
				for _, img := range sweepImages {
					for _, cmd := range commands(c, &f, parseImage(img)) {
						if _, ok := lines[cmd.Line]; !ok {
							lines[cmd.Line] = fmt.Sprintf("%s/%s/%s image %q", p, c, fname, img)
						}
					}
				}
			}
		}
	}
	return lines
}

// slotNames are the variables commands may leave for the reader to set.
var slotNames = map[string]slot{}

func init() {
	for _, s := range []slot{slotCluster, slotTaskDefinition, slotNamespace, slotPod, slotContainer, slotWorkload, slotMemoryLimit,
		slotPullSecret, slotRegistryUser, slotRegistryPass, slotResourceGroup, slotContainerGroup, slotLocation, slotImage,
		slotSecretARN, slotNode} {
		slotNames[s.name] = s
	}
}

// standIns are the values the test gives the variables, and the output
// of the command substitutions, once their own command has been checked.
var standIns = map[string]string{
	"CLUSTER": "prod", "TASK_DEFINITION": "web:42", "NAMESPACE": "shop", "POD": "api-1", "CONTAINER": "api",
	"WORKLOAD": "deployment/api", "MEMORY_LIMIT": "1Gi", "PULL_SECRET": "regcred", "REGISTRY_USER": "user",
	"REGISTRY_PASSWORD": "stand-in-password", "RESOURCE_GROUP": "rg-shop", "CONTAINER_GROUP": "shop-api",
	"LOCATION": "eastus", "IMAGE": "nginx:1.27", "NODE": "node-1",
	"SECRET_ARN":                 "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf",
	"aws ecr get-login-password": "stand-in-ecr-token",
	"az acr show":                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/shopreg",
}

// pipeConsumers are the commands a line may pipe into, and
// substitutions the commands a line may substitute.
var (
	pipeConsumers = []string{"docker login --username AWS --password-stdin", "kubectl apply -f -"}
	substitutions = []string{"aws ecr get-login-password", "az acr show"}
)

// shellShape parses line as bash and rejects what no template intends: a
// redirection, a command list, a background job, an assignment, globbing,
// tilde or brace expansion, an unquoted or unknown variable, arithmetic,
// process substitution; pipes and command substitutions only into and from
// the commands above. It returns the placeholders (guarded variables) used.
func shellShape(line string) (vars []string, err error) {
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(line), "")
	if err != nil {
		return nil, err
	}
	if len(file.Stmts) != 1 {
		return nil, fmt.Errorf("%d statements, want one command", len(file.Stmts))
	}
	st := file.Stmts[0]
	if st.Background || st.Negated || st.Coprocess || len(st.Redirs) > 0 || st.Semicolon.IsValid() {
		return nil, fmt.Errorf("redirection, job control or list")
	}
	var check func(n syntax.Node, quoted bool) error
	checkCall := func(ce *syntax.CallExpr) error {
		if len(ce.Assigns) > 0 {
			return fmt.Errorf("assignment")
		}
		for _, w := range ce.Args {
			for _, part := range w.Parts {
				if err := check(part, false); err != nil {
					return err
				}
			}
		}
		return nil
	}
	check = func(n syntax.Node, quoted bool) error {
		switch x := n.(type) {
		case *syntax.Lit:
			if !quoted && (strings.ContainsAny(x.Value, "*?[]{}~") || strings.Contains(x.Value, "\\")) {
				return fmt.Errorf("unquoted %q expands (glob, brace, tilde or escape)", x.Value)
			}
		case *syntax.SglQuoted:
			if x.Dollar {
				return fmt.Errorf("$'...' quoting")
			}
		case *syntax.DblQuoted:
			for _, p := range x.Parts {
				if err := check(p, true); err != nil {
					return err
				}
			}
		case *syntax.ParamExp:
			if !quoted {
				return fmt.Errorf("unquoted ${%s}", x.Param.Value)
			}
			if _, ok := slotNames[x.Param.Value]; !ok || x.Exp == nil || x.Exp.Op != syntax.ErrorUnsetOrNull || x.Short {
				return fmt.Errorf("expansion of %s is not a guarded placeholder", x.Param.Value)
			}
			vars = append(vars, x.Param.Value)
		case *syntax.CmdSubst:
			if !quoted || len(x.Stmts) != 1 {
				return fmt.Errorf("unquoted or compound command substitution")
			}
			inner, ok := x.Stmts[0].Cmd.(*syntax.CallExpr)
			if !ok || len(x.Stmts[0].Redirs) > 0 || !hasPrefix(words(inner), substitutions) {
				return fmt.Errorf("unexpected command substitution")
			}
			return checkCall(inner)
		default:
			return fmt.Errorf("unexpected %T", n)
		}
		return nil
	}
	switch cmd := st.Cmd.(type) {
	case *syntax.CallExpr:
		err = checkCall(cmd)
	case *syntax.BinaryCmd:
		x, okx := cmd.X.Cmd.(*syntax.CallExpr)
		y, oky := cmd.Y.Cmd.(*syntax.CallExpr)
		if cmd.Op != syntax.Pipe || !okx || !oky || len(cmd.X.Redirs)+len(cmd.Y.Redirs) > 0 || !hasPrefix(words(y), pipeConsumers) {
			return nil, fmt.Errorf("command list or unexpected pipe")
		}
		if err = checkCall(x); err == nil {
			err = checkCall(y)
		}
	default:
		return nil, fmt.Errorf("unexpected %T", st.Cmd)
	}
	return vars, err
}

// words returns the literal words of a call, as far as they are literal.
func words(ce *syntax.CallExpr) string {
	var ws []string
	for _, w := range ce.Args {
		lit := w.Lit()
		if lit == "" {
			break
		}
		ws = append(ws, lit)
	}
	return strings.Join(ws, " ")
}

func hasPrefix(s string, prefixes []string) bool {
	return matchPrefix(s, prefixes) != ""
}

// matchPrefix returns the prefix whose words start s, or "".
func matchPrefix(s string, prefixes []string) string {
	for _, p := range prefixes {
		if s == p || strings.HasPrefix(s, p+" ") {
			return p
		}
	}
	return ""
}

// template is line with the sweep's names replaced, so that lines that
// differ only in names count once.
func template(line string, names []string) string {
	for _, n := range names {
		line = strings.ReplaceAll(line, n, "NAME")
	}
	return line
}

// sweepNames lists every name the fixtures carry, longest first.
func sweepNames() []string {
	seen := map[string]bool{}
	add := func(v string) {
		if len(v) > 2 {
			seen[v] = true
		}
	}
	for _, p := range []failure.Platform{failure.ECS, failure.Kubernetes, failure.ACI, failure.Docker} {
		for _, f := range sweepFailures(p) {
			for _, v := range []string{f.Account, f.Region, f.Cluster, f.ResourceGroup, f.Namespace, f.Workload, f.Task, f.TaskARN, f.TaskDefinition, f.Node, f.Container} {
				add(v)
			}
			for _, v := range f.Details {
				add(v)
			}
			n := namesIn(&f)
			for _, v := range []string{n.pod, n.namespace, n.container, n.secret, n.group, n.location} {
				add(v)
			}
		}
	}
	for _, img := range sweepImages {
		im := parseImage(img)
		for _, v := range []string{im.full, im.domain, im.path, im.tag, im.digest, ecrAccount(im.domain), ecrRegion(im.domain), acrName(im.domain), garLocation(im.domain)} {
			add(v)
		}
		if im.kind == garRegistry {
			repo, proj := garRepo(im.path)
			add(repo)
			add(proj)
		}
	}
	var out []string
	for v := range seen {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) || len(out[i]) == len(out[j]) && out[i] < out[j] })
	return out
}

// TestCommandsPasteAndRun renders every command template for every cause
// and platform and checks each line pastes and runs: bash -n accepts it,
// its shell shape is only what the template intends (shellShape), no
// placeholder is shell syntax, and every CLI invocation in it gets past the
// real CLI's argument parser, with every endpoint a closed loopback port
// (kubectl: a minimal API server), dummy credentials and scratch config.
// TRACEGRID_COMMANDS_FILE=FILE checks FILE's lines instead of the sweep.
func TestCommandsPasteAndRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real CLIs")
	}
	lines := sweep()
	if file := os.Getenv("TRACEGRID_COMMANDS_FILE"); file != "" {
		// Lines printed elsewhere (tracegrid explain --json over a corpus),
		// one per line, are checked the same way.
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines = map[string]string{}
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			lines[l] = file
		}
	}
	names := sweepNames()
	sorted := make([]string, 0, len(lines))
	for l := range lines {
		sorted = append(sorted, l)
	}
	sort.Strings(sorted)

	// bash -n on every line at once: one line per command, so a syntax
	// error names its line.
	script := filepath.Join(t.TempDir(), "commands.sh")
	if err := os.WriteFile(script, []byte(strings.Join(sorted, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("bash", "-n", script).CombinedOutput(); err != nil {
		t.Errorf("bash -n: %v\n%s", err, out)
	}

	templates := map[string]string{} // template -> first line
	placeholders := map[string]bool{}
	for _, l := range sorted {
		vars, err := shellShape(l)
		if err != nil {
			t.Errorf("%s\n  %s\n  from %s", err, l, lines[l])
			continue
		}
		if len(vars) > 0 {
			placeholders[l] = true
		}
		if strings.Contains(l, "<") || strings.Contains(l, ">") {
			t.Errorf("a <placeholder> or redirection in %s (from %s)", l, lines[l])
		}
		for _, forged := range []string{hostile, "XXXX", "REDACTED", "{resource-group}", "<namespace>"} {
			if strings.Contains(l, forged) {
				t.Errorf("forged or redacted value %q used in %s (from %s)", forged, l, lines[l])
			}
		}
		tpl := template(l, names)
		if _, ok := templates[tpl]; !ok {
			templates[tpl] = l
		}
	}

	r := newCLIRunner(t)
	type result struct {
		line string
		cli  string
		err  error
		note string
	}
	var (
		mu      sync.Mutex
		results []result
		wg      sync.WaitGroup
		sem     = make(chan struct{}, 4)
	)
	reps := make([]string, 0, len(templates))
	for _, l := range templates {
		reps = append(reps, l)
	}
	sort.Strings(reps)
	start := time.Now()
	for _, l := range reps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			cli, note, err := r.runLine(l)
			mu.Lock()
			results = append(results, result{l, cli, err, note})
			mu.Unlock()
		}()
	}
	wg.Wait()

	type tally struct{ lines, templates, parsed, skipped, placeholders int }
	per := map[string]*tally{}
	get := func(cli string) *tally {
		if per[cli] == nil {
			per[cli] = &tally{}
		}
		return per[cli]
	}
	for _, l := range sorted {
		cli, _, _ := strings.Cut(l, " ")
		get(cli).lines++
		if placeholders[l] {
			get(cli).placeholders++
		}
	}
	for _, res := range results {
		tl := get(res.cli)
		tl.templates++
		switch {
		case res.err == errSkipped:
			tl.skipped++
		case res.err != nil:
			t.Errorf("%s rejected: %v\n  %s\n  from %s", res.cli, res.err, res.line, lines[res.line])
		default:
			tl.parsed++
		}
		if res.note != "" {
			t.Logf("%s: %s", res.cli, res.note)
		}
	}
	clis := make([]string, 0, len(per))
	for c := range per {
		clis = append(clis, c)
	}
	sort.Strings(clis)
	var total tally
	for _, c := range clis {
		tl := per[c]
		t.Logf("%-8s %3d distinct lines, %3d templates: %3d parse, %d skipped (CLI missing); %3d lines carry a placeholder, none shell syntax",
			c, tl.lines, tl.templates, tl.parsed, tl.skipped, tl.placeholders)
		total.lines += tl.lines
		total.templates += tl.templates
		total.parsed += tl.parsed
		total.skipped += tl.skipped
		total.placeholders += tl.placeholders
	}
	t.Logf("all      %3d distinct lines, %3d templates: %3d parse, %d skipped; %3d lines carry a placeholder; CLI runs took %s",
		total.lines, total.templates, total.parsed, total.skipped, total.placeholders, time.Since(start).Round(time.Second))
	for _, m := range r.missing() {
		t.Logf("skipped: %s", m)
	}
}

// errSkipped marks a line whose CLI is not installed.
var errSkipped = fmt.Errorf("skipped")

// cliRunner runs command lines' CLI invocations with no way off the machine.
type cliRunner struct {
	t       *testing.T
	dir     string // scratch HOME and config dirs
	closed  string // a closed loopback address
	env     []string
	bin     map[string]string // CLI -> path, "" when missing
	drivers sync.Map          // CLI -> *pyDriver
	why     map[string]string // CLI -> why it is missing
	require bool
}

// newCLIRunner finds the CLIs. Under make (TRACEGRID_REQUIRE_CLIS=1) a
// missing aws v2 or az, which make installs, fails the test.
func newCLIRunner(t *testing.T) *cliRunner {
	closed, err := localproc.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r := &cliRunner{t: t, dir: dir, closed: closed, bin: map[string]string{}, why: map[string]string{},
		require: os.Getenv("TRACEGRID_REQUIRE_CLIS") == "1"}
	proxy := "http://" + closed
	r.env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LANG=C.UTF-8",
		"HTTP_PROXY=" + proxy, "HTTPS_PROXY=" + proxy, "http_proxy=" + proxy, "https_proxy=" + proxy,
		"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost", // the closed endpoints and the local API server
		"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_DEFAULT_REGION=eu-west-1", "AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1", "AWS_PAGER=",
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "aws-config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "aws-credentials"),
		"AZURE_CONFIG_DIR=" + filepath.Join(dir, "azure"), "AZURE_CORE_COLLECT_TELEMETRY=false", "AZURE_CORE_NO_COLOR=true",
		"CLOUDSDK_CONFIG=" + filepath.Join(dir, "gcloud"), "CLOUDSDK_CORE_DISABLE_PROMPTS=1", "CLOUDSDK_CORE_CHECK_GCE_METADATA=false",
		"CLOUDSDK_CORE_DISABLE_USAGE_REPORTING=true", "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK=true",
		"KUBECONFIG=" + filepath.Join(dir, "kubeconfig-none"),
		"DOCKER_HOST=tcp://" + closed, "DOCKER_CONFIG=" + filepath.Join(dir, "docker"),
	}
	for _, name := range []string{"aws", "az", "kubectl", "gcloud", "docker", "curl", "printf"} {
		r.find(name)
	}
	return r
}

// find locates a CLI; for aws, version 2 (v1 has no `logs tail`).
func (r *cliRunner) find(name string) {
	paths := filepath.SplitList(os.Getenv("PATH"))
	if name == "aws" {
		paths = append([]string{"/usr/bin", "/usr/local/bin"}, paths...)
	}
	for _, dir := range paths {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			continue
		}
		if name == "aws" {
			out, _ := exec.Command(p, "--version").CombinedOutput()
			if !bytes.HasPrefix(out, []byte("aws-cli/2.")) {
				r.why[name] = fmt.Sprintf("%s is %s", p, bytes.TrimSpace(out))
				continue
			}
		}
		r.bin[name] = p
		return
	}
	if r.why[name] == "" {
		r.why[name] = "not on PATH"
	}
	if r.require && (name == "aws" || name == "az") {
		r.t.Errorf("%s v2 is missing (%s); make test installs it from Debian", name, r.why[name])
	}
}

// missing says which CLIs were skipped and why.
func (r *cliRunner) missing() []string {
	var out []string
	for name, why := range r.why {
		if r.bin[name] == "" {
			out = append(out, name+": "+why)
		}
	}
	sort.Strings(out)
	return out
}

// runLine runs every CLI invocation line makes: substitutions first (their
// output replaced by a stand-in), then each side of a pipe, the consumer
// reading the producer's output. It returns the line's CLI, a note, and
// the first rejection.
func (r *cliRunner) runLine(line string) (string, string, error) {
	file, err := syntax.NewParser().Parse(strings.NewReader(line), "")
	if err != nil {
		return "", "", err
	}
	var calls []*syntax.CallExpr
	st := file.Stmts[0]
	if b, ok := st.Cmd.(*syntax.BinaryCmd); ok {
		calls = []*syntax.CallExpr{b.X.Cmd.(*syntax.CallExpr), b.Y.Cmd.(*syntax.CallExpr)}
	} else {
		calls = []*syntax.CallExpr{st.Cmd.(*syntax.CallExpr)}
	}
	first, _, _ := strings.Cut(line, " ")
	var substErr error
	var notes []string
	cfg := &expand.Config{
		Env: expand.FuncEnviron(func(name string) string { return standIns[name] }),
		CmdSubst: func(w io.Writer, cs *syntax.CmdSubst) error {
			inner := cs.Stmts[0].Cmd.(*syntax.CallExpr)
			argv, err := expand.Fields(nil, inner.Args...)
			if err != nil {
				return err
			}
			if _, note, err := r.run(argv, nil); err != nil && substErr == nil {
				substErr = err
			} else if note != "" {
				notes = append(notes, note)
			}
			io.WriteString(w, standIns[matchPrefix(words(inner), substitutions)])
			return nil
		},
	}
	var stdin []byte
	for i, ce := range calls {
		argv, err := expand.Fields(cfg, ce.Args...)
		if err != nil {
			return first, "", err
		}
		if substErr != nil {
			return first, "", substErr
		}
		out, note, err := r.run(argv, stdin)
		if note != "" {
			notes = append(notes, note)
		}
		if err != nil {
			return first, strings.Join(notes, "; "), err
		}
		if i == 0 && len(calls) > 1 {
			stdin = out
			if len(stdin) == 0 {
				stdin = []byte(standIns["aws ecr get-login-password"])
			}
		}
	}
	return first, strings.Join(notes, "; "), nil
}

// rejections are the words a CLI's argument parser answers with.
var rejections = regexp.MustCompile(`(?i)unknown (flag|option|shorthand|command)|unrecognized arguments|invalid choice|the following arguments are required|` +
	`is misspelled or not recognized|usage error|bad value for --query|invalid jmespath|error parsing parameter|parameter validation failed|` +
	`template parsing error|invalid reference format|error parsing jsonpath|error executing jsonpath|doesn't have a resource type|` +
	`accepts \d+ arg|requires (at least|exactly)|required flag`)

// newerAWSOptions are options newer than Debian's aws-cli 2.9.19, checked
// against the AWS CLI reference instead: the line is run without them.
var newerAWSOptions = map[string]string{
	"--credential-arn": "https://docs.aws.amazon.com/cli/latest/reference/ecr/create-pull-through-cache-rule.html lists [--credential-arn <value>] (AWS CLI 2.13+, November 2023)",
}

// run runs one CLI invocation and decides whether its parser accepted it:
// the CLI must fail only at the network, the login or the daemon, or
// succeed; kubectl must succeed against the local API server.
func (r *cliRunner) run(argv []string, stdin []byte) ([]byte, string, error) {
	name := argv[0]
	path := r.bin[name]
	if path == "" {
		return nil, "", errSkipped
	}
	args := append([]string(nil), argv[1:]...)
	var api *kubeAPI
	switch name {
	case "aws":
		args = append(args, "--endpoint-url", "http://"+r.closed, "--cli-connect-timeout", "1", "--cli-read-timeout", "1")
	case "kubectl":
		var containers []string
		for i, a := range args[:len(args)-1] {
			if a == "--container" || a == "--containers" || a == "-c" {
				containers = append(containers, args[i+1])
			}
		}
		api = newKubeAPI(r.t, containers...)
		args = append([]string{"--server=" + api.URL, "--request-timeout=10s"}, args...)
	}
	began := time.Now()
	code, stdout, stderr := r.exec(name, path, args, stdin)
	if os.Getenv("TRACEGRID_CLI_TIMES") != "" {
		r.t.Logf("%5.1fs %s %s", time.Since(began).Seconds(), name, strings.Join(args, " "))
	}
	if name == "aws" && code == 252 {
		for opt, ref := range newerAWSOptions {
			if !strings.Contains(stderr, "Unknown options: "+opt) {
				continue
			}
			kept := args[:0:0]
			for i := 0; i < len(args); i++ {
				if args[i] == opt {
					i++
					continue
				}
				kept = append(kept, args[i])
			}
			code, stdout, stderr = r.exec(name, path, kept, stdin)
			note := fmt.Sprintf("%s is newer than this aws-cli; checked against the AWS CLI reference: %s", opt, ref)
			err := parseVerdict(name, code, stderr, api)
			return stdout, note, err
		}
	}
	return stdout, "", parseVerdict(name, code, stderr, api)
}

// accepted are the answers that show the parser accepted the command and
// the CLI stopped at the closed endpoint, the missing login or daemon.
// parseVerdict says whether the CLI name accepted the command.
var accepted = map[string]*regexp.Regexp{
	"aws":    regexp.MustCompile(`Could not connect to the endpoint URL`),
	"az":     regexp.MustCompile(`Please run 'az login'|Docker daemon|DOCKER_COMMAND_ERROR`),
	"gcloud": regexp.MustCompile(`You do not currently have an active account selected`),
	"docker": regexp.MustCompile(`Cannot connect to the Docker daemon|proxyconnect tcp|non TTY device`),
	"curl":   regexp.MustCompile(`Failed to connect|Could not resolve proxy`),
}

func parseVerdict(name string, code int, stderr string, api *kubeAPI) error {
	tail := strings.TrimSpace(stderr)
	if len(tail) > 600 {
		tail = tail[len(tail)-600:]
	}
	if rejections.MatchString(stderr) {
		return fmt.Errorf("exit %d: %s", code, tail)
	}
	switch name {
	case "kubectl":
		if code == 0 {
			return nil
		}
		// kubectl debug -it attaches to the pod it created once it runs;
		// the local server creates and starts it but cannot attach.
		for _, req := range api.requests() {
			if strings.HasPrefix(req, "POST ") && strings.HasSuffix(req, "/pods") && strings.Contains(stderr, "couldn't attach to pod/node-debugger-") {
				return nil
			}
		}
		return fmt.Errorf("exit %d against the local API server: %s", code, tail)
	case "printf":
		if code == 0 {
			return nil
		}
	default:
		if code == 0 || accepted[name] != nil && accepted[name].MatchString(stderr) {
			return nil
		}
	}
	return fmt.Errorf("exit %d, not a network or login error: %s", code, tail)
}

// exec runs one CLI invocation with the scratch environment and a time
// limit: aws and az through their Python driver, the others as processes.
func (r *cliRunner) exec(name, path string, args []string, stdin []byte) (int, []byte, string) {
	if name == "aws" || name == "az" {
		d, err := r.driver(name, path)
		if err != nil {
			return -1, nil, err.Error()
		}
		return d.call(args, stdin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env, cmd.Dir = r.env, r.dir
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		code = -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if ctx.Err() != nil {
			errb.WriteString("\ntimed out")
		}
	}
	return code, out.Bytes(), errb.String()
}

// pyDriver is one long-lived Python process running testdata/clidriver.py
// for aws or az: each invocation goes through the CLI's own entry point,
// without paying the interpreter's and the CLI's start for every command.
type pyDriver struct {
	mu  sync.Mutex
	in  io.Writer
	out *bufio.Reader
	err error
}

// driver starts (once) the driver for name with the interpreter that
// path's #! line names, so the CLI runs on the Python it was installed for.
func (r *cliRunner) driver(name, path string) (*pyDriver, error) {
	v, loaded := r.drivers.LoadOrStore(name, &pyDriver{})
	d := v.(*pyDriver)
	d.mu.Lock()
	defer d.mu.Unlock()
	if loaded || d.err != nil {
		return d, d.err
	}
	head, err := os.ReadFile(path)
	if err != nil {
		d.err = err
		return d, err
	}
	first, _, _ := bytes.Cut(head, []byte("\n"))
	interp := strings.Fields(strings.TrimPrefix(string(first), "#!"))
	if len(interp) == 0 || !strings.Contains(interp[0], "python") {
		d.err = fmt.Errorf("%s is not a Python script", path)
		return d, d.err
	}
	driver, err := filepath.Abs(filepath.Join("testdata", "clidriver.py"))
	if err != nil {
		d.err = err
		return d, err
	}
	cmd := exec.Command(interp[0], append(interp[1:], driver, name)...)
	cmd.Env, cmd.Dir = r.env, r.dir
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		d.err = err
		return d, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		d.err = err
		return d, err
	}
	if err := cmd.Start(); err != nil {
		d.err = err
		return d, err
	}
	r.t.Cleanup(func() {
		in.Close()
		cmd.Wait()
	})
	d.in, d.out = in, bufio.NewReaderSize(out, 1<<20)
	return d, nil
}

// call runs one invocation: argv after the CLI's name, and its stdin.
func (d *pyDriver) call(args []string, stdin []byte) (int, []byte, string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	req, _ := json.Marshal(map[string]any{"argv": args, "stdin": string(stdin)})
	if _, err := d.in.Write(append(req, '\n')); err != nil {
		return -1, nil, "clidriver: " + err.Error()
	}
	line, err := d.out.ReadBytes('\n')
	if err != nil {
		return -1, nil, "clidriver: " + err.Error()
	}
	var res struct {
		Code   int    `json:"code"`
		Stdout string `json:"stdout"`
		Stderr string `json:"stderr"`
	}
	if err := json.Unmarshal(line, &res); err != nil {
		return -1, nil, "clidriver: " + err.Error()
	}
	return res.Code, []byte(res.Stdout), res.Stderr
}
