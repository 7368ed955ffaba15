package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"vigie/moderation"
)

// The batch's comments go in together (one multi-row statement per power
// of two on PostgreSQL, one plain insert each on SQLite); these tests pin
// what must not change with that: idempotency on (source, external_id),
// one answer per request, and nothing half-written.

type intakeAnswer struct {
	ext     string
	id      int64
	created bool
	event   moderation.Event
	err     error
}

// intakeBatch sends the comments at once and waits for every answer; with a
// long BatchWait and BatchMax = len(cs) they share one batch.
func intakeBatch(db *DB, cs []*moderation.Comment, es []*moderation.Event) []intakeAnswer {
	out := make([]intakeAnswer, len(cs))
	var wg sync.WaitGroup
	for i := range cs {
		wg.Go(func() {
			created, err := db.Intake(context.Background(), cs[i], es[i], moderation.Effects{})
			out[i] = intakeAnswer{ext: cs[i].ExternalID, id: cs[i].ID, created: created, event: *es[i], err: err}
		})
	}
	wg.Wait()
	return out
}

// One batch holding a comment already stored, the same new comment twice,
// and two new ones: the stored one and the second copy come back as
// duplicates with the stored id, the others are created, each once.
func TestBatchWithDuplicatesInsideAndAgainstStoredRows(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		cfg.BatchWait, cfg.BatchMax = 2*time.Second, 5
		db := openDB(t, cfg)
		stored, _ := mustIntake(t, db, 1, moderation.StatusPublished)
		before := db.WriteStats()

		var cs []*moderation.Comment
		var es []*moderation.Event
		for _, i := range []int{1, 2, 2, 3, 4} {
			c, e := newComment(i, moderation.StatusPending)
			cs, es = append(cs, c), append(es, e)
		}
		got := intakeBatch(db, cs, es)
		if st := db.WriteStats(); st.Commits-before.Commits != 1 || st.Requests-before.Requests != 5 {
			t.Fatalf("stats %+v after %+v: want the 5 requests in one commit", st, before)
		}
		byExt := map[string][]intakeAnswer{}
		ids := map[int64]string{}
		for _, a := range got {
			if a.err != nil {
				t.Fatalf("%s: %v", a.ext, a.err)
			}
			byExt[a.ext] = append(byExt[a.ext], a)
			if prev, ok := ids[a.id]; ok && prev != a.ext {
				t.Errorf("id %d given to %s and %s", a.id, prev, a.ext)
			}
			ids[a.id] = a.ext
			if a.created && a.event.CommentID != a.id {
				t.Errorf("%s: event for comment %d, comment is %d", a.ext, a.event.CommentID, a.id)
			}
		}
		if a := byExt["ext-1"][0]; a.created || a.id != stored.ID {
			t.Errorf("stored comment answered %+v, want duplicate of %d", a, stored.ID)
		}
		if a, b := byExt["ext-2"][0], byExt["ext-2"][1]; a.created == b.created || a.id != b.id {
			t.Errorf("pair answered %+v and %+v, want one created and one duplicate, same id", a, b)
		}
		for _, ext := range []string{"ext-3", "ext-4"} {
			if a := byExt[ext][0]; !a.created {
				t.Errorf("%s not created", ext)
			}
		}
		// A duplicate carries the stored comment, as read back.
		for _, a := range got {
			if !a.created {
				c, err := db.Comment(context.Background(), a.id)
				if err != nil || c.ExternalID != a.ext {
					t.Errorf("%s: stored comment %+v, %v", a.ext, c, err)
				}
			}
		}
		if n := countRows(t, db, "comments"); n != 4 {
			t.Errorf("%d comments, want 4", n)
		}
		// Events follow the commit order and the chain holds.
		mustVerify(t, db, 4)
	})
}

