package verify_test

import (
	"context"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/notify"
	"github.com/tracegrid/tracegrid/shared/verify"
)

// fixedChecker answers every check with one result.
type fixedChecker struct {
	r     verify.Result
	calls int
}

func (c *fixedChecker) Check(_ context.Context, image string) verify.Result {
	c.calls++
	r := c.r
	r.Reference = image
	return r
}

func TestStageHistory(t *testing.T) {
	const img = "registry.example.com/team/web:1.4.2"
	pod := func(at time.Time, recovered bool) *failure.Failure {
		return &failure.Failure{Platform: failure.Kubernetes, Cluster: "prod", Namespace: "shop", Workload: "web", Task: "web-7d9f",
			Image: img, Time: at, Recovered: recovered, Messages: []string{ambiguous(img)}}
	}
	checker := &fixedChecker{r: verify.Result{Kind: verify.TagExists, At: at}}
	s := &verify.Stage{Checker: checker, History: notify.NewMemoryStore(nil)}
	ctx := context.Background()

	// Never seen working: the credentials are refused.
	f := pod(at, false)
	d, kind := s.Diagnose(ctx, f, classify.Classify(f))
	if kind != verify.TagExists || d.Cause != classify.RegistryAuth {
		t.Fatalf("no history: %s / %s", kind, d.Cause)
	}
	// Started at 01:00, an older Pulled at 00:30 arrives late: 01:00 stays.
	for _, started := range []time.Time{at.Add(-2*time.Hour - 12*time.Minute), at.Add(-2*time.Hour - 42*time.Minute)} {
		if err := s.Observe(ctx, pod(started, true)); err != nil {
			t.Fatal(err)
		}
	}
	d, _ = s.Diagnose(ctx, f, classify.Classify(f))
	if d.Cause != classify.RegistryTokenExpired || d.Check.LastWorked == nil || !d.Check.LastWorked.Equal(at.Add(-2*time.Hour-12*time.Minute)) {
		t.Fatalf("after a start: %s, last worked %v", d.Cause, d.Check.LastWorked)
	}
	// Another workload with the same image has no history of its own.
	other := pod(at, false)
	other.Workload = "api"
	if d, _ := s.Diagnose(ctx, other, classify.Classify(other)); d.Cause != classify.RegistryAuth {
		t.Errorf("other workload: %s", d.Cause)
	}
	// A failure that is not about pulling is never checked.
	oom := pod(at, false)
	oom.Messages = []string{"OOMKilled"}
	before := checker.calls
	if _, kind := s.Diagnose(ctx, oom, classify.Classify(oom)); kind != verify.NotChecked || checker.calls != before {
		t.Errorf("OOM was checked")
	}
	var off *verify.Stage
	if d, kind := off.Diagnose(ctx, f, classify.Classify(f)); kind != verify.NotChecked || d.Check != nil {
		t.Errorf("a nil stage checked")
	}
}
