// Package acr gives the registry check credentials for Azure Container
// Registry from the function's managed identity: the Entra token (audience
// https://containerregistry.azure.net) is exchanged at the registry's
// /oauth2/exchange for an ACR refresh token, which go-containerregistry then
// trades at /oauth2/token for a pull-scoped access token (the flow of
// Azure/acr docs/AAD-OAuth.md). Other registries get no credentials.
package acr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
)

// Scope is the Entra scope of ACR's data plane (not ARM's: registries
// with "authentication-as-arm" disabled refuse ARM-audience tokens).
const Scope = "https://containerregistry.azure.net/.default"

// refreshUser is the user name ACR expects with a refresh token.
const refreshUser = "00000000-0000-0000-0000-000000000000"

// refreshLifetime is how long an exchanged refresh token is reused; ACR
// issues them for 3 hours.
const refreshLifetime = time.Hour

// Keychain resolves *.azurecr.io registries (and any that IsACR accepts)
// to an exchanged refresh token.
type Keychain struct {
	// Credential is the managed identity; it is created on first use so a
	// function without ACR images never asks for a token.
	Credential func() (azcore.TokenCredential, error)
	// IsACR picks the registries to exchange a token for (default: hosts
	// ending in .azurecr.io).
	IsACR func(host string) bool
	// Client makes the exchange request (default http.DefaultClient).
	Client *http.Client

	mu     sync.Mutex
	tokens map[string]refresh
}

type refresh struct {
	token   string
	expires time.Time
}

// Resolve implements authn.Keychain.
func (k *Keychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	return k.ResolveContext(context.Background(), r)
}

// ResolveContext implements authn.ContextKeychain.
func (k *Keychain) ResolveContext(ctx context.Context, r authn.Resource) (authn.Authenticator, error) {
	host := r.RegistryStr()
	isACR := k.IsACR
	if isACR == nil {
		isACR = func(h string) bool { return strings.HasSuffix(strings.ToLower(h), ".azurecr.io") }
	}
	if !isACR(host) {
		return authn.Anonymous, nil
	}
	tok, err := k.refreshToken(ctx, host)
	if err != nil {
		return nil, err
	}
	return authn.FromConfig(authn.AuthConfig{Username: refreshUser, IdentityToken: tok}), nil
}

func (k *Keychain) refreshToken(ctx context.Context, host string) (string, error) {
	k.mu.Lock()
	if t, ok := k.tokens[host]; ok && time.Now().Before(t.expires) {
		k.mu.Unlock()
		return t.token, nil
	}
	k.mu.Unlock()
	if k.Credential == nil {
		return "", errors.New("acr: no managed identity")
	}
	cred, err := k.Credential()
	if err != nil {
		return "", fmt.Errorf("acr: managed identity: %w", err)
	}
	at, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{Scope}})
	if err != nil {
		return "", fmt.Errorf("acr: Entra token for %s: %w", host, err)
	}
	tok, err := k.exchange(ctx, host, at.Token)
	if err != nil {
		return "", err
	}
	k.mu.Lock()
	if k.tokens == nil {
		k.tokens = map[string]refresh{}
	}
	k.tokens[host] = refresh{token: tok, expires: time.Now().Add(refreshLifetime)}
	k.mu.Unlock()
	return tok, nil
}

// exchange trades an Entra access token for an ACR refresh token.
func (k *Keychain) exchange(ctx context.Context, host, accessToken string) (string, error) {
	reg, err := name.NewRegistry(host)
	if err != nil {
		return "", err
	}
	form := url.Values{"grant_type": {"access_token"}, "service": {host}, "access_token": {accessToken}}
	u := reg.Scheme() + "://" + host + "/oauth2/exchange"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := k.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("acr: token exchange at %s: %w", host, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		// The body holds ACR's error (never a token): UNAUTHORIZED, DENIED.
		return "", fmt.Errorf("acr: token exchange at %s answered %d: %s", host, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	var out struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.RefreshToken == "" {
		return "", fmt.Errorf("acr: token exchange at %s: no refresh_token in the answer", host)
	}
	return out.RefreshToken, nil
}
