package classify

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// kubeAPI is a minimal Kubernetes API server for kubectl: discovery (with
// short names), and a realistic object of the right kind for every GET, so
// that kubectl resolves resource types and applies jsonpath templates and
// --sort-by to real shapes. It answers writes by echoing them and records
// each request.
type kubeAPI struct {
	*httptest.Server
	containers []string // the containers of every pod and pod template
	mu         sync.Mutex
	seen       []string // "METHOD PATH"
}

// newKubeAPI starts the server on 127.0.0.1; its pods have the containers
// named, besides api, app, web and postgres.
func newKubeAPI(t *testing.T, containers ...string) *kubeAPI {
	k := &kubeAPI{containers: append([]string{"api", "app", "web", "postgres"}, containers...)}
	k.Server = httptest.NewServer(http.HandlerFunc(k.serve))
	t.Cleanup(k.Close)
	return k
}

// requests returns the requests seen so far.
func (k *kubeAPI) requests() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.seen...)
}

// apiResource is one entry of an APIResourceList.
type apiResource struct {
	name, kind, short string
	namespaced        bool
}

// groups are the API groups and resources kubectl's commands touch.
var groups = map[string][]apiResource{
	"v1": {
		{"pods", "Pod", "po", true}, {"pods/log", "Pod", "", true}, {"pods/ephemeralcontainers", "Pod", "", true},
		{"nodes", "Node", "no", false}, {"nodes/proxy", "NodeProxyOptions", "", false},
		{"events", "Event", "ev", true}, {"secrets", "Secret", "", true}, {"configmaps", "ConfigMap", "cm", true},
		{"persistentvolumeclaims", "PersistentVolumeClaim", "pvc", true}, {"resourcequotas", "ResourceQuota", "quota", true},
		{"serviceaccounts", "ServiceAccount", "sa", true}, {"namespaces", "Namespace", "ns", false},
	},
	"apps/v1": {
		{"deployments", "Deployment", "deploy", true}, {"statefulsets", "StatefulSet", "sts", true},
		{"daemonsets", "DaemonSet", "ds", true}, {"replicasets", "ReplicaSet", "rs", true},
	},
	"metrics.k8s.io/v1beta1": {{"pods", "PodMetrics", "", true}, {"nodes", "NodeMetrics", "", false}},
}

