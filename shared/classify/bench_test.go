package classify

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tracegrid/tracegrid/shared/failure"
)

// corpusMessages loads the shared corpus for the benchmarks.
func corpusMessages(b testing.TB) []sample {
	s := loadSamples(b, corpusPath)
	if len(s) == 0 {
		b.Fatal("empty corpus")
	}
	return s
}

// BenchmarkClassifyCorpus measures the decision path the CLI's classify
// command and the functions use: one op is one corpus message.
func BenchmarkClassifyCorpus(b *testing.B) {
	samples := corpusMessages(b)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		s := &samples[i%len(samples)]
		if d := Text(s.Platform, s.Message); d.Cause == "" {
			b.Fatal("empty cause")
		}
	}
	reportRates(b, cpu0)
}

// reportRates reports messages per wall-clock second and per CPU second (one
// op is one message, on one goroutine, so CPU seconds are core seconds).
func reportRates(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "msgs/cpu-s")
	}
}

// BenchmarkStart measures what every cold start pays before the first
// message: building the phrase automaton and reading the model's counts.
func BenchmarkStart(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		newAutomaton(eng.ac.phrase, eng.ac.wrap)
		newModel(parseCounts(modelCounts))
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/start")
}

// BenchmarkClassifyFailure measures Classify on a whole Failure, including
// command rendering (which allocates by design).
func BenchmarkClassifyFailure(b *testing.B) {
	f := &failure.Failure{Platform: failure.Kubernetes, Account: "acme-prod", Region: "europe-west1", Cluster: "main",
		Namespace: "shop", Workload: "deployment/api", Task: "api-7d9f8-x2k4q", Container: "api",
		Messages: []string{`Failed to pull image "oamdev/vela-core:0.3.1": rpc error: code = Unknown desc = Error response from daemon: manifest for oamdev/vela-core:0.3.1 not found: manifest unknown: manifest unknown`}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Classify(f)
	}
}

// naiveRule is a rule as a plain regexp list, with no keyword prefilter.
type naiveRule struct {
	cause  Cause
	groups []*regexp.Regexp
	not    *regexp.Regexp
	re     matcher
}

// alt compiles phrases into one case-insensitive alternation.
func alt(phrases []string) *regexp.Regexp {
	q := make([]string, len(phrases))
	for i, p := range phrases {
		q[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?i)(?:` + strings.Join(q, "|") + `)`)
}

// naiveFailureWords is failureWords as a regexp, for the baseline's
// ordinary-event check.
var naiveFailureWords = alt(failureWords)

// naiveRules compiles the same rule table into case-insensitive regexps.
func naiveRules() []naiveRule {
	out := make([]naiveRule, len(rules))
	for i, r := range rules {
		n := naiveRule{cause: r.cause, re: r.re}
		for _, g := range r.when {
			n.groups = append(n.groups, alt(g))
		}
		if len(r.not) > 0 {
			n.not = alt(r.not)
		}
		out[i] = n
	}
	return out
}

// naiveClassify runs every rule's regexps one after another, first match
// wins; a message no rule matches and without failure wording is ordinary.
func naiveClassify(nr []naiveRule, msg string) Cause {
next:
	for _, r := range nr {
		for _, g := range r.groups {
			if !g.MatchString(msg) {
				continue next
			}
		}
		if r.not != nil && r.not.MatchString(msg) {
			continue
		}
		if r.re != nil && !r.re.MatchString(msg) {
			continue
		}
		return r.cause
	}
	if strings.TrimSpace(msg) != "" && !naiveFailureWords.MatchString(msg) {
		return NotAFailure
	}
	return Unknown
}

// BenchmarkNaiveBaseline is the baseline for BenchmarkClassifyCorpus: the
// same rule list as plain regexps matched one after another.
func BenchmarkNaiveBaseline(b *testing.B) {
	samples := corpusMessages(b)
	nr := naiveRules()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		s := &samples[i%len(samples)]
		if naiveClassify(nr, s.Message) == "" {
			b.Fatal("empty cause")
		}
	}
	reportRates(b, cpu0)
}

// TestHotPathAllocations pins issue 8's budget: deciding a message allocates
// at most 2 times on average (regexp confirmation may borrow a matcher).
func TestHotPathAllocations(t *testing.T) {
	samples := corpusMessages(t)
	i := 0
	avg := testing.AllocsPerRun(len(samples)*4, func() {
		s := &samples[i%len(samples)]
		i++
		Text(s.Platform, s.Message)
	})
	t.Logf("allocations per message: %.2f", avg)
	if avg > 2 {
		t.Errorf("%.2f allocations per message, budget is 2", avg)
	}
}

// TestNaiveBaselineAgrees checks the baseline decides like the engine where
// no reason, exit code or registry is involved, so the benchmark compares
// like with like. Messages the fallback model decides are left out: the
// baseline has no model.
func TestNaiveBaselineAgrees(t *testing.T) {
	nr := naiveRules()
	same, total := 0, 0
	for _, s := range corpusMessages(t) {
		if decide(s.Platform, "", []string{s.Message}, nil, 0, false, "", false).rule == modelRule {
			continue
		}
		total++
		if naiveClassify(nr, s.Message) == Text(s.Platform, s.Message).Cause {
			same++
		}
	}
	t.Logf("baseline agrees on %d of %d corpus messages the rules decide", same, total)
	if same*10 < total*8 {
		t.Errorf("baseline agrees on only %d of %d", same, total)
	}
}
