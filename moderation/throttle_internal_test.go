package moderation

import (
	"context"
	"strings"
	"testing"
	"time"
)

// noUsers is an AccountStore that knows nobody; Login calls only this.
type noUsers struct{ AccountStore }

func (noUsers) UserByName(context.Context, string) (User, error) { return User{}, ErrNotFound }

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// TestImpossibleNamesAreNotKeptAsThrottleKeys: a sprayer of huge made-up
// names must not grow the throttle's memory by one entry per name.
func TestImpossibleNamesAreNotKeptAsThrottleKeys(t *testing.T) {
	a := NewAccounts(noUsers{}, fixedClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	for i := range 10 {
		name := strings.Repeat("n", 100_000) + string(rune('a'+i))
		if _, _, err := a.Login(context.Background(), name, "pw", "10.0.0.1"); err == nil {
			t.Fatal("a made-up name logged in")
		}
	}
	if n := len(a.throttle.byName); n != 0 {
		t.Errorf("the throttle keeps %d made-up names", n)
	}
	if n := a.throttle.byAddr["10.0.0.1"]; n == nil || n.n != 10 {
		t.Errorf("the address's failures: %+v, want 10", n)
	}
}
