package acr_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/tracegrid/tracegrid/functions/azure/acr"
	"github.com/tracegrid/tracegrid/shared/verify"
	"github.com/tracegrid/tracegrid/shared/verify/verifytest"
)

// identity is a managed identity that hands out one token per scope.
type identity struct {
	mu     sync.Mutex
	scopes []string
	tokens map[string]string
}

func (i *identity) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.scopes = append(i.scopes, o.Scopes...)
	return azcore.AccessToken{Token: i.tokens[o.Scopes[0]], ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// acrRegistry is a registry in process with ACR's /oauth2/exchange: it
// takes an Entra token for the ACR audience and returns a refresh token;
// an ARM-audience token is refused as a registry with
// authentication-as-arm disabled refuses it ("arm aad token disallowed",
// azcontainerregistry TROUBLESHOOTING.md).
func acrRegistry(t *testing.T, entraToken string) (*verifytest.Registry, *int) {
	reg := verifytest.New(t, false)
	reg.AcceptRefreshToken("acr-refresh-token")
	exchanges := new(int)
	var mu sync.Mutex
	reg.Route("/oauth2/exchange", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		*exchanges++
		mu.Unlock()
		if r.Method != http.MethodPost || r.PostFormValue("grant_type") != "access_token" || r.PostFormValue("service") != reg.Host {
			http.Error(w, `{"errors":[{"code":"UNSUPPORTED","message":"bad exchange request"}]}`, http.StatusBadRequest)
			return
		}
		if r.PostFormValue("access_token") != entraToken {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"errors":[{"code":"UNAUTHORIZED","message":"arm aad token disallowed"}]}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"refresh_token":"acr-refresh-token"}`))
	}))
	reg.Push(t, "shop/web", "1.4.2")
	return reg, exchanges
}

func TestKeychain(t *testing.T) {
	reg, exchanges := acrRegistry(t, "entra-acr-token")
	id := &identity{tokens: map[string]string{acr.Scope: "entra-acr-token", "https://management.azure.com/.default": "entra-arm-token"}}
	kc := &acr.Keychain{Credential: func() (azcore.TokenCredential, error) { return id, nil }, IsACR: func(h string) bool { return h == reg.Host }}
	c, err := verify.NewRegistry(verify.WithKeychain(kc))
	if err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]verify.Kind{
		reg.Host + "/shop/web:1.4.2": verify.TagExists,
		reg.Host + "/shop/web:1.4.3": verify.TagMissing,
		reg.Host + "/shop/wbe:1.4.2": verify.RepoMissing,
	} {
		if r := c.Check(context.Background(), ref); r.Kind != want {
			t.Errorf("%s: %s, want %s (%s %v)", ref, r.Kind, want, r.Reason, r.Err)
		}
	}
	if *exchanges != 1 {
		t.Errorf("%d token exchanges for three checks, want 1 (the refresh token is reused)", *exchanges)
	}
	if len(id.scopes) != 1 || id.scopes[0] != acr.Scope {
		t.Errorf("Entra token scopes = %q, want the ACR audience only", id.scopes)
	}

	t.Run("exchange refused: the check says why, no credential in it", func(t *testing.T) {
		armOnly := &identity{tokens: map[string]string{acr.Scope: "entra-arm-token"}}
		kc := &acr.Keychain{Credential: func() (azcore.TokenCredential, error) { return armOnly, nil }, IsACR: func(h string) bool { return h == reg.Host }}
		c, _ := verify.NewRegistry(verify.WithKeychain(kc))
		r := c.Check(context.Background(), reg.Host+"/shop/web:1.4.2")
		if r.Kind != verify.Inconclusive || !strings.Contains(r.Reason, "arm aad token disallowed") {
			t.Errorf("%s: %s", r.Kind, r.Reason)
		}
		if strings.Contains(r.Summary(), "entra-arm-token") {
			t.Errorf("token in the summary: %s", r.Summary())
		}
	})
	t.Run("other registries: no token asked", func(t *testing.T) {
		public := verifytest.New(t, true)
		public.Push(t, "library/nginx", "1.27")
		before := len(id.scopes)
		if r := c.Check(context.Background(), public.Host+"/library/nginx:1.27"); r.Kind != verify.TagExists {
			t.Errorf("%s", r.Kind)
		}
		if len(id.scopes) != before {
			t.Error("an Entra token was asked for a registry that is not ACR")
		}
	})
}
