package storage

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"vigie/moderation"
)

// waitQueued waits until the writer has been handed n requests.
func waitQueued(t *testing.T, db *DB, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for db.writer.queued.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d requests queued", db.writer.queued.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// Close must not drop requests already queued: their callers get committed
// answers, and later writes are refused.
func TestCloseDrainsQueuedRequests(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		// A long wait keeps every request queued until Close cuts it short.
		cfg.BatchWait, cfg.BatchMax = time.Minute, 1000
		db, err := Open(context.Background(), cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		const n = 30
		results := make(chan error, n)
		for i := range n {
			go func() {
				c, e := newComment(i, moderation.StatusPublished)
				created, err := db.Intake(context.Background(), c, e, moderation.Effects{})
				if err == nil && !created {
					err = errors.New("not created")
				}
				results <- err
			}()
		}
		waitQueued(t, db, n)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		for range n {
			if err := <-results; err != nil {
				t.Errorf("queued request answered %v, want committed", err)
			}
		}
		c, e := newComment(n, moderation.StatusPublished)
		_, err = db.Intake(context.Background(), c, e, moderation.Effects{})
		wantErr(t, err, moderation.ErrUnavailable)
		wantErr(t, db.Ping(context.Background()), moderation.ErrUnavailable)

		db = openDB(t, cfg)
		mustVerify(t, db, n)
		if got := countRows(t, db, "comments"); got != n {
			t.Errorf("%d comments after reopen, want %d", got, n)
		}
	})
}

func TestRequestWhoseContextEndsBeforeItsBatchIsSkipped(t *testing.T) {
	cfg := sqliteConfig(t)
	cfg.BatchWait = 300 * time.Millisecond
	db := openDB(t, cfg)

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	c, e := newComment(1, moderation.StatusPublished)
	_, err := db.Intake(cancelled, c, e, moderation.Effects{})
	wantErr(t, err, context.Canceled)

	// The second request waits in the batch the first one opened; its
	// caller gives up before the batch starts.
	var wg sync.WaitGroup
	wg.Go(func() {
		c, e := newComment(2, moderation.StatusPublished)
		if _, err := db.Intake(context.Background(), c, e, moderation.Effects{}); err != nil {
			t.Errorf("first request: %v", err)
		}
	})
	waitQueued(t, db, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	c, e = newComment(3, moderation.StatusPublished)
	start := time.Now()
	_, err = db.Intake(ctx, c, e, moderation.Effects{})
	wantErr(t, err, context.DeadlineExceeded)
	if waited := time.Since(start); waited > 200*time.Millisecond {
		t.Errorf("caller waited %s for the batch after its context ended", waited)
	}
	wg.Wait()
	if _, err := db.CommentBySource(context.Background(), c.Source, c.ExternalID); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("the abandoned request was written (%v)", err)
	}
	mustVerify(t, db, 1)
}

// failIntakeOf makes the writer fail the intake of the comment with this
// external id with err, in whatever mode it writes.
func failIntakeOf(db *DB, externalID string, err error) {
	db.writer.failHook = func(r *request) error {
		if r.kind == kindIntake && r.comment.ExternalID == externalID {
			return err
		}
		return nil
	}
}

// A request whose statement fails (after its comment row went in) is
// answered with the error; the rest of its batch commits without it and
// without its half-written rows.
func TestFailingRequestDoesNotFailItsBatch(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		cfg.BatchWait, cfg.BatchMax = 200*time.Millisecond, 10
		db := openDB(t, cfg)
		boom := errors.New("boom")
		failIntakeOf(db, "ext-3", boom)
		const n = 10
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				c, e := newComment(i, moderation.StatusPending)
				_, errs[i] = db.Intake(context.Background(), c, e, moderation.Effects{})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if i == 3 {
				wantErr(t, err, boom)
			} else if err != nil {
				t.Errorf("request %d failed with its neighbour: %v", i, err)
			}
		}
		if got := countRows(t, db, "comments"); got != n-1 {
			t.Errorf("%d comments, want %d (the failing one rolled back)", got, n-1)
		}
		mustVerify(t, db, n-1)
		if st := db.WriteStats(); st.Commits >= n-1 {
			t.Errorf("%d commits for %d requests: they were not grouped", st.Commits, st.Requests)
		}
	})
}

