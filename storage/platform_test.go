package storage

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/moderation/moderationtest"
	"vigie/reports"
	"vigie/rules"
)

// Texts the default rules judge clearly.
const (
	insult    = "Espèce de connard"
	cleanText = "Merci pour cette explication claire sur le projet de loi."
)

// platformService is the domain over a real store for a page where a
// refusal hides the comment and a comment in review is hidden meanwhile.
func platformService(t *testing.T, cfg Config) (*moderation.Service, *DB, *moderationtest.Clock) {
	t.Helper()
	rs, err := rules.Load(rules.DefaultSettings(), rules.Options{Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t, cfg)
	clock := moderationtest.NewClock(time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC))
	policy := moderation.PagePolicy{page: {Refuse: moderation.ActionHide, HidePending: true}}
	return moderation.NewService(db, rs, moderation.Options{Clock: clock, Platform: policy}), db, clock
}

func intakeOn(t *testing.T, svc *moderation.Service, source, id, text string, want moderation.Status) moderation.Comment {
	t.Helper()
	res, err := svc.Intake(context.Background(), moderation.NewComment{Source: source, ExternalID: id, Text: text,
		Author: moderation.Author{ID: "author-" + id}})
	if err != nil || res.Comment.Status != want {
		t.Fatalf("intake %q: status %s, %v; want %s", text, res.Comment.Status, err, want)
	}
	return res.Comment
}

func events(t *testing.T, db *DB, id int64) []moderation.Event {
	t.Helper()
	evs, err := db.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// owed lists the outbox, oldest first.
func owed(t *testing.T, db *DB) []moderation.OutboxItem {
	t.Helper()
	items, err := db.OutboxItems(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
		items[i], items[j] = items[j], items[i]
	}
	return items
}

func wantOwed(t *testing.T, db *DB, want ...moderation.PlatformActionKind) []moderation.OutboxItem {
	t.Helper()
	items := owed(t, db)
	ok := len(items) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = items[i].Kind == want[i] && items[i].State == moderation.OutboxPending
	}
	if !ok {
		t.Fatalf("outbox = %+v; want pending %v", items, want)
	}
	return items
}

// figures are what the report counts of the comments' statuses.
type figures struct {
	received int64
	cohort   reports.CohortCounts
	activity reports.ActivityCounts
}

// counts are the report's figures for now's month.
func counts(t *testing.T, db *DB, now time.Time) figures {
	t.Helper()
	ix := reports.NewIndex(reports.Options{})
	if err := ix.Sync(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	r, err := ix.Report(reports.MonthOf(now, nil), reports.ReportOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return figures{r.Headline.Received, r.Cohort.Totals, r.Activity.Totals}
}

func TestDecisionsWriteTheirPageActionsToTheOutbox(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		svc, db, _ := platformService(t, cfg)
		c := intakeOn(t, svc, page, "post_1_comment_1", insult, moderation.StatusRefused)
		intakeOn(t, svc, "api:test", "elsewhere", insult, moderation.StatusRefused) // no page: nothing owed
		hide := wantOwed(t, db, moderation.ActionHide)[0]
		if hide.CommentID != c.ID || hide.ExternalID != "post_1_comment_1" || hide.Source != page || hide.EventSeq != events(t, db, c.ID)[0].Seq {
			t.Fatalf("hide = %+v; want comment %d's, owed by its intake event", hide, c.ID)
		}
		e, err := svc.Reexamine(ctx, "moderator:a", c.ID, moderation.Reinstate, "", "")
		if err != nil {
			t.Fatal(err)
		}
		unhide := wantOwed(t, db, moderation.ActionHide, moderation.ActionUnhide)[1]
		if unhide.CommentID != c.ID || unhide.EventSeq != e.Seq {
			t.Fatalf("unhide = %+v; want comment %d's, owed by event %d", unhide, c.ID, e.Seq)
		}
		// Sent to review on a page that hides it meanwhile, then published.
		p := intakeOn(t, svc, page, "post_1_comment_2", "Écrivez-moi à camille@example.org pour la suite", moderation.StatusPending)
		if _, err := svc.Review(ctx, "moderator:a", moderation.ReviewDecision{CommentID: p.ID, Action: moderation.Publish}); err != nil {
			t.Fatal(err)
		}
		items := wantOwed(t, db, moderation.ActionHide, moderation.ActionUnhide, moderation.ActionHide, moderation.ActionUnhide)
		if items[2].CommentID != p.ID || items[3].CommentID != p.ID {
			t.Fatalf("outbox = %+v; want the last two for comment %d", items, p.ID)
		}
		mustVerify(t, db, 5)
	})
}

