package classify

// This file holds the keyword prefilter: one Aho-Corasick automaton over
// every phrase the rules, wrappers and image markers mention. A message is
// scanned once, byte by byte (a long one as two halves in step, see scan),
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
	width int        // number of classes
	// next maps state*width+class to the next state, with nextTerm set
	// when a phrase ends there. Sixteen-bit entries halve the table (about
	// 3.7 MB for 1,867 phrases, more than a level-2 cache; keeping full rows
	// only near the root shrank it but scanned no faster, and numbering
	// states breadth-first rather than in insertion order scanned slower).
	next []uint16
	// outs[outAt[s]:outAt[s+1]] are the phrases ending at state s, fail-link
	// outputs merged: one flat array, four bytes a state to find them.
	outAt  []uint32
	outs   []kwID
	phrase []string // lower-case phrase per id
	maxLen int      // the longest phrase's length
	wrap   []bool   // whether a phrase is an error wrapper
}

// newAutomaton builds the DFA for phrases (already lower case, distinct).
func newAutomaton(phrases []string, wrap []bool) *automaton {
	if len(phrases) > maxKeywords {
		panic("classify: too many keywords; raise maxKeywords")
	}
	a := &automaton{phrase: phrases, wrap: wrap}
	for _, p := range phrases {
		a.maxLen = max(a.maxLen, len(p))
	}
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
	a.width = int(next)
	// The trie, in the table that becomes the transition function: a
	// state's row holds its children (0, the root, is nobody's child).
	// No maps: this runs at every cold start.
	size := 1
	for _, p := range phrases {
		size += len(p)
	}
	w := a.width
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
		v := a.next[state*a.width+int(a.class[msg[i]])]
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
// core idle through each miss. A long message is therefore scanned as two
// chains in one loop, its first half and its second, so that two misses
// overlap. The second chain starts at the root maxLen-1 bytes before the
// half, which is as far back as a phrase ending in the second half can
// start, and keeps only the phrases that end in its half; those are held
// back (pending) and recorded after the first chain's, so h comes out as a
// single scan from the start leaves it.
func (a *automaton) scan(msg string, h *hits) {
	n := len(msg)
	if n < 2*a.maxLen+splitMin {
		a.scanFrom(msg, 0, h)
		return
	}
	mid := n / 2
	b := mid - (a.maxLen - 1) // where the second chain starts
	var later pending
	w := a.width
	s1, s2 := 0, 0
	for i := 0; i < mid; i++ {
		v1 := a.next[s1*w+int(a.class[msg[i]])]
		v2 := a.next[s2*w+int(a.class[msg[b+i]])]
		s1, s2 = int(v1&^nextTerm), int(v2&^nextTerm)
		if v1&nextTerm != 0 {
			a.record(s1, i, h)
		}
		if v2&nextTerm != 0 && b+i >= mid && !later.add(a, s2, b+i) {
			h.reset()
			a.scanFrom(msg, 0, h)
			return
		}
	}
	for j := b + mid; j < n; j++ {
		v := a.next[s2*w+int(a.class[msg[j]])]
		s2 = int(v &^ nextTerm)
		if v&nextTerm != 0 && !later.add(a, s2, j) {
			h.reset()
			a.scanFrom(msg, 0, h)
			return
		}
	}
	for _, p := range later.at[:later.n] {
		a.record(int(p.state), int(p.i), h)
	}
}

// splitMin is how much longer than two phrases a message must be before
// scan splits it: below that the second chain's head start costs more
// than the overlap saves.
const splitMin = 64

// maxPending bounds the phrase ends the second chain of a split scan
// holds back; a message with more is scanned again as one chain.
const maxPending = 64

// pending is the second chain's phrase ends, in message order: the state
// reached and the offset of the byte that reached it.
type pending struct {
	at [maxPending]struct{ state, i int32 }
	n  int
}

// add holds back the end at byte i in state s, or reports false when full.
func (p *pending) add(a *automaton, s, i int) bool {
	if p.n == maxPending {
		return false
	}
	p.at[p.n].state, p.at[p.n].i = int32(s), int32(i)
	p.n++
	return true
}

// scanFrom scans msg in one chain from the root at byte from, recording
// every phrase that ends in it.
func (a *automaton) scanFrom(msg string, from int, h *hits) {
	state := 0
	w := a.width
	for i := from; i < len(msg); i++ {
		v := a.next[state*w+int(a.class[msg[i]])]
		state = int(v &^ nextTerm)
		if v&nextTerm != 0 {
			a.record(state, i, h)
		}
	}
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
