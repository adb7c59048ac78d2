package tablestate_test

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/data/aztables"

	"github.com/tracegrid/tracegrid/functions/azure/tablestate"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/notify/storetest"
)

// azurite-table is Microsoft's Table storage emulator: the same REST API,
// ETags, If-Match and error codes as the service.
var azurite = storetest.Emulator{
	Name: "azurite-table",
	Env:  "AZURITE_TABLE_BIN",
	Args: func(port int) []string {
		return []string{"--tableHost", "127.0.0.1", "--tablePort", strconv.Itoa(port), "--inMemoryPersistence", "--silent", "--disableTelemetry"}
	},
}

// The emulator's published development account.
const (
	account    = "devstoreaccount1"
	accountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

// TestStore runs the conformance suite through aztables against azurite,
// one table per case, as Terraform creates it (a table with no schema).
func TestStore(t *testing.T) {
	addr := azurite.Start(t)
	cred, err := aztables.NewSharedKeyCredential(account, accountKey)
	if err != nil {
		t.Fatal(err)
	}
	var tables atomic.Int64
	storetest.Run(t, func(t *testing.T, now func() time.Time) notify.Store {
		url := fmt.Sprintf("http://%s/%s/tracegridstate%d", addr, account, tables.Add(1))
		client, err := aztables.NewClientWithSharedKey(url, cred, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.CreateTable(t.Context(), nil); err != nil {
			t.Fatalf("create table %s: %v", url, err)
		}
		return tablestate.NewWithClock(client, now)
	})
}
