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
// feature, indexed like model.causes. A cause that never had a feature
// scores unseen[cause] for it, so a feature's row holds each cause's
// difference from unseen; predict adds unseen once per known feature. Most
// features were met under few causes, and their rows are sparse, keeping
// only the causes that had it (entries); a feature most causes had (a
// common piece such as "rror") has a dense row of one byte a cause
// (dense), no larger, and summed a word at a time rather than an entry at a
// time. The rows take 300 KB, an eighth of dense float32 ones, and a
// feature costs two memory reads: its slot, then its row.
type model struct {
	slots   []featureSlot // open-addressing table by feature hash, at most three-quarters full
	entries []entry       // sparse rows, one after another
	dense   []denseRow    // dense rows, as a slot with denseMark locates them
	unseen  []float32
	prior   []float32
	causes  []Cause
	rows    int // distinct features
}

// featureSlot locates one feature's row, with loc = start<<8 | n: the
// sparse row entries[start:start+n], or when n is denseMark the dense row
// dense[start]. n == 0 marks an empty slot. Eight bytes a slot keep the
// table small enough to stay in cache.
type featureSlot struct {
	h, loc uint32
}

// rowOf splits a slot's loc into its row's start and length.
func rowOf(loc uint32) (start, n uint32) { return loc >> 8, loc & 0xff }

// denseMark is the length a slot gives a dense row.
const denseMark = 0xff

// denseMin is the fewest causes whose row is dense: from there a dense
// row (32 bytes) is about as small as a sparse one (two bytes a cause),
// and these rows are most of those predict reads (three in four on the
// corpus).
const denseMin = 12

// denseRow is a row with every cause's delta (see entry), cause c in byte
// c%8 of word c/8, and 0 for a cause that never had the feature. predict
// sums the bytes of a word in four 16-bit lanes for the even causes and
// four for the odd ones, so a row costs eight additions whatever its
// causes. 32 bytes: the corpus's table of them is large enough that Go
// allocates it page-aligned, so a row never straddles two cache lines.
type denseRow [maxModelCauses / 8]uint64

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
	if nc > maxModelCauses {
		panic("classify: too many model causes; raise maxModelCauses")
	}
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
	m.entries = make([]entry, 0, len(counts))
	for i := 0; i < len(counts); {
		j := i + 1
		for j < len(counts) && counts[j].h == counts[i].h {
			j++
		}
		dense := j-i >= denseMin
		at := m.place(counts[i].h)
		at.h = counts[i].h
		if dense {
			at.loc = uint32(len(m.dense))<<8 | denseMark
			m.dense = append(m.dense, denseRow{})
		} else {
			at.loc = uint32(len(m.entries))<<8 | uint32(j-i)
		}
		for _, c := range counts[i:j] {
			w := float32(math.Log((float64(c.n) + smoothing) / (totals[c.cause] + smoothing*vocab)))
			delta := uint8(min(255, math.Round(float64(w-m.unseen[c.cause])*deltaScale)))
			if dense {
				m.dense[len(m.dense)-1][c.cause/8] |= uint64(delta) << (8 * (c.cause % 8))
			} else {
				m.entries = append(m.entries, entry{delta: delta, cause: c.cause})
			}
		}
		i = j
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

// predictScratch is predict's working memory, 23 KB: pooled and reset,
// not zeroed afresh for every message (see hitsPool).
type predictScratch struct {
	fs     featureSet
	sparse [maxFeatures]uint32 // the known features' sparse rows' locations
	dense  [maxFeatures]uint32 // the known features' dense rows
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
	fs := &sc.fs
	features(msg, fs)
	// The slot look-ups are independent of one another: done first, their
	// cache misses overlap; the rows they locate are summed after, sparse
	// and dense apart. The sums are of integers, so their order changes
	// nothing.
	nsparse, ndense, words := 0, 0, 0
	for i, h := range fs.h[:fs.n] {
		sl := m.find(h)
		if sl == nil {
			continue
		}
		if start, n := rowOf(sl.loc); n == denseMark {
			sc.dense[ndense] = start
			ndense++
		} else {
			sc.sparse[nsparse] = sl.loc
			nsparse++
		}
		if fs.word[i] {
			words++
		}
	}
	if words < minModelWords {
		return "", "", false
	}
	var fixed [maxModelCauses]int32
	for _, loc := range sc.sparse[:nsparse] {
		start, n := rowOf(loc)
		for _, e := range m.entries[start : start+n] {
			fixed[e.cause&(maxModelCauses-1)] += int32(e.delta)
		}
	}
	m.sumDense(sc.dense[:ndense], &fixed)
	known := nsparse + ndense
	var score [maxModelCauses]float32
	nc := len(m.causes)
	copy(score[:nc], m.prior)
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

// evenBytes selects bytes 0, 2, 4 and 6 of a word, each in a 16-bit lane.
const evenBytes = 0x00ff00ff00ff00ff

// sumDense adds the dense rows rows into fixed. A 16-bit lane holds 257
// bytes' sum, so the lanes are emptied into fixed every 256 rows.
func (m *model) sumDense(rows []uint32, fixed *[maxModelCauses]int32) {
	var even, odd denseRow
	for k, r := range rows {
		row := &m.dense[r]
		for w, v := range row {
			even[w] += v & evenBytes
			odd[w] += v >> 8 & evenBytes
		}
		if k%256 == 255 || k == len(rows)-1 {
			for w := range even {
				for l := range 4 {
					fixed[8*w+2*l] += int32(even[w] >> (16 * l) & 0xffff)
					fixed[8*w+2*l+1] += int32(odd[w] >> (16 * l) & 0xffff)
				}
			}
			even, odd = denseRow{}, denseRow{}
		}
	}
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
