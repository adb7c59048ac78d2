package classify

// This file holds the keyword prefilter: one Aho-Corasick automaton over
// every phrase the rules, wrappers and image markers mention. A message is
// scanned once, byte by byte (in parts, in step, see scan),
// folding ASCII case through a table (no lowered copy), and the scan
// records which phrases occur and where. Rules are then
// decided from those hits; only the few rules whose phrases all occurred run
// their (optional) regexp.

import (
	mathbits "math/bits"
	"sync"
)

// maxKeywords bounds the phrase table so a scan's hit set is a fixed-size
// value (pooled, see hitsPool).
const maxKeywords = 2048

// nextTerm marks an entry of the scan table whose next state ends a phrase.
const nextTerm = 1 << 15

// maxWraps bounds how many wrapper occurrences one scan remembers.
const maxWraps = 16

// kwID indexes the phrase table.
type kwID uint16

// hits is what one scan of one message found. The zero value is empty.
type hits struct {
	bits [maxKeywords / 64]uint64
	// first and last are the byte offsets where each phrase first and last
	// starts; valid only where the bit is set.
	first [maxKeywords]int32
	last  [maxKeywords]int32
	// wraps are wrapper occurrences, in message order (the last maxWraps).
	wraps  [maxWraps]wrapHit
	nwraps int
}

// wrapHit is one wrapper occurrence: which wrapper and where its match ends.
type wrapHit struct {
	id  kwID
	end int32
}

func (h *hits) has(id kwID) bool { return h.bits[id>>6]&(1<<(id&63)) != 0 }

// hitsPool recycles scan results. A hits is 16 KB, and zeroing a new one
// for every message (with predict's scratch, below) cost some 190 level-1
// cache misses a message (cachegrind); reset clears only what a scan sets.
var hitsPool = sync.Pool{New: func() any { return new(hits) }}

// getHits returns an empty hits; putHits gives it back once its scan's
// results are no longer read.
func getHits() *hits { return hitsPool.Get().(*hits) }

func putHits(h *hits) {
	h.reset()
	hitsPool.Put(h)
}

// reset empties h: first and last are read only where a bit is set.
func (h *hits) reset() {
	h.bits = [maxKeywords / 64]uint64{}
	h.nwraps = 0
}

// candidates returns the rules whose first group has a phrase in h: the
// only rules that can match.
func (h *hits) candidates() ruleSet {
	var c ruleSet
	for w, bits := range h.bits {
		for bits != 0 {
			id := w*64 + mathbits.TrailingZeros64(bits)
			bits &= bits - 1
			c.union(&eng.rulesOf[id])
		}
	}
	return c
}

// automaton is a dense Aho-Corasick DFA over a compressed alphabet.
type automaton struct {
	class [256]uint8 // byte -> alphabet class; 0 means "no phrase uses it"
	// A row is 1<<shift entries: the number of classes rounded up to a
	// power of two, so that a step finds its row with a shift, not a
	// multiply on the chain of dependent loads (64 today: 62 phrase bytes,
	// 0 and the backslash; one more class would double the table).
	shift uint
	// next maps state<<shift|class to the next state, with nextTerm set
	// when a phrase ends there. Sixteen-bit entries halve the table (about
	// 3.8 MB for 1,893 phrases, more than a level-2 cache; keeping full rows
	// only near the root shrank it but scanned no faster, and numbering
	// states breadth-first rather than in insertion order scanned slower).
	next []uint16
	// outs[outAt[s]:outAt[s+1]] are the phrases ending at state s, fail-link
	// outputs merged: one flat array, four bytes a state to find them.
	outAt  []uint32
	outs   []kwID
	phrase []string // lower-case phrase per id
	wrap   []bool   // whether a phrase is an error wrapper
}

