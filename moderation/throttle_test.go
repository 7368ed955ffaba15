package moderation_test

import (
	"testing"
	"time"

	"vigie/moderation"
	"vigie/moderation/moderationtest"
)

// TestThrottleSlowsGuessesAndForgets: a name's first failures are free, then
// each try waits longer; a success clears the name; the window forgets.
func TestThrottleSlowsGuessesAndForgets(t *testing.T) {
	clock := moderationtest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	th := moderation.NewThrottle(clock)
	for i := 0; i < 5; i++ {
		if w := th.Wait("alice", "10.0.0.1"); w != 0 {
			t.Fatalf("try %d waits %s, want 0", i+1, w)
		}
		th.Fail("alice", "10.0.0.1")
	}
	w := th.Wait("alice", "10.0.0.9")
	if w <= 0 {
		t.Fatalf("after 5 failures a try for the name from another address waits %s, want > 0", w)
	}
	if other := th.Wait("bob", "10.0.0.9"); other != 0 {
		t.Errorf("another name from another address waits %s, want 0", other)
	}
	clock.Advance(w)
	if w := th.Wait("alice", "10.0.0.1"); w != 0 {
		t.Errorf("after waiting, a try waits %s more", w)
	}
	th.Fail("alice", "10.0.0.1")
	if w2 := th.Wait("alice", "10.0.0.1"); w2 <= w {
		t.Errorf("the wait does not grow: %s then %s", w, w2)
	}
	th.Succeed("alice")
	if w := th.Wait("alice", "10.0.0.2"); w != 0 {
		t.Errorf("after a success the name waits %s", w)
	}
}

// TestThrottleLimitsOneAddressTryingManyNames: 20 names from one address,
// then that address waits whatever name it tries.
func TestThrottleLimitsOneAddressTryingManyNames(t *testing.T) {
	clock := moderationtest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	th := moderation.NewThrottle(clock)
	for i := 0; i < 20; i++ {
		th.Fail(string(rune('a'+i)), "10.0.0.1")
	}
	if w := th.Wait("zed", "10.0.0.1"); w <= 0 {
		t.Errorf("a sprayed address waits %s, want > 0", w)
	}
	if w := th.Wait("zed", "10.0.0.2"); w != 0 {
		t.Errorf("another address waits %s, want 0", w)
	}
	clock.Advance(16 * time.Minute)
	if w := th.Wait("zed", "10.0.0.1"); w != 0 {
		t.Errorf("after the window the address waits %s", w)
	}
}

func TestUserNamesAndPasswords(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"alice", true}, {"jean.dupont@example.fr", true}, {"modé_2", true},
		{"", false}, {"a b", false}, {"eve\u202e", false}, {"\u0430dmin", false}, {"admin\u0661", false}, {"x\u200by", false}, {"<script>", false},
		{string(make([]byte, 65)), false},
	} {
		if err := moderation.ValidateUserName(tc.name); (err == nil) != tc.ok {
			t.Errorf("ValidateUserName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
	for _, tc := range []struct {
		pw string
		ok bool
	}{
		{"short", false}, {"ten chars!", true}, {string(make([]byte, 73)), false},
	} {
		if err := moderation.ValidatePassword(tc.pw); (err == nil) != tc.ok {
			t.Errorf("ValidatePassword(len %d) = %v, want ok=%v", len(tc.pw), err, tc.ok)
		}
	}
}

func TestRolesAreNested(t *testing.T) {
	want := map[moderation.Role][3]bool{
		moderation.RoleViewer:    {true, false, false},
		moderation.RoleModerator: {true, true, false},
		moderation.RoleAdmin:     {true, true, true},
		0:                        {false, false, false},
	}
	for r, w := range want {
		got := [3]bool{r.Can(moderation.PermRead), r.Can(moderation.PermDecide), r.Can(moderation.PermAdmin)}
		if got != w {
			t.Errorf("%s: read/decide/admin = %v, want %v", r, got, w)
		}
	}
	if (moderation.User{Role: moderation.RoleAdmin, Disabled: true}).Can(moderation.PermRead) {
		t.Error("a disabled admin can read")
	}
}
