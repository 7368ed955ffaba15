package moderation

import (
	"sync"
	"time"
)

// Recent remembers who posted what lately, so flood and repeated-post rules
// can count without a query per comment. It implements rules.History.
//
// It is per process: with several instances behind a load balancer each sees
// its own share of traffic, which makes these rules slower to fire, never
// wrong about a comment they do fire on.
type Recent struct {
	mu      sync.Mutex
	window  time.Duration
	entries []recentEntry // in arrival order, trimmed from the front
	authors map[string][]time.Time
	texts   map[string]map[string]time.Time // fingerprint → author key → last time
}

type recentEntry struct {
	at          time.Time
	author      string
	fingerprint string
}

// NewRecent keeps entries for the given window.
func NewRecent(window time.Duration) *Recent {
	return &Recent{window: window, authors: map[string][]time.Time{}, texts: map[string]map[string]time.Time{}}
}

// SetWindow changes how long entries are kept (after a rules reload).
func (r *Recent) SetWindow(w time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.window = w
	if w <= 0 { // no rule needs history any more: let it go
		r.entries, r.authors, r.texts = nil, map[string][]time.Time{}, map[string]map[string]time.Time{}
	}
}

// Add records one accepted comment.
func (r *Recent) Add(at time.Time, authorKey, fingerprint string) {
	r.mu.Lock() // window too: a rules reload sets it while comments arrive
	defer r.mu.Unlock()
	if r.window <= 0 {
		return
	}
	r.expire(at)
	r.entries = append(r.entries, recentEntry{at, authorKey, fingerprint})
	if authorKey != "" {
		r.authors[authorKey] = append(r.authors[authorKey], at)
	}
	if fingerprint != "" {
		m := r.texts[fingerprint]
		if m == nil {
			m = map[string]time.Time{}
			r.texts[fingerprint] = m
		}
		m[authorKey] = at
	}
}

// expire drops entries older than the window; callers hold the lock.
func (r *Recent) expire(now time.Time) {
	cut := now.Add(-r.window)
	n := 0
	for n < len(r.entries) && r.entries[n].at.Before(cut) {
		e := r.entries[n]
		if ts := r.authors[e.author]; len(ts) > 0 {
			if len(ts) == 1 {
				delete(r.authors, e.author)
			} else {
				r.authors[e.author] = ts[1:]
			}
		}
		if m := r.texts[e.fingerprint]; m != nil && !m[e.author].After(e.at) {
			delete(m, e.author)
			if len(m) == 0 {
				delete(r.texts, e.fingerprint)
			}
		}
		n++
	}
	if n > 0 {
		r.entries = append(r.entries[:0:0], r.entries[n:]...)
	}
}

// AuthorPosts counts the author's comments since a time.
func (r *Recent) AuthorPosts(authorKey string, since time.Time) int {
	if authorKey == "" {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, t := range r.authors[authorKey] {
		if !t.Before(since) {
			n++
		}
	}
	return n
}

// SameTextAuthors counts the distinct authors who posted this fingerprint
// since a time.
func (r *Recent) SameTextAuthors(fingerprint string, since time.Time) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, t := range r.texts[fingerprint] {
		if !t.Before(since) {
			n++
		}
	}
	return n
}
