package storage

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/moderation/moderationtest"
	"vigie/rules"
)

// queueService is the domain over a real store, with a clock the test moves
// and the given audit rate.
func queueService(t *testing.T, cfg Config, auditRate float64) (*moderation.Service, *DB, *moderationtest.Clock) {
	t.Helper()
	s := rules.DefaultSettings()
	s.Repeated.MinAuthors = 1000 // copies stay in review: the queue groups them
	rs, err := rules.Load(s, rules.Options{Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t, cfg)
	clock := moderationtest.NewClock(time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC))
	return moderation.NewService(db, rs, moderation.Options{Clock: clock, AuditRate: auditRate}), db, clock
}

// pendingText goes to review with the default rules: personal data.
func pendingText(i int) string {
	return fmt.Sprintf("Écrivez-moi à camille.%d@example.org pour la suite", i)
}

func intakePending(t *testing.T, svc *moderation.Service, n int) []int64 {
	t.Helper()
	ids := make([]int64, n)
	for i := range n {
		res, err := svc.Intake(context.Background(), moderation.NewComment{Source: "api:test", ExternalID: fmt.Sprint("p", i),
			Text: pendingText(i), Author: moderation.Author{ID: fmt.Sprint("a", i)}})
		if err != nil || res.Comment.Status != moderation.StatusPending {
			t.Fatalf("intake %d: %v, status %s; want pending", i, err, res.Comment.Status)
		}
		ids[i] = res.Comment.ID
	}
	return ids
}

func TestConcurrentClaimsGetDifferentComments(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		svc, _, _ := queueService(t, cfg, 0)
		intakePending(t, svc, 12)
		got := make([]int64, 8)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e, err := svc.Claim(context.Background(), fmt.Sprint("moderator:", i), moderation.QueueFilter{})
				if err != nil {
					t.Errorf("claim %d: %v", i, err)
					return
				}
				got[i] = e.Item.CommentID
			}()
		}
		wg.Wait()
		seen := map[int64]bool{}
		for i, id := range got {
			if id == 0 || seen[id] {
				t.Fatalf("moderator %d got comment %d; all claims: %v (want 8 different)", i, id, got)
			}
			seen[id] = true
		}
		st, err := svc.QueueStats(context.Background())
		if err != nil || st.Depth != 12 || st.Claimed != 8 {
			t.Fatalf("stats = %+v, %v; want depth 12, claimed 8", st, err)
		}
	})
}

func TestDecisionOnAClaimedOrDecidedCommentConflicts(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		svc, db, _ := queueService(t, cfg, 0)
		ids := intakePending(t, svc, 2)
		if _, err := svc.ClaimComments(ctx, "moderator:1", ids[:1]); err != nil {
			t.Fatal(err)
		}
		_, err := svc.Review(ctx, "moderator:2", moderation.ReviewDecision{CommentID: ids[0], Action: moderation.Publish})
		wantErr(t, err, moderation.ErrConflict)
		// Two decisions at once on an unclaimed comment: exactly one wins.
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = svc.Review(ctx, fmt.Sprint("moderator:", 3+i), moderation.ReviewDecision{CommentID: ids[1], Action: moderation.Refuse, Category: "personal_data"})
			}()
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("two decisions: errors %v and %v; want exactly one success", errs[0], errs[1])
		}
		for _, err := range errs {
			if err != nil {
				wantErr(t, err, moderation.ErrConflict)
			}
		}
		evs, err := db.Events(ctx, ids[1])
		if err != nil || len(evs) != 2 {
			t.Fatalf("events of the doubly decided comment: %d, %v; want 2 (intake and one decision)", len(evs), err)
		}
		if _, err := db.ReviewItem(ctx, ids[1]); err == nil {
			t.Fatal("a decided comment is still in the queue")
		}
		// The holder decides its own claim.
		if _, err := svc.Review(ctx, "moderator:1", moderation.ReviewDecision{CommentID: ids[0], Action: moderation.Publish}); err != nil {
			t.Fatalf("holder's decision: %v", err)
		}
	})
}

func TestExpiredLeaseReturnsToTheQueue(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		svc, _, clock := queueService(t, cfg, 0)
		intakePending(t, svc, 1)
		first, err := svc.Claim(ctx, "moderator:1", moderation.QueueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Claim(ctx, "moderator:2", moderation.QueueFilter{}); err == nil {
			t.Fatal("a claimed comment was claimed again before its lease lapsed")
		}
		clock.Advance(svc.Lease() + time.Second)
		again, err := svc.Claim(ctx, "moderator:2", moderation.QueueFilter{})
		if err != nil || again.Item.CommentID != first.Item.CommentID {
			t.Fatalf("after the lease: claim = %d, %v; want comment %d back", again.Item.CommentID, err, first.Item.CommentID)
		}
		// The first moderator's late decision is now a conflict.
		_, err = svc.Review(ctx, "moderator:1", moderation.ReviewDecision{CommentID: first.Item.CommentID, Action: moderation.Publish})
		wantErr(t, err, moderation.ErrConflict)
	})
}

func TestCopiesOfOneTextAreDecidedTogether(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		svc, db, _ := queueService(t, cfg, 0)
		var ids []int64
		for i := range 10 {
			res, err := svc.Intake(ctx, moderation.NewComment{Source: "api:test", ExternalID: fmt.Sprint("copy", i),
				Text: "Écrivez à la rédaction : redaction@example.org", Author: moderation.Author{ID: fmt.Sprint("author", i)}})
			if err != nil || res.Comment.Status != moderation.StatusPending {
				t.Fatalf("copy %d: %v %s", i, err, res.Comment.Status)
			}
			ids = append(ids, res.Comment.ID)
		}
		groups, err := svc.QueueGroups(ctx, 10)
		if err != nil || len(groups) != 1 || groups[0].Count != 10 || groups[0].Authors != 10 {
			t.Fatalf("groups = %+v, %v; want one group of 10 copies by 10 authors", groups, err)
		}
		entries, err := svc.Queue(ctx, moderation.QueueFilter{Fingerprint: groups[0].Fingerprint})
		if err != nil || len(entries) != 10 {
			t.Fatalf("group view: %d entries, %v", len(entries), err)
		}
		if _, err := svc.ClaimComments(ctx, "moderator:1", ids); err != nil {
			t.Fatal(err)
		}
		before := countRows(t, db, "events")
		for _, r := range svc.ReviewMany(ctx, "moderator:1", ids, moderation.ReviewDecision{Action: moderation.Refuse, Category: "personal_data", Note: "campagne"}) {
			if r.Err != nil || r.Event.To != moderation.StatusRefused {
				t.Fatalf("comment %d: %v, %s", r.CommentID, r.Err, r.Event.To)
			}
		}
		if n := countRows(t, db, "events") - before; n != 10 {
			t.Fatalf("%d events written, want one per copy (10)", n)
		}
		if n := countRows(t, db, "review_items"); n != 0 {
			t.Fatalf("%d items left in the queue", n)
		}
		mustVerify(t, db, 20)
	})
}
