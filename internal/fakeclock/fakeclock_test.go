package fakeclock

import (
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	c := New(start)
	steps := []struct {
		move func()
		want time.Time
	}{
		{func() {}, start},
		{func() { c.Advance(90 * time.Second) }, start.Add(90 * time.Second)},
		{func() { c.Set(start.Add(time.Hour)) }, start.Add(time.Hour)},
		{func() { c.Set(start) }, start},
	}
	for i, s := range steps {
		s.move()
		if got := c.Now(); !got.Equal(s.want) {
			t.Errorf("step %d: Now() = %s, want %s", i, got, s.want)
		}
	}
}
