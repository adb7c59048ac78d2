package storetest_test

import (
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/notify/storetest"
)

// The suite holds the reference implementation to the same contract as the
// durable stores.
func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(_ *testing.T, now func() time.Time) notify.Store {
		return notify.NewMemoryStore(now)
	})
}
