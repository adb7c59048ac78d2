package classify

// This file holds the keyword prefilter: one Aho-Corasick automaton over
// every phrase the rules, wrappers and image markers mention. A message is
// scanned once, byte by byte, folding ASCII case through a table (no lowered
// copy), and the scan records which phrases occur and where. Rules are then
// decided from those hits; only the few rules whose phrases all occurred run
// their (optional) regexp.

import mathbits "math/bits"

// maxKeywords bounds the phrase table so a scan's hit set lives on the stack.
const maxKeywords = 1536

// termBit marks a transition into a state where some phrase ends, while
// the automaton is built; the table it scans with keeps the mark in
// nextTerm.
const termBit = 1 << 31

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
	// when a phrase ends there. Sixteen-bit entries keep the table about
	// half the size of the last level-2 cache it must fit in.
	next   []uint16
	out    [][]kwID // by state: phrases ending there, fail-link outputs merged
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
	a.width = int(next)
	// Trie.
	type node struct {
		child map[uint8]int
		fail  int
		out   []kwID
	}
	nodes := []node{{child: map[uint8]int{}}}
	for id, p := range phrases {
		s := 0
		for i := 0; i < len(p); i++ {
			c := a.class[p[i]]
			n, ok := nodes[s].child[c]
			if !ok {
				nodes = append(nodes, node{child: map[uint8]int{}})
				n = len(nodes) - 1
				nodes[s].child[c] = n
			}
			s = n
		}
		nodes[s].out = append(nodes[s].out, kwID(id))
	}
	if len(nodes) >= nextTerm {
		panic("classify: keyword automaton too large")
	}
	// Breadth-first: fail links and the dense transition table, with rows
	// pre-multiplied by the width while building.
	delta := make([]uint32, len(nodes)*a.width)
	a.out = make([][]kwID, len(nodes))
	queue := []int{0}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s != 0 {
			nodes[s].out = append(nodes[s].out, nodes[nodes[s].fail].out...)
		}
		a.out[s] = nodes[s].out
		for c := 0; c < a.width; c++ {
			if n, ok := nodes[s].child[uint8(c)]; ok {
				if s != 0 {
					nodes[n].fail = int(delta[nodes[s].fail*a.width+c]&^termBit) / a.width
				}
				delta[s*a.width+c] = uint32(n * a.width)
				queue = append(queue, n)
			} else if s != 0 {
				delta[s*a.width+c] = delta[nodes[s].fail*a.width+c]
			}
		}
	}
	// The scan table: next states by number, marked where a phrase ends
	// (fail-link outputs are merged by now).
	a.next = make([]uint16, len(delta))
	for i, v := range delta {
		n := int(v) / a.width
		a.next[i] = uint16(n)
		if len(a.out[n]) > 0 {
			a.next[i] |= nextTerm
		}
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
func (a *automaton) scan(msg string, h *hits) {
	state := 0
	w := a.width
	for i := 0; i < len(msg); i++ {
		v := a.next[state*w+int(a.class[msg[i]])]
		state = int(v &^ nextTerm)
		if v&nextTerm == 0 {
			continue
		}
		for _, id := range a.out[state] {
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
}
