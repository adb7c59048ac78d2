package classify

import "github.com/tracegrid/tracegrid/shared/failure"

// Classify names the root cause of f and renders its fix.
// (Placeholder: the rule engine replaces this.)
func Classify(f *failure.Failure) Diagnosis {
	return Diagnosis{Cause: Unknown, Title: "Unrecognised failure", Confidence: Low, Evidence: f.Message()}
}
