package gcsstate_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fsouza/fake-gcs-server/fakestorage"

	"github.com/tracegrid/tracegrid/functions/gke/gapi"
	"github.com/tracegrid/tracegrid/functions/gke/gcsstate"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/notify/storetest"
)

// TestStore runs the conformance suite against fake-gcs-server, which
// speaks the Cloud Storage JSON API (media uploads with ifGenerationMatch,
// 412s, generations in X-Goog-Generation), one bucket per case, on the
// suite's clock. TestServiceErrors reaches it as the function does, through
// FromEnv and STORAGE_EMULATOR_HOST.
func TestStore(t *testing.T) {
	server := localServer(t)
	var buckets atomic.Int64
	storetest.Run(t, func(t *testing.T, now func() time.Time) notify.Store {
		bucket := fmt.Sprintf("tracegrid-state-%d", buckets.Add(1))
		server.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: bucket})
		return gcsstate.New(gapi.NewWithHTTP(http.DefaultClient), server.URL(), bucket, now)
	})
}

// TestServiceErrors: what is not a conflict or a missing key comes back as
// an error naming the bucket and key.
func TestServiceErrors(t *testing.T) {
	server := localServer(t)
	server.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: "tracegrid-state"})
	// An object at the key's place that the store did not write.
	sum := sha256.Sum256([]byte("foreign"))
	server.CreateObject(fakestorage.Object{
		ObjectAttrs: fakestorage.ObjectAttrs{BucketName: "tracegrid-state", Name: gcsstate.Prefix + hex.EncodeToString(sum[:])},
		Content:     []byte("hi"),
	})
	tests := []struct {
		name, bucket, key string
		put               bool
		want              []string
	}{
		// (A Get from a missing bucket reads as a missing key: every 404 on
		// a read is. The Put that follows it reports the bucket.)
		{"put to a missing bucket", "no-such-bucket", "k", true, []string{`write "k" to gs://no-such-bucket`, "404"}},
		{"object the store did not write", "tracegrid-state", "foreign", false, []string{`object for "foreign" in gs://tracegrid-state is 2 bytes`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := gcsstate.FromEnv(tt.bucket)
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

// TestFromEnvWithoutCredentials: outside Google Cloud with no emulator the
// store fails each call with a clear error instead of at construction.
func TestFromEnvWithoutCredentials(t *testing.T) {
	t.Setenv(gcsstate.EmulatorHostEnv, "")
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", t.TempDir()+"/none.json")
	s := gcsstate.FromEnv("b")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, _, err := s.Get(ctx, "k")
	if err == nil || !strings.Contains(err.Error(), "credentials") {
		t.Fatalf("Get without credentials: %v, want a credentials error", err)
	}
}

// localServer starts fake-gcs-server in process and points
// STORAGE_EMULATOR_HOST at it.
func localServer(t *testing.T) *fakestorage.Server {
	t.Helper()
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
	t.Setenv(gcsstate.EmulatorHostEnv, addr.String())
	return server
}
