package arm

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/tracegrid/tracegrid/functions/azure/internal/armfake"
)

// staticToken is a TokenCredential that returns the fake ARM's token.
type staticToken struct{}

func (staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: armfake.Token, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

const sub = "5f3b2c1e-8a4d-4c6f-9b7e-2d1a0c9e8f7a"

func newClient(t *testing.T) *Client {
	t.Helper()
	srv := armfake.New("../testdata/arm")
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, staticToken{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestActivityError(t *testing.T) {
	c := newClient(t)
	tests := []struct {
		corr, code, first string
	}{
		// Wrapped long-running operation failure: the innermost detail wins.
		{"2b7d4c1a-6f0e-4e4b-9a8d-1c2e3f4a5b6c", "ServiceUnavailable", "The requested resource is not available in the location 'uksouth'"},
		{"8c4e2a9f-1b3d-4f6a-8e0c-7d5b3a1f9e2d", "ContainerGroupQuotaReached", "container group quota 'StandardCores' exceeded"},
		{"e1d2c3b4-a5f6-4789-8abc-def012345678", "InaccessibleImage", "The image 'agoacontainer/agoa:v1'"},
	}
	for _, tt := range tests {
		oe, err := c.ActivityError(context.Background(), sub, tt.corr, time.Time{})
		if err != nil || oe == nil {
			t.Fatalf("%s: %v %v", tt.corr, oe, err)
		}
		if oe.Code != tt.code || !strings.Contains(oe.Messages[0], tt.first) || oe.Status != "Failed" {
			t.Errorf("%s: %+v", tt.corr, oe)
		}
	}
	if oe, err := c.ActivityError(context.Background(), sub, "not-logged-yet", time.Time{}); oe != nil || err != nil {
		t.Errorf("unknown correlation id: %v %v", oe, err)
	}
}

func TestParseStatusMessage(t *testing.T) {
	tests := []struct{ in, code, first string }{
		// MicrosoftDocs: RequestDisallowedByPolicy sample of an Activity Log statusMessage.
		{`{"error":{"code":"RequestDisallowedByPolicy","message":"The resource action 'Microsoft.Network/publicIpAddresses/write' is disallowed by one or more policies."}}`,
			"RequestDisallowedByPolicy", "The resource action"},
		{`{"status":"Failed","error":{"code":"DeploymentFailed","message":"At least one resource deployment operation failed.","details":[{"code":"InaccessibleImage","message":"The image 'jacobalberty/unifi:latest' in container group 'migration-container-v1' is not accessible."}]}}`,
			"InaccessibleImage", "The image 'jacobalberty/unifi:latest'"},
		{`plain words`, "", "plain words"},
	}
	for _, tt := range tests {
		oe := parseStatusMessage(tt.in)
		if oe == nil || oe.Code != tt.code || oe.Messages[0] != tt.first && !strings.HasPrefix(oe.Messages[0], tt.first) {
			t.Errorf("%s: %+v", tt.in, oe)
		}
	}
	if oe := parseStatusMessage(`{"unrelated":true}`); oe != nil {
		t.Errorf("unrelated JSON: %+v", oe)
	}
}

func TestGroupsLogsAndNotFound(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	list, err := c.Groups(ctx, sub, "rg-shop")
	if err != nil || len(list) != 8 {
		t.Fatalf("%d groups, %v", len(list), err)
	}
	if _, err := c.Group(ctx, sub, "rg-shop", "gone"); err != ErrNotFound {
		t.Errorf("missing group: %v", err)
	}
	lines, err := c.LogTail(ctx, sub, "rg-shop", "shop-api", "api", 20)
	if err != nil || len(lines) != 9 || lines[7] != "KeyError: 'DATABASE_URL'" {
		t.Errorf("%q %v", lines, err)
	}
}

func TestNewRejectsPlainHTTPOffLoopback(t *testing.T) {
	for ep, ok := range map[string]bool{
		"":                                     true,
		"https://management.usgovcloudapi.net": true,
		"http://127.0.0.1:8080":                true,
		"http://localhost:1":                   true,
		"http://management.example.com":        false,
		"ftp://x":                              false,
		"::":                                   false,
	} {
		if _, err := New(ep, staticToken{}); (err == nil) != ok {
			t.Errorf("%q: %v", ep, err)
		}
	}
}
