package tablestate_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/data/aztables"

	"github.com/tracegrid/tracegrid/functions/azure/tablestate"
	"github.com/tracegrid/tracegrid/internal/fakeclock"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/notify/storetest"
)

// azurite returns Microsoft's Table storage emulator (the same REST API,
// ETags, If-Match and error codes as the service), with extra arguments.
func azurite(extra ...string) storetest.Emulator {
	return storetest.Emulator{
		Name: "azurite-table",
		Env:  "AZURITE_TABLE_BIN",
		Args: func(port int) []string {
			return append([]string{"--tableHost", "127.0.0.1", "--tablePort", strconv.Itoa(port), "--inMemoryPersistence", "--silent", "--disableTelemetry"}, extra...)
		},
	}
}

// The emulator's published development account.
const (
	account    = "devstoreaccount1"
	accountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

// TestStore runs the conformance suite through aztables against azurite,
// authenticated with the account key.
func TestStore(t *testing.T) {
	addr := azurite().Start(t)
	cred, err := aztables.NewSharedKeyCredential(account, accountKey)
	if err != nil {
		t.Fatal(err)
	}
	runSuite(t, "http://"+addr, func(tableURL string) (*aztables.Client, error) {
		return aztables.NewClientWithSharedKey(tableURL, cred, nil)
	})
}

// TestStoreWithManagedIdentity runs the suite the way the function runs in
// Azure: aztables.NewClient with a TokenCredential, so every request carries
// a Microsoft Entra bearer token for the Storage scope. azurite checks the
// token (issuer, audience, lifetime) when started with --oauth basic, which
// it allows over HTTPS only.
func TestStoreWithManagedIdentity(t *testing.T) {
	cert, key, pool := selfSignedCert(t)
	addr := azurite("--oauth", "basic", "--cert", cert, "--key", key).Start(t)
	opts := &aztables.ClientOptions{ClientOptions: azcore.ClientOptions{
		Transport: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}},
	}}
	runSuite(t, "https://"+addr, func(tableURL string) (*aztables.Client, error) {
		return aztables.NewClient(tableURL, entraToken{}, opts)
	})
}

