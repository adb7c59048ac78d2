// Package gapi calls Google Cloud REST APIs (and the Kubernetes API of a GKE
// cluster) with JSON over HTTP, authenticated as the function's service
// account through golang.org/x/oauth2/google's Application Default
// Credentials: on Cloud Functions, tokens from the metadata server.
//
// It replaces the generated gRPC-capable clients (cloud.google.com/go/...,
// google.golang.org/api/...), which link gRPC and its dependencies into the
// binary and cost the function several MB of resident memory for the few
// calls it makes: Secret Manager accessSecretVersion, Cloud Storage object
// reads and conditional writes, Cloud Logging entries.list, GKE
// clusters.get and a Kubernetes pod GET.
package gapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"strings"
	"sync"

	"golang.org/x/oauth2/google"
)

// Scope is the OAuth scope the function's tokens carry; IAM roles decide
// what each call may do.
const Scope = "https://www.googleapis.com/auth/cloud-platform"

// maxBody bounds a response body read into memory.
const maxBody = 4 << 20

// Client sends JSON requests with a bearer token. Its zero value is not
// usable; see New and NewWithHTTP.
type Client struct {
	once    sync.Once
	hc      *http.Client
	err     error
	newHTTP func() (*http.Client, error)
}

// New returns a Client that finds Application Default Credentials on first
// use (GOOGLE_APPLICATION_CREDENTIALS, gcloud's file, or the metadata
// server at GCE_METADATA_HOST or metadata.google.internal). Not finding
// them is an error of every call, so a function without credentials
// degrades instead of failing to start.
func New() *Client {
	return &Client{newHTTP: func() (*http.Client, error) {
		return google.DefaultClient(context.Background(), Scope)
	}}
}

// NewWithHTTP returns a Client that sends requests with hc as they are (no
// token added): for emulators that take no credentials.
func NewWithHTTP(hc *http.Client) *Client {
	return &Client{newHTTP: func() (*http.Client, error) { return hc, nil }}
}

func (c *Client) http() (*http.Client, error) {
	c.once.Do(func() {
		c.hc, c.err = c.newHTTP()
		if c.err != nil {
			c.err = fmt.Errorf("gapi: no Google credentials: %w", c.err)
		}
	})
	return c.hc, c.err
}

// Do sends one request and returns the response with its body read (at
// most 4 MiB). A non-2xx status is an *Error. body, when non-nil, is sent
// with contentType.
func (c *Client) Do(ctx context.Context, method, url, contentType string, body []byte, header http.Header) (*http.Response, []byte, error) {
	hc, err := c.http()
	if err != nil {
		return nil, nil, err
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, nil, fmt.Errorf("gapi: %s %s: %w", method, url, err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*neturl.Error](err); ok {
			err = ue.Err // its text repeats the URL, query included
		}
		return nil, nil, fmt.Errorf("gapi: %s %s: %w", method, redactQuery(url), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp, nil, fmt.Errorf("gapi: %s %s: reading the response: %w", method, redactQuery(url), err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, data, parseError(resp.StatusCode, data)
	}
	return resp, data, nil
}

// JSON sends in (nil for no body) as JSON and decodes a 2xx response into
// out (nil to discard it).
func (c *Client) JSON(ctx context.Context, method, url string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("gapi: encoding the request: %w", err)
		}
	}
	_, data, err := c.Do(ctx, method, url, "application/json", body, nil)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("gapi: %s %s: response is not the expected JSON: %w", method, redactQuery(url), err)
	}
	return nil
}

// Error is a non-2xx answer: Google's error object
// ({"error": {"code", "message", "status"}}) or a Kubernetes Status
// ({"kind": "Status", "reason", "message", "code"}).
type Error struct {
	Code    int    // HTTP status
	Status  string // PERMISSION_DENIED, NOT_FOUND, Forbidden, NotFound, ...
	Message string
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Code)
	}
	if e.Status != "" {
		return fmt.Sprintf("%d %s: %s", e.Code, e.Status, msg)
	}
	return fmt.Sprintf("%d: %s", e.Code, msg)
}

// Code returns the HTTP status of err when it is an *Error, else 0.
func Code(err error) int {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return 0
}

func parseError(code int, data []byte) *Error {
	e := &Error{Code: code}
	var g struct {
		Error *struct {
			Message string `json:"message"`
			Status  string `json:"status"`
		} `json:"error"`
		Kind    string `json:"kind"`
		Reason  string `json:"reason"`
		Message string `json:"message"`
	}
	switch {
	case json.Unmarshal(data, &g) != nil:
		e.Message = strings.TrimSpace(string(data[:min(len(data), 200)]))
	case g.Error != nil:
		e.Status, e.Message = g.Error.Status, g.Error.Message
	case g.Kind == "Status":
		e.Status, e.Message = g.Reason, g.Message
	}
	return e
}

// redactQuery drops the query of url for error messages: it may hold a
// filter or page token, never needed to tell what failed.
func redactQuery(url string) string {
	u, _, _ := strings.Cut(url, "?")
	return u
}
