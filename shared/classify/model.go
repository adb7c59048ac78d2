package classify

import (
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
)

// The fallback model decides what no rule does. It is a naive Bayes model
// over the features of features.go, counted on the labelled corpus
// (testdata/corpus/messages.jsonl) into model_counts.txt, which
// TestModelCountsAreCurrent regenerates. Rules stay first: they name the
// exact evidence and carry high confidence; the model answers at low
// confidence, with the runner-up, when the message shares enough words with
// the corpus. Its answer may be `unknown`: an error of a tool or a caller
// that no rule names reads most like the corpus's other such errors
// (5-fold cross-validation by source: 6,408 of 7,721 right with unknown
// among its answers, 6,402 without, when it was added; on a smaller corpus
// it had cost 2). It never answers not_a_failure, so it can never silence
// a failure.

// modelRule names the fallback model where a verdict names its rule.
const modelRule = "model"

// featureCount is how many corpus messages of one cause carry one feature.
type featureCount struct {
	h     uint32
	cause uint8 // index into model.causes
	n     uint16
}

// minModelWords is how many known words (not four-byte pieces, which
// any text shares with the corpus) a message must share with the corpus
// before the model answers.
const minModelWords = 2

// smoothing is the additive (Laplace) smoothing of feature counts.
const smoothing = 0.1

// model holds log P(cause), and log P(feature | cause) for every counted
// feature, indexed like model.causes. A feature's row is sparse: a cause that
// never had the feature scores unseen[cause] for it, so a row keeps only
// the causes that had it, as the difference from unseen; predict adds
// unseen once per known feature. Rows are a fifth the size of dense ones,
// and a feature costs two memory reads: its slot, then its row.
type model struct {
	slots   []featureSlot // open-addressing table by feature hash, at most three-quarters full
	entries []entry       // rows, one after another
	unseen  []float32
	prior   []float32
	causes  []Cause
	rows    int // distinct features
}

// featureSlot locates one feature's row: entries[start:start+n], with
// loc = start<<8 | n. n == 0 marks an empty slot. Eight bytes a slot keep
// the table small enough to stay in cache.
type featureSlot struct {
	h, loc uint32
}

// rowOf splits a slot's loc into its row's start and length.
func rowOf(loc uint32) (start, n uint32) { return loc >> 8, loc & 0xff }

// entry is one cause's weight in a row, less unseen[cause], in
// fixed point (deltaScale). The difference is never negative (a cause
// that had the feature scores above one that never did) and under ten,
// so a byte holds it: two bytes an entry keep the rows, with the slots,
// about the size of a level-2 cache, and the rounding (at most 1/48 a
// feature) changes no answer on the corpus or in cross-validation.
type entry struct {
	delta uint8
	cause uint8
}

// deltaScale is the fixed-point scale of entry.delta. The difference is
// log((n+smoothing)/smoothing) for a feature n messages of the cause had;
// a byte holds it up to n of about 4,000, and newModel caps it there.
const deltaScale = 24

// modelCounts is the generated count file: a comment line, then
//
//	causes <cause> <cause> ...   the causes the model answers, in column order
//	docs <n> <n> ...             corpus messages per cause
//	<hash> <col>:<n> ...         per feature (hex hash, ascending): messages per cause carrying it
//
//go:embed model_counts.txt
var modelCounts string

var fallback = newModel(parseCounts(modelCounts))

// parseCounts reads the count file. It is generated and checked by
// TestModelCountsAreCurrent, so a malformed file is a build defect and
// panics at start. It runs at every cold start, so it cuts the text in
// place rather than splitting it into fields.
func parseCounts(text string) ([]Cause, []uint16, []featureCount) {
	var causes []Cause
	var docs []uint16
	counts := make([]featureCount, 0, strings.Count(text, ":"))
	for n := 0; text != ""; n++ {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		head, rest, _ := strings.Cut(line, " ")
		switch {
		case line == "" || line[0] == '#':
		case head == "causes":
			for _, c := range strings.Fields(rest) {
				causes = append(causes, Cause(c))
			}
		case head == "docs":
			for _, d := range strings.Fields(rest) {
				docs = append(docs, uint16(mustUint(d, 10, 16, n)))
			}
		default:
			h := uint32(mustUint(head, 16, 32, n))
			for rest != "" {
				var f string
				f, rest, _ = strings.Cut(rest, " ")
				col, cnt, _ := strings.Cut(f, ":")
				counts = append(counts, featureCount{h: h, cause: uint8(mustUint(col, 10, 8, n)), n: uint16(mustUint(cnt, 10, 16, n))})
			}
		}
	}
	return causes, docs, counts
}

