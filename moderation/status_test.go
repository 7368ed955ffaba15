package moderation

import (
	"errors"
	"testing"
)

func TestTransitionsFollowTheDesignTable(t *testing.T) {
	const (
		P = StatusPending
		U = StatusPublished
		R = StatusRefused
		W = StatusWithdrawn
	)
	cases := []struct {
		from, to Status
		ok       bool
	}{
		{0, U, true}, {0, R, true}, {0, P, true}, {0, W, false},
		{P, U, true}, {P, R, true}, {P, W, true}, {P, P, false},
		{R, U, true}, {R, W, true}, {R, P, false}, {R, R, false},
		{U, R, true}, {U, W, true}, {U, P, false}, {U, U, false},
		{W, U, false}, {W, R, false}, {W, P, false},
		{U, 0, false}, {0, 0, false},
	}
	for _, tc := range cases {
		err := CheckTransition(tc.from, tc.to)
		if tc.ok != (err == nil) {
			t.Errorf("%v → %v: got err %v, want allowed=%v", tc.from, tc.to, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidTransition) {
			t.Errorf("%v → %v: error %v is not ErrInvalidTransition", tc.from, tc.to, err)
		}
	}
}

func TestStatusNamesRoundTrip(t *testing.T) {
	for s := StatusPending; s <= StatusWithdrawn; s++ {
		b, _ := s.MarshalText()
		var back Status
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("%v → %q → %v, %v", s, b, back, err)
		}
	}
	if _, err := ParseStatus("deleted"); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown status: err %v, want ErrInvalid", err)
	}
	var zero Status
	if zero.Valid() {
		t.Error("the zero status must not be valid")
	}
	for r := RouteRules; r <= RouteExternal; r++ {
		if got, err := ParseRoute(r.String()); err != nil || got != r {
			t.Errorf("route %v round trip: %v %v", r, got, err)
		}
	}
	for a := AutomationFull; a <= AutomationNone; a++ {
		if got, err := ParseAutomation(a.String()); err != nil || got != a {
			t.Errorf("automation %v round trip: %v %v", a, got, err)
		}
	}
}

func TestConfirmationsKeepTheStatusOnReviewRoutesOnly(t *testing.T) {
	cases := []struct {
		s     Status
		route Route
		ok    bool
	}{
		{StatusRefused, RouteAudit, true},
		{StatusPublished, RouteAudit, true},
		{StatusRefused, RouteAppeal, true},
		{StatusPublished, RouteRecheck, true},
		{StatusPublished, RouteEdit, true},
		{StatusRefused, RouteRules, false},
		{StatusPending, RouteReview, false},
		{StatusWithdrawn, RouteAudit, false},
		{0, RouteAudit, false},
	}
	for _, tc := range cases {
		if err := CheckChange(tc.s, tc.s, tc.route); (err == nil) != tc.ok {
			t.Errorf("%v → %v by %v: err %v, want allowed=%v", tc.s, tc.s, tc.route, err, tc.ok)
		}
	}
}
