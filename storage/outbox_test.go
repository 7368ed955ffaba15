package storage

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"vigie/moderation"
)

const page = "facebook:1"

// oweHide takes comment i in as refused on a page, with the hide it owes.
func oweHide(t *testing.T, db *DB, i int) *moderation.Comment {
	t.Helper()
	c, e := newComment(i, moderation.StatusRefused)
	c.Source, e.Source = page, page
	fx := moderation.Effects{Actions: []moderation.PlatformAction{{Kind: moderation.ActionHide, Source: page, ExternalID: c.ExternalID}}}
	if created, err := db.Intake(context.Background(), c, e, fx); err != nil || !created {
		t.Fatalf("Intake(%d) = %v, %v; want created", i, created, err)
	}
	return c
}

// oweUnhide reinstates c at the given time, with the unhide it owes.
func oweUnhide(t *testing.T, db *DB, c *moderation.Comment, at time.Time) {
	t.Helper()
	e := decision(c, moderation.StatusRefused, moderation.StatusPublished, at)
	e.Category = ""
	fx := moderation.Effects{Actions: []moderation.PlatformAction{{Kind: moderation.ActionUnhide, Source: page, ExternalID: c.ExternalID}}}
	if err := db.Transition(context.Background(), e, nil, fx); err != nil {
		t.Fatalf("reinstate %d: %v", c.ID, err)
	}
}

func claimOutbox(t *testing.T, db *DB, holder string, now time.Time, limit int) []moderation.OutboxItem {
	t.Helper()
	items, err := db.ClaimOutbox(context.Background(), holder, now, now.Add(time.Minute), limit)
	if err != nil {
		t.Fatalf("ClaimOutbox(%s): %v", holder, err)
	}
	return items
}

func TestConcurrentOutboxClaimsNeverShareAnItem(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		// Two handles on one database stand for two processes.
		dbs := []*DB{openDB(t, cfg), openDB(t, cfg)}
		const n = 40
		for i := range n {
			oweHide(t, dbs[0], i)
		}
		now := t0.Add(time.Hour)
		var mu sync.Mutex
		claimedBy := map[int64]string{}
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				holder := fmt.Sprint("worker-", w)
				for {
					items, err := dbs[w%2].ClaimOutbox(ctx, holder, now, now.Add(time.Minute), 3)
					if err != nil {
						t.Errorf("%s: %v", holder, err)
						return
					}
					if len(items) == 0 {
						return
					}
					mu.Lock()
					for _, it := range items {
						if prev, ok := claimedBy[it.ID]; ok {
							t.Errorf("item %d claimed by %s and by %s", it.ID, prev, holder)
						}
						if it.Attempts != 0 || it.State != moderation.OutboxPending || it.Kind != moderation.ActionHide {
							t.Errorf("claimed item %+v; want a pending hide with no attempt yet", it)
						}
						claimedBy[it.ID] = holder
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(claimedBy) != n {
			t.Fatalf("%d items claimed, want all %d", len(claimedBy), n)
		}
		if got := claimOutbox(t, dbs[1], "late", now, n); len(got) != 0 {
			t.Fatalf("leased items were claimed again: %+v", got)
		}
	})
}

func TestLapsedOutboxLeaseIsTakenOverAndTheFormerHolderConflicts(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		db := openDB(t, cfg)
		oweHide(t, db, 1)
		now := t0.Add(time.Hour)
		first := claimOutbox(t, db, "a", now, 10)
		if len(first) != 1 {
			t.Fatalf("claimed %d items, want 1", len(first))
		}
		id := first[0].ID
		if got := claimOutbox(t, db, "b", now.Add(30*time.Second), 10); len(got) != 0 {
			t.Fatalf("b took an item whose lease is live: %+v", got)
		}
		if got := claimOutbox(t, db, "b", now.Add(2*time.Minute), 10); len(got) != 1 || got[0].ID != id {
			t.Fatalf("after the lease lapsed b got %+v, want item %d", got, id)
		}
		late := moderation.OutboxResult{State: moderation.OutboxDone}
		wantErr(t, db.FinishOutbox(ctx, id, "a", late, now.Add(3*time.Minute)), moderation.ErrConflict)
		// b is throttled: the item waits ten minutes.
		retry := moderation.OutboxResult{State: moderation.OutboxPending, NextAt: now.Add(12 * time.Minute), Error: "code 80001: throttled"}
		if err := db.FinishOutbox(ctx, id, "b", retry, now.Add(3*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if got := claimOutbox(t, db, "c", now.Add(5*time.Minute), 10); len(got) != 0 {
			t.Fatalf("an item was claimed before its next attempt was due: %+v", got)
		}
		got := claimOutbox(t, db, "c", now.Add(13*time.Minute), 10)
		if len(got) != 1 || got[0].Attempts != 1 || got[0].LastError != retry.Error {
			t.Fatalf("due again: %+v; want the item with 1 attempt and b's error", got)
		}
		// c meets an expired token: given up, with an alert for the admins.
		expired := moderation.OutboxResult{State: moderation.OutboxFailed, Error: "code 190: bad \x00token \xff", Alert: true}
		if err := db.FinishOutbox(ctx, id, "c", expired, now.Add(14*time.Minute)); err != nil {
			t.Fatal(err)
		}
		wantErr(t, db.FinishOutbox(ctx, id, "c", expired, now.Add(15*time.Minute)), moderation.ErrConflict)
		wantErr(t, db.FinishOutbox(ctx, id+100, "c", expired, now), moderation.ErrNotFound)
		if got := claimOutbox(t, db, "d", now.Add(time.Hour), 10); len(got) != 0 {
			t.Fatalf("a failed item was claimed: %+v", got)
		}
		failed, err := db.OutboxItems(ctx, moderation.OutboxFailed, 10)
		if err != nil || len(failed) != 1 {
			t.Fatalf("failed items = %+v, %v; want 1", failed, err)
		}
		if f := failed[0]; !f.Alert || f.Attempts != 2 || f.LastError != "code 190: bad token \uFFFD" ||
			!f.UpdatedAt.Equal(moderation.TruncateTime(now.Add(14*time.Minute))) {
			t.Errorf("failed item = %+v; want an alert after 2 attempts with c's error", f)
		}
		st, err := db.OutboxStats(ctx)
		if err != nil || st != (moderation.OutboxStats{Failed: 1, Alerts: 1}) {
			t.Errorf("stats = %+v, %v; want 1 failed with an alert, nothing pending", st, err)
		}
	})
}