// When the statement inserting the whole batch's events fails, the writer
// cannot tell whose row broke it: it retries row by row, which names the
// culprit, and commits the others.
func TestFailingGroupedInsertFindsTheCulprit(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		cfg.BatchWait, cfg.BatchMax = 200*time.Millisecond, 8
		db := openDB(t, cfg)
		boom := errors.New("boom")
		db.writer.flushHook = func() error { return boom }
		db.writer.failHook = func(r *request) error {
			if db.writer.rowByRow && r.comment.ExternalID == "ext-5" {
				return boom
			}
			return nil
		}
		errs := make([]error, 8)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				c, e := newComment(i, moderation.StatusPublished)
				_, errs[i] = db.Intake(context.Background(), c, e, moderation.Effects{})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if i == 5 {
				wantErr(t, err, boom)
			} else if err != nil {
				t.Errorf("request %d: %v", i, err)
			}
		}
		mustVerify(t, db, 7)
	})
}

// Decisions on one comment in the same batch: the first wins, the second
// sees the status the first set and is a conflict.
func TestConflictingTransitionsInOneBatch(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		cfg.BatchWait = 200 * time.Millisecond
		db := openDB(t, cfg)
		c, _ := mustIntake(t, db, 1, moderation.StatusPending)
		errs := make(chan error, 2)
		for _, to := range []moderation.Status{moderation.StatusPublished, moderation.StatusRefused} {
			go func() {
				errs <- db.Transition(context.Background(), decision(c, moderation.StatusPending, to, t0.Add(time.Hour)), nil, moderation.Effects{})
			}()
		}
		var ok, conflicts int
		for range 2 {
			switch err := <-errs; {
			case err == nil:
				ok++
			case errors.Is(err, moderation.ErrConflict):
				conflicts++
			default:
				t.Errorf("Transition: %v", err)
			}
		}
		if ok != 1 || conflicts != 1 {
			t.Errorf("%d succeeded, %d conflicts; want 1 and 1", ok, conflicts)
		}
		mustVerify(t, db, 2)
	})
}

// A negative BatchWait is the comparison mode: one commit per request.
func TestNegativeBatchWaitCommitsEachRequest(t *testing.T) {
	cfg := sqliteConfig(t)
	cfg.BatchWait = -1
	db := openDB(t, cfg)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			c, e := newComment(i, moderation.StatusPublished)
			if _, err := db.Intake(context.Background(), c, e, moderation.Effects{}); err != nil {
				t.Errorf("Intake: %v", err)
			}
		})
	}
	wg.Wait()
	if st := db.WriteStats(); st.Commits != st.Requests || st.Requests != 20 {
		t.Errorf("stats %+v, want 20 requests in 20 commits", st)
	}
	mustVerify(t, db, 20)
}

// When the transaction itself fails, every request of the batch gets the
// error, as ErrUnavailable (503 for the API), and nothing is written.
func TestFailedBatchFailsEveryRequestAsUnavailable(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		cfg.BatchWait = 100 * time.Millisecond
		db := openDB(t, cfg)
		if err := db.w.Exec(`DELETE FROM chain_head`).Error; err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range 5 {
			wg.Go(func() {
				c, e := newComment(i, moderation.StatusPublished)
				_, err := db.Intake(context.Background(), c, e, moderation.Effects{})
				if !errors.Is(err, moderation.ErrUnavailable) {
					t.Errorf("Intake %d = %v, want ErrUnavailable", i, err)
				}
			})
		}
		wg.Wait()
		if n := countRows(t, db, "comments"); n != 0 {
			t.Errorf("%d comments written by a failed batch", n)
		}
	})
}