// TestServiceErrors: what is not a conflict or a missing key comes back as
// an error naming the key and the service's own error code.
func TestServiceErrors(t *testing.T) {
	addr := azurite().Start(t)
	cred, err := aztables.NewSharedKeyCredential(account, accountKey)
	if err != nil {
		t.Fatal(err)
	}
	client := func(table string) *aztables.Client {
		c, err := aztables.NewClientWithSharedKey("http://"+addr+"/"+account+"/"+table, cred, nil)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	existing := client("tracegridstate")
	if _, err := existing.CreateTable(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	// An entity at the key's place that the store did not write.
	sum := sha256.Sum256([]byte("foreign"))
	foreign, err := json.Marshal(aztables.EDMEntity{
		Entity:     aztables.Entity{PartitionKey: hex.EncodeToString(sum[:]), RowKey: "state"},
		Properties: map[string]any{"Note": "written by hand"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := existing.AddEntity(t.Context(), foreign, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, table, key string
		put              bool
		want             []string
	}{
		{"get from a missing table", "nosuchtable", "k", false, []string{`get "k"`, "nosuchtable", "TableNotFound"}},
		{"put to a missing table", "nosuchtable", "k", true, []string{`add "k"`, "nosuchtable", "TableNotFound"}},
		{"entity the store did not write", "tracegridstate", "foreign", false, []string{`entity for "foreign"`, "ExpiresAt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tablestate.New(client(tt.table))
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

// TestDeleteExpired: the sweep a timer runs, since Table storage has no
// TTL, removes exactly the entities past their expiry.
func TestDeleteExpired(t *testing.T) {
	addr := azurite().Start(t)
	cred, err := aztables.NewSharedKeyCredential(account, accountKey)
	if err != nil {
		t.Fatal(err)
	}
	client, err := aztables.NewClientWithSharedKey("http://"+addr+"/"+account+"/tracegridstate", cred, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateTable(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	clock := fakeclock.New(storetest.Start)
	s := tablestate.NewWithClock(client, clock.Now)
	ttls := map[string]time.Duration{"short-1": time.Minute, "short-2": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}
	for key, ttl := range ttls {
		if _, err := s.Put(t.Context(), key, []byte(key), "", ttl); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		advance     time.Duration
		wantDeleted int
		wantLive    []string
	}{
		{0, 0, []string{"short-1", "short-2", "hour", "day"}},
		{time.Minute, 2, []string{"hour", "day"}},
		{time.Minute, 0, []string{"hour", "day"}},
		{time.Hour, 1, []string{"day"}},
	}
	for i, st := range steps {
		clock.Advance(st.advance)
		n, err := s.DeleteExpired(t.Context())
		if err != nil {
			t.Fatalf("step %d: DeleteExpired: %v", i, err)
		}
		if n != st.wantDeleted {
			t.Errorf("step %d: DeleteExpired deleted %d; want %d", i, n, st.wantDeleted)
		}
		var live []string
		pager := client.NewListEntitiesPager(nil)
		for pager.More() {
			page, err := pager.NextPage(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			for _, raw := range page.Entities {
				var e aztables.EDMEntity
				if err := json.Unmarshal(raw, &e); err != nil {
					t.Fatal(err)
				}
				live = append(live, e.Properties["Key"].(string))
			}
		}
		slices.Sort(live)
		slices.Sort(st.wantLive)
		if !slices.Equal(live, st.wantLive) {
			t.Errorf("step %d: table holds %q; want %q", i, live, st.wantLive)
		}
	}
}

// runSuite runs the conformance suite with one new table per case, created
// as Terraform creates it (a table has no schema).
func runSuite(t *testing.T, endpoint string, newClient func(tableURL string) (*aztables.Client, error)) {
	var tables atomic.Int64
	storetest.Run(t, func(t *testing.T, now func() time.Time) notify.Store {
		tableURL := fmt.Sprintf("%s/%s/tracegridstate%d", endpoint, account, tables.Add(1))
		client, err := newClient(tableURL)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.CreateTable(t.Context(), nil); err != nil {
			t.Fatalf("create table %s: %v", tableURL, err)
		}
		return tablestate.NewWithClock(client, now)
	})
}

// storageScope is the scope a client must ask Microsoft Entra ID for to
// call Azure Storage.
const storageScope = "https://storage.azure.com/.default"

// entraToken stands in for a managed identity credential: it mints the
// claims Microsoft Entra ID puts in a Storage access token (unsigned;
// azurite's basic OAuth does not verify signatures), after checking the
// client asked for the Storage scope.
type entraToken struct{}

func (entraToken) GetToken(_ context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if !slices.Equal(opts.Scopes, []string{storageScope}) {
		return azcore.AccessToken{}, fmt.Errorf("token requested for scopes %q, want [%q]", opts.Scopes, storageScope)
	}
	now := time.Now()
	expires := now.Add(time.Hour)
	claims, err := json.Marshal(map[string]any{
		"aud": "https://storage.azure.com",
		"iss": "https://sts.windows.net/5b1f2c7e-9a4d-4e3b-8c6f-1d2e3f4a5b6c/",
		"iat": now.Add(-time.Minute).Unix(),
		"nbf": now.Add(-time.Minute).Unix(),
		"exp": expires.Unix(),
		"oid": "8e2d3d43-5e07-4b5c-9d2e-6a2f0a1c7b11",
		"tid": "5b1f2c7e-9a4d-4e3b-8c6f-1d2e3f4a5b6c",
	})
	if err != nil {
		return azcore.AccessToken{}, err
	}
	enc := base64.RawURLEncoding.EncodeToString
	token := enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(claims) + "." + enc([]byte("unsigned"))
	return azcore.AccessToken{Token: token, ExpiresOn: expires}, nil
}

// selfSignedCert writes a certificate for 127.0.0.1 and its key as PEM
// files and returns their paths and a pool that trusts the certificate.
func selfSignedCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "azurite"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	for file, block := range map[string]*pem.Block{
		certFile: {Type: "CERTIFICATE", Bytes: der},
		keyFile:  {Type: "PRIVATE KEY", Bytes: keyDER},
	} {
		if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
