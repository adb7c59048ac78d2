package classify

// This file turns a message into hashed features for the fallback model
// (model.go). Words are runs of ASCII letters, digits and '_', folded to
// lower case. Numbers other than three-digit codes (exit and status codes)
// and hex-like runs with a digit, four bytes or more (ids, digests, the
// groups of a UUID) carry no meaning across messages and are skipped. A
// feature is a kept word, or four consecutive bytes of the kept words
// joined by single spaces: the four-byte pieces let the model
// see a word it never met through its parts ("unreachable" shares "reac"
// and "each" with "reach"; "ImagePullBackOff" shares "pull" with "pull
// access denied"), which counted words alone cannot, and the pieces across
// a space ("ss d" in "access denied") see word pairs. A piece that begins
// or ends with the space adds nothing its word does not say, and is not
// kept. Nothing here allocates.

// maxFeatures bounds the features read from one message.
const maxFeatures = 1024

// featureSlots is the size of featureSet's hash table: a power of two,
// twice maxFeatures, so lookups stay short.
const featureSlots = 2 * maxFeatures

// featureSet is the distinct features of one message, in the order met,
// with an open-addressing table to keep them distinct. The zero value is
// empty; reset empties a used one.
type featureSet struct {
	h     [maxFeatures]uint32
	word  [maxFeatures]bool   // whether h[i] is a word (not a four-byte piece)
	at    [maxFeatures]uint16 // h[i]'s slot, for reset
	n     int
	slots [featureSlots]uint32 // 0 is empty; a feature hashing to 0 is stored as 1
}

// reset empties s, clearing only the slots its features took.
func (s *featureSet) reset() {
	for _, i := range s.at[:s.n] {
		s.slots[i] = 0
	}
	s.n = 0
}

// add records h unless it is already present or the set is full.
func (s *featureSet) add(h uint32, word bool) {
	if s.n == maxFeatures {
		return
	}
	if h == 0 {
		h = 1
	}
	for i := h & (featureSlots - 1); ; i = (i + 1) & (featureSlots - 1) {
		switch s.slots[i] {
		case h:
			return
		case 0:
			s.slots[i] = h
			s.h[s.n], s.word[s.n], s.at[s.n] = h, word, uint16(i)
			s.n++
			return
		}
	}
}

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
	// gramSeed salts the hash of a four-byte piece, so that a piece and a
	// four-letter word hash apart.
	gramSeed = 0x260c9112 // (fnvOffset ^ '#') * fnvPrime, mod 2^32
	// gramMul multiplies a piece's four bytes, read as one word, into its
	// hash: one multiply where FNV-1a takes four.
	gramMul = 0x9e3779b1
)

// grams feeds the stream of kept words, joined by single spaces, into
// four-byte pieces.
type grams struct {
	win uint32 // the last four bytes fed
	n   int    // bytes fed
}

func (g *grams) feed(c byte, s *featureSet) {
	g.win = g.win<<8 | uint32(c)
	g.n++
	if g.n < 4 {
		return
	}
	if g.win&0xff == ' ' || g.win>>24 == ' ' {
		return // "abc " or " abc": the word itself says as much
	}
	h := (g.win ^ gramSeed) * gramMul
	s.add(h^h>>15, false)
}

// features fills s with the features of msg.
func features(msg string, s *featureSet) {
	var g grams
	for i := 0; i < len(msg) && s.n < maxFeatures; {
		if wordFold[msg[i]] == 0 {
			i++
			continue
		}
		j := i
		h := uint32(fnvOffset)
		digits, hex := 0, 0
		for ; j < len(msg); j++ {
			c := wordFold[msg[j]]
			if c == 0 {
				break
			}
			if c-'0' < 10 {
				digits++
				hex++
			} else if c-'a' < 6 {
				hex++
			}
			h = (h ^ uint32(c)) * fnvPrime
		}
		start, n := i, j-i
		i = j
		if n < 2 || n > 32 || digits == n && n != 3 || digits > 0 && hex == n && n >= 4 || digits > 3 && n > 6 {
			continue
		}
		s.add(h, true)
		if g.n > 0 {
			g.feed(' ', s)
		}
		for k := start; k < j; k++ {
			g.feed(wordFold[msg[k]], s)
		}
	}
}

// wordFold maps a word byte (an ASCII letter, digit or '_') to itself
// folded to lower case, and any other byte to 0: one load where the word
// and case tests took several.
var wordFold = func() (t [256]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = c, c
	}
	t['_'] = '_'
	return t
}()
