// Package armfake is a local Azure Resource Manager for tests: it serves
// recorded response bodies (container group GET and list, container logs,
// Activity Log) from a directory, checks the bearer token, and issues that
// token from an App Service managed identity endpoint, so the code under
// test runs the real azidentity and armcontainerinstance clients.
package armfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Token is the access token the fake identity endpoint issues.
const Token = "armfake-access-token"

// IdentityHeader is the X-IDENTITY-HEADER secret the identity endpoint wants.
const IdentityHeader = "armfake-identity-header"

// Server is the fake ARM plus identity endpoint.
type Server struct {
	*httptest.Server
	dir string

	mu       sync.Mutex
	requests []string
	fail     map[string]int // path substring -> status to answer
}

// New starts a Server serving dir/groups/<name>.json, dir/logs/<group>.<container>.json
// and dir/activity/<correlationId>.json.
func New(dir string) *Server {
	s := &Server{dir: dir, fail: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Env returns the environment that points the handler at this server: the
// ARM endpoint and the App Service managed identity variables azidentity reads.
func (s *Server) Env() []string {
	return []string{
		"TRACEGRID_ARM_ENDPOINT=" + s.URL,
		"IDENTITY_ENDPOINT=" + s.URL + "/msi/token",
		"IDENTITY_HEADER=" + IdentityHeader,
	}
}

// FailPaths makes every request whose path contains sub answer status.
func (s *Server) FailPaths(sub string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[sub] = status
}

// Requests returns "METHOD path" of every request served so far.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

var (
	groupPath    = regexp.MustCompile(`(?i)^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\.ContainerInstance/containerGroups(?:/([^/]+))?(?:/containers/([^/]+)/logs)?$`)
	activityPath = regexp.MustCompile(`(?i)^/subscriptions/([^/]+)/providers/Microsoft\.Insights/eventtypes/management/values$`)
	correlation  = regexp.MustCompile(`correlationId eq '([^']+)'`)
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.Method+" "+r.URL.Path)
	fail := 0
	for sub, st := range s.fail {
		if strings.Contains(r.URL.Path, sub) {
			fail = st
		}
	}
	s.mu.Unlock()
	if r.URL.Path == "/msi/token" {
		s.token(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+Token {
		armError(w, http.StatusUnauthorized, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
		return
	}
	switch fail {
	case 0:
	case http.StatusForbidden:
		armError(w, fail, "AuthorizationFailed", "The client 'armfake-identity' with object id '00000000-0000-0000-0000-000000000000' does not have authorization to perform action 'Microsoft.Insights/eventtypes/values/read' over scope '"+r.URL.Path+"' or the scope is invalid. If access was recently granted, please refresh your credentials.")
		return
	default:
		armError(w, fail, "InternalServerError", "Encountered internal server error.")
		return
	}
	if r.Method != http.MethodGet || r.URL.Query().Get("api-version") == "" {
		armError(w, http.StatusBadRequest, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
		return
	}
	if m := activityPath.FindStringSubmatch(r.URL.Path); m != nil {
		c := correlation.FindStringSubmatch(r.URL.Query().Get("$filter"))
		if c == nil {
			armError(w, http.StatusBadRequest, "BadRequest", "filter must name a correlationId")
			return
		}
		s.file(w, filepath.Join("activity", c[1]+".json"), `{"value":[]}`)
		return
	}
	m := groupPath.FindStringSubmatch(r.URL.Path)
	switch {
	case m == nil:
		armError(w, http.StatusNotFound, "InvalidResourceType", "The resource type could not be found.")
	case m[4] != "":
		s.file(w, filepath.Join("logs", m[3]+"."+m[4]+".json"), `{"content":""}`)
	case m[3] != "":
		if _, err := os.Stat(filepath.Join(s.dir, "groups", m[3]+".json")); err != nil {
			armError(w, http.StatusNotFound, "ResourceNotFound", fmt.Sprintf("The Resource 'Microsoft.ContainerInstance/containerGroups/%s' under resource group '%s' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix", m[3], m[2]))
			return
		}
		s.file(w, filepath.Join("groups", m[3]+".json"), "")
	default:
		s.list(w, m[2])
	}
}

// list answers ContainerGroups_ListByResourceGroup: the groups of rg without
// their instance views, as the real list does.
func (s *Server) list(w http.ResponseWriter, rg string) {
	paths, _ := filepath.Glob(filepath.Join(s.dir, "groups", "*.json"))
	out := []map[string]any{}
	for _, p := range paths {
		var g map[string]any
		b, err := os.ReadFile(p)
		if err != nil || json.Unmarshal(b, &g) != nil {
			continue
		}
		id, _ := g["id"].(string)
		if !strings.Contains(strings.ToLower(id), "/resourcegroups/"+strings.ToLower(rg)+"/") {
			continue
		}
		if props, ok := g["properties"].(map[string]any); ok {
			delete(props, "instanceView")
			if cs, ok := props["containers"].([]any); ok {
				for _, c := range cs {
					if cm, ok := c.(map[string]any); ok {
						if cp, ok := cm["properties"].(map[string]any); ok {
							delete(cp, "instanceView")
						}
					}
				}
			}
		}
		out = append(out, g)
	}
	writeJSON(w, http.StatusOK, map[string]any{"value": out})
}

func (s *Server) file(w http.ResponseWriter, rel, fallback string) {
	b, err := os.ReadFile(filepath.Join(s.dir, rel))
	if err != nil {
		if fallback == "" {
			armError(w, http.StatusNotFound, "NotFound", rel)
			return
		}
		b = []byte(fallback)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(b)
}

// token answers the App Service managed identity protocol (api-version
// 2019-08-01): GET with resource and X-IDENTITY-HEADER.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-IDENTITY-HEADER") != IdentityHeader || r.URL.Query().Get("resource") == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": "missing identity header or resource"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": Token,
		"expires_on":   strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10),
		"resource":     r.URL.Query().Get("resource"),
		"token_type":   "Bearer",
		"client_id":    "00000000-0000-0000-0000-00000000c11d",
	})
}

func armError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("x-ms-error-code", code)
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
