package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/internal/testevents"
)

// runCLI runs the command in-process and returns exit code, stdout, stderr.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestBadInput(t *testing.T) {
	big := strings.Repeat("x", 10<<20)
	tests := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantErr  string
	}{
		{"no command", nil, "", 2, "Usage"},
		{"unknown command", []string{"frobnicate"}, "", 2, `unknown command "frobnicate"`},
		{"explain empty", []string{"explain"}, "", 1, "empty input"},
		{"explain blank", []string{"explain"}, " \n\t\n", 1, "empty input"},
		{"explain broken JSON", []string{"explain"}, `{"detail-type": `, 1, "does not parse"},
		{"explain unknown JSON kind", []string{"explain"}, `{"hello": "world"}`, 1, "unrecognised JSON"},
		{"explain JSON scalar array", []string{"explain"}, `[1, 2]`, 1, "unrecognised JSON"},
		{"explain 10 MB", []string{"explain"}, big, 1, "larger than 8 MiB"},
		{"explain missing file", []string{"explain", "/nonexistent/event.json"}, "", 1, "no such file"},
		{"explain bad platform", []string{"explain", "--platform", "mainframe"}, "x", 2, "--platform must be"},
		{"explain two files", []string{"explain", "a", "b"}, "", 2, "one FILE"},
		{"classify empty", []string{"classify"}, "", 1, "no input"},
		{"classify non-JSON", []string{"classify"}, "this is not json\n", 1, "line 1: not a JSON object"},
		{"classify no message", []string{"classify"}, `{"platform":"ecs"}` + "\n", 1, `no "message"`},
		{"classify 10 MB line", []string{"classify"}, big + "\n", 1, "line 1: line longer than"},
		{"classify args", []string{"classify", "file.jsonl"}, "", 2, "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.stdin, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tt.wantCode, trunc(stderr))
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr %q does not contain %q", trunc(stderr), tt.wantErr)
			}
		})
	}
}

func trunc(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

// TestClassifyKeepsOrderAndReportsBadLines checks that every input line gets
// exactly one output line, in order, bad lines included.
func TestClassifyKeepsOrderAndReportsBadLines(t *testing.T) {
	in := strings.Join([]string{
		`{"platform":"ecs","message":"Task stopped by user"}`,
		`not json`,
		``,
		`{"platform":"kubernetes","message":"Failed to pull image \"obsidiandynamics/kafdrop:latest\": rpc error: code = Unknown desc = Error reading manifest latest in docker.io/obsidiandynamics/kafdrop: toomanyrequests: You have reached your pull rate limit.", "source": "ignored"}`,
	}, "\n")
	code, stdout, _ := runCLI(t, in, "classify")
	if code != 1 {
		t.Errorf("exit code = %d, want 1 for a bad line", code)
	}
	var got []classifyOutput
	sc := bufio.NewScanner(strings.NewReader(stdout))
	for sc.Scan() {
		var o classifyOutput
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("output line %q: %v", sc.Text(), err)
		}
		got = append(got, o)
	}
	if len(got) != 3 {
		t.Fatalf("got %d output lines, want 3 (blank line skipped): %s", len(got), stdout)
	}
	if got[0].Cause != "not_a_failure" || got[1].Error == "" || got[1].Line != 2 || got[2].Cause != "registry_rate_limited" {
		t.Errorf("unexpected outputs: %+v", got)
	}
}

