package api

import (
	"fmt"
	"testing"
	"time"
)

// Buckets that have refilled are dropped as new keys arrive, without a
// janitor; the cap holds whatever the traffic; Retry-After is the time to
// one whole request, never zero.
func TestBucketsDropIdleKeysAndKeepTheCap(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	b := newBuckets(Rate{PerSecond: 2, Burst: 4}, 50, func() time.Time { return now })
	for i := range 40 {
		b.allow(fmt.Sprint("a", i))
	}
	if n := b.len(); n != 40 {
		t.Fatalf("%d buckets after 40 keys, want 40", n)
	}
	now = now.Add(time.Second) // each spent one of four: refilled after half a second
	for i := range 40 {
		b.allow(fmt.Sprint("b", i))
	}
	if n := b.len(); n > 41 {
		t.Errorf("%d buckets after 40 more keys while the first 40 sat full, want the idle ones dropped (about 40)", n)
	}
	for i := range 10_000 {
		b.allow(fmt.Sprint("c", i))
	}
	if n := b.len(); n != 50 {
		t.Errorf("%d buckets after 10,000 keys, want the cap of 50", n)
	}

	for range 4 {
		if ok, _ := b.allow("busy"); !ok {
			t.Fatal("refused within the burst")
		}
	}
	ok, wait := b.allow("busy")
	if ok || wait != 500*time.Millisecond || retryAfter(wait) != "1" {
		t.Errorf("past the burst: allowed %v, wait %s (Retry-After %s); want refused, 500ms, 1", ok, wait, retryAfter(wait))
	}
	if blocked, _ := b.blocked("never-seen"); blocked || b.len() != 50 {
		t.Errorf("a key never seen: blocked %v, buckets %d; want not blocked and no bucket made", blocked, b.len())
	}
}

func TestAddressKey(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2::ffff", "2001:db8:1:2::/64"},
		{"", ""},
	} {
		if got := addressKey(c.in); got != c.want {
			t.Errorf("addressKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
