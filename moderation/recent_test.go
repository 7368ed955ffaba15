package moderation

import (
	"fmt"
	"math/rand/v2"
	"runtime"
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

// naiveRecent is the obvious reference: every post kept, counted by scan.
type naiveRecent struct {
	window time.Duration
	posts  []recentPost
}

type recentPost struct {
	at           time.Time
	author, text string
}

func (n *naiveRecent) authorPosts(a string, since, now time.Time) int {
	c := 0
	for _, p := range n.posts {
		if p.author == a && !p.at.Before(since) && !p.at.Before(now.Add(-n.window)) {
			c++
		}
	}
	return c
}

func (n *naiveRecent) sameTextAuthors(f string, since, now time.Time) int {
	seen := map[string]bool{}
	for _, p := range n.posts {
		if p.text == f && !p.at.Before(since) && !p.at.Before(now.Add(-n.window)) {
			seen[p.author] = true
		}
	}
	return len(seen)
}

// TestRecentAgreesWithAFullScan: over a random stream of posts (few
// authors and texts, so they repeat), the compact history counts what a
// scan of every post within the window counts.
func TestRecentAgreesWithAFullScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	window := 10 * time.Minute
	r := NewRecent(window)
	ref := &naiveRecent{window: window}
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range 5000 {
		at = at.Add(time.Duration(rng.IntN(30)) * time.Second)
		a, f := fmt.Sprintf("a%d", rng.IntN(40)), fmt.Sprintf("f%d", rng.IntN(25))
		for _, since := range []time.Time{at.Add(-time.Minute), at.Add(-window)} {
			if got, want := r.AuthorPosts(a, since), ref.authorPosts(a, since, at); got != want {
				t.Fatalf("post %d: AuthorPosts(%s) = %d, want %d", i, a, got, want)
			}
			if got, want := r.SameTextAuthors(f, since), ref.sameTextAuthors(f, since, at); got != want {
				t.Fatalf("post %d: SameTextAuthors(%s) = %d, want %d", i, f, got, want)
			}
		}
		r.Add(at, a, f)
		ref.posts = append(ref.posts, recentPost{at, a, f})
	}
}

// TestRecentForgetsTheOldestPastItsMax: the history never holds more than
// its cap, and what it forgets is the oldest.
func TestRecentForgetsTheOldestPastItsMax(t *testing.T) {
	r := NewRecent(24 * time.Hour)
	r.SetMax(100)
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range 1000 {
		r.Add(t0.Add(time.Duration(i)*time.Second), fmt.Sprintf("a%d", i), "same text")
	}
	if n := r.Len(); n != 100 {
		t.Fatalf("holds %d comments, want the cap 100", n)
	}
	if n := r.SameTextAuthors("same text", t0); n != 100 {
		t.Errorf("%d authors of the text remembered, want the newest 100", n)
	}
	if n := r.AuthorPosts("a0", t0); n != 0 {
		t.Errorf("the oldest author still counted: %d", n)
	}
	if n := r.AuthorPosts("a999", t0); n != 1 {
		t.Errorf("the newest author counted %d times, want 1", n)
	}
}

// BenchmarkRecentHeap reports the heap the history holds per 100,000
// comments from distinct authors, a fifth of them copies of one text.
func BenchmarkRecentHeap(b *testing.B) {
	const n = 100_000
	keys := make([][2]string, n)
	for i := range keys {
		// Real keys: a 64-hex author digest and a 32-hex fingerprint.
		keys[i] = [2]string{fmt.Sprintf("%064x", i), fmt.Sprintf("%032x", i%80_000)}
	}
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var perComment float64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := NewRecent(24 * time.Hour)
		for i, k := range keys {
			r.Add(t0.Add(time.Duration(i)*time.Millisecond), k[0], k[1])
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perComment = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(r)
	}
	b.ReportMetric(perComment*n/1e6, "MB/100k")
	b.ReportMetric(perComment, "B/comment")
}
