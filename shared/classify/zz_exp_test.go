package classify

import "testing"

func TestZZModelOnly(t *testing.T) {
	samples := loadSamples(t, corpusPath)
	const folds = 5
	right, total := 0, 0
	perCause := map[Cause][2]int{}
	for k := 0; k < folds; k++ {
		var train, test []sample
		for _, s := range samples {
			if fold(s.Source, folds) == k {
				test = append(test, s)
			} else {
				train = append(train, s)
			}
		}
		m := newModel(countFeatures(train))
		for _, s := range test {
			if s.Uncertain || s.Cause == NotAFailure || s.Cause == Unknown {
				continue
			}
			c, _, ok := m.predict(s.Message)
			total++
			pc := perCause[s.Cause]
			pc[1]++
			if ok && c == s.Cause {
				right++
				pc[0]++
			}
			perCause[s.Cause] = pc
		}
	}
	t.Logf("model only, 5-fold: %d/%d = %.1f%%", right, total, 100*float64(right)/float64(total))
	for c, pc := range perCause {
		t.Logf("%-26s %d/%d", c, pc[0], pc[1])
	}
}
