package gcsstate_test

import (
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"cloud.google.com/go/storage"
	"github.com/fsouza/fake-gcs-server/fakestorage"

	"github.com/tracegrid/tracegrid/functions/gke/gcsstate"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/notify/storetest"
)

// TestStore runs the conformance suite through the real Cloud Storage
// client against fake-gcs-server (JSON API for writes with generation
// preconditions, XML API for reads), reached through the client's own
// emulator override, STORAGE_EMULATOR_HOST.
func TestStore(t *testing.T) {
	// The XML API routes by Host, so the server must know the address it
	// is reached at before it starts.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().(*net.TCPAddr)
	_ = l.Close()
	server, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		Scheme: "http", Host: "127.0.0.1", Port: uint16(addr.Port), PublicHost: addr.String(), Writer: io.Discard,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(server.Stop)
	t.Setenv("STORAGE_EMULATOR_HOST", addr.String())
	client, err := storage.NewClient(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	var buckets atomic.Int64
	storetest.Run(t, func(t *testing.T, now func() time.Time) notify.Store {
		bucket := fmt.Sprintf("tracegrid-state-%d", buckets.Add(1))
		if err := client.Bucket(bucket).Create(t.Context(), "local-project", nil); err != nil {
			t.Fatalf("create bucket %s: %v", bucket, err)
		}
		return gcsstate.NewWithClock(client, bucket, now)
	})
}