// mustUint parses a field of the count file's line n (from 0).
func mustUint(s string, base, bits, n int) uint64 {
	v, err := strconv.ParseUint(s, base, bits)
	if err != nil {
		panic(fmt.Sprintf("classify: model_counts.txt line %d: %v", n+1, err))
	}
	return v
}

// newModel turns corpus counts into log probabilities. counts must be
// sorted by hash.
func newModel(causes []Cause, docs []uint16, counts []featureCount) *model {
	nc := len(causes)
	m := &model{causes: causes, prior: make([]float32, nc), unseen: make([]float32, nc)}
	totals := make([]float64, nc)
	for i, c := range counts {
		if i == 0 || c.h != counts[i-1].h {
			m.rows++
		}
		totals[c.cause] += float64(c.n)
	}
	vocab := float64(m.rows)
	allDocs := 0.0
	for _, d := range docs {
		allDocs += float64(d)
	}
	for c := range causes {
		m.prior[c] = float32(math.Log((float64(docs[c]) + 1) / (allDocs + float64(nc))))
		m.unseen[c] = float32(math.Log(smoothing / (totals[c] + smoothing*vocab)))
	}
	// Up to three-quarters full: short enough probes, and a table that
	// stays a power of two in size past 21,845 features.
	size := 1
	for 3*size < 4*m.rows+3 {
		size <<= 1
	}
	m.slots = make([]featureSlot, size)
	m.entries = make([]entry, len(counts))
	var at *featureSlot
	for i, c := range counts {
		if at == nil || c.h != at.h {
			at = m.place(c.h)
			at.h, at.loc = c.h, uint32(i)<<8
		}
		at.loc++
		w := float32(math.Log((float64(c.n) + smoothing) / (totals[c.cause] + smoothing*vocab)))
		m.entries[i] = entry{delta: uint8(min(255, math.Round(float64(w-m.unseen[c.cause])*deltaScale))), cause: c.cause}
	}
	return m
}

// place returns the empty slot where feature h goes.
func (m *model) place(h uint32) *featureSlot {
	mask := uint32(len(m.slots) - 1)
	i := mix(h) & mask
	for m.slots[i].loc != 0 {
		i = (i + 1) & mask
	}
	return &m.slots[i]
}

// maxModelCauses bounds the causes the model scores, so scores live on
// the stack.
const maxModelCauses = 32

// predictScratch is predict's working memory, 21 KB: pooled and reset,
// not zeroed afresh for every message (see hitsPool).
type predictScratch struct {
	fs   featureSet
	rows [maxFeatures]uint32 // the known features' row locations; only [:known] is read
}

var scratchPool = sync.Pool{New: func() any { return new(predictScratch) }}

// predict returns the likeliest cause of msg and the runner-up, or ok
// false when msg shares fewer than minModelWords words with the
// corpus.
func (m *model) predict(msg string) (best, second Cause, ok bool) {
	sc := scratchPool.Get().(*predictScratch)
	defer func() {
		sc.fs.reset()
		scratchPool.Put(sc)
	}()
	fs, rows := &sc.fs, &sc.rows
	features(msg, fs)
	var score [maxModelCauses]float32
	var fixed [maxModelCauses]int32
	nc := len(m.causes)
	copy(score[:nc], m.prior)
	// The slot look-ups are independent of one another: done first, their
	// cache misses overlap; the rows they locate are summed after.
	known, words := 0, 0
	for i, h := range fs.h[:fs.n] {
		sl := m.find(h)
		if sl == nil {
			continue
		}
		rows[known] = sl.loc
		known++
		if fs.word[i] {
			words++
		}
	}
	if words < minModelWords {
		return "", "", false
	}
	for _, loc := range rows[:known] {
		start, n := rowOf(loc)
		for _, e := range m.entries[start : start+n] {
			fixed[e.cause&(maxModelCauses-1)] += int32(e.delta)
		}
	}
	for c := 0; c < nc; c++ {
		score[c] += float32(known)*m.unseen[c] + float32(fixed[c])/deltaScale
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

// find returns the slot of feature h, or nil.
func (m *model) find(h uint32) *featureSlot {
	mask := uint32(len(m.slots) - 1)
	for i := mix(h) & mask; ; i = (i + 1) & mask {
		sl := &m.slots[i]
		if sl.loc == 0 {
			return nil
		}
		if sl.h == h {
			return sl
		}
	}
}

// mix spreads a feature hash's bits over the table's low bits.
func mix(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x7feb352d
	h ^= h >> 15
	return h
}
