package gapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestErrors: the recorded error bodies of Google APIs and of the
// Kubernetes API come back as an *Error with their status and message.
func TestErrors(t *testing.T) {
	tests := []struct {
		file   string
		code   int
		status string
		msg    string
	}{
		{"error.logging-403.json", 403, "PERMISSION_DENIED", "Permission 'logging.logEntries.list' denied"},
		{"error.secretmanager-404.json", 404, "NOT_FOUND", "not found or has no versions"},
		{"error.kubernetes-pod-403.json", 403, "Forbidden", `requires one of ["container.pods.get"]`},
		{"error.kubernetes-pod-404.json", 404, "NotFound", `pods "kube-dns-56494768b7-544n6" not found`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("..", "testdata", "api", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.code)
				_, _ = w.Write(body)
			}))
			defer srv.Close()
			err = NewWithHTTP(srv.Client()).JSON(context.Background(), "GET", srv.URL+"/x?filter=secret", nil, nil)
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %T %v, want *Error", err, err)
			}
			if e.Code != tt.code || e.Status != tt.status || !strings.Contains(e.Message, tt.msg) || Code(err) != tt.code {
				t.Errorf("got %+v", e)
			}
		})
	}
}

// TestNotJSON: an answer that is not JSON (a proxy's HTML page) keeps its
// status and the start of its text; a transport error hides the query.
func TestNotJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<html>Bad Gateway</html>", http.StatusBadGateway)
	}))
	err := NewWithHTTP(srv.Client()).JSON(context.Background(), "GET", srv.URL, nil, nil)
	if Code(err) != 502 || !strings.Contains(err.Error(), "Bad Gateway") {
		t.Errorf("err = %v", err)
	}
	url := srv.URL + "/v2/entries:list?pageToken=abc"
	srv.Close()
	err = NewWithHTTP(http.DefaultClient).JSON(context.Background(), "POST", url, map[string]string{}, nil)
	if err == nil || strings.Contains(err.Error(), "pageToken") {
		t.Errorf("err = %v, want an error without the query", err)
	}
}