// TestClassifyCorpusLines feeds the real corpus through the CLI: every line
// gets a valid cause, title and confidence.
func TestClassifyCorpusLines(t *testing.T) {
	data, err := os.ReadFile("../../testdata/corpus/messages.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, string(data), "classify")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	inLines := bytes.Count(bytes.TrimSpace(data), []byte("\n")) + 1
	outLines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(outLines) != inLines {
		t.Fatalf("%d output lines for %d input lines", len(outLines), inLines)
	}
	for i, l := range outLines {
		var o classifyOutput
		if err := json.Unmarshal([]byte(l), &o); err != nil || o.Cause == "" || o.Title == "" || o.Confidence == "" {
			t.Errorf("line %d: %q (%v)", i+1, l, err)
		}
	}
}

// TestExplainDetectsEveryKind runs explain on one real payload of each kind.
func TestExplainDetectsEveryKind(t *testing.T) {
	ev := func(name string) string { return filepath.Join(testevents.Dir, name) }
	tests := []struct {
		file     string
		stdin    string
		args     []string
		wantKind string
		want     string // a substring of the output
		wantErr  string // a substring of the error, for input that names no container failure
	}{
		{file: ev("aws-ecs-task-state-change.STOPPED-CannotPullContainerError.DERIVED.json"), wantKind: kindECS, want: "cause       image_not_found"},
		{file: ev("aws-ecs-task-state-change.STOPPED-EssentialContainerExited-OOM.DERIVED.json"), wantKind: kindECS, want: "out_of_memory"},
		{file: ev("aws-ecs-task-state-change.STOPPED-UserInitiated-EC2.aws-samples.json"), wantKind: kindECS, want: ""},
		{file: "demo/3-aci-image-typo.json", wantKind: kindAzure, want: "image_not_found"},
		// The same group as `az container show` prints it (properties flattened).
		{file: "testdata/az-container-show.json", wantKind: kindAzure, want: "image_not_found"},
		// The published samples concern a storage account and an Event Hubs
		// rule: no container group, and explain says so.
		{file: ev("azure-eventgrid.ResourceWriteFailure.eventgrid-schema.azure-rest-api-specs.json"), wantKind: kindAzure, wantErr: "Microsoft.Storage/storageAccounts/{storage-name} is not a container group"},
		{file: ev("azure-eventgrid.ResourceActionFailure.cloudevents-schema.azure-rest-api-specs.json"), wantKind: kindAzure, wantErr: "AuthorizationRules/RootManageSharedAccessKey is not a container group"},
		{file: ev("azure-functions-custom-handler.request.eventGridTrigger.DERIVED.json"), wantKind: kindAzure, wantErr: "is not a container group"},
		{file: ev("gcp-gke-k8s-event-logentry.k8s_pod.Warning-Failed-pull-image.DERIVED.json"), wantKind: kindGCP, want: "image_not_found"},
		{file: ev("gcp-gke-k8s-event-logentry.k8s_pod.Normal-Created.sekoia-real.json"), wantKind: kindGCP, want: ""},
		{file: ev("k8s-event.Failed-to-pull-image.UKHomeOffice-kb8or-issue68.yaml"), wantKind: kindK8sEvent, want: "image_not_found"},
		{file: "demo/2-gke-pull-rate-limited.json", wantKind: kindGCP, want: "registry_rate_limited"},
		{stdin: "Name:         api-7d9f\nNamespace:    shop\nContainers:\n  app:\n    Image:          shop/api:1.2\n    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137\n",
			wantKind: kindDescribe, want: "out_of_memory"},
		{stdin: "CannotPullContainerError: inspect image has been retried 5 time(s): httpReaderSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/nginx/manifests/sha256:abc: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.",
			wantKind: kindText, want: "registry_rate_limited"},
	}
	for _, tt := range tests {
		name := filepath.Base(tt.file)
		if tt.file == "" {
			name = tt.wantKind
		}
		t.Run(name, func(t *testing.T) {
			args := []string{"explain"}
			if tt.file != "" {
				args = append(args, tt.file)
			}
			code, stdout, stderr := runCLI(t, tt.stdin, args...)
			if tt.wantErr != "" {
				if code == 0 || !strings.Contains(stderr, tt.wantErr) || !strings.Contains(stderr, tt.wantKind) {
					t.Errorf("exit %d, stderr %q; want an error naming %q and %q", code, stderr, tt.wantKind, tt.wantErr)
				}
				return
			}
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stdout, tt.wantKind) {
				t.Errorf("output does not name the kind %q:\n%s", tt.wantKind, stdout)
			}
			if !strings.Contains(stdout, tt.want) {
				t.Errorf("output does not contain %q:\n%s", tt.want, stdout)
			}
			for _, mode := range []string{"--json", "--slack"} {
				code, out, stderr := runCLI(t, tt.stdin, append([]string{"explain", mode}, args[1:]...)...)
				if code != 0 {
					t.Errorf("%s: exit %d: %s", mode, code, stderr)
				}
				if strings.HasPrefix(strings.TrimSpace(out), "{") && !json.Valid(firstJSON(out)) {
					t.Errorf("%s: output is not JSON: %s", mode, out)
				}
			}
		})
	}
}

