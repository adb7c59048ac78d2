// Package arm reads what an Azure Resource Manager event lacks: the container
// group with its instance view and the container's log tail
// (armcontainerinstance/v2), and the ARM error of a failed operation from the
// Activity Log. It authenticates with azidentity and talks to a configurable
// ARM endpoint (public cloud, a sovereign cloud, or a local test server).
package arm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azarm "github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerinstance/armcontainerinstance/v2"
)

// DefaultEndpoint is the public cloud's ARM endpoint.
const DefaultEndpoint = "https://management.azure.com"

// ErrNotFound says the container group does not exist (a create that failed
// before the group was stored, or a group deleted since).
var ErrNotFound = errors.New("arm: container group not found")

// Credential returns the credential the function runs with: the managed
// identity inside Azure Functions (IDENTITY_ENDPOINT is set there; clientID
// picks a user-assigned identity), DefaultAzureCredential elsewhere.
func Credential(clientID string, lookup func(string) string) (azcore.TokenCredential, error) {
	if lookup("IDENTITY_ENDPOINT") != "" || lookup("MSI_ENDPOINT") != "" {
		opts := &azidentity.ManagedIdentityCredentialOptions{}
		if clientID != "" {
			opts.ID = azidentity.ClientID(clientID)
		}
		return azidentity.NewManagedIdentityCredential(opts)
	}
	return azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{})
}

// Client reads container groups, their logs and the Activity Log.
type Client struct {
	cred azcore.TokenCredential
	opts *azarm.ClientOptions
	act  *azarm.Client

	mu     sync.Mutex
	groups map[string]*armcontainerinstance.ContainerGroupsClient
	ctrs   map[string]*armcontainerinstance.ContainersClient
}

// New returns a Client for the ARM endpoint (DefaultEndpoint when empty).
// Plain http is accepted only for a loopback host, as local tests use.
func New(endpoint string, cred azcore.TokenCredential) (*Client, error) {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("arm: bad ARM endpoint %q", endpoint)
	}
	insecure := false
	if u.Scheme == "http" {
		ip := net.ParseIP(u.Hostname())
		if u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, fmt.Errorf("arm: ARM endpoint %q: plain http only for a loopback host", endpoint)
		}
		insecure = true
	}
	opts := &azarm.ClientOptions{
		ClientOptions: policy.ClientOptions{
			Cloud:                           cloudFor(strings.TrimSuffix(endpoint, "/")),
			InsecureAllowCredentialWithHTTP: insecure,
			Retry:                           policy.RetryOptions{MaxRetries: 2, RetryDelay: 500 * time.Millisecond, MaxRetryDelay: 4 * time.Second},
			Telemetry:                       policy.TelemetryOptions{ApplicationID: "tracegrid"},
		},
		// Tracegrid only reads; never try to register resource providers.
		DisableRPRegistration: true,
	}
	act, err := azarm.NewClient("tracegrid/functions/azure/arm", "v1.0.0", cred, opts)
	if err != nil {
		return nil, err
	}
	return &Client{
		cred: cred, opts: opts, act: act,
		groups: map[string]*armcontainerinstance.ContainerGroupsClient{},
		ctrs:   map[string]*armcontainerinstance.ContainersClient{},
	}, nil
}

// cloudFor returns the cloud configuration whose ARM endpoint is endpoint, or
// one that points ARM (endpoint and token audience) at endpoint.
func cloudFor(endpoint string) cloud.Configuration {
	for _, c := range []cloud.Configuration{cloud.AzurePublic, cloud.AzureGovernment, cloud.AzureChina} {
		if strings.TrimSuffix(c.Services[cloud.ResourceManager].Endpoint, "/") == endpoint {
			return c
		}
	}
	c := cloud.AzurePublic
	c.Services = map[cloud.ServiceName]cloud.ServiceConfiguration{
		cloud.ResourceManager: {Endpoint: endpoint, Audience: endpoint},
	}
	return c
}

func (c *Client) groupsClient(sub string) (*armcontainerinstance.ContainerGroupsClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g, ok := c.groups[sub]; ok {
		return g, nil
	}
	g, err := armcontainerinstance.NewContainerGroupsClient(sub, c.cred, c.opts)
	if err != nil {
		return nil, err
	}
	c.groups[sub] = g
	return g, nil
}

func (c *Client) containersClient(sub string) (*armcontainerinstance.ContainersClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g, ok := c.ctrs[sub]; ok {
		return g, nil
	}
	g, err := armcontainerinstance.NewContainersClient(sub, c.cred, c.opts)
	if err != nil {
		return nil, err
	}
	c.ctrs[sub] = g
	return g, nil
}

// Group reads one container group with its instance view.
func (c *Client) Group(ctx context.Context, sub, rg, name string) (*armcontainerinstance.ContainerGroup, error) {
	gc, err := c.groupsClient(sub)
	if err != nil {
		return nil, err
	}
	resp, err := gc.Get(ctx, rg, name, nil)
	if err != nil {
		var re *azcore.ResponseError
		if errors.As(err, &re) && re.StatusCode == http.StatusNotFound {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("arm: get container group %s/%s: %w", rg, name, err)
	}
	return &resp.ContainerGroup, nil
}

// Groups lists the container groups of a resource group. The list carries
// no instance view: call Group for each one to see its state.
func (c *Client) Groups(ctx context.Context, sub, rg string) ([]*armcontainerinstance.ContainerGroup, error) {
	gc, err := c.groupsClient(sub)
	if err != nil {
		return nil, err
	}
	var out []*armcontainerinstance.ContainerGroup
	pager := gc.NewListByResourceGroupPager(rg, nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("arm: list container groups in %s: %w", rg, err)
		}
		out = append(out, page.Value...)
	}
	return out, nil
}