func TestEditOfAPublishedCommentToAnInsultRefusesItOnce(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		svc, db, clock := platformService(t, cfg)
		c := intakeOn(t, svc, page, "c1", cleanText, moderation.StatusPublished)
		clock.Advance(time.Minute)
		res, err := svc.Edit(ctx, page, "c1", insult)
		if err != nil || !res.Changed {
			t.Fatalf("Edit = %+v, %v; want a change", res, err)
		}
		e := res.Event
		if e.Route != moderation.RouteEdit || e.From != moderation.StatusPublished || e.To != moderation.StatusRefused || e.Category != "insult" {
			t.Fatalf("edit event = %+v; want published → refused (insult) on route edit", e)
		}
		got, err := db.Comment(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != insult || got.Status != moderation.StatusRefused || got.Category != "insult" ||
			got.Verdict == nil || got.Verdict.Action != rules.ActionRefuse {
			t.Fatalf("stored comment = %+v; want the new text, refused for insult with its verdict", got)
		}
		evs := events(t, db, c.ID)
		if len(evs) != 2 || evs[1].Text != insult || evs[0].Text != cleanText {
			t.Fatalf("events = %+v; want intake on the old text and the edit on the new one", evs)
		}
		wantOwed(t, db, moderation.ActionHide)
		// The same edit delivered again changes nothing.
		clock.Advance(time.Minute)
		if res, err := svc.Edit(ctx, page, "c1", insult); err != nil || res.Changed {
			t.Fatalf("repeated edit = %+v, %v; want no change", res, err)
		}
		if n := len(events(t, db, c.ID)); n != 2 {
			t.Fatalf("%d events after a repeated edit, want 2", n)
		}
		wantOwed(t, db, moderation.ActionHide)
		mustVerify(t, db, 2)
	})
}

func TestEditThatCleansARefusedCommentPublishesItWithoutAWrongfulRemoval(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		svc, db, clock := platformService(t, cfg)
		c := intakeOn(t, svc, page, "c1", insult, moderation.StatusRefused)
		clock.Advance(time.Minute)
		res, err := svc.Edit(ctx, page, "c1", cleanText)
		if err != nil || !res.Changed || res.Event.Route != moderation.RouteEdit || res.Event.To != moderation.StatusPublished || res.Event.Category != "" {
			t.Fatalf("Edit = %+v, %v; want refused → published on route edit, without a reason", res, err)
		}
		if got, err := db.Comment(ctx, c.ID); err != nil || got.Status != moderation.StatusPublished || got.Category != "" || got.Text != cleanText {
			t.Fatalf("stored comment = %+v, %v; want published with the new text and no reason", got, err)
		}
		wantOwed(t, db, moderation.ActionHide, moderation.ActionUnhide)
		ix := reports.NewIndex(reports.Options{})
		if err := ix.Sync(ctx, db); err != nil {
			t.Fatal(err)
		}
		r, err := ix.Report(reports.MonthOf(clock.Now(), nil), reports.ReportOptions{Now: clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if r.Headline.WronglyRemoved != 0 || r.Activity.Totals.Reinstated != 0 || r.Headline.Published != 1 {
			t.Fatalf("report: %d wrongly removed, %d reinstated, %d published; want 0, 0, 1",
				r.Headline.WronglyRemoved, r.Activity.Totals.Reinstated, r.Headline.Published)
		}
		_, err = svc.Edit(ctx, page, "never-seen", cleanText)
		wantErr(t, err, moderation.ErrNotFound)
		mustVerify(t, db, 2)
	})
}

func TestWithdrawTwiceWritesOneEvent(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		svc, db, clock := platformService(t, cfg)
		c := intakeOn(t, svc, page, "c1", cleanText, moderation.StatusPublished)
		res, err := svc.Withdraw(ctx, page, "c1")
		if err != nil || !res.Changed || res.Event.To != moderation.StatusWithdrawn || res.Event.Route != moderation.RoutePlatform {
			t.Fatalf("Withdraw = %+v, %v; want published → withdrawn on route platform", res, err)
		}
		before := counts(t, db, clock.Now())
		clock.Advance(time.Minute)
		if res, err := svc.Withdraw(ctx, page, "c1"); err != nil || res.Changed {
			t.Fatalf("second Withdraw = %+v, %v; want no change", res, err)
		}
		if res, err := svc.Edit(ctx, page, "c1", insult); err != nil || res.Changed {
			t.Fatalf("edit of a withdrawn comment = %+v, %v; want no change", res, err)
		}
		if n := len(events(t, db, c.ID)); n != 2 {
			t.Fatalf("%d events, want 2 (intake and one withdrawal)", n)
		}
		if after := counts(t, db, clock.Now()); after != before {
			t.Fatalf("figures changed by a repeated withdrawal: %+v, then %+v", before, after)
		}
		_, err = svc.Withdraw(ctx, page, "never-seen")
		wantErr(t, err, moderation.ErrNotFound)
		wantOwed(t, db) // the platform's own news owes it nothing
		mustVerify(t, db, 2)
	})
}

