package moderation

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"vigie/rules"
)

var crisisT0 = time.Date(2015, 1, 7, 11, 30, 0, 0, time.UTC)

func crisisEv(seq int64, page string, start bool, at time.Time, reason string) Event {
	e := Event{Seq: seq, At: at, Actor: "moderator:1", Route: RouteCrisis, Automation: AutomationNone,
		Category: CrisisStop, Note: reason, Source: CrisisSource(page)}
	if start {
		e.Category = CrisisStart
	}
	return e
}

func TestCrisisEventShape(t *testing.T) {
	ok := crisisEv(1, "a", true, crisisT0, "attentat")
	if err := ok.Validate(); err != nil {
		t.Fatalf("a crisis switch: %v", err)
	}
	if c := string(ok.Canonical()); !strings.Contains(c, "comment=1:0\n") || !strings.Contains(c, "from=0:\nto=0:\n") {
		t.Errorf("canonical form of a page's event:\n%s\nwant comment 0 and empty statuses", c)
	}
	tests := []struct {
		name string
		edit func(e *Event)
		want error
	}{
		{"attached to a comment", func(e *Event) { e.CommentID = 3 }, ErrInvalid},
		{"no reason", func(e *Event) { e.Note = " " }, ErrInvalid},
		{"neither start nor stop", func(e *Event) { e.Category = "insult" }, ErrInvalid},
		{"with a status", func(e *Event) { e.To = StatusPublished }, ErrInvalidTransition},
		{"another route without comment", func(e *Event) { e.Route = RouteReview }, ErrInvalid},
	}
	for _, tt := range tests {
		e := ok
		tt.edit(&e)
		if err := e.Validate(); !errors.Is(err, tt.want) {
			t.Errorf("%s: Validate = %v, want %v", tt.name, err, tt.want)
		}
	}
	// 0 → 0 is only a crisis event's shape.
	if err := CheckChange(0, 0, RouteRules); !errors.Is(err, ErrInvalidTransition) {
		t.Errorf("CheckChange(new, unset, rules) = %v, want ErrInvalidTransition", err)
	}
}

func TestFoldCrisisAndSwitch(t *testing.T) {
	evs := []Event{
		crisisEv(2, "a", true, crisisT0, "attentat"),
		crisisEv(5, AllPages, true, crisisT0.Add(time.Hour), "toutes les pages"),
		crisisEv(9, "a", false, crisisT0.Add(48*time.Hour), "retour au calme"),
	}
	var st CrisisState
	st.Apply(evs)
	st.Apply(evs[:1]) // applied twice: ignored
	ps := st.Periods()
	if len(ps) != 2 || ps[0].Ongoing() || !ps[1].Ongoing() || ps[0].StopReason != "retour au calme" {
		t.Fatalf("periods = %+v", ps)
	}
	if !st.ActiveAt("a", crisisT0) || st.ActiveAt("b", crisisT0) || !st.ActiveAt("b", crisisT0.Add(time.Hour)) {
		t.Error("ActiveAt: want a from its start, b only from the all-pages start")
	}
	if st.ActiveAt("a", crisisT0.Add(-time.Second)) {
		t.Error("ActiveAt before the start")
	}
	a0, a1 := evs[0], evs[2]
	if err := CheckCrisisSwitch(nil, &a0); err != nil {
		t.Errorf("first start: %v", err)
	}
	if err := CheckCrisisSwitch(&a0, &a0); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "already on for page a") {
		t.Errorf("start twice: %v", err)
	}
	if err := CheckCrisisSwitch(nil, &a1); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "not on for page a") {
		t.Errorf("stop without a start: %v", err)
	}
	if err := CheckCrisisSwitch(&a1, &a1); !errors.Is(err, ErrConflict) {
		t.Errorf("stop twice: %v", err)
	}
}

// fakeVerifyReader serves a fixed log.
type fakeVerifyReader struct {
	evs []Event
	cs  map[int64]Comment
}

func (f *fakeVerifyReader) Head(context.Context) (int64, string, error) {
	last := f.evs[len(f.evs)-1]
	return last.Seq, last.Hash, nil
}

func (f *fakeVerifyReader) EventPage(_ context.Context, after int64, limit int) ([]Event, map[int64]Comment, error) {
	var out []Event
	for _, e := range f.evs {
		if e.Seq > after && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, f.cs, nil
}

func (f *fakeVerifyReader) CommentPage(context.Context, int64, int) ([]CommentLast, error) {
	return nil, nil
}

// verify accepts a crisis switch of a page, and names an event that claims
// to be one while attached to a comment, and one of another route without
// a comment, even when they are chained correctly.
func TestVerifyCrisisEvents(t *testing.T) {
	seal := func(evs []Event) []Event {
		prev := GenesisHash
		for i := range evs {
			evs[i].Seal(int64(i+1), prev)
			prev = evs[i].Hash
		}
		return evs
	}
	good := seal([]Event{crisisEv(0, "a", true, crisisT0, "attentat"), crisisEv(0, "a", false, crisisT0.Add(time.Hour), "fin")})
	res, err := Verify(context.Background(), &fakeVerifyReader{evs: good}, VerifyOptions{})
	if err != nil || !res.OK() || res.Events != 2 {
		t.Fatalf("Verify of two crisis events = %+v, %v", res, err)
	}
	attached := crisisEv(0, "a", true, crisisT0, "attentat")
	attached.CommentID = 7
	review := crisisEv(0, "a", true, crisisT0, "x")
	review.Route = RouteReview
	bad := seal([]Event{attached, review})
	res, err = Verify(context.Background(), &fakeVerifyReader{evs: bad, cs: map[int64]Comment{7: {ID: 7}}}, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	msg := res.Err().Error()
	for _, want := range []string{"event 1 (comment 7): it is a crisis event attached to a comment", "event 2: it has no comment but its route is review"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Verify says:\n%s\nwant it to name %q", msg, want)
		}
	}
}

// A page without a crisis profile gets the default one (review threshold
// halved, pending hidden); a profile of its own replaces it.
func TestCrisisProfiles(t *testing.T) {
	base := rules.Settings{Thresholds: rules.Thresholds{Refuse: 1, Review: 0.5}}
	plain := Page{ID: "a", Rules: RuleOverrides{Thresholds: ThresholdOverrides{Refuse: ptr(0.8)}}}
	if got := plain.CrisisSettings(base).Thresholds; got.Review != 0.25 || got.Refuse != 0.8 {
		t.Errorf("default crisis thresholds %+v, want review 0.25 over the page's refuse 0.8", got)
	}
	if !plain.CrisisHidesPending() {
		t.Error("the default crisis profile does not hide pending comments")
	}
	own := Page{ID: "b", Crisis: CrisisProfile{Rules: RuleOverrides{Thresholds: ThresholdOverrides{Review: ptr(0.4)}}}}
	if got := own.CrisisSettings(base).Thresholds; got.Review != 0.4 || got.Refuse != 1 {
		t.Errorf("own crisis thresholds %+v", got)
	}
	if own.CrisisHidesPending() {
		t.Error("a crisis profile without hide_pending hides pending comments")
	}
	if base.Thresholds.Review != 0.5 {
		t.Error("the base settings were changed")
	}
}

func ptr(f float64) *float64 { return &f }
