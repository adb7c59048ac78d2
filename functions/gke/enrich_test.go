package gke

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/functions/gke/gapi"
	"github.com/tracegrid/tracegrid/internal/testevents"
	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

// The enrichment tests run the function under functions-framework-go (see
// e2e_test.go) against one local server that answers as Google does: the
// metadata server's token endpoint (GCE_METADATA_HOST, where
// golang.org/x/oauth2/google gets tokens on Cloud Functions), the GKE API's
// clusters.get, the cluster's Kubernetes API (pods get) and Cloud Logging's
// entries.list, with the recorded bodies in testdata/api (SOURCES.md).

const (
	testToken   = "ya29.c.test-access-token"
	backOffFile = "gcp-gke-k8s-event-logentry.k8s_pod.Warning-BackOff-restarting.DERIVED.json"
	clusterPath = "/v1/projects/hazel-aria-348413/locations/europe-west1-c/clusters/cluster-1"
	podPath     = "/api/v1/namespaces/kube-system/pods/kube-dns-56494768b7-544n6"
	entriesPath = "/v2/entries:list"
	secretName  = "projects/757201234567/secrets/tracegrid-gke-slack-bot-token/versions/latest"
)

// answer is one recorded response: a testdata/api file, a status and a
// delay before answering.
type answer struct {
	file   string
	status int
	delay  time.Duration
}

// googleAPIs serves the recorded answers by path and records what it was
// asked.
type googleAPIs struct {
	*httptest.Server
	mu       sync.Mutex
	answers  map[string]answer
	requests map[string][]string // path -> request bodies
}

func newGoogleAPIs(t *testing.T, answers map[string]answer) *googleAPIs {
	t.Helper()
	g := &googleAPIs{answers: answers, requests: map[string][]string{}}
	g.Server = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.Close)
	return g
}

func (g *googleAPIs) set(path string, a answer) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.answers[path] = a
}

func (g *googleAPIs) asked(path string) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.requests[path]
}

func (g *googleAPIs) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/computeMetadata/v1/") {
		g.metadata(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.requests[r.URL.Path] = append(g.requests[r.URL.Path], string(body))
	a, ok := g.answers[r.URL.Path]
	g.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		http.Error(w, `{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}`, http.StatusUnauthorized)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	if a.delay > 0 {
		select {
		case <-time.After(a.delay):
		case <-r.Context().Done():
			return
		}
	}
	data, err := os.ReadFile(filepath.Join("testdata", "api", a.file))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(a.status)
	_, _ = w.Write(data)
}