func TestOutboxUnhideWaitsUntilTheHideOfItsCommentIsDone(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		db := openDB(t, cfg)
		c1 := oweHide(t, db, 1)
		c2 := oweHide(t, db, 2)
		now := t0.Add(time.Hour)
		oweUnhide(t, db, c1, now)
		oweUnhide(t, db, c2, now)
		all, err := db.OutboxItems(ctx, 0, 10)
		if err != nil || len(all) != 4 || all[0].Kind != moderation.ActionUnhide || all[3].Kind != moderation.ActionHide {
			t.Fatalf("outbox, newest first = %+v, %v; want 2 unhides then 2 hides", all, err)
		}
		st, err := db.OutboxStats(ctx)
		if err != nil || st.Pending != 4 || !st.OldestPending.Equal(moderation.TruncateTime(c1.ReceivedAt)) {
			t.Fatalf("stats = %+v, %v; want 4 pending, the oldest owed at %v", st, err, c1.ReceivedAt)
		}
		hides := claimOutbox(t, db, "a", now, 10)
		if len(hides) != 2 || hides[0].Kind != moderation.ActionHide || hides[1].Kind != moderation.ActionHide {
			t.Fatalf("first claim = %+v; want the two hides only", hides)
		}
		if got := claimOutbox(t, db, "b", now, 10); len(got) != 0 {
			t.Fatalf("an unhide was claimable while its hide was leased: %+v", got)
		}
		// c1's hide is retried later: its unhide still waits behind it.
		retry := moderation.OutboxResult{State: moderation.OutboxPending, NextAt: now.Add(time.Hour), Error: "timeout"}
		if err := db.FinishOutbox(ctx, hides[0].ID, "a", retry, now); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishOutbox(ctx, hides[1].ID, "a", moderation.OutboxResult{State: moderation.OutboxDone}, now); err != nil {
			t.Fatal(err)
		}
		got := claimOutbox(t, db, "b", now.Add(time.Second), 10)
		if len(got) != 1 || got[0].CommentID != c2.ID || got[0].Kind != moderation.ActionUnhide {
			t.Fatalf("after c2's hide: claimed %+v; want c2's unhide only", got)
		}
		if err := db.FinishOutbox(ctx, got[0].ID, "b", moderation.OutboxResult{State: moderation.OutboxDone}, now.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		got = claimOutbox(t, db, "b", now.Add(2*time.Hour), 10)
		if len(got) != 1 || got[0].CommentID != c1.ID || got[0].Kind != moderation.ActionHide {
			t.Fatalf("when c1's hide is due again: claimed %+v; want that hide, not the unhide", got)
		}
		if err := db.FinishOutbox(ctx, got[0].ID, "b", moderation.OutboxResult{State: moderation.OutboxDone}, now.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		got = claimOutbox(t, db, "b", now.Add(2*time.Hour), 10)
		if len(got) != 1 || got[0].CommentID != c1.ID || got[0].Kind != moderation.ActionUnhide {
			t.Fatalf("after c1's hide: claimed %+v; want c1's unhide", got)
		}
	})
}

// TestFailedOutboxActionCanBeRequeued: after an admin fixes the cause, a
// failed action goes back to do now with its attempts and alert cleared; a
// pending one cannot be requeued.
func TestFailedOutboxActionCanBeRequeued(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		db := openDB(t, cfg)
		oweHide(t, db, 1)
		oweHide(t, db, 2)
		now := t0.Add(time.Hour)
		items := claimOutbox(t, db, "w", now, 10)
		if len(items) != 2 {
			t.Fatalf("claimed %d items, want 2", len(items))
		}
		ids := []int64{items[0].ID, items[1].ID}
		if err := db.FinishOutbox(ctx, ids[0], "w", moderation.OutboxResult{State: moderation.OutboxFailed, Error: "190", Alert: true}, now); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishOutbox(ctx, ids[1], "w", moderation.OutboxResult{State: moderation.OutboxPending, NextAt: now.Add(time.Hour)}, now); err != nil {
			t.Fatal(err)
		}
		wantErr(t, db.RequeueOutbox(ctx, ids[1], now), moderation.ErrConflict)
		if err := db.RequeueOutbox(ctx, ids[0], now); err != nil {
			t.Fatal(err)
		}
		st, err := db.OutboxStats(ctx)
		if err != nil || st.Failed != 0 || st.Alerts != 0 || st.Pending != 2 {
			t.Errorf("stats after requeue: %+v %v", st, err)
		}
		again := claimOutbox(t, db, "w2", now, 10)
		if len(again) != 1 || again[0].ID != ids[0] || again[0].Attempts != 0 {
			t.Errorf("claim after requeue: %+v; want the requeued action, attempts 0", again)
		}
	})
}
