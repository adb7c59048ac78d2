package gke

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tracegrid/tracegrid/functions/gke/gapi"
	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
)

// Endpoints of the Google APIs the enrichment calls, and the variables that
// override them (tests point them at local servers).
const (
	DefaultLoggingEndpoint   = "https://logging.googleapis.com"
	DefaultContainerEndpoint = "https://container.googleapis.com"

	LoggingEndpointEnv   = "TRACEGRID_LOGGING_ENDPOINT"
	ContainerEndpointEnv = "TRACEGRID_CONTAINER_ENDPOINT"
	// KubernetesEndpointEnv replaces every cluster's DNS-based control-plane
	// endpoint (https://gke-....gke.goog) with one base URL.
	KubernetesEndpointEnv = "TRACEGRID_KUBERNETES_ENDPOINT"
)

const (
	// logTailLines is how many of the container's last log lines go into
	// the message (as on ECS).
	logTailLines = 20
	// maxLogLine bounds one log line; a stack trace line can be huge.
	maxLogLine = 300
	// logWindow is how far before the event the log tail is looked for.
	logWindow = time.Hour
	// enrichTimeout bounds all enrichment calls for one failure, so a slow
	// API cannot eat the invocation's time budget or Pub/Sub's ack deadline.
	enrichTimeout = 4 * time.Second
)

// enrichedCauses are the causes whose evidence is in the container itself:
// how it last exited and what it wrote before.
var enrichedCauses = []classify.Cause{classify.AppCrash, classify.OutOfMemory, classify.HealthCheckFailed, classify.CommandNotFound, classify.Unknown}

// Enricher reads what a Kubernetes Event lacks: the container's last
// termination and restart count (the pod, from the cluster's Kubernetes
// API through its DNS-based endpoint) and its last log lines (Cloud
// Logging entries.list). Every failure to read is logged and ignored: the
// event alone is always enough to post.
type Enricher struct {
	API                *gapi.Client
	LoggingEndpoint    string
	ContainerEndpoint  string
	KubernetesEndpoint string // "" reads each cluster's DNS endpoint from the GKE API
	Timeout            time.Duration
	Log                *slog.Logger

	mu        sync.Mutex
	endpoints map[string]string // projects/P/locations/L/clusters/C -> https://gke-....gke.goog
}

// Enrich adds the termination, restart count, log tail and a Logs Explorer
// link to f when it is a pod's runtime failure (crash, OOM kill, failed
// probe, missing command).
func (e *Enricher) Enrich(ctx context.Context, f *failure.Failure) {
	if f.Recovered || f.Account == "" || f.Region == "" || f.Cluster == "" || f.Namespace == "" || f.Task == "" {
		return
	}
	if !slices.Contains(enrichedCauses, classify.Classify(f).Cause) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, e.Timeout)
	defer cancel()
	var (
		wg   sync.WaitGroup
		pod  *pod
		tail []string
	)
	wg.Go(func() { pod = e.pod(ctx, f) })
	wg.Go(func() { tail = e.tail(ctx, f) })
	wg.Wait()
	if pod != nil {
		pod.apply(f)
	}
	f.LogTail = tail
	f.Links = append(f.Links, failure.Link{Title: "Container logs in Logs Explorer", URL: logsExplorerURL(f)})
}

// pod reads the failing pod from its cluster's Kubernetes API.
func (e *Enricher) pod(ctx context.Context, f *failure.Failure) *pod {
	base, err := e.kubernetesEndpoint(ctx, f)
	if err != nil {
		e.warn(ctx, "container.clusters.get", f, err)
		return nil
	}
	var p pod
	u := base + "/api/v1/namespaces/" + url.PathEscape(f.Namespace) + "/pods/" + url.PathEscape(f.Task)
	if err := e.API.JSON(ctx, "GET", u, nil, &p); err != nil {
		e.warn(ctx, "container.pods.get", f, err)
		return nil
	}
	return &p
}