// newAutomaton builds the DFA for phrases (already lower case, distinct).
func newAutomaton(phrases []string, wrap []bool) *automaton {
	if len(phrases) > maxKeywords {
		panic("classify: too many keywords; raise maxKeywords")
	}
	a := &automaton{phrase: phrases, wrap: wrap}
	// Alphabet: every distinct byte used by a phrase, both cases mapped.
	next := uint8(1)
	for _, p := range phrases {
		for i := 0; i < len(p); i++ {
			c := p[i]
			if a.class[c] == 0 {
				a.class[c] = next
				if 'a' <= c && c <= 'z' {
					a.class[c-'a'+'A'] = next
				}
				next++
			}
		}
	}
	// A backslash is a class of its own whose every transition stays in
	// place: escaped quotes (`\"`, `\\\"` in JSON logs and nested errors)
	// read as the quotes the phrases hold.
	a.class['\\'] = next
	next++
	a.shift = uint(mathbits.Len(uint(next - 1)))
	// The trie, in the table that becomes the transition function: a
	// state's row holds its children (0, the root, is nobody's child).
	// No maps: this runs at every cold start.
	size := 1
	for _, p := range phrases {
		size += len(p)
	}
	w := 1 << a.shift
	delta := make([]int32, size*w)
	var out [][]kwID
	out = append(out, nil)
	for id, p := range phrases {
		s := 0
		for i := 0; i < len(p); i++ {
			at := s*w + int(a.class[p[i]])
			if delta[at] == 0 {
				delta[at] = int32(len(out))
				out = append(out, nil)
			}
			s = int(delta[at])
		}
		out[s] = append(out[s], kwID(id))
	}
	if len(out) >= nextTerm {
		panic("classify: keyword automaton too large")
	}
	delta = delta[:len(out)*w]
	// Breadth-first, each row turned from children into the full
	// transition function (a missing child goes where the fail link's row
	// goes), fail links set and outputs merged along them.
	fail := make([]int32, len(out))
	queue := make([]int32, 1, len(out))
	for k := 0; k < len(queue); k++ {
		s := int(queue[k])
		if s != 0 {
			out[s] = append(out[s], out[fail[s]]...)
		}
		for c := 0; c < w; c++ {
			if n := delta[s*w+c]; n != 0 {
				if s != 0 {
					fail[n] = delta[int(fail[s])*w+c]
				}
				queue = append(queue, n)
			} else if s != 0 {
				delta[s*w+c] = delta[int(fail[s])*w+c]
			}
		}
	}
	// The scan table: next states by number, marked where a phrase ends
	// (fail-link outputs are merged by now).
	total := 0
	for _, ids := range out {
		total += len(ids)
	}
	a.outAt = make([]uint32, len(out)+1)
	a.outs = make([]kwID, 0, total)
	for s, ids := range out {
		a.outs = append(a.outs, ids...)
		a.outAt[s+1] = uint32(len(a.outs))
	}
	a.next = make([]uint16, len(delta))
	for i, n := range delta {
		a.next[i] = uint16(n)
		if len(out[n]) > 0 {
			a.next[i] |= nextTerm
		}
	}
	// A backslash stays where it is, reporting nothing again.
	bs := int(a.class['\\'])
	for s := range out {
		a.next[s*w+bs] = uint16(s)
	}
	return a
}

// found reports whether any phrase occurs in msg.
func (a *automaton) found(msg string) bool {
	state := 0
	for i := 0; i < len(msg); i++ {
		v := a.next[state<<(a.shift&63)|int(a.class[msg[i]])]
		if v&nextTerm != 0 {
			return true
		}
		state = int(v)
	}
	return false
}