// firstJSON returns the first JSON document of out.
func firstJSON(out string) []byte {
	dec := json.NewDecoder(strings.NewReader(out))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return []byte(out)
	}
	return raw
}

// TestExplainJSONCarriesDiagnosis checks the --json contract tools rely on.
func TestExplainJSONCarriesDiagnosis(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "explain", "--json", "demo/1-ecs-ecr-pull-403.json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Cause      string `json:"cause"`
		Title      string `json:"title"`
		Confidence string `json:"confidence"`
		Commands   []struct {
			Line string `json:"command"`
		} `json:"commands"`
		Failure struct {
			Platform string `json:"platform"`
		} `json:"failure"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if got.Cause != "registry_auth" || got.Failure.Platform != "ecs" || got.Title == "" {
		t.Errorf("got %+v", got)
	}
	var cmds []string
	for _, c := range got.Commands {
		cmds = append(cmds, c.Line)
	}
	if !strings.Contains(strings.Join(cmds, "\n"), "a2-ecr-app-repo") {
		t.Errorf("no command names the repository: %q", cmds)
	}
}

// TestExplainNeutralisesTerminalControl checks that escape sequences in an
// event cannot drive the terminal.
func TestExplainNeutralisesTerminalControl(t *testing.T) {
	code, stdout, _ := runCLI(t, "Failed to pull image \"evil\x1b[2J\": not found", "explain", "--platform", "kubernetes")
	if code != 0 || strings.Contains(stdout, "\x1b") {
		t.Errorf("exit %d, output contains ESC: %q", code, stdout)
	}
}

func TestDemo(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "demo")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"registry_auth", "registry_rate_limited", "image_not_found", `"event_type": "tracegrid_failure"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
}

// BenchmarkClassifyCommand measures `tracegrid classify` end to end (JSON in,
// JSON out) on 100,000 lines cycled from the corpus, in lines per second.
func BenchmarkClassifyCommand(b *testing.B) {
	data, err := os.ReadFile("../../testdata/corpus/messages.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	corpus := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	const lines = 100000
	var in bytes.Buffer
	for i := 0; i < lines; i++ {
		in.Write(corpus[i%len(corpus)])
		in.WriteByte('\n')
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var out, errOut bytes.Buffer
		if code := run([]string{"classify"}, bytes.NewReader(in.Bytes()), &out, &errOut); code != 0 {
			b.Fatalf("exit %d: %s", code, errOut.String())
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// Finding 19 of the adversarial run: an error names the physical line, blank
// lines included, as an editor shows it.
func TestClassifyErrorNamesPhysicalLine(t *testing.T) {
	code, stdout, stderr := runCLI(t, "{\"message\":\"OOMKilled\"}\n\nnot json\n", "classify")
	if code != 1 || !strings.Contains(stderr, "line 3:") || !strings.Contains(stdout, `"line":3`) {
		t.Errorf("exit %d, stdout %q, stderr %q; want line 3", code, stdout, stderr)
	}
}

// Findings 12 and 17 of the adversarial run: bidi and zero-width characters
// are neutralised in the text output, and --json writes C1 controls (U+009B
// CSI) as escapes.
func TestExplainNeutralisesInvisibleAndC1(t *testing.T) {
	in := "Failed to pull image \"app\u202e\u2066\u200b\ufeff:latest\u009b2J\": not found"
	_, stdout, _ := runCLI(t, in, "explain", "--platform", "kubernetes")
	if strings.ContainsAny(stdout, "\u202e\u2066\u200b\ufeff\u009b") {
		t.Errorf("text output holds invisible or C1 characters: %q", stdout)
	}
	_, stdout, _ = runCLI(t, in, "explain", "--json", "--platform", "kubernetes")
	if strings.ContainsRune(stdout, '\u009b') || !strings.Contains(stdout, `\u009b`) {
		t.Errorf("--json output does not escape U+009B: %q", stdout)
	}
}