// kubernetesEndpoint returns the base URL of the cluster's Kubernetes API:
// its DNS-based control-plane endpoint, read once per instance from the
// GKE API (clusters.get). IAM authorises requests there with the
// function's Google token; no cluster CA or network path to a private IP
// is needed.
func (e *Enricher) kubernetesEndpoint(ctx context.Context, f *failure.Failure) (string, error) {
	name := "projects/" + f.Account + "/locations/" + f.Region + "/clusters/" + f.Cluster
	e.mu.Lock()
	base, ok := e.endpoints[name]
	e.mu.Unlock()
	if ok {
		return base, nil
	}
	var c struct {
		ControlPlaneEndpointsConfig struct {
			DNSEndpointConfig struct {
				Endpoint             string `json:"endpoint"`
				AllowExternalTraffic bool   `json:"allowExternalTraffic"`
			} `json:"dnsEndpointConfig"`
		} `json:"controlPlaneEndpointsConfig"`
	}
	if err := e.API.JSON(ctx, "GET", e.ContainerEndpoint+"/v1/"+name, nil, &c); err != nil {
		return "", err
	}
	dns := c.ControlPlaneEndpointsConfig.DNSEndpointConfig
	if dns.Endpoint == "" || !dns.AllowExternalTraffic {
		return "", fmt.Errorf("cluster %s has no DNS-based control-plane endpoint open to Google Cloud traffic (gcloud container clusters update %s --location %s --enable-dns-access)", f.Cluster, f.Cluster, f.Region)
	}
	if !strings.HasSuffix(dns.Endpoint, ".gke.goog") || strings.ContainsAny(dns.Endpoint, "/:@") {
		// The function's token goes there: only to a GKE control plane.
		return "", fmt.Errorf("cluster %s: DNS endpoint %q is not a GKE control-plane name", f.Cluster, dns.Endpoint)
	}
	base = "https://" + dns.Endpoint
	if e.KubernetesEndpoint != "" {
		base = e.KubernetesEndpoint
	}
	e.mu.Lock()
	if e.endpoints == nil {
		e.endpoints = map[string]string{}
	}
	e.endpoints[name] = base
	e.mu.Unlock()
	return base, nil
}

// tail returns the container's last log lines, oldest first, from Cloud
// Logging: entries of the k8s_container resource in the hour before the
// event (a minute after it, for clock skew), newest first, at most
// logTailLines.
func (e *Enricher) tail(ctx context.Context, f *failure.Failure) []string {
	req := map[string]any{
		"resourceNames": []string{"projects/" + f.Account},
		"filter":        containerLogFilter(f, true),
		"orderBy":       "timestamp desc",
		"pageSize":      logTailLines,
	}
	var resp struct {
		Entries []struct {
			TextPayload string          `json:"textPayload"`
			JSONPayload json.RawMessage `json:"jsonPayload"`
		} `json:"entries"`
	}
	if err := e.API.JSON(ctx, "POST", e.LoggingEndpoint+"/v2/entries:list", req, &resp); err != nil {
		e.warn(ctx, "logging.logEntries.list", f, err)
		return nil
	}
	lines := make([]string, 0, len(resp.Entries))
	for i := len(resp.Entries) - 1; i >= 0; i-- {
		ent := resp.Entries[i]
		line := ent.TextPayload
		if line == "" && ent.JSONPayload != nil {
			line = jsonLine(ent.JSONPayload)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			continue
		}
		if len(line) > maxLogLine {
			line = strings.ToValidUTF8(line[:maxLogLine], "") + "…"
		}
		lines = append(lines, line)
	}
	return lines
}

// jsonLine is a structured log entry as one line: its message field when
// it has one, else the payload itself.
func jsonLine(raw json.RawMessage) string {
	var p map[string]json.RawMessage
	if json.Unmarshal(raw, &p) == nil {
		if m := str(p, "message", "msg", "MESSAGE"); m != "" {
			return m
		}
	}
	return string(raw)
}

// containerLogFilter selects the failing container's log entries; bounded
// adds the time window of the log tail.
func containerLogFilter(f *failure.Failure, bounded bool) string {
	terms := []string{
		`resource.type="k8s_container"`,
		"resource.labels.location=" + strconv.Quote(f.Region),
		"resource.labels.cluster_name=" + strconv.Quote(f.Cluster),
		"resource.labels.namespace_name=" + strconv.Quote(f.Namespace),
		"resource.labels.pod_name=" + strconv.Quote(f.Task),
	}
	if f.Container != "" {
		terms = append(terms, "resource.labels.container_name="+strconv.Quote(f.Container))
	}
	if bounded {
		at := f.Time
		if at.IsZero() {
			at = time.Now()
		}
		terms = append(terms,
			`timestamp>="`+at.Add(-logWindow).UTC().Format(time.RFC3339)+`"`,
			`timestamp<="`+at.Add(time.Minute).UTC().Format(time.RFC3339)+`"`)
	}
	return strings.Join(terms, " AND ")
}