// On PostgreSQL text that is not UTF-8 fails at the database (SQLite
// stores it as given): the grouped insert fails, the writer goes row by
// row, and only the culprit is answered with the error.
func TestCommentRefusedByTheDatabaseFailsOnlyItself(t *testing.T) {
	cfg := postgresConfig(t)
	cfg.BatchWait, cfg.BatchMax = 2*time.Second, 6
	db := openDB(t, cfg)
	var cs []*moderation.Comment
	var es []*moderation.Event
	for i := range 6 {
		c, e := newComment(i, moderation.StatusPublished)
		if i == 4 {
			c.Text = "pas de l'UTF-8 : \xff\xfe"
			e.Text = c.Text
			e.TextDigest = moderation.Digest(c.Salt, c.Text)
		}
		cs, es = append(cs, c), append(es, e)
	}
	for _, a := range intakeBatch(db, cs, es) {
		switch {
		case a.ext == "ext-4" && a.err == nil:
			t.Errorf("invalid UTF-8 stored")
		case a.ext == "ext-4" && errors.Is(a.err, moderation.ErrUnavailable):
			t.Errorf("culprit answered %v, want its own error", a.err)
		case a.ext != "ext-4" && (a.err != nil || !a.created):
			t.Errorf("%s failed with its neighbour: %+v", a.ext, a)
		}
	}
	if n := countRows(t, db, "comments"); n != 5 {
		t.Errorf("%d comments, want 5", n)
	}
	mustVerify(t, db, 5)
}

// When the grouped comment insert fails after its rows went in, the batch
// is rolled back and retried row by row: the culprit is named and nothing
// of it is left.
func TestFailingGroupedCommentInsertFindsTheCulprit(t *testing.T) {
	cfg := postgresConfig(t)
	cfg.BatchWait, cfg.BatchMax = 2*time.Second, 8
	db := openDB(t, cfg)
	boom := errors.New("boom")
	db.writer.commentsHook = func() error { return boom }
	db.writer.failHook = func(r *request) error {
		if db.writer.rowByRow && r.comment.ExternalID == "ext-5" {
			return boom
		}
		return nil
	}
	var cs []*moderation.Comment
	var es []*moderation.Event
	for i := range 8 {
		c, e := newComment(i, moderation.StatusPublished)
		cs, es = append(cs, c), append(es, e)
	}
	for _, a := range intakeBatch(db, cs, es) {
		if a.ext == "ext-5" {
			wantErr(t, a.err, boom)
		} else if a.err != nil || !a.created {
			t.Errorf("%s: %+v", a.ext, a)
		}
	}
	if n := countRows(t, db, "comments"); n != 7 {
		t.Errorf("%d comments, want 7", n)
	}
	mustVerify(t, db, 7)
}

// A batch that cannot be written at all (here the chain's next sequence is
// taken by a row planted behind the writer's back) answers every request
// with an error and leaves no comment of it in the database.
func TestBatchThatFailsWhollyWritesNothing(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		cfg.BatchWait, cfg.BatchMax = 2*time.Second, 8
		db := openDB(t, cfg)
		mustIntake(t, db, 100, moderation.StatusPublished)
		cols := "comment_id, at, actor, from_status, to_status, route, automation, category, rule_ids, ruleset_version, " +
			"note, source, language, text_digest, author_digest, prev_hash, hash, text, verdict, verdict_digest"
		if err := db.w.Exec(fmt.Sprintf(`INSERT INTO events (seq, %s) SELECT 2, %s FROM events WHERE seq = 1`, cols, cols)).Error; err != nil {
			t.Fatal(err)
		}
		var cs []*moderation.Comment
		var es []*moderation.Event
		for i := range 8 {
			c, e := newComment(i, moderation.StatusPending)
			cs, es = append(cs, c), append(es, e)
		}
		unavailable := 0
		for _, a := range intakeBatch(db, cs, es) {
			if a.err == nil {
				t.Errorf("%s written over a taken sequence: %+v", a.ext, a)
			}
			if errors.Is(a.err, moderation.ErrUnavailable) {
				unavailable++
			}
		}
		// A few are shed one by one as if they were the culprits; once
		// that is plainly not it, the rest are told the store is unavailable.
		if unavailable != 8-maxEjections {
			t.Errorf("%d answered ErrUnavailable, want %d", unavailable, 8-maxEjections)
		}
		for table, want := range map[string]int64{"comments": 1, "events": 2} {
			if n := countRows(t, db, table); n != want {
				t.Errorf("%d rows in %s, want %d", n, table, want)
			}
		}
	})
}
