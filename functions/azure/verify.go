package azure

import (
	"fmt"
	"os"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/tracegrid/tracegrid/functions/azure/acr"
	"github.com/tracegrid/tracegrid/functions/azure/arm"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/verify"
)

// registryCheck builds the registry check: ACR registries with a refresh
// token exchanged for the function's managed identity (cred, or created
// on first ACR check), other registries anonymously; history in store.
func registryCheck(cfg Config, cred azcore.TokenCredential, store notify.Store) (*verify.Stage, error) {
	kc := &acr.Keychain{Credential: func() (azcore.TokenCredential, error) {
		if cred != nil {
			return cred, nil
		}
		return arm.Credential(cfg.ClientID, os.Getenv)
	}}
	c, err := verify.NewRegistry(verify.WithKeychain(kc))
	if err != nil {
		return nil, fmt.Errorf("azure: registry check: %w", err)
	}
	return &verify.Stage{Checker: verify.NewCache(c, 0, nil), History: store}, nil
}
