package storage

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"vigie/moderation"
)

func TestIntakeCreatesCommentAndOneEvent(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		db := openDB(t, cfg)
		ctx := context.Background()
		c, e := newComment(1, moderation.StatusRefused)
		want := *c
		created, err := db.Intake(ctx, c, e, moderation.Effects{})
		if err != nil || !created {
			t.Fatalf("Intake = %v, %v; want created", created, err)
		}
		if c.ID <= 0 || e.CommentID != c.ID || e.Seq != 1 || e.PrevHash != moderation.GenesisHash || e.Hash == "" {
			t.Fatalf("after Intake: comment id %d, event %+v; want id set, seq 1 after genesis", c.ID, e)
		}
		want.ID = c.ID
		want.CreatedAt = moderation.TruncateTime(want.CreatedAt)
		want.ReceivedAt = moderation.TruncateTime(want.ReceivedAt)
		want.UpdatedAt = moderation.TruncateTime(want.UpdatedAt)
		if diff := cmp.Diff(want, *c); diff != "" {
			t.Errorf("comment after Intake (-want +got):\n%s", diff)
		}
		got, err := db.Comment(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Comment read back (-want +got):\n%s", diff)
		}
		bySource, err := db.CommentBySource(ctx, c.Source, c.ExternalID)
		if err != nil || bySource.ID != c.ID {
			t.Errorf("CommentBySource = %d, %v; want %d", bySource.ID, err, c.ID)
		}
		evs, err := db.Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]moderation.Event{*e}, evs); diff != "" {
			t.Errorf("Events read back (-want +got):\n%s", diff)
		}
		seq, hash, err := db.Head(ctx)
		if err != nil || seq != 1 || hash != e.Hash {
			t.Errorf("Head = %d, %s, %v; want 1, %s", seq, hash, err, e.Hash)
		}
		mustVerify(t, db, 1)
	})
}

func TestIntakeDuplicateWritesNothing(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		db := openDB(t, cfg)
		ctx := context.Background()
		first, _ := mustIntake(t, db, 1, moderation.StatusPublished)

		// A retried delivery: same source id, other content.
		c, e := newComment(1, moderation.StatusRefused)
		c.Text = "something else"
		created, err := db.Intake(ctx, c, e, moderation.Effects{})
		if err != nil || created {
			t.Fatalf("second Intake = %v, %v; want not created, no error", created, err)
		}
		if c.ID != first.ID || c.Text != first.Text || c.Status != moderation.StatusPublished {
			t.Errorf("duplicate filled with id %d %q %s; want the stored comment %d %q published", c.ID, c.Text, c.Status, first.ID, first.Text)
		}
		if e.Seq != 0 || e.Hash != "" {
			t.Errorf("duplicate's event was sealed (%d, %q); want untouched", e.Seq, e.Hash)
		}
		if n := countRows(t, db, "events"); n != 1 {
			t.Errorf("%d events, want 1", n)
		}
		mustVerify(t, db, 1)
	})
}

// Webhooks retry at once: many goroutines deliver the same comment, most of
// them land in the same batch, some in the next.
func TestIntakeConcurrentDuplicatesMakeOneComment(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		db := openDB(t, cfg)
		const n = 40
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			ids     = map[int64]int{}
			created int
		)
		for range n {
			wg.Go(func() {
				c, e := newComment(7, moderation.StatusPending)
				ok, err := db.Intake(context.Background(), c, e, moderation.Effects{})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Errorf("Intake: %v", err)
					return
				}
				ids[c.ID]++
				if ok {
					created++
				}
			})
		}
		wg.Wait()
		if created != 1 || len(ids) != 1 {
			t.Errorf("%d created, ids %v; want exactly 1 created and one id for all", created, ids)
		}
		if c, e := countRows(t, db, "comments"), countRows(t, db, "events"); c != 1 || e != 1 {
			t.Errorf("%d comments, %d events; want 1 and 1", c, e)
		}
		mustVerify(t, db, 1)
	})
}

// Two deliveries of one comment in the same batch: the second finds the row
// the first inserted in the same transaction.
func TestIntakeDuplicateInOneBatch(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		cfg.BatchWait = 200 * time.Millisecond
		db := openDB(t, cfg)
		type result struct {
			id      int64
			created bool
			err     error
		}
		results := make(chan result, 2)
		for range 2 {
			go func() {
				c, e := newComment(3, moderation.StatusRefused)
				ok, err := db.Intake(context.Background(), c, e, moderation.Effects{})
				results <- result{c.ID, ok, err}
			}()
		}
		a, b := <-results, <-results
		if a.err != nil || b.err != nil || a.id != b.id || a.created == b.created {
			t.Errorf("answers %+v and %+v; want one created, one duplicate, same id", a, b)
		}
		if st := db.WriteStats(); st.Commits != 1 || st.Requests != 2 {
			t.Errorf("stats %+v; want both requests in one commit", st)
		}
		mustVerify(t, db, 1)
	})
}

