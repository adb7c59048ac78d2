package gke

import (
	"context"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"

	"github.com/tracegrid/tracegrid/functions/gke/gapi"
	"github.com/tracegrid/tracegrid/shared/notify"
)

// SlackSecretEnv names a Secret Manager secret version holding the Slack
// bot token or webhook URL, as a full resource name:
// projects/PROJECT/secrets/NAME/versions/latest.
const SlackSecretEnv = "SLACK_SECRET_VERSION"

// DefaultSecretManagerEndpoint is Secret Manager's REST root;
// SecretManagerEndpointEnv overrides it (tests).
const (
	DefaultSecretManagerEndpoint = "https://secretmanager.googleapis.com"
	SecretManagerEndpointEnv     = "TRACEGRID_SECRETMANAGER_ENDPOINT"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// readSlackSecret reads the Slack credential with accessSecretVersion and
// returns the environment variable it stands for (SLACK_BOT_TOKEN or
// SLACK_WEBHOOK_URL) and its value. The value is never part of an error.
func readSlackSecret(ctx context.Context, api *gapi.Client, endpoint, version string) (name, value string, err error) {
	if !strings.HasPrefix(version, "projects/") || !strings.Contains(version, "/secrets/") || !strings.Contains(version, "/versions/") {
		return "", "", fmt.Errorf("gke: %s=%q: want projects/PROJECT/secrets/NAME/versions/VERSION", SlackSecretEnv, version)
	}
	var resp struct {
		Name    string `json:"name"`
		Payload struct {
			Data       string `json:"data"`
			DataCrc32c string `json:"dataCrc32c"` // int64 as a JSON string
		} `json:"payload"`
	}
	if err := api.JSON(ctx, "GET", strings.TrimSuffix(endpoint, "/")+"/v1/"+version+":access", nil, &resp); err != nil {
		return "", "", fmt.Errorf("gke: read the Slack secret %s (the function's service account needs roles/secretmanager.secretAccessor, and the secret an enabled version): %w", version, err)
	}
	data, err := base64.StdEncoding.DecodeString(resp.Payload.Data)
	if err != nil {
		return "", "", fmt.Errorf("gke: Slack secret %s: payload is not base64", version)
	}
	if resp.Payload.DataCrc32c != "" {
		want, err := strconv.ParseUint(resp.Payload.DataCrc32c, 10, 32)
		if err != nil || uint32(want) != crc32.Checksum(data, castagnoli) {
			return "", "", fmt.Errorf("gke: Slack secret %s: payload does not match its CRC32C checksum", version)
		}
	}
	name, value, err = notify.SecretEnv(string(data))
	if err != nil {
		return "", "", fmt.Errorf("gke: %w (secret %s)", err, version)
	}
	return name, value, nil
}
