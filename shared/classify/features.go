package classify

// This file turns a message into hashed word features for the fallback
// model (model.go): words are runs of ASCII letters, digits and '_', folded
// to lower case; a feature is a word or a pair of adjacent words. Numbers
// other than three-digit codes (exit and status codes) and long hex-like
// runs (ids, digests) carry no meaning across messages and are skipped.
// Nothing here allocates.

// maxFeatures bounds the features read from one message.
const maxFeatures = 192

// featureSet is the distinct features of one message.
type featureSet struct {
	h [maxFeatures]uint32
	n int
}

// add records h unless it is already present or the set is full.
func (s *featureSet) add(h uint32) {
	if s.n == maxFeatures {
		return
	}
	for _, x := range s.h[:s.n] {
		if x == h {
			return
		}
	}
	s.h[s.n] = h
	s.n++
}

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

// features fills s with the features of msg.
func features(msg string, s *featureSet) {
	for i := 0; i < len(msg) && s.n < maxFeatures; {
		if !wordByte(msg[i]) {
			i++
			continue
		}
		j := i
		h := uint32(fnvOffset)
		digits, hex := 0, 0
		for j < len(msg) && wordByte(msg[j]) {
			c := lower(msg[j])
			if c >= '0' && c <= '9' {
				digits++
			}
			if c >= '0' && c <= '9' || c >= 'a' && c <= 'f' {
				hex++
			}
			h = (h ^ uint32(c)) * fnvPrime
			j++
		}
		n := j - i
		i = j
		if n < 2 || n > 32 || digits == n && n != 3 || digits > 0 && hex == n && n >= 8 || digits > 3 && n > 6 {
			continue
		}
		s.add(h)
	}
}

func wordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
