// Package azure is the Azure Functions custom handler of Tracegrid: the
// AciEvent function (Event Grid resource events about container groups) and
// the AciScan function (a timer that scans container groups for runtime
// failures, which emit no Event Grid event), plus the pure decoders the CLI
// uses.
package azure

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tracegrid/tracegrid/functions/azure/arm"
)

// Config is the function's configuration, read from app settings.
type Config struct {
	// SubscriptionID is the subscription the scan watches (AZURE_SUBSCRIPTION_ID).
	SubscriptionID string
	// ResourceGroups are the resource groups the scan watches
	// (TRACEGRID_RESOURCE_GROUPS, comma-separated).
	ResourceGroups []string
	// ARMEndpoint is the ARM base URL (TRACEGRID_ARM_ENDPOINT).
	ARMEndpoint string
	// ClientID picks a user-assigned managed identity (AZURE_CLIENT_ID).
	ClientID string
	// Enrich is false when TRACEGRID_ENRICH=off: no ARM calls at all.
	Enrich bool
	// Verify is false when TRACEGRID_VERIFY=off: no registry check of pull
	// failures.
	Verify bool
	// TableEndpoint and TableName select the Azure Table storage table that
	// keeps notification state across instances (TRACEGRID_TABLE_ENDPOINT,
	// TRACEGRID_TABLE_NAME).
	TableEndpoint, TableName string
	// LogTailLines is how many log lines to read from a crashed container
	// (TRACEGRID_LOG_TAIL_LINES, default 20).
	LogTailLines int32
	// ScanLookback bounds how old a restart of a container that is Running
	// again may be and still be reported (TRACEGRID_SCAN_LOOKBACK, default
	// 15m: three 5-minute scans).
	ScanLookback time.Duration
}

// ConfigFromEnv reads the Config through getenv (os.Getenv in production).
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		SubscriptionID: strings.TrimSpace(getenv("AZURE_SUBSCRIPTION_ID")),
		ARMEndpoint:    strings.TrimSpace(getenv("TRACEGRID_ARM_ENDPOINT")),
		ClientID:       strings.TrimSpace(getenv("AZURE_CLIENT_ID")),
		Enrich:         !strings.EqualFold(strings.TrimSpace(getenv("TRACEGRID_ENRICH")), "off"),
		Verify:         !strings.EqualFold(strings.TrimSpace(getenv("TRACEGRID_VERIFY")), "off"),
		TableEndpoint:  strings.TrimSpace(getenv("TRACEGRID_TABLE_ENDPOINT")),
		TableName:      strings.TrimSpace(getenv("TRACEGRID_TABLE_NAME")),
		LogTailLines:   20,
		ScanLookback:   15 * time.Minute,
	}
	if c.ARMEndpoint == "" {
		c.ARMEndpoint = arm.DefaultEndpoint
	}
	for _, rg := range strings.Split(getenv("TRACEGRID_RESOURCE_GROUPS"), ",") {
		if rg = strings.TrimSpace(rg); rg != "" {
			c.ResourceGroups = append(c.ResourceGroups, rg)
		}
	}
	if s := strings.TrimSpace(getenv("TRACEGRID_LOG_TAIL_LINES")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 1000 {
			return c, fmt.Errorf("TRACEGRID_LOG_TAIL_LINES=%q: want 0..1000", s)
		}
		c.LogTailLines = int32(n)
	}
	if s := strings.TrimSpace(getenv("TRACEGRID_SCAN_LOOKBACK")); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("TRACEGRID_SCAN_LOOKBACK=%q: want a positive duration such as 15m", s)
		}
		c.ScanLookback = d
	}
	if c.TableEndpoint != "" && c.TableName == "" {
		c.TableName = "tracegrid"
	}
	return c, nil
}