// scan records every phrase occurring in msg into h (which must be empty).
//
// Each byte's step waits on the previous one's table load, and a varied
// stream of messages misses the cache on many of them; one chain leaves the
// core idle through each miss. A message is therefore cut into parts (two,
// or four when it is long), each scanned by its own chain from the root,
// all in one loop, so that their misses overlap. A chain that starts at
// the root mid-message knows nothing of the bytes before its part, so its
// states differ from one scan's until the phrase prefix that one scan would
// be following lies inside the part; from then on they are the same, state
// for state. So each chain keeps its states over its first bytes (trail)
// and holds back the phrase ends it meets (ends); after the loop the
// chain before it runs on into its part until the two agree (a few bytes,
// the depth of the state the part starts in), recording as one scan would,
// and only the part chain's ends after that point are recorded. h comes
// out as a single scan from the start leaves it.
func (a *automaton) scan(msg string, h *hits) {
	switch n := len(msg); {
	case n < 2*splitMin:
		a.run(msg, 0, len(msg), 0, h)
	case n < 4*splitMin:
		var ps [1]part
		a.scan2(msg, h, &ps)
	default:
		var ps [3]part
		a.scan4(msg, h, &ps)
	}
}

// splitMin is the shortest part scan cuts a message into: below that the
// parts' catching up costs more than the overlap saves.
const splitMin = 32

// trailLen is how many of its first states a part's chain keeps. The chain
// before it agrees with it within the longest phrase's length into the
// part (80 bytes today; deeper than that no phrase prefix goes), unless
// backslashes, which leave a state in place, stretch a prefix; a part whose
// chain never agrees within its trail is rescanned by the chain before it.
const trailLen = 96

// maxPending bounds the phrase ends a part's chain holds back; a part with
// more is rescanned by the chain before it.
const maxPending = 64

// part is what one chain of a split scan, started at the root at byte from,
// found in the bytes [from, to).
type part struct {
	from, to int
	state    int                   // the state after byte to-1
	trail    [trailLen]uint16      // the state after each of the first bytes
	ends     [maxPending]phraseEnd // phrase ends, in message order
	n        int                   // len(ends); maxPending+1 when they overflowed
}

// phraseEnd is a phrase end a part's chain met: the state it reached and
// the offset of the byte that reached it.
type phraseEnd struct{ state, i int32 }

// end holds back the phrase end at byte i in state s.
func (p *part) end(s, i int) {
	if p.n < maxPending {
		p.ends[p.n] = phraseEnd{int32(s), int32(i)}
	}
	p.n = min(p.n+1, maxPending+1)
}

// scan2 scans msg as two parts, its halves.
func (a *automaton) scan2(msg string, h *hits, ps *[1]part) {
	n := len(msg)
	half := n / 2
	p1 := &ps[0]
	p1.from, p1.to = half, n
	sh := a.shift & 63 // known below 64: one shift instruction
	s0, s1 := 0, 0
	for i := 0; i < half; i++ {
		v0 := a.next[s0<<sh|int(a.class[msg[i]])]
		v1 := a.next[s1<<sh|int(a.class[msg[half+i]])]
		s0, s1 = int(v0&^nextTerm), int(v1&^nextTerm)
		if i < trailLen {
			p1.trail[i] = uint16(s1)
		}
		if v0&nextTerm != 0 {
			a.record(s0, i, h)
		}
		if v1&nextTerm != 0 {
			p1.end(s1, half+i)
		}
	}
	if n&1 != 0 {
		p1.state = a.runPart(msg, p1, n-1, s1)
	} else {
		p1.state = s1
	}
	a.join(msg, s0, ps[:], h)
}

