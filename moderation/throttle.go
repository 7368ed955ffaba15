package moderation

import (
	"fmt"
	"sync"
	"time"
)

// ThrottledError says a login was refused before the password was
// checked, and how long to wait.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed sign-ins: try again in %s", e.RetryAfter.Round(time.Second))
}

// Unwrap makes a throttled login an ErrUnauthorized to code that does not
// know about throttling (the API answers 429 with Retry-After).
func (e *ThrottledError) Unwrap() error { return ErrUnauthorized }

// Throttle slows down password guessing: after a few failures for one
// name (guessing a password) or many from one address (trying names),
// each further try must wait, doubling up to a cap. A success clears the
// name. It is per process: with several instances a guesser gets a few
// more tries, never unlimited ones.
type Throttle struct {
	mu     sync.Mutex
	clock  Clock
	byName map[string]*failures
	byAddr map[string]*failures
}

type failures struct {
	n    int
	last time.Time
}

// Throttle settings: 5 failures for a name, 20 from an address, within 15
// minutes; then 1 s, 2 s, 4 s… up to 15 minutes between tries.
const (
	throttleNameFree = 5
	throttleAddrFree = 20
	throttleWindow   = 15 * time.Minute
	throttleMaxWait  = 15 * time.Minute
	// throttleMaxKeys bounds memory under a spray of names or addresses.
	throttleMaxKeys = 100_000
)

// NewThrottle makes an empty throttle.
func NewThrottle(clock Clock) *Throttle {
	return &Throttle{clock: clock, byName: map[string]*failures{}, byAddr: map[string]*failures{}}
}

// Wait is how long a try for name from addr must still wait (0: go on).
func (t *Throttle) Wait(name, addr string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clock.Now()
	return max(waitFor(t.byName[name], throttleNameFree, now), waitFor(t.byAddr[addr], throttleAddrFree, now))
}

func waitFor(f *failures, free int, now time.Time) time.Duration {
	if f == nil || f.n < free || now.Sub(f.last) > throttleWindow {
		return 0
	}
	wait := min(time.Second<<min(f.n-free, 20), throttleMaxWait)
	return max(0, f.last.Add(wait).Sub(now))
}

// Fail records a failed try.
func (t *Throttle) Fail(name, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clock.Now()
	if name != "" {
		t.bump(t.byName, name, now)
	}
	t.bump(t.byAddr, addr, now)
}

func (t *Throttle) bump(m map[string]*failures, key string, now time.Time) {
	f := m[key]
	if f == nil || now.Sub(f.last) > throttleWindow {
		if len(m) >= throttleMaxKeys {
			prune(m, now)
		}
		f = &failures{}
		m[key] = f
	}
	f.n++
	f.last = now
}

// prune forgets keys whose window has passed.
func prune(m map[string]*failures, now time.Time) {
	for k, f := range m {
		if now.Sub(f.last) > throttleWindow {
			delete(m, k)
		}
	}
}

// Succeed clears a name's failures after a good password.
func (t *Throttle) Succeed(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.byName, name)
}