func (k *kubeAPI) serve(w http.ResponseWriter, r *http.Request) {
	k.mu.Lock()
	k.seen = append(k.seen, r.Method+" "+r.URL.Path)
	k.mu.Unlock()
	p := strings.Trim(r.URL.Path, "/")
	switch p {
	case "openapi/v3":
		writeJSON(w, 200, map[string]any{"paths": map[string]any{"api/v1": map[string]string{"serverRelativeURL": "/openapi/v3/api/v1"}}})
		return
	case "openapi/v3/api/v1":
		// Just enough for kubectl apply to see that the server validates
		// fields itself (a PATCH with the fieldValidation parameter).
		patch := map[string]any{"parameters": []any{map[string]any{"name": "fieldValidation", "in": "query", "schema": map[string]string{"type": "string"}}},
			"x-kubernetes-group-version-kind": map[string]string{"group": "", "version": "v1", "kind": "Secret"}}
		writeJSON(w, 200, map[string]any{"openapi": "3.0.0", "info": map[string]string{"title": "Kubernetes", "version": "v1.32.4"},
			"paths": map[string]any{"/api/v1/namespaces/{namespace}/secrets/{name}": map[string]any{"patch": patch}}})
		return
	case "version":
		writeJSON(w, 200, map[string]any{"major": "1", "minor": "32", "gitVersion": "v1.32.4", "platform": "linux/amd64"})
		return
	case "api":
		writeJSON(w, 200, map[string]any{"kind": "APIVersions", "versions": []string{"v1"},
			"serverAddressByClientCIDRs": []any{map[string]string{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}}})
		return
	case "apis":
		var list []any
		for gv := range groups {
			if g, v, ok := strings.Cut(gv, "/"); ok {
				ver := map[string]string{"groupVersion": gv, "version": v}
				list = append(list, map[string]any{"name": g, "versions": []any{ver}, "preferredVersion": ver})
			}
		}
		writeJSON(w, 200, map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": list})
		return
	}
	gv, rest := "v1", strings.TrimPrefix(p, "api/v1")
	if strings.HasPrefix(p, "apis/") {
		parts := strings.SplitN(strings.TrimPrefix(p, "apis/"), "/", 3)
		if len(parts) < 2 {
			http.NotFound(w, r)
			return
		}
		gv = parts[0] + "/" + parts[1]
		rest = ""
		if len(parts) == 3 {
			rest = parts[2]
		}
	} else if !strings.HasPrefix(p, "api/v1") {
		http.NotFound(w, r)
		return
	}
	resources, ok := groups[gv]
	if !ok {
		http.NotFound(w, r)
		return
	}
	rest = strings.Trim(rest, "/")
	if rest == "" {
		var list []any
		for _, res := range resources {
			e := map[string]any{"name": res.name, "kind": res.kind, "namespaced": res.namespaced, "singularName": "",
				"verbs": []string{"get", "list", "create", "update", "patch", "delete", "watch"}}
			if res.short != "" {
				e["shortNames"] = []string{res.short}
			}
			list = append(list, e)
		}
		writeJSON(w, 200, map[string]any{"kind": "APIResourceList", "groupVersion": gv, "resources": list})
		return
	}
	seg := strings.Split(rest, "/")
	ns := ""
	if len(seg) >= 3 && seg[0] == "namespaces" {
		ns, seg = seg[1], seg[2:]
	}
	resource, name, sub := seg[0], "", ""
	if len(seg) > 1 {
		name = seg[1]
	}
	if len(seg) > 2 {
		sub = strings.Join(seg[2:], "/")
	}
	kind := ""
	for _, res := range resources {
		if res.name == resource {
			kind = res.kind
		}
	}
	if kind == "" {
		http.NotFound(w, r)
		return
	}
	switch {
	case sub == "log":
		io.WriteString(w, "2026-12-01T00:00:00Z panic: stand-in log line\n")
		return
	case resource == "nodes" && strings.HasPrefix(sub, "proxy/"):
		writeJSON(w, 200, map[string]any{"kubeletconfig": map[string]any{"registryPullQPS": 5, "registryBurst": 10}})
		return
	}
	if name == "" {
		// A list or watch narrowed to one name (kubectl debug waits for
		// the pod it created this way).
		if n, ok := strings.CutPrefix(r.URL.Query().Get("fieldSelector"), "metadata.name="); ok {
			name = n
		}
	}
	switch r.Method {
	case http.MethodGet:
		if q := r.URL.Query().Get("watch"); q == "true" || q == "1" {
			writeJSON(w, 200, map[string]any{"type": "ADDED", "object": k.objectOf(gv, kind, ns, name)})
			return
		}
		if name == "" || r.URL.Query().Get("fieldSelector") != "" {
			if name == "" {
				name = "a"
			}
			writeJSON(w, 200, map[string]any{"kind": kind + "List", "apiVersion": gv, "metadata": map[string]any{},
				"items": []any{k.objectOf(gv, kind, ns, name), k.objectOf(gv, kind, ns, "b")}})
			return
		}
		if resource == "secrets" && name == "regcred" {
			// Not there yet: kubectl apply creates it.
			writeJSON(w, 404, map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404,
				"message": `secrets "regcred" not found`, "details": map[string]string{"name": name, "kind": "secrets"}})
			return
		}
		writeJSON(w, 200, k.objectOf(gv, kind, ns, name))
	case http.MethodPost:
		// Echo the created object back, as the API server does.
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", r.Header.Get("Content-Type"))
		w.WriteHeader(201)
		w.Write(body)
	case http.MethodPatch, http.MethodPut:
		writeJSON(w, 200, k.objectOf(gv, kind, ns, name))
	default:
		http.Error(w, "method not allowed", 405)
	}
}