// metadata answers like the metadata server: only with the
// Metadata-Flavor header, a token for the default service account.
func (g *googleAPIs) metadata(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Metadata-Flavor") != "Google" {
		http.Error(w, "Missing Metadata-Flavor:Google header.", http.StatusForbidden)
		return
	}
	w.Header().Set("Metadata-Flavor", "Google")
	switch r.URL.Path {
	case "/computeMetadata/v1/instance/service-accounts/default/token":
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"`+testToken+`","expires_in":3599,"token_type":"Bearer"}`)
	case "/computeMetadata/v1/project/project-id":
		_, _ = io.WriteString(w, "hazel-aria-348413")
	default:
		http.NotFound(w, r)
	}
}

// env points the function's Google calls at g.
func (g *googleAPIs) env() []string {
	host := strings.TrimPrefix(g.URL, "http://")
	return []string{
		"GCE_METADATA_HOST=" + host,
		LoggingEndpointEnv + "=" + g.URL,
		ContainerEndpointEnv + "=" + g.URL,
		KubernetesEndpointEnv + "=" + g.URL,
		SecretManagerEndpointEnv + "=" + g.URL,
	}
}

func healthyAnswers(pod, entries string) map[string]answer {
	return map[string]answer{
		clusterPath: {file: "container.clusters.get.json", status: 200},
		podPath:     {file: pod, status: 200},
		entriesPath: {file: entries, status: 200},
	}
}

// TestE2EEnrichedRuntimeFailures: a crash-loop event and an OOM kill arrive
// as Pub/Sub CloudEvents; the message carries the container's last
// termination, restart count and log tail (redacted), and a Logs Explorer
// link; an API that refuses, does not know the pod or answers past the
// budget leaves the event's own message, and a log line says why.
func TestE2EEnrichedRuntimeFailures(t *testing.T) {
	tests := []struct {
		name    string
		answers map[string]answer
		cause   string
		want    []string // in the Slack message
		wantNot []string
		logs    []string // in the function's log
	}{
		{
			name:    "crash loop: exit code, restarts and log tail",
			answers: healthyAnswers("pod.crashloop.json", "logging.entries.crashloop.json"),
			cause:   "app_crash",
			want: []string{
				"*Last termination*\nError, exit code 1 at 2022-06-01T14:08:52Z",
				"*Restarts*\n7",
				"*Exit code*\n1",
				"Failed to get GCE config: failed to create a Stackdriver client",
				"Taking source configs from flags",
				"Container logs in Logs Explorer",
				"https://console.cloud.google.com/logs/query;query=",
				"https://[REDACTED]@monitoring.googleapis.com/", // redacted like ECS's
			},
			wantNot: []string{"hunter2"},
		},
		{
			name:    "OOM kill: told from a crash by the termination reason",
			answers: healthyAnswers("pod.oomkilled.json", "logging.entries.oom.json"),
			cause:   "out_of_memory",
			want:    []string{"Last termination: OOMKilled, exit code 137", "*Memory limit*\n20Mi", "*Restarts*\n4", "Scraped 18240 metrics"},
		},
		{
			name: "403 from Cloud Logging and the Kubernetes API",
			answers: map[string]answer{
				clusterPath: {file: "container.clusters.get.json", status: 200},
				podPath:     {file: "error.kubernetes-pod-403.json", status: 403},
				entriesPath: {file: "error.logging-403.json", status: 403},
			},
			cause:   "app_crash",
			want:    []string{"Back-off restarting failed container prometheus-to-sd", "Container logs in Logs Explorer"},
			wantNot: []string{"Last termination"},
			logs:    []string{`"permission":"logging.logEntries.list"`, `"http_status":403`, "requires one of [\\\"container.pods.get\\\"]"},
		},
		{
			name: "404: the pod is gone",
			answers: map[string]answer{
				clusterPath: {file: "container.clusters.get.json", status: 200},
				podPath:     {file: "error.kubernetes-pod-404.json", status: 404},
				entriesPath: {file: "logging.entries.crashloop.json", status: 200},
			},
			cause:   "app_crash",
			want:    []string{"Failed to get GCE config"},
			wantNot: []string{"Last termination"},
			logs:    []string{`"http_status":404`, `not found`},
		},
		{
			name: "slow Kubernetes API past the enrichment budget",
			answers: map[string]answer{
				clusterPath: {file: "container.clusters.get.json", status: 200},
				podPath:     {file: "pod.crashloop.json", status: 200, delay: enrichTimeout + 2*time.Second},
				entriesPath: {file: "logging.entries.crashloop.json", status: 200},
			},
			cause:   "app_crash",
			want:    []string{"Failed to get GCE config"},
			wantNot: []string{"Last termination"},
			logs:    []string{`"permission":"container.pods.get"`, `"budget":"4s"`},
		},
		{
			name: "DNS endpoint closed to Google Cloud traffic",
			answers: map[string]answer{
				clusterPath: {file: "container.clusters.get.dns-internal-only.json", status: 200},
				entriesPath: {file: "logging.entries.crashloop.json", status: 200},
			},
			cause:   "app_crash",
			want:    []string{"Failed to get GCE config"},
			wantNot: []string{"Last termination"},
			logs:    []string{"--enable-dns-access"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGoogleAPIs(t, tt.answers)
			fn := startFunction(t, g.env()...)
			entry := testevents.Read(t, backOffFile)
			if code := fn.postStructured(t, structured(t, messagePublished(entry, "40000000000000004"))); code/100 != 2 {
				t.Fatalf("status %d, want 2xx\n%s", code, fn.logs.String())
			}
			msgs := fn.slack.Messages()
			if len(msgs) != 1 {
				t.Fatalf("Slack got %d messages, want 1\n%s", len(msgs), fn.logs.String())
			}
			m := msgs[0]
			if got := m.Metadata.EventPayload["cause"]; got != tt.cause {
				t.Errorf("cause %v, want %s", got, tt.cause)
			}
			text := slackText(m)
			for _, s := range tt.want {
				if !strings.Contains(text, s) && !strings.Contains(text, jsonEscaped(s)) {
					t.Errorf("message lacks %q:\n%s", s, m.Text)
				}
			}
			for _, s := range tt.wantNot {
				if strings.Contains(text, s) {
					t.Errorf("message has %q", s)
				}
			}
			for _, s := range tt.logs {
				if !fn.waitForLog(func(logs string) bool { return strings.Contains(logs, s) }) {
					t.Errorf("log lacks %s:\n%s", s, fn.logs.String())
				}
			}
			if tt.answers[entriesPath].status == 200 {
				checkEntriesRequest(t, g.asked(entriesPath))
			}
			if os.Getenv("TRACEGRID_SHOW_SLACK") != "" {
				t.Logf("Slack message:\n%s\n%s", m.Text, m.BlocksJSON)
			}
		})
	}
}

// checkEntriesRequest: the log tail asks for the one container's entries,
// bounded in time and count, newest first.
func checkEntriesRequest(t *testing.T, bodies []string) {
	t.Helper()
	if len(bodies) != 1 {
		t.Fatalf("entries.list called %d times, want 1", len(bodies))
	}
	var req struct {
		ResourceNames []string `json:"resourceNames"`
		Filter        string   `json:"filter"`
		OrderBy       string   `json:"orderBy"`
		PageSize      int      `json:"pageSize"`
	}
	if err := json.Unmarshal([]byte(bodies[0]), &req); err != nil {
		t.Fatal(err)
	}
	if len(req.ResourceNames) != 1 || req.ResourceNames[0] != "projects/hazel-aria-348413" || req.OrderBy != "timestamp desc" || req.PageSize != logTailLines {
		t.Errorf("entries.list request %+v", req)
	}
	for _, term := range []string{
		`resource.type="k8s_container"`, `resource.labels.cluster_name="cluster-1"`, `resource.labels.namespace_name="kube-system"`,
		`resource.labels.pod_name="kube-dns-56494768b7-544n6"`, `resource.labels.container_name="prometheus-to-sd"`,
		`timestamp>="2022-06-01T13:09:02Z"`, `timestamp<="2022-06-01T14:10:02Z"`,
	} {
		if !strings.Contains(req.Filter, term) {
			t.Errorf("filter lacks %s: %s", term, req.Filter)
		}
	}
}

// TestE2EEnrichOff: TRACEGRID_ENRICH=off calls no Google API.
func TestE2EEnrichOff(t *testing.T) {
	g := newGoogleAPIs(t, healthyAnswers("pod.crashloop.json", "logging.entries.crashloop.json"))
	fn := startFunction(t, append(g.env(), EnrichEnv+"=off")...)
	if code := fn.postStructured(t, structured(t, messagePublished(testevents.Read(t, backOffFile), "50000000000000005"))); code/100 != 2 {
		t.Fatalf("status %d", code)
	}
	msgs := fn.slack.Messages()
	if len(msgs) != 1 {
		t.Fatalf("want one message")
	}
	if os.Getenv("TRACEGRID_SHOW_SLACK") != "" {
		t.Logf("Slack message:\n%s\n%s", msgs[0].Text, msgs[0].BlocksJSON)
	}
	if n := len(g.asked(podPath)) + len(g.asked(entriesPath)) + len(g.asked(clusterPath)); n != 0 {
		t.Errorf("%d Google API calls with enrichment off", n)
	}
}

// TestE2ESlackSecretFromSecretManager: with SLACK_SECRET_VERSION the bot
// token comes from Secret Manager at setup. A secret without a version is a
// clear log line and a retried event, and the function heals once a version
// is added.
func TestE2ESlackSecretFromSecretManager(t *testing.T) {
	g := newGoogleAPIs(t, map[string]answer{"/v1/" + secretName + ":access": {file: "error.secretmanager-404.json", status: 404}})
	slack := fakeslack.New(slackToken)
	t.Cleanup(slack.Close)
	fn := startFunctionWithSlack(t, slack, append(g.env(), "SLACK_BOT_TOKEN=", SlackSecretEnv+"="+secretName, EnrichEnv+"=off")...)
	body := structured(t, messagePublished(testevents.Read(t, backOffFile), "60000000000000006"))
	if code := fn.postStructured(t, body); code/100 == 2 {
		t.Fatalf("status %d without a secret version, want an error (Pub/Sub retries)", code)
	}
	if !fn.waitForLog(func(logs string) bool {
		return strings.Contains(logs, "function misconfigured") && strings.Contains(logs, "not found or has no versions") && strings.Contains(logs, "roles/secretmanager.secretAccessor")
	}) {
		t.Errorf("no clear log line for the missing secret version:\n%s", fn.logs.String())
	}
	g.set("/v1/"+secretName+":access", answer{file: "secretmanager.access.json", status: 200})
	if code := fn.postStructured(t, body); code/100 != 2 {
		t.Fatalf("status %d after the version was added\n%s", code, fn.logs.String())
	}
	if len(slack.Messages()) != 1 {
		t.Fatalf("Slack got %d messages with the token from Secret Manager, want 1", len(slack.Messages()))
	}
	if strings.Contains(fn.logs.String(), slackToken) {
		t.Errorf("the token is in the function's log")
	}
	if !strings.Contains(fn.logs.String(), `"as":"SLACK_BOT_TOKEN"`) {
		t.Errorf("no log line saying the credential was read")
	}
}

// TestEnrichOnlyRuntimeFailures: the Enricher reads nothing for failures
// whose evidence is not in the container (an image pull) nor for
// recoveries, and a container that exited 0 is reported with exit code 0.
func TestEnrichOnlyRuntimeFailures(t *testing.T) {
	g := newGoogleAPIs(t, healthyAnswers("pod.crashloop.json", "logging.entries.crashloop.json"))
	t.Setenv("GCE_METADATA_HOST", strings.TrimPrefix(g.URL, "http://"))
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", "")
	e := &Enricher{API: gapi.New(), LoggingEndpoint: g.URL, ContainerEndpoint: g.URL, KubernetesEndpoint: g.URL, Timeout: enrichTimeout, Log: slog.New(slog.DiscardHandler)}
	decodeOne := func(file string) *failure.Failure {
		fs, err := Decode(testevents.Read(t, file))
		if err != nil || len(fs) != 1 {
			t.Fatalf("Decode(%s) = %v, %v", file, fs, err)
		}
		return fs[0]
	}
	for _, file := range []string{
		"gcp-gke-k8s-event-logentry.k8s_pod.Warning-Failed-pull-image.DERIVED.json",
		"gcp-gke-k8s-event-logentry.k8s_pod.Normal-Started.DERIVED.json",
	} {
		f := decodeOne(file)
		e.Enrich(t.Context(), f)
		if f.LogTail != nil || f.ExitCode != nil {
			t.Errorf("%s enriched: %+v", file, f)
		}
	}
	if n := len(g.asked(podPath)) + len(g.asked(entriesPath)) + len(g.asked(clusterPath)); n != 0 {
		t.Errorf("%d Google API calls for an image pull failure and a recovery", n)
	}

	var p pod
	if err := json.Unmarshal([]byte(`{"status":{"containerStatuses":[{"name":"prometheus-to-sd","restartCount":3,
		"state":{"waiting":{"reason":"CrashLoopBackOff"}},
		"lastState":{"terminated":{"exitCode":0,"reason":"Completed","finishedAt":"2022-06-01T14:08:52Z"}}}]}}`), &p); err != nil {
		t.Fatal(err)
	}
	f := decodeOne(backOffFile)
	p.apply(f)
	if code, ok := f.Exit(); !ok || code != 0 || f.Messages[0] != "Last termination: Completed, exit code 0 at 2022-06-01T14:08:52Z" {
		t.Errorf("exit 0: ExitCode %v, messages %q", f.ExitCode, f.Messages)
	}
	if d := classify.Classify(f); d.Cause != classify.AppCrash {
		t.Errorf("a service container exiting 0 and restarting: cause %s, want app_crash", d.Cause)
	}
}

// TestE2ERoutedRecoveries: the entries the sink routes (terraform's
// TestGKELogSinkFilter) through the function: a crash loop's BackOff posts;
// the same pod's Started (its next restart) leaves the incident open; a
// Started of a new pod of the workload resolves it.
func TestE2ERoutedRecoveries(t *testing.T) {
	fn := startFunction(t, EnrichEnv+"=off")
	backOff := testevents.Read(t, backOffFile)
	started := testevents.Read(t, "gcp-gke-k8s-event-logentry.k8s_pod.Normal-Started.DERIVED.json")
	// A pod of a new rollout, started after the failure (a Started event
	// older than the failure resolves nothing: issue 13, finding 5).
	newPod := []byte(strings.NewReplacer("kube-dns-56494768b7-544n6", "kube-dns-56494768b7-x7k2p", "17ahw8eg29q74yc", "17ahw8eg29q74yz",
		"2022-06-01T14:05:33Z", "2022-06-01T14:10:33Z").Replace(string(started)))
	for i, entry := range [][]byte{backOff, started} {
		if code := fn.postStructured(t, structured(t, messagePublished(entry, "7000000000000000"+string(rune('1'+i))))); code/100 != 2 {
			t.Fatalf("status %d", code)
		}
	}
	msgs := fn.slack.Messages()
	if len(msgs) != 1 || strings.Contains(slackText(msgs[0]), "resolved") {
		t.Fatalf("after the looping pod's own restart: %d messages, resolved=%v", len(msgs), len(msgs) == 1 && strings.Contains(slackText(msgs[0]), "resolved"))
	}
	if code := fn.postStructured(t, structured(t, messagePublished(newPod, "70000000000000009"))); code/100 != 2 {
		t.Fatalf("status %d", code)
	}
	msgs = fn.slack.Messages()
	if len(msgs) != 1 || !strings.Contains(slackText(msgs[0]), "resolved") {
		t.Errorf("a new pod of the workload started: the incident is not resolved\n%s", slackText(msgs[0]))
	}
	fn.noSlackProblems(t)
}

// TestKubernetesEndpointOnlyGKE: the function's token is only sent to a
// *.gke.goog control-plane name, whatever clusters.get says.
func TestKubernetesEndpointOnlyGKE(t *testing.T) {
	for _, endpoint := range []string{"evil.example.com", "gke-x.europe-west1.gke.goog@evil.example.com", "evil.example.com/.gke.goog"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = json.NewEncoder(w).Encode(map[string]any{"controlPlaneEndpointsConfig": map[string]any{
				"dnsEndpointConfig": map[string]any{"endpoint": endpoint, "allowExternalTraffic": true}}})
		}))
		e := &Enricher{API: gapi.NewWithHTTP(srv.Client()), ContainerEndpoint: srv.URL}
		f := &failure.Failure{Account: "p", Region: "r", Cluster: "c"}
		if base, err := e.kubernetesEndpoint(t.Context(), f); err == nil {
			t.Errorf("endpoint %q accepted as %s", endpoint, base)
		}
		srv.Close()
	}
}