// LogTail returns the last lines a container wrote, oldest first.
func (c *Client) LogTail(ctx context.Context, sub, rg, group, container string, lines int32) ([]string, error) {
	cc, err := c.containersClient(sub)
	if err != nil {
		return nil, err
	}
	resp, err := cc.ListLogs(ctx, rg, group, container, &armcontainerinstance.ContainersClientListLogsOptions{Tail: &lines})
	if err != nil {
		return nil, fmt.Errorf("arm: logs of %s/%s/%s: %w", rg, group, container, err)
	}
	if resp.Content == nil {
		return nil, nil
	}
	text := strings.TrimRight(strings.ReplaceAll(*resp.Content, "\r\n", "\n"), "\n")
	if text == "" {
		return nil, nil
	}
	return strings.Split(text, "\n"), nil
}

// OperationError is the ARM error of a failed operation, as the Activity Log
// records it in properties.statusMessage.
type OperationError struct {
	// Code is the innermost error code (InaccessibleImage,
	// ServiceUnavailable, ContainerGroupQuotaReached, ...).
	Code string
	// Messages are the error messages, innermost first.
	Messages []string
	// Status is the entry's status (Failed) and SubStatus its HTTP status.
	Status, SubStatus string
}

// activityPage is one page of GET .../providers/Microsoft.Insights/eventtypes/management/values.
type activityPage struct {
	Value []struct {
		CorrelationID string `json:"correlationId"`
		Status        struct {
			Value string `json:"value"`
		} `json:"status"`
		SubStatus struct {
			Value string `json:"value"`
		} `json:"subStatus"`
		Properties map[string]any `json:"properties"`
	} `json:"value"`
	NextLink string `json:"nextLink"`
}

// armError is the ARM error body inside statusMessage. Failed long-running
// operations wrap it as {"status":"Failed","error":{...}}.
type armError struct {
	Code    string     `json:"code"`
	Message string     `json:"message"`
	Details []armError `json:"details"`
}

// ActivityError looks up the Activity Log entries of one ARM operation (by
// the correlationId a resource event carries) and returns the error of the
// failed one, or nil when none has an error yet (the Activity Log can lag
// the event by a few minutes).
func (c *Client) ActivityError(ctx context.Context, sub, correlationID string, around time.Time) (*OperationError, error) {
	if sub == "" || correlationID == "" {
		return nil, errors.New("arm: activity log lookup needs a subscription and a correlation id")
	}
	if around.IsZero() {
		around = time.Now()
	}
	filter := fmt.Sprintf("eventTimestamp ge '%s' and eventTimestamp le '%s' and correlationId eq '%s'",
		around.Add(-2*time.Hour).UTC().Format(time.RFC3339), around.Add(2*time.Hour).UTC().Format(time.RFC3339),
		strings.ReplaceAll(correlationID, "'", "''"))
	next := runtime.JoinPaths(c.act.Endpoint(), "/subscriptions/"+url.PathEscape(sub)+"/providers/Microsoft.Insights/eventtypes/management/values") +
		"?api-version=2015-04-01&%24filter=" + url.QueryEscape(filter) +
		// Only what is read: the claims of every entry are most of the body.
		"&%24select=" + url.QueryEscape("correlationId,eventName,status,subStatus,properties")
	for page := 0; next != "" && page < 5; page++ {
		req, err := runtime.NewRequest(ctx, http.MethodGet, next)
		if err != nil {
			return nil, err
		}
		req.Raw().Header.Set("Accept", "application/json")
		resp, err := c.act.Pipeline().Do(req)
		if err != nil {
			return nil, fmt.Errorf("arm: activity log: %w", err)
		}
		if !runtime.HasStatusCode(resp, http.StatusOK) {
			return nil, fmt.Errorf("arm: activity log: %w", runtime.NewResponseError(resp))
		}
		var p activityPage
		if err := runtime.UnmarshalAsJSON(resp, &p); err != nil {
			return nil, fmt.Errorf("arm: activity log: %w", err)
		}
		for _, v := range p.Value {
			msg, _ := v.Properties["statusMessage"].(string)
			if msg == "" {
				continue
			}
			if oe := parseStatusMessage(msg); oe != nil {
				oe.Status, oe.SubStatus = v.Status.Value, v.SubStatus.Value
				return oe, nil
			}
		}
		next = p.NextLink
	}
	return nil, nil
}

// parseStatusMessage reads the ARM error in an Activity Log statusMessage:
// a JSON string {"error":{...}} or {"status":"Failed","error":{...}}, or
// plain text.
func parseStatusMessage(s string) *OperationError {
	var body struct {
		Error *armError `json:"error"`
	}
	if json.Unmarshal([]byte(s), &body) != nil || body.Error == nil {
		if strings.HasPrefix(strings.TrimSpace(s), "{") {
			return nil
		}
		return &OperationError{Messages: []string{s}}
	}
	oe := &OperationError{}
	// Walk to the innermost detail: it names the real cause; the outer ones
	// (DeploymentFailed, ResourceOperationFailure) only say that it failed.
	var walk func(e armError)
	walk = func(e armError) {
		for _, d := range e.Details {
			walk(d)
		}
		if oe.Code == "" && e.Code != "" && len(e.Details) == 0 {
			oe.Code = e.Code
		}
		if e.Message != "" {
			oe.Messages = append(oe.Messages, e.Message)
		}
	}
	walk(*body.Error)
	if oe.Code == "" {
		oe.Code = body.Error.Code
	}
	return oe
}
