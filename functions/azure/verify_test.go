package azure

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/tracegrid/tracegrid/functions/azure/acr"
	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
	"github.com/tracegrid/tracegrid/shared/report"
	"github.com/tracegrid/tracegrid/shared/verify"
	"github.com/tracegrid/tracegrid/shared/verify/verifytest"
)

// managedIdentity hands out the ACR-audience token.
type managedIdentity struct{}

func (managedIdentity) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if len(o.Scopes) != 1 || o.Scopes[0] != acr.Scope {
		return azcore.AccessToken{}, fmt.Errorf("scope %q", o.Scopes)
	}
	return azcore.AccessToken{Token: "entra-acr-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// inaccessible is ARM's InaccessibleImage error for a container group
// (testdata/corpus, Azure-Samples/azure-government-openai-access#2), with
// the names replaced: the same for a wrong name and refused credentials.
func inaccessible(image, group string) string {
	return fmt.Sprintf("(InaccessibleImage) The image '%s' in container group '%s' is not accessible. Please check the image and registry credential.", image, group)
}

// TestFourWorlds runs the report path the handler uses (report.Reporter with
// the registry check) on ACI failures, against a registry in process that
// takes ACR's token exchange for the function's managed identity: tag
// missing, credentials wrong, token expired after the group ran, registry
// too slow; then a storm. The custom-handler binary itself is not started
// here: its ARM fixtures name fixed images.
func TestFourWorlds(t *testing.T) {
	reg := verifytest.New(t, false)
	reg.AcceptRefreshToken("acr-refresh-token")
	var exchanges int
	var mu sync.Mutex
	reg.Route("/oauth2/exchange", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		exchanges++
		mu.Unlock()
		if r.PostFormValue("access_token") != "entra-acr-token" {
			http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"arm aad token disallowed"}]}`, http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(`{"refresh_token":"acr-refresh-token"}`))
	}))
	reg.Push(t, "shop/api", "2.4.0")
	reg.Push(t, "shop/api", "2.5.0")
	reg.Push(t, "shop/slow", "1")
	reg.Fail("shop/slow", verifytest.Fault{Delay: verify.DefaultTimeout + time.Second})
	kc := &acr.Keychain{Credential: func() (azcore.TokenCredential, error) { return managedIdentity{}, nil }, IsACR: func(h string) bool { return h == reg.Host }}
	checker, err := verify.NewRegistry(verify.WithKeychain(kc))
	if err != nil {
		t.Fatal(err)
	}
	slack := fakeslack.New("xoxb-azure")
	defer slack.Close()
	n, err := notify.New(notify.Config{BotToken: "xoxb-azure", Channel: "C1", APIURL: slack.APIURL()})
	if err != nil {
		t.Fatal(err)
	}
	rep := &report.Reporter{Notifier: n, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Verify: &verify.Stage{Checker: verify.NewCache(checker, 0, nil), History: notify.NewMemoryStore(nil)}}
	failedAt := time.Date(2026, 11, 30, 3, 12, 0, 0, time.UTC)
	group := func(name, image string) *failure.Failure {
		return &failure.Failure{Platform: failure.ACI, Account: testSub, Region: "westeurope", ResourceGroup: "rg-shop", Workload: name, Task: name,
			Container: "api", Image: image, Reason: "InaccessibleImage", Time: failedAt, EventID: "ev-" + name,
			Messages: []string{inaccessible(image, name)}}
	}
	// shop-api-c ran 2.4.0 until 3 h before.
	up := group("shop-api-c", reg.Host+"/shop/api:2.4.0")
	up.Recovered, up.Time, up.Messages, up.EventID, up.Reason = true, failedAt.Add(-3*time.Hour), nil, "up-c", ""
	if _, err := rep.Report(context.Background(), up); err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		world, group, image, cause, confidence string
		text                                   []string
	}{
		{"tag missing", "shop-api-a", reg.Host + "/shop/api:2.4.1", "image_not_found", "high", []string{"nearest tags: `2.4.0`, `2.5.0`"}},
		{"credentials wrong", "shop-api-b", reg.Host + "/shop/api:2.4.0", "registry_auth", "high",
			[]string{"the container group's imageRegistryCredentials (or its managed identity) may not pull it"}},
		{"token expired after the group ran", "shop-api-c", reg.Host + "/shop/api:2.4.0", "registry_token_expired", "high",
			[]string{"last worked 3h0m before the failure (2026-11-30 00:12 UTC)"}},
		{"registry unreachable from the function", "shop-slow-d", reg.Host + "/shop/slow:1", "", "",
			[]string{"the check could not be made: the registry did not answer within the check's deadline"}},
	} {
		t.Run(w.world, func(t *testing.T) {
			f := group(w.group, w.image)
			want := classifyOnly(f)
			out, err := rep.Report(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			cause, conf := w.cause, w.confidence
			if cause == "" { // could not check: the classifier's answer stands
				cause, conf = string(want.Cause), string(want.Confidence)
			}
			if string(out.Diagnosis.Cause) != cause || string(out.Diagnosis.Confidence) != conf {
				t.Errorf("got %s/%s, want %s/%s", out.Diagnosis.Cause, out.Diagnosis.Confidence, cause, conf)
			}
			msgs := slack.Messages()
			m := msgs[len(msgs)-1]
			for _, s := range append(w.text, "*Registry check*") {
				if !strings.Contains(m.BlocksJSON, s) {
					t.Errorf("message lacks %q:\n%s", s, m.BlocksJSON)
				}
			}
			t.Logf("%s: %s (%s)", w.world, out.Diagnosis.Cause, out.Diagnosis.Confidence)
		})
	}
	t.Run("300-event storm: one registry call per reference", func(t *testing.T) {
		before := reg.Requests("shop/api")
		for i := range 300 {
			f := group(fmt.Sprintf("storm-%d", i%30), reg.Host+"/shop/api:2.5.0")
			f.EventID = fmt.Sprintf("storm-ev-%d", i)
			if _, err := rep.Report(context.Background(), f); err != nil {
				t.Fatal(err)
			}
		}
		if n := reg.Requests("shop/api") - before; n != 1 {
			t.Errorf("300 events made %d registry requests, want 1", n)
		}
	})
	if exchanges != 1 {
		t.Errorf("%d token exchanges, want 1", exchanges)
	}
	if p := slack.Problems(); len(p) > 0 {
		t.Errorf("Slack rule violations: %q", p)
	}
}

// classifyOnly is the diagnosis without a registry check.
func classifyOnly(f *failure.Failure) classify.Diagnosis { return classify.Classify(f) }