// scan4 scans msg as four parts, its quarters (the last takes the
// remainder).
func (a *automaton) scan4(msg string, h *hits, ps *[3]part) {
	n := len(msg)
	q := n / 4
	p1, p2, p3 := &ps[0], &ps[1], &ps[2]
	p1.from, p1.to = q, 2*q
	p2.from, p2.to = 2*q, 3*q
	p3.from, p3.to = 3*q, n
	sh := a.shift & 63 // known below 64: one shift instruction
	s0, s1, s2, s3 := 0, 0, 0, 0
	for i := 0; i < q; i++ {
		v0 := a.next[s0<<sh|int(a.class[msg[i]])]
		v1 := a.next[s1<<sh|int(a.class[msg[q+i]])]
		v2 := a.next[s2<<sh|int(a.class[msg[2*q+i]])]
		v3 := a.next[s3<<sh|int(a.class[msg[3*q+i]])]
		s0, s1, s2, s3 = int(v0&^nextTerm), int(v1&^nextTerm), int(v2&^nextTerm), int(v3&^nextTerm)
		if i < trailLen {
			p1.trail[i], p2.trail[i], p3.trail[i] = uint16(s1), uint16(s2), uint16(s3)
		}
		if (v0|v1|v2|v3)&nextTerm != 0 {
			if v0&nextTerm != 0 {
				a.record(s0, i, h)
			}
			if v1&nextTerm != 0 {
				p1.end(s1, q+i)
			}
			if v2&nextTerm != 0 {
				p2.end(s2, 2*q+i)
			}
			if v3&nextTerm != 0 {
				p3.end(s3, 3*q+i)
			}
		}
	}
	p1.state, p2.state = s1, s2
	p3.state = a.runPart(msg, p3, 4*q, s3)
	a.join(msg, s0, ps[:], h)
}

// runPart runs p's chain on from byte i in state s to the part's end,
// as the split loop does, and returns the state it ends in.
func (a *automaton) runPart(msg string, p *part, i, s int) int {
	sh := a.shift & 63 // known below 64: one shift instruction
	for ; i < p.to; i++ {
		v := a.next[s<<sh|int(a.class[msg[i]])]
		s = int(v &^ nextTerm)
		if k := i - p.from; k < trailLen {
			p.trail[k] = uint16(s)
		}
		if v&nextTerm != 0 {
			p.end(s, i)
		}
	}
	return s
}

// join records the parts' phrase ends in message order, once the first
// part (recorded as it was scanned) has ended in state s: the chain runs
// on into each part until it agrees with the part's chain, then takes up
// that chain's state and its ends after that point.
func (a *automaton) join(msg string, s int, ps []part, h *hits) {
	sh := a.shift & 63 // known below 64: one shift instruction
	for k := range ps {
		p := &ps[k]
		i, agreed := p.from, false
		if p.n <= maxPending {
			for stop := min(p.to, p.from+trailLen); i < stop; i++ {
				v := a.next[s<<sh|int(a.class[msg[i]])]
				s = int(v &^ nextTerm)
				if v&nextTerm != 0 {
					a.record(s, i, h)
				}
				if s == int(p.trail[i-p.from]) {
					agreed = true
					break
				}
			}
		}
		if !agreed {
			s = a.run(msg, i, p.to, s, h)
			continue
		}
		for _, e := range p.ends[:p.n] {
			if int(e.i) > i {
				a.record(int(e.state), int(e.i), h)
			}
		}
		s = p.state
	}
}

// run scans msg[from:to] in one chain from state s, recording every phrase
// that ends in it, and returns the state it ends in.
func (a *automaton) run(msg string, from, to, s int, h *hits) int {
	sh := a.shift & 63 // known below 64: one shift instruction
	for i := from; i < to; i++ {
		v := a.next[s<<sh|int(a.class[msg[i]])]
		s = int(v &^ nextTerm)
		if v&nextTerm != 0 {
			a.record(s, i, h)
		}
	}
	return s
}

// record notes the phrases ending at byte i, where the scan reached state.
func (a *automaton) record(state, i int, h *hits) {
	for _, id := range a.outs[a.outAt[state]:a.outAt[state+1]] {
		at := int32(i + 1 - len(a.phrase[id]))
		if !h.has(id) {
			h.bits[id>>6] |= 1 << (id & 63)
			h.first[id] = at
		}
		h.last[id] = at
		if a.wrap[id] {
			if h.nwraps == maxWraps {
				copy(h.wraps[:], h.wraps[1:])
				h.nwraps--
			}
			h.wraps[h.nwraps] = wrapHit{id: id, end: int32(i + 1)}
			h.nwraps++
		}
	}
}