func TestPlatformVisibilityIsRecordedOncePerChangeAndCountsNothing(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		svc, db, clock := platformService(t, cfg)
		pub := intakeOn(t, svc, page, "c1", cleanText, moderation.StatusPublished)
		ref := intakeOn(t, svc, page, "c2", insult, moderation.StatusRefused)
		before := counts(t, db, clock.Now())
		at := time.Date(2026, 11, 30, 9, 58, 0, 0, time.UTC)
		steps := []struct {
			c      moderation.Comment
			hidden bool
			at     time.Time
			want   bool // a new event
		}{
			{pub, true, at, true},
			{pub, true, at, false}, // the same news again
			{pub, false, at.Add(time.Minute), true},
			{pub, true, at, false}, // a late duplicate of the first
			{ref, false, at, true}, // someone unhid what we hid
			{ref, false, at, false},
		}
		for i, s := range steps {
			clock.Advance(time.Second)
			res, err := svc.PlatformVisibility(ctx, page, s.c.ExternalID, s.hidden, s.at)
			if err != nil || res.Changed != s.want {
				t.Fatalf("step %d: %+v, %v; want changed=%v", i, res, err, s.want)
			}
			if e := res.Event; e.From != s.c.Status || e.To != s.c.Status || e.Route != moderation.RoutePlatform {
				t.Fatalf("step %d: event %s → %s on %s; want %s kept, route platform", i, e.From, e.To, e.Route, s.c.Status)
			}
		}
		if n := len(events(t, db, pub.ID)); n != 3 {
			t.Fatalf("%d events of the published comment, want 3", n)
		}
		if n := len(events(t, db, ref.ID)); n != 2 {
			t.Fatalf("%d events of the refused comment, want 2", n)
		}
		if got, err := db.Comment(ctx, ref.ID); err != nil || got.Status != moderation.StatusRefused || got.Category != "insult" {
			t.Fatalf("refused comment after an outside unhide = %+v, %v; want refused for insult still", got, err)
		}
		if after := counts(t, db, clock.Now()); after != before {
			t.Fatalf("figures changed by platform visibility: %+v, then %+v", before, after)
		}
		wantOwed(t, db, moderation.ActionHide) // the refusal's own hide, nothing for the news
		mustVerify(t, db, 5)
	})
}

// A comment in review stays in review when the page tells us someone hid
// or unhid it: the event must not put it in the queue a second time.
func TestPlatformVisibilityOfAPendingCommentKeepsItsQueueEntry(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		svc, db, clock := platformService(t, cfg)
		p := intakeOn(t, svc, page, "p1", "Écrivez-moi à camille@example.org pour la suite", moderation.StatusPending)
		clock.Advance(time.Minute)
		res, err := svc.PlatformVisibility(ctx, page, "p1", false, clock.Now())
		if err != nil || !res.Changed || res.Event.From != moderation.StatusPending || res.Event.To != moderation.StatusPending {
			t.Fatalf("visibility of a pending comment = %+v, %v; want a pending → pending event", res.Event, err)
		}
		if it, err := db.ReviewItem(ctx, p.ID); err != nil || it.CommentID != p.ID {
			t.Fatalf("queue entry after the event = %+v, %v; want it kept", it, err)
		}
		if n := countRows(t, db, "review_items"); n != 1 {
			t.Fatalf("%d queue entries, want 1", n)
		}
		mustVerify(t, db, 2)
	})
}

// TestCopiesOfOneChangeAppliedAtOnceAreRecordedOnce: two inbox workers (or
// two instances) apply two copies of one delivery at the same moment. An
// edit that keeps the status, and an outside hide, are each recorded once:
// the transition is guarded by the comment's last event.
func TestCopiesOfOneChangeAppliedAtOnceAreRecordedOnce(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		svc, db, _ := platformService(t, cfg)
		const rounds, copies = 8, 4
		for r := range rounds {
			id := fmt.Sprintf("9_%d", r)
			c := intakeOn(t, svc, page, id, fmt.Sprintf("Merci pour ces précisions, point %d", r), moderation.StatusPublished)
			var wg sync.WaitGroup
			errs := make(chan error, 2*copies)
			for range copies {
				wg.Go(func() {
					_, err := svc.Edit(ctx, page, id, fmt.Sprintf("Merci pour ces précisions utiles, point %d", r))
					errs <- err
				})
				wg.Go(func() {
					_, err := svc.PlatformVisibility(ctx, page, id, true, t0.Add(time.Duration(r)*time.Minute))
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("round %d: %v", r, err)
				}
			}
			routes := map[moderation.Route]int{}
			for _, e := range events(t, db, c.ID) {
				routes[e.Route]++
			}
			if routes[moderation.RouteEdit] != 1 || routes[moderation.RoutePlatform] != 1 {
				t.Errorf("round %d: %d edit and %d platform events from %d copies each, want 1 and 1", r, routes[moderation.RouteEdit], routes[moderation.RoutePlatform], copies)
			}
		}
		mustVerify(t, db, 3*rounds)
	})
}
