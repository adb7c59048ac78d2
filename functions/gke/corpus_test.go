package gke

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/kube"
)

// eventField matches corpus fields such as "event message (Failed)" or
// "node event message (OOMKilling, kernel-monitor)": messages Kubernetes put in an
// Event with that reason.
var eventField = regexp.MustCompile(`^(?:node )?event message \((\w+)`)

// TestCorpusThroughPubSub wraps every Kubernetes event message of the
// corpus in a GKE LogEntry with its reason, publishes it (Pub/Sub
// MessagePublishedData), decodes it, and checks the decoded failure gets
// the corpus cause wherever the bare message does: decoding loses nothing
// the classifier needs.
func TestCorpusThroughPubSub(t *testing.T) {
	f, err := os.Open("../../testdata/corpus/messages.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	checked := 0
	for line := 1; sc.Scan(); line++ {
		var m struct{ Platform, Field, Message, Cause, Source string }
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		r := eventField.FindStringSubmatch(m.Field)
		if m.Platform != "kubernetes" || r == nil {
			continue
		}
		reason := r[1]
		bare := classify.Classify(&failure.Failure{Platform: failure.Kubernetes, Reason: reason, Messages: []string{m.Message}})
		if string(bare.Cause) != m.Cause {
			continue // the classifier's own corpus test covers this one
		}
		got, err := Decode(messagePublished(withEvent(t, "corpus", reason, m.Message, ""), "1"))
		switch (kube.Event{Reason: reason, Message: m.Message, InvolvedObject: kube.ObjectRef{Kind: "Pod"}}).Signal() {
		case kube.SignalIgnore:
			// Routine events, and reasons from controllers outside
			// Kubernetes' own (crossplane's UnpackPackage, ...), are not
			// container failures: never posted.
			if err != nil || len(got) != 0 {
				t.Errorf("line %d (%s): reason %s posts %v, %v", line, m.Source, reason, got, err)
			}
			continue
		case kube.SignalRecovery:
			// A pod's Pulled or Started resolves an incident; it is no failure.
			if err != nil || len(got) != 1 || !got[0].Recovered {
				t.Errorf("line %d (%s): reason %s decodes to %v, %v, want one recovery", line, m.Source, reason, got, err)
			}
			continue
		}
		if err != nil || len(got) != 1 {
			t.Errorf("line %d (%s): Decode = %v, %v", line, m.Source, got, err)
			continue
		}
		checked++
		if d := classify.Classify(got[0]); string(d.Cause) != m.Cause {
			t.Errorf("line %d (%s): decoded event classified %s, corpus says %s", line, m.Source, d.Cause, m.Cause)
		}
	}
	if checked < 20 {
		t.Errorf("only %d corpus event messages checked", checked)
	}
	t.Logf("%d corpus event messages decoded and classified", checked)
}