// logsExplorerURL opens the container's logs in the console.
func logsExplorerURL(f *failure.Failure) string {
	return "https://console.cloud.google.com/logs/query;query=" + url.PathEscape(containerLogFilter(f, false)) +
		";duration=PT1H?project=" + url.QueryEscape(f.Account)
}

func (e *Enricher) warn(ctx context.Context, permission string, f *failure.Failure, err error) {
	attrs := []any{slog.String("permission", permission), slog.String("cluster", f.Cluster), slog.String("error", err.Error())}
	if code := gapi.Code(err); code != 0 {
		attrs = append(attrs, slog.Int("http_status", code))
	}
	if ctx.Err() != nil {
		attrs = append(attrs, slog.String("budget", e.Timeout.String()))
	}
	e.Log.WarnContext(ctx, "enrichment skipped", attrs...)
}

// pod is the part of a core/v1 Pod the enrichment reads.
type pod struct {
	Spec struct {
		Containers []struct {
			Name      string `json:"name"`
			Image     string `json:"image"`
			Resources struct {
				Limits map[string]string `json:"limits"`
			} `json:"resources"`
		} `json:"containers"`
	} `json:"spec"`
	Status struct {
		ContainerStatuses []containerStatus `json:"containerStatuses"`
	} `json:"status"`
}

type containerStatus struct {
	Name         string         `json:"name"`
	RestartCount int            `json:"restartCount"`
	State        containerState `json:"state"`
	LastState    containerState `json:"lastState"`
}

type containerState struct {
	Waiting *struct {
		Reason  string `json:"reason"`
		Message string `json:"message"`
	} `json:"waiting"`
	Terminated *termination `json:"terminated"`
}

type termination struct {
	Reason     string `json:"reason"`
	Message    string `json:"message"`
	ExitCode   int    `json:"exitCode"`
	Signal     int    `json:"signal"`
	FinishedAt string `json:"finishedAt"`
}

// status returns the status of the named container, or when name is empty
// the one that restarted most.
func (p *pod) status(name string) *containerStatus {
	var best *containerStatus
	for i := range p.Status.ContainerStatuses {
		cs := &p.Status.ContainerStatuses[i]
		if name != "" && cs.Name == name {
			return cs
		}
		if name == "" && (best == nil || cs.RestartCount > best.RestartCount) {
			best = cs
		}
	}
	return best
}

// apply records the container's last termination and restart count on f.
// The termination goes first among the messages: it is more specific than
// "Back-off restarting failed container" and says OOMKilled where the event
// does not.
func (p *pod) apply(f *failure.Failure) {
	cs := p.status(f.Container)
	if cs == nil {
		return
	}
	f.Container = cs.Name
	if f.Details == nil {
		f.Details = map[string]string{}
	}
	f.Details["Restarts"] = strconv.Itoa(cs.RestartCount)
	for _, c := range p.Spec.Containers {
		if c.Name != cs.Name {
			continue
		}
		if f.Image == "" {
			f.Image = c.Image
		}
		if m := c.Resources.Limits["memory"]; m != "" {
			f.Details["Memory limit"] = m
		}
	}
	t := cs.State.Terminated
	if t == nil {
		t = cs.LastState.Terminated
	}
	if t == nil {
		return
	}
	f.ExitCode = failure.IntPtr(t.ExitCode)
	desc := "Last termination: " + cmp.Or(t.Reason, "Terminated") + ", exit code " + strconv.Itoa(t.ExitCode)
	if t.Signal != 0 {
		desc += ", signal " + strconv.Itoa(t.Signal)
	}
	if t.FinishedAt != "" {
		desc += " at " + t.FinishedAt
	}
	f.Details["Last termination"] = strings.TrimPrefix(desc, "Last termination: ")
	if msg := strings.TrimSpace(t.Message); msg != "" {
		desc += ": " + msg
	}
	f.Messages = append([]string{desc}, f.Messages...)
}
