package moderation

import (
	"sync"
	"testing"
	"time"
)

// TestRecentReloadWhileCommentsArrive: a rules reload changes the window
// while intake adds comments; run with -race.
func TestRecentReloadWhileCommentsArrive(t *testing.T) {
	r := NewRecent(time.Minute)
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				r.Add(t0.Add(time.Duration(i)*time.Millisecond), "a", "f")
				r.SameTextAuthors("f", t0)
				if g == 0 && i%50 == 0 {
					r.SetWindow(time.Duration(i%100) * time.Second)
				}
			}
		}()
	}
	wg.Wait()
	r.SetWindow(time.Hour)
	r.Add(t0.Add(time.Second), "b", "f")
	if n := r.SameTextAuthors("f", t0); n < 1 {
		t.Errorf("after the reloads the history holds %d authors of the text, want at least 1", n)
	}
}
