package classify

import "math"

// The fallback model decides what no rule does. It is a naive Bayes model
// over the word features of features.go, counted on the labelled corpus
// (testdata/corpus/messages.jsonl) into model_counts.go, which
// TestModelCountsAreCurrent regenerates. Rules stay first: they name the
// exact evidence and carry high confidence; the model only turns an
// `unknown` into a low-confidence cause, with the runner-up, when the
// message shares enough words with messages of known cause. It never
// answers not_a_failure, so it can never silence a failure.

// modelRule names the fallback model where a verdict names its rule.
const modelRule = "model"

// featureCount is how many corpus messages of one cause carry one feature.
type featureCount struct {
	h     uint32
	cause uint8 // index into modelCauses
	n     uint16
}

// minModelFeatures is how many known features a message must share with
// the corpus before the model answers.
const minModelFeatures = 2

// smoothing is the additive (Laplace) smoothing of feature counts.
const smoothing = 0.2

// model holds log P(feature | cause) for every counted feature and log
// P(cause), indexed like modelCauses.
type model struct {
	hashes  []uint32  // sorted, distinct
	weights []float32 // row per hash, column per cause
	unseen  []float32 // log P(feature | cause) of a feature the cause never had
	prior   []float32
	causes  []Cause
}

var fallback = newModel(modelCauses, modelDocs, modelCounts)

// newModel turns corpus counts into log probabilities. counts must be
// sorted by hash.
func newModel(causes []Cause, docs []uint16, counts []featureCount) *model {
	nc := len(causes)
	m := &model{causes: causes, prior: make([]float32, nc), unseen: make([]float32, nc)}
	totals := make([]float64, nc)
	for i, c := range counts {
		if i == 0 || c.h != counts[i-1].h {
			m.hashes = append(m.hashes, c.h)
		}
		totals[c.cause] += float64(c.n)
	}
	vocab := float64(len(m.hashes))
	allDocs := 0.0
	for _, d := range docs {
		allDocs += float64(d)
	}
	m.weights = make([]float32, len(m.hashes)*nc)
	for c := range causes {
		m.prior[c] = float32(math.Log((float64(docs[c]) + 1) / (allDocs + float64(nc))))
		m.unseen[c] = float32(math.Log(smoothing / (totals[c] + smoothing*vocab)))
	}
	for row := range m.hashes {
		copy(m.weights[row*nc:(row+1)*nc], m.unseen)
	}
	row := -1
	for i, c := range counts {
		if i == 0 || c.h != counts[i-1].h {
			row++
		}
		m.weights[row*nc+int(c.cause)] = float32(math.Log((float64(c.n) + smoothing) / (totals[c.cause] + smoothing*vocab)))
	}
	return m
}

// maxModelCauses bounds the causes the model scores, so scores live on
// the stack.
const maxModelCauses = 32

// predict returns the likeliest cause of msg and the runner-up, or ok
// false when msg shares fewer than minModelFeatures features with the
// corpus.
func (m *model) predict(msg string) (best, second Cause, ok bool) {
	var fs featureSet
	features(msg, &fs)
	var score [maxModelCauses]float32
	nc := len(m.causes)
	copy(score[:nc], m.prior)
	known := 0
	for _, h := range fs.h[:fs.n] {
		row := m.row(h)
		if row < 0 {
			continue
		}
		known++
		for c, w := range m.weights[row*nc : (row+1)*nc] {
			score[c] += w
		}
	}
	if known < minModelFeatures {
		return "", "", false
	}
	b, s := -1, -1
	for c := 0; c < nc; c++ {
		switch {
		case b < 0 || score[c] > score[b]:
			b, s = c, b
		case s < 0 || score[c] > score[s]:
			s = c
		}
	}
	return m.causes[b], m.causes[s], true
}

// row returns the weights row of feature h, or -1.
func (m *model) row(h uint32) int {
	lo, hi := 0, len(m.hashes)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if m.hashes[mid] < h {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(m.hashes) && m.hashes[lo] == h {
		return lo
	}
	return -1
}
