package verify_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/tracegrid/tracegrid/shared/verify"
	"github.com/tracegrid/tracegrid/shared/verify/verifytest"
)

// BenchmarkCheck measures what the registry check adds to one invocation
// against a registry in process behind the token flow: a first check of a
// repository (ping, token, HEAD; for a missing tag also GET and tags/list),
// a warm check of another tag of a repository already seen, and a cache
// hit. It reports p50 and p99 per check besides the mean.
func BenchmarkCheck(b *testing.B) {
	reg := verifytest.New(b, false, "ci", "s3cret")
	reg.Push(b, "team/web", "1.0")
	auth := verify.WithAuth(authn.FromConfig(authn.AuthConfig{Username: "ci", Password: "s3cret"}))
	for _, bc := range []struct {
		name string
		ref  func(i int) string
		warm bool // one checker for all iterations (tokens reused)
	}{
		{"cold/tag_exists", func(int) string { return reg.Host + "/team/web:1.0" }, false},
		{"cold/tag_missing", func(int) string { return reg.Host + "/team/web:2.0" }, false},
		{"warm/tag_exists", func(int) string { return reg.Host + "/team/web:1.0" }, true},
		{"warm/tag_missing", func(i int) string { return fmt.Sprintf("%s/team/web:9.%d", reg.Host, i) }, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			shared, _ := verify.NewRegistry(auth)
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c := shared
				if !bc.warm {
					b.StopTimer()
					c, _ = verify.NewRegistry(auth)
					b.StartTimer()
				}
				start := time.Now()
				if r := c.Check(context.Background(), bc.ref(i)); !r.Kind.Conclusive() {
					b.Fatalf("%s: %s", r.Kind, r.Reason)
				}
				lat = append(lat, time.Since(start))
			}
			report(b, lat)
		})
	}
	b.Run("cache_hit", func(b *testing.B) {
		c, _ := verify.NewRegistry(auth)
		cache := verify.NewCache(c, time.Hour, nil)
		ref := reg.Host + "/team/web:1.0"
		cache.Check(context.Background(), ref)
		lat := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			start := time.Now()
			cache.Check(context.Background(), ref)
			lat = append(lat, time.Since(start))
		}
		report(b, lat)
	})
}

func report(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e6, "p50-ms")
	b.ReportMetric(float64(lat[(len(lat)*99)/100].Nanoseconds())/1e6, "p99-ms")
}
