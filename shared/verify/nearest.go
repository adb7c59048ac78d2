package verify

import (
	"sort"
	"time"
)

// Nearest returns up to n of tags closest to want: by edit distance, ties
// (and, when pushed times are known, near ties within two edits) broken by
// the most recent push, then by name. want itself is never returned.
func Nearest(want string, tags []string, pushed map[string]time.Time, n int) []string {
	type cand struct {
		tag  string
		dist int
	}
	cs := make([]cand, 0, len(tags))
	for _, t := range tags {
		if t != want {
			cs = append(cs, cand{t, distance(want, t)})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.dist/3 != b.dist/3 {
			return a.dist < b.dist
		}
		if pa, pb := pushed[a.tag], pushed[b.tag]; !pa.Equal(pb) {
			return pa.After(pb)
		}
		if a.dist != b.dist {
			return a.dist < b.dist
		}
		return a.tag < b.tag
	})
	if len(cs) > n {
		cs = cs[:n]
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.tag
	}
	return out
}

// distance is the Levenshtein distance between a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