func TestIntakeRejectsInconsistentInput(t *testing.T) {
	db := openDB(t, sqliteConfig(t))
	tests := []struct {
		name   string
		change func(*moderation.Comment, *moderation.Event)
	}{
		{"no source", func(c *moderation.Comment, e *moderation.Event) { c.Source = "" }},
		{"event from a status", func(c *moderation.Comment, e *moderation.Event) { e.From = moderation.StatusPending }},
		{"event to another status than the comment's", func(c *moderation.Comment, e *moderation.Event) { e.To = moderation.StatusRefused }},
		{"no actor", func(c *moderation.Comment, e *moderation.Event) { e.Actor = "" }},
		{"no status", func(c *moderation.Comment, e *moderation.Event) { c.Status, e.To = 0, 0 }},
		// PostgreSQL would refuse it; SQLite must refuse it too.
		{"NUL in the text", func(c *moderation.Comment, e *moderation.Event) { c.Text += "\x00" }},
		{"NUL in the author", func(c *moderation.Comment, e *moderation.Event) { c.Author.Name = "a\x00b" }},
		{"NUL in the event note", func(c *moderation.Comment, e *moderation.Event) { e.Note = "\x00" }},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, e := newComment(i, moderation.StatusPublished)
			tt.change(c, e)
			_, err := db.Intake(context.Background(), c, e, moderation.Effects{})
			if err == nil {
				t.Fatal("Intake accepted it")
			}
		})
	}
	if n := countRows(t, db, "comments"); n != 0 {
		t.Errorf("%d comments stored, want 0", n)
	}
}

// Every time goes in with nanoseconds and a zone and must come back as UTC
// microseconds, with a hash that still verifies.
func TestTimesRoundTripExactly(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		db := openDB(t, cfg)
		ctx := context.Background()
		times := []time.Time{
			t0,
			time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("X", -11*3600)),
			time.Date(2038, 1, 19, 3, 14, 8, 1000, time.UTC),
			time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), // no fraction at all
		}
		for i, at := range times {
			c, e := newComment(i, moderation.StatusPending)
			c.CreatedAt, c.ReceivedAt, c.UpdatedAt, e.At = at, at.Add(time.Nanosecond), at, at
			in := *c
			if _, err := db.Intake(ctx, c, e, moderation.Effects{}); err != nil {
				t.Fatal(err)
			}
			got, err := db.Comment(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := moderation.TruncateTime(at)
			for _, f := range []struct {
				name    string
				in, got time.Time
			}{{"created_at", in.CreatedAt, got.CreatedAt}, {"received_at", at.Add(time.Nanosecond), got.ReceivedAt}, {"updated_at", at, got.UpdatedAt}} {
				if f.got != moderation.TruncateTime(f.in) {
					t.Errorf("%s: %s went in, %s came back; want %s", f.name, f.in, f.got, moderation.TruncateTime(f.in))
				}
			}
			evs, err := db.Events(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := evs[0].At; got != want || got != e.At {
				t.Errorf("event at: %s went in, %s came back, caller has %s; want %s", at, got, e.At, want)
			}
			if h := evs[0].ComputeHash(evs[0].PrevHash); h != evs[0].Hash {
				t.Errorf("hash of event read back is %s, stored %s", h, evs[0].Hash)
			}
		}
		mustVerify(t, db, int64(len(times)))
	})
}

func TestCommentsPagesByID(t *testing.T) {
	db := openDB(t, sqliteConfig(t))
	for i := range 5 {
		mustIntake(t, db, i, moderation.StatusPublished)
	}
	got := pagedIDs(t, func(after int64) ([]moderation.Comment, error) {
		return db.Comments(context.Background(), after, 2)
	})
	if diff := cmp.Diff([]int64{1, 2, 3, 4, 5}, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
}

func TestReadsOfMissingRowsAreNotFound(t *testing.T) {
	db := openDB(t, sqliteConfig(t))
	ctx := context.Background()
	_, err := db.Comment(ctx, 99)
	wantErr(t, err, moderation.ErrNotFound)
	_, err = db.CommentBySource(ctx, "api:test", "nope")
	wantErr(t, err, moderation.ErrNotFound)
	evs, err := db.Events(ctx, 99)
	if err != nil || len(evs) != 0 {
		t.Errorf("Events of a missing comment = %v, %v; want none", evs, err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func TestCommentsReceivedSinceSkipsOlderOnes(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		db := openDB(t, cfg)
		for i := range 6 { // received at t0, t0+1s, … t0+5s
			mustIntake(t, db, i, moderation.StatusPublished)
		}
		got := pagedIDs(t, func(after int64) ([]moderation.Comment, error) {
			return db.CommentsReceivedSince(context.Background(), t0.Add(3*time.Second), after, 2)
		})
		if diff := cmp.Diff([]int64{4, 5, 6}, got); diff != "" {
			t.Errorf("ids received since t0+3s (-want +got):\n%s", diff)
		}
	})
}

// pagedIDs walks a listing page by page (each page after the last id seen)
// and returns every id in order.
func pagedIDs(t *testing.T, page func(after int64) ([]moderation.Comment, error)) []int64 {
	t.Helper()
	var got []int64
	var after int64
	for {
		cs, err := page(after)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 {
			return got
		}
		for _, c := range cs {
			got = append(got, c.ID)
		}
		after = cs[len(cs)-1].ID
	}
}