// objectOf returns a realistic object of kind.
func (k *kubeAPI) objectOf(gv, kind, ns, name string) map[string]any {
	meta := map[string]any{"name": name, "uid": "5c1e0d2a-0000-4000-8000-000000000001", "resourceVersion": "1",
		"creationTimestamp": "2026-12-01T00:00:00Z"}
	if ns != "" {
		meta["namespace"] = ns
	}
	obj := map[string]any{"apiVersion": gv, "kind": kind, "metadata": meta}
	var containers []any
	for _, c := range k.containers {
		containers = append(containers, map[string]any{"name": c, "image": "nginx:1.27", "command": []string{"/app"},
			"resources":     map[string]any{"limits": map[string]string{"memory": "512Mi"}},
			"livenessProbe": map[string]any{"httpGet": map[string]any{"path": "/healthz", "port": 8080}}})
	}
	podSpec := map[string]any{"containers": containers, "serviceAccountName": "default",
		"imagePullSecrets": []any{map[string]string{"name": "regcred"}}, "nodeName": "node-1"}
	switch kind {
	case "Pod":
		obj["spec"] = podSpec
		if strings.HasPrefix(name, "node-debugger-") {
			obj["status"] = map[string]any{"phase": "Running", "containerStatuses": []any{map[string]any{
				"name": "debugger", "ready": true, "image": "busybox", "imageID": "", "state": map[string]any{"running": map[string]any{}}}}}
			break
		}
		obj["status"] = map[string]any{"phase": "Running", "containerStatuses": []any{map[string]any{
			"name": "api", "ready": false, "restartCount": 5, "image": "nginx:1.27", "imageID": "",
			"state":     map[string]any{"waiting": map[string]string{"reason": "CrashLoopBackOff"}},
			"lastState": map[string]any{"terminated": map[string]any{"exitCode": 137, "reason": "OOMKilled"}}}}}
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet":
		obj["spec"] = map[string]any{"selector": map[string]any{"matchLabels": map[string]string{"app": name}},
			"template": map[string]any{"metadata": map[string]any{"labels": map[string]string{"app": name}}, "spec": podSpec}}
	case "Node":
		obj["status"] = map[string]any{"capacity": map[string]string{"cpu": "2", "memory": "4Gi", "pods": "110"},
			"allocatable": map[string]string{"cpu": "2", "memory": "3Gi", "pods": "110"},
			"conditions":  []any{map[string]any{"type": "Ready", "status": "True", "lastHeartbeatTime": "2026-12-01T00:00:00Z", "lastTransitionTime": "2026-12-01T00:00:00Z", "reason": "KubeletReady", "message": "ok"}}}
	case "Event":
		// Events written through events.k8s.io carry no lastTimestamp.
		ts := any("2026-12-01T00:00:00Z")
		if name == "b" {
			ts = nil
		}
		obj["involvedObject"] = map[string]any{"kind": "Pod", "name": "api-1", "namespace": ns}
		obj["reason"], obj["message"], obj["type"], obj["lastTimestamp"] = "BackOff", "Back-off restarting failed container", "Warning", ts
	case "Secret":
		obj["type"], obj["data"] = "kubernetes.io/dockerconfigjson", map[string]string{".dockerconfigjson": "e30="}
	case "ConfigMap":
		obj["data"] = map[string]string{"k": "v"}
	case "PersistentVolumeClaim":
		obj["spec"] = map[string]any{"accessModes": []string{"ReadWriteOnce"}, "resources": map[string]any{"requests": map[string]string{"storage": "1Gi"}}, "storageClassName": "standard"}
		obj["status"] = map[string]any{"phase": "Pending"}
	case "ResourceQuota":
		obj["spec"] = map[string]any{"hard": map[string]string{"limits.memory": "2Gi"}}
		obj["status"] = map[string]any{"hard": map[string]string{"limits.memory": "2Gi"}, "used": map[string]string{"limits.memory": "2Gi"}}
	case "ServiceAccount":
		obj["imagePullSecrets"] = []any{map[string]string{"name": "regcred"}}
	case "PodMetrics":
		obj["timestamp"], obj["window"] = "2026-12-01T00:00:00Z", "30s"
		obj["containers"] = []any{map[string]any{"name": "api", "usage": map[string]string{"cpu": "5m", "memory": "500Mi"}}}
	}
	return obj
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
