// Package moderationtest holds test helpers for the domain that any
// package's tests may use.
package moderationtest

import (
	"sync"
	"time"
)

// Clock is a moderation.Clock that tests move by hand. Safe for concurrent
// use: the server's goroutines read it while a test advances it.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
