package moderation_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	. "vigie/moderation"
	"vigie/rules"
	"vigie/storage"
)

func testService(t *testing.T) (*Service, *storage.DB) {
	t.Helper()
	rs, err := rules.Load(rules.DefaultSettings(), rules.Options{Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(context.Background(), storage.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "vigie.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return NewService(db, rs, Options{}), db
}

// TestDecideRefusalStatesAPolicyReason: a refusal is published with its
// reason (report breakdowns, statements of reasons), so a moderator's
// refusal needs a category of the policy in force; a refusal upheld on
// appeal or audit keeps the reason it had instead of erasing it.
func TestDecideRefusalStatesAPolicyReason(t *testing.T) {
	ctx := context.Background()
	svc, st := testService(t)
	intake := func(id, text string, want Status) int64 {
		t.Helper()
		res, err := svc.Intake(ctx, NewComment{Source: "api:test", ExternalID: id, Text: text})
		if err != nil || res.Comment.Status != want {
			t.Fatalf("intake %s: %v, status %s, want %s", id, err, res.Comment.Status, want)
		}
		return res.Comment.ID
	}
	pending := intake("1", "Écrivez-moi à jean.dupont@example.fr pour en parler.", StatusPending)
	for _, d := range []Decision{
		{CommentID: pending, To: StatusRefused, Actor: "moderator:1", Route: RouteReview},
		{CommentID: pending, To: StatusRefused, Actor: "moderator:1", Route: RouteReview, Category: "not_in_the_policy"},
	} {
		_, err := svc.Decide(ctx, d)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "category" || !errors.Is(err, ErrInvalid) {
			t.Errorf("refusal with category %q: got %v, want ErrInvalid on category", d.Category, err)
		}
	}
	cat := svc.Rules().Categories()[0].ID
	if _, err := svc.Decide(ctx, Decision{CommentID: pending, To: StatusRefused, Actor: "moderator:1", Route: RouteReview, Category: cat}); err != nil {
		t.Fatalf("refusal with a policy category: %v", err)
	}

	refused := intake("2", "Espèce de connard.", StatusRefused)
	before, _ := st.Comment(ctx, refused)
	if before.Category == "" {
		t.Fatal("the rules refused without a category")
	}
	e, err := svc.Decide(ctx, Decision{CommentID: refused, To: StatusRefused, Actor: "moderator:1", Route: RouteAppeal})
	if err != nil {
		t.Fatalf("appeal rejected: %v", err)
	}
	after, _ := st.Comment(ctx, refused)
	if e.Category != before.Category || after.Category != before.Category {
		t.Errorf("appeal rejected without a category: event category %q, comment category %q, want %q kept",
			e.Category, after.Category, before.Category)
	}
	// Publishing needs no reason.
	if _, err := svc.Decide(ctx, Decision{CommentID: refused, To: StatusPublished, Actor: "moderator:1", Route: RouteAppeal}); err != nil {
		t.Errorf("reinstatement: %v", err)
	}
}

// TestDecideOnAStaleStatusIsAConflict: a decision taken on what a moderator
// saw fails once someone else has changed the comment, even when the later
// change would be allowed from the new status.
func TestDecideOnAStaleStatusIsAConflict(t *testing.T) {
	ctx := context.Background()
	svc, st := testService(t)
	res, err := svc.Intake(ctx, NewComment{Source: "api:test", ExternalID: "1", Text: "Écrivez-moi à jean.dupont@example.fr pour en parler."})
	if err != nil || res.Comment.Status != StatusPending {
		t.Fatalf("intake: %v, status %s", err, res.Comment.Status)
	}
	id, cat := res.Comment.ID, svc.Rules().Categories()[0].ID
	if _, err := svc.Decide(ctx, Decision{CommentID: id, To: StatusPublished, Actor: "moderator:1", Route: RouteReview}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []Decision{
		// The queue's other moderator, a moment later: review implies pending.
		{CommentID: id, To: StatusRefused, Actor: "moderator:2", Route: RouteReview, Category: cat},
		// A report handled on a stale page that still showed it pending.
		{CommentID: id, From: StatusPending, To: StatusRefused, Actor: "moderator:2", Route: RouteReport, Category: cat},
	} {
		if _, err := svc.Decide(ctx, d); !errors.Is(err, ErrConflict) {
			t.Errorf("%s decision on a comment no longer pending: got %v, want ErrConflict", d.Route, err)
		}
	}
	c, _ := st.Comment(ctx, id)
	evs, _ := st.Events(ctx, id)
	if c.Status != StatusPublished || len(evs) != 2 {
		t.Errorf("comment %s with %d events, want published with 2", c.Status, len(evs))
	}
	// The same report, taken on the published comment it now is, applies.
	if _, err := svc.Decide(ctx, Decision{CommentID: id, From: StatusPublished, To: StatusRefused, Actor: "moderator:2", Route: RouteReport, Category: cat}); err != nil {
		t.Errorf("report on the published comment: %v", err)
	}
}

func TestDecideRefusesBadActorsAndNotes(t *testing.T) {
	ctx := context.Background()
	svc, st := testService(t)
	res, err := svc.Intake(ctx, NewComment{Source: "api:test", ExternalID: "1", Text: "Bonjour à tous"})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []Decision{
		{CommentID: res.Comment.ID, To: StatusRefused, Category: "insult", Route: RouteReport},
		{CommentID: res.Comment.ID, To: StatusRefused, Category: "insult", Route: RouteReport, Actor: "moderator:\x1b[1"},
		{CommentID: res.Comment.ID, To: StatusRefused, Category: "insult", Route: RouteReport, Actor: "moderator:1", Note: "caf\xe9"},
		{CommentID: res.Comment.ID, To: StatusRefused, Category: "insult", Route: RouteReport, Actor: "moderator:1", Note: string(make([]byte, 2001))},
		{CommentID: res.Comment.ID, To: 9, Route: RouteReport, Actor: "moderator:1"},
	} {
		if _, err := svc.Decide(ctx, d); !errors.Is(err, ErrInvalid) {
			t.Errorf("decision %+v: got %v, want ErrInvalid", d, err)
		}
	}
	if evs, _ := st.Events(ctx, res.Comment.ID); len(evs) != 1 {
		t.Errorf("%d events after refused decisions, want 1", len(evs))
	}
}

// TestIntakeOfAPageInCrisisGoesFirst: while its page is in crisis a comment
// sent to review is queued CrisisPriority higher than one taken before the
// crisis or after its end.
func TestIntakeOfAPageInCrisisGoesFirst(t *testing.T) {
	ctx := context.Background()
	svc, st := testService(t)
	const text = "Écrivez-moi à jean.dupont@example.fr pour en parler."
	priority := func(id string) float64 {
		t.Helper()
		res, err := svc.Intake(ctx, NewComment{Source: "api:test", ExternalID: id, Text: text})
		if err != nil || res.Comment.Status != StatusPending {
			t.Fatalf("intake %s: %v, status %s, want pending", id, err, res.Comment.Status)
		}
		items, err := st.Queue(ctx, QueueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.CommentID == res.Comment.ID {
				return it.Priority
			}
		}
		t.Fatalf("comment %s not in the queue", id)
		return 0
	}
	switchCrisis := func(seq int64, category string) {
		svc.Crisis().Apply([]Event{{Seq: seq, At: svc.Now(), Actor: "moderator:1", Route: RouteCrisis,
			Automation: AutomationNone, Category: category, Note: "attentat", Source: CrisisSource(DefaultPageID)}})
	}
	before := priority("before")
	switchCrisis(100, CrisisStart)
	during := priority("during")
	switchCrisis(101, CrisisStop)
	after := priority("after")
	if during-before != CrisisPriority || after != before {
		t.Errorf("priorities before, during and after the crisis: %v, %v, %v; want the crisis one %d higher",
			before, during, after, CrisisPriority)
	}
}

// TestOverlappingCrisesRaiseTheQueueOnce: a page in its own crisis and in
// every page's at once is raised once, and stays raised until neither
// holds, whichever stops first; the items come back to where they were.
func TestOverlappingCrisesRaiseTheQueueOnce(t *testing.T) {
	ctx := context.Background()
	svc, st := testService(t)
	res, err := svc.Intake(ctx, NewComment{Source: "api:test", ExternalID: "1", Text: "Écrivez-moi à jean.dupont@example.fr pour en parler."})
	if err != nil || res.Comment.Status != StatusPending {
		t.Fatalf("intake: %v, status %s", err, res.Comment.Status)
	}
	priority := func() float64 {
		t.Helper()
		it, err := st.ReviewItem(ctx, res.Comment.ID)
		if err != nil {
			t.Fatal(err)
		}
		return it.Priority
	}
	base := priority()
	for _, step := range []struct {
		page  string
		start bool
		want  float64
	}{
		{DefaultPageID, true, base + CrisisPriority},
		{AllPages, true, base + CrisisPriority},  // already in crisis: not raised again
		{AllPages, false, base + CrisisPriority}, // still in its own
		{DefaultPageID, false, base},
		{AllPages, true, base + CrisisPriority},
		{DefaultPageID, true, base + CrisisPriority},
		{DefaultPageID, false, base + CrisisPriority}, // still in every page's
		{AllPages, false, base},
	} {
		if _, err := svc.SwitchCrisis(ctx, CrisisSwitch{Page: step.page, Start: step.start, Actor: "moderator:1", Reason: "attentat"}); err != nil {
			t.Fatalf("switch %s start=%v: %v", step.page, step.start, err)
		}
		if got := priority(); got != step.want {
			t.Errorf("after switching %s start=%v: priority %v, want %v", step.page, step.start, got, step.want)
		}
	}
}
