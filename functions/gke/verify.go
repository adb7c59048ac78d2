package gke

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"

	"cloud.google.com/go/auth"
	"cloud.google.com/go/auth/credentials"
	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/verify"
)

// VerifyEnv set to "off" skips the registry check of pull failures.
const VerifyEnv = "TRACEGRID_VERIFY"

// newStage returns the registry check for the function, or nil when
// TRACEGRID_VERIFY=off: Artifact Registry and gcr.io are asked with the
// function's service-account token, other registries anonymously; history
// is kept in store.
func newStage(store notify.Store) (*verify.Stage, error) {
	if strings.EqualFold(os.Getenv(VerifyEnv), "off") {
		return nil, nil
	}
	c, err := verify.NewRegistry(verify.WithKeychain(&googleKeychain{isGoogle: googleRegistry, detect: defaultCredentials}))
	if err != nil {
		return nil, fmt.Errorf("gke: registry check: %w", err)
	}
	return &verify.Stage{Checker: verify.NewCache(c, 0, nil), History: store}, nil
}

// googleRegistry reports whether host is Artifact Registry (LOCATION-docker.pkg.dev)
// or gcr.io (served by Artifact Registry since Container Registry shut down).
func googleRegistry(host string) bool {
	h, _, _ := strings.Cut(strings.ToLower(host), ":")
	return strings.HasSuffix(h, "-docker.pkg.dev") || h == "gcr.io" || strings.HasSuffix(h, ".gcr.io")
}

// googleKeychain hands Google registries the function's own access token
// (Application Default Credentials: the metadata server on Cloud
// Functions), as username oauth2accesstoken; other registries get none.
type googleKeychain struct {
	isGoogle func(host string) bool
	detect   func() (*auth.Credentials, error)

	once  sync.Once
	creds *auth.Credentials
	err   error
}

// Resolve implements authn.Keychain.
func (k *googleKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	if !k.isGoogle(r.RegistryStr()) {
		return authn.Anonymous, nil
	}
	k.once.Do(func() { k.creds, k.err = k.detect() })
	if k.err != nil {
		return nil, fmt.Errorf("gke: no credentials for %s: %w", r.RegistryStr(), k.err)
	}
	return tokenAuth{k.creds}, nil
}

// defaultCredentials finds Application Default Credentials: on Cloud
// Functions, the metadata server's token for the function's service account.
func defaultCredentials() (*auth.Credentials, error) {
	return credentials.DetectDefault(&credentials.DetectOptions{Scopes: []string{"https://www.googleapis.com/auth/cloud-platform"}})
}

// tokenAuth is an OAuth access token as registry credentials.
type tokenAuth struct{ creds *auth.Credentials }

// Authorization implements authn.Authenticator.
func (a tokenAuth) Authorization() (*authn.AuthConfig, error) {
	return a.AuthorizationContext(context.Background())
}

// AuthorizationContext implements authn.ContextAuthenticator.
func (a tokenAuth) AuthorizationContext(ctx context.Context) (*authn.AuthConfig, error) {
	tok, err := a.creds.Token(ctx)
	if err != nil {
		return nil, err
	}
	return &authn.AuthConfig{Username: "oauth2accesstoken", Password: tok.Value}, nil
}
