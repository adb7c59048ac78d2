package classify

import (
	"strings"
	"testing"
)

// sameHits reports how got differs from want ("" when it does not): the
// phrases found, where each first and last starts, and the wrappers kept.
func sameHits(got, want *hits) string {
	if got.bits != want.bits {
		return "phrases found differ"
	}
	for id := range maxKeywords {
		if want.has(kwID(id)) && (got.first[id] != want.first[id] || got.last[id] != want.last[id]) {
			return "offsets of " + eng.ac.phrase[id] + " differ"
		}
	}
	if got.nwraps != want.nwraps {
		return "wrapper count differs"
	}
	for k := range want.nwraps {
		if got.wraps[k] != want.wraps[k] {
			return "wrappers differ"
		}
	}
	return ""
}

// checkSplitScan fails t unless scanning msg in parts (scan) finds
// exactly what one chain from the start (run) finds.
func checkSplitScan(t *testing.T, msg string) {
	t.Helper()
	got, want := getHits(), getHits()
	defer putHits(got)
	defer putHits(want)
	eng.ac.scan(msg, got)
	eng.ac.run(msg, 0, len(msg), 0, want)
	if d := sameHits(got, want); d != "" {
		t.Fatalf("split scan: %s\nmessage: %.200q", d, msg)
	}
}

// TestScanSplitIsOneChain: a message scanned in parts records the same
// phrases, offsets and wrappers as one chain does. The corpus's messages,
// alone and joined in pairs, a message with more phrase ends than a part's
// chain holds back, and a phrase stretched by backslashes over more than a
// trail (and longer than any phrase) across a part's start.
func TestScanSplitIsOneChain(t *testing.T) {
	samples := loadSamples(t, corpusPath)
	for i, s := range samples {
		checkSplitScan(t, s.Message)
		checkSplitScan(t, s.Message+": "+samples[(i*7919+1)%len(samples)].Message)
	}
	checkSplitScan(t, strings.Repeat("failed to pull image: rpc error: code = Unknown desc = ", 40))
	checkSplitScan(t, strings.Repeat("x", 150)+"no spa"+strings.Repeat(`\`, 300)+"ce left on device"+strings.Repeat("y", 50))
}

// FuzzScanSplit: for any text, the split scan and one chain agree.
func FuzzScanSplit(f *testing.F) {
	f.Add(strings.Repeat("Error response from daemon: ", 12) + "manifest unknown")
	f.Add(strings.Repeat("x", 300) + "no space left on device")
	f.Fuzz(func(t *testing.T, msg string) {
		checkSplitScan(t, msg)
	})
}
