package gcsstate_test

import (
	"crypto/sha256"
	"encoding/hex"
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
// preconditions, XML API for reads), one bucket per case.
func TestStore(t *testing.T) {
	client := localClient(t)
	var buckets atomic.Int64
	storetest.Run(t, func(t *testing.T, now func() time.Time) notify.Store {
		bucket := fmt.Sprintf("tracegrid-state-%d", buckets.Add(1))
		createBucket(t, client, bucket)
		return gcsstate.NewWithClock(client, bucket, now)
	})
}

// TestServiceErrors: what is not a conflict or a missing key comes back as
// an error naming the bucket and key.
func TestServiceErrors(t *testing.T) {
	client := localClient(t)
	createBucket(t, client, "tracegrid-state")
	// An object at the key's place that the store did not write.
	sum := sha256.Sum256([]byte("foreign"))
	w := client.Bucket("tracegrid-state").Object(gcsstate.Prefix + hex.EncodeToString(sum[:])).NewWriter(t.Context())
	if _, err := w.Write([]byte("hi")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, bucket, key string
		put               bool
		want              []string
	}{
		// (A Get from a missing bucket reads as a missing key: the client
		// maps every 404 on a read to ErrObjectNotExist. The Put that
		// follows it reports the bucket.)
		{"put to a missing bucket", "no-such-bucket", "k", true, []string{`write "k" to gs://no-such-bucket`, "404"}},
		{"object the store did not write", "tracegrid-state", "foreign", false, []string{`object for "foreign" in gs://tracegrid-state is 2 bytes`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := gcsstate.New(client, tt.bucket)
			var err error
			if tt.put {
				_, err = s.Put(t.Context(), tt.key, []byte("v"), "", time.Hour)
			} else {
				_, _, err = s.Get(t.Context(), tt.key)
			}
			storetest.WantServiceError(t, err, tt.want...)
		})
	}
}

// localClient starts fake-gcs-server in process and returns a client made
// the way the function makes it (storage.NewClient), reaching the server
// through the client's own emulator override, STORAGE_EMULATOR_HOST.
func localClient(t *testing.T) *storage.Client {
	t.Helper()
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
	return client
}

func createBucket(t *testing.T, client *storage.Client, bucket string) {
	t.Helper()
	if err := client.Bucket(bucket).Create(t.Context(), "local-project", nil); err != nil {
		t.Fatalf("create bucket %s: %v", bucket, err)
	}
}
