package storage

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"vigie/moderation"
)

// verifyFixture is a small store with every kind of row verify meets:
// comments published, refused and pending, a moderator's decision, and two
// purged comments. Ids: 1 published (purged), 2 refused (purged),
// 3 pending → published, 4 refused, 5 published.
func verifyFixture(t *testing.T, cfg Config) *DB {
	t.Helper()
	cfg.Clock = fixedClock{t0.Add(24 * time.Hour)}
	db := openDB(t, cfg)
	sts := []moderation.Status{moderation.StatusPublished, moderation.StatusRefused, moderation.StatusPending,
		moderation.StatusRefused, moderation.StatusPublished}
	var pending *moderation.Comment
	for i, st := range sts {
		c, _ := mustIntake(t, db, i, st)
		if st == moderation.StatusPending {
			pending = c
		}
	}
	ctx := context.Background()
	if err := db.Transition(ctx, decision(pending, moderation.StatusPending, moderation.StatusPublished, t0.Add(time.Hour)), nil, moderation.Effects{}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Purge(ctx, t0.Add(1500*time.Millisecond)); err != nil || n != 2 {
		t.Fatalf("Purge = %d, %v; want 2 comments", n, err)
	}
	return db
}

// verifyOf runs moderation.Verify with small pages, so page edges are
// crossed.
func verifyOf(t *testing.T, db *DB) *moderation.VerifyResult {
	t.Helper()
	res, err := moderation.Verify(context.Background(), db, moderation.VerifyOptions{PageSize: 2})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return res
}

func TestVerifyPassesOnAnUntouchedStore(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		db := verifyFixture(t, cfg)
		res := verifyOf(t, db)
		if !res.OK() || res.Events != 8 || res.Comments != 5 || res.Purged != 2 {
			t.Fatalf("Verify = %+v; want 8 events (2 of them purges), 5 comments of which 2 purged, no problem\n%v", res, res.Err())
		}
	})
}

// Each tampering verify must name, made the way an attacker with the
// database would: triggers dropped first.
func TestVerifyNamesEachTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, tx *gorm.DB)
		want   []string // each must appear in what Verify says
	}{
		{"text and author rewritten with the salt set to NULL", func(t *testing.T, tx *gorm.DB) {
			exec(t, tx, `UPDATE comments SET text = 'Texte inventé', author_name = 'Quelqu''un', salt = NULL WHERE id = 4`)
		}, []string{"comment 4: its salt is erased but no purge is recorded"}},
		{"text forged on a comment marked purged", func(t *testing.T, tx *gorm.DB) {
			exec(t, tx, `UPDATE comments SET text = 'Texte inventé', salt = NULL, purged_at = ? WHERE id = 5`, t0.Add(time.Hour).UTC())
			exec(t, tx, `UPDATE events SET text = NULL WHERE comment_id = 5`)
		}, []string{"comment 5: it is marked purged at", "still holds text"}},
		{"text put back after a purge", func(t *testing.T, tx *gorm.DB) {
			exec(t, tx, `UPDATE comments SET text = 'Texte inventé' WHERE id = 1`)
			exec(t, tx, `UPDATE events SET text = 'Texte inventé' WHERE comment_id = 2`)
		}, []string{"comment 1: it is marked purged", "event 2 (comment 2): it still holds a text snapshot though its comment was purged"}},
		{"status changed", func(t *testing.T, tx *gorm.DB) {
			exec(t, tx, `UPDATE comments SET status = 'published' WHERE id = 4`)
		}, []string{"comment 4: its status is published but its last event, 4, says refused"}},
		{"category changed", func(t *testing.T, tx *gorm.DB) {
			exec(t, tx, `UPDATE comments SET category = 'spam' WHERE id = 4`)
		}, []string{`comment 4: its category is "spam" but its last event, 4, says "insult"`}},
		{"comment text rewritten", func(t *testing.T, tx *gorm.DB) {
			exec(t, tx, `UPDATE comments SET text = 'Texte inventé' WHERE id = 3`)
		}, []string{"comment 3: its text does not match the text digest of its last event, 6"}},
		{"comment row deleted", func(t *testing.T, tx *gorm.DB) {
			dropCommentForeignKeys(t, tx)
			exec(t, tx, `DELETE FROM comments WHERE id = 5`)
		}, []string{"event 5 (comment 5): its comment does not exist"}},
		{"comment without events", func(t *testing.T, tx *gorm.DB) {
			exec(t, tx, `INSERT INTO comments (source, external_id, status, created_at, received_at, updated_at, salt)
				VALUES ('api:test', 'forged', 'published', ?, ?, ?, ?)`, t0.UTC(), t0.UTC(), t0.UTC(), []byte("salt"))
		}, []string{"comment 6: it has no event"}},
		{"verdict rewritten", func(t *testing.T, tx *gorm.DB) {
			var v string
			if err := tx.Raw(`SELECT verdict FROM events WHERE seq = 4`).Scan(&v).Error; err != nil {
				t.Fatal(err)
			}
			forged := strings.Replace(v, `"refuse"`, `"publish"`, 1)
			if forged == v {
				t.Fatalf("no action to rewrite in %s", v)
			}
			exec(t, tx, `UPDATE events SET verdict = ? WHERE seq = 4`, forged)
		}, []string{"event 4 (comment 4): its stored verdict does not match the verdict digest in the chain"}},
		{"verdict erased", func(t *testing.T, tx *gorm.DB) {
			exec(t, tx, `UPDATE events SET verdict = NULL WHERE seq = 5`)
		}, []string{"event 5 (comment 5): its verdict snapshot is missing"}},
		{"verdict and its digest rewritten", func(t *testing.T, tx *gorm.DB) {
			exec(t, tx, `UPDATE events SET verdict = NULL, verdict_digest = '' WHERE seq = 4`)
		}, []string{"event 4 (comment 4): chain broken: content does not match its hash"}},
		{"last event deleted, head moved back", func(t *testing.T, tx *gorm.DB) {
			exec(t, tx, `DELETE FROM events WHERE seq = 8`)
			exec(t, tx, `UPDATE chain_head SET seq = 7, hash = (SELECT hash FROM events WHERE seq = 7) WHERE id = 1`)
		}, []string{"comment 2: it is marked purged at 2025-03-15T08:26:53Z but no purge event records it"}},
	}
	forEachDriver(t, func(t *testing.T, cfg Config) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				db := verifyFixture(t, driverConfig(t, cfg.Driver))
				// One connection, no transaction: SQLite turns foreign
				// keys off only outside one.
				err := db.w.Connection(func(tx *gorm.DB) error {
					dropAppendOnlyTriggers(t, tx)
					tt.tamper(t, tx)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				res := verifyOf(t, db)
				got := res.Err()
				if got == nil {
					t.Fatalf("Verify found nothing; want %q", tt.want)
				}
				for _, w := range tt.want {
					if !strings.Contains(got.Error(), w) {
						t.Errorf("Verify said:\n%v\nwant a line with %q", got, w)
					}
				}
				t.Log(got)
			})
		}
	})
}

func exec(t *testing.T, tx *gorm.DB, q string, args ...any) {
	t.Helper()
	if err := tx.Exec(q, args...).Error; err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// dropCommentForeignKeys is what deleting a comment with events takes.
func dropCommentForeignKeys(t *testing.T, tx *gorm.DB) {
	t.Helper()
	if tx.Dialector.Name() == "postgres" {
		exec(t, tx, `ALTER TABLE events DROP CONSTRAINT events_comment_id_fkey`)
		return
	}
	exec(t, tx, `PRAGMA foreign_keys = OFF`)
}

// Pages larger than one IN list (500 ids): every comment of a page of
// events is found.
func TestVerifyReadsLargePages(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		db := openDB(t, cfg)
		const n = 1100
		var wg sync.WaitGroup
		for w := range 50 {
			wg.Go(func() {
				for i := w; i < n; i += 50 {
					c, e := newComment(i, moderation.StatusPublished)
					if _, err := db.Intake(context.Background(), c, e, moderation.Effects{}); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		res, err := moderation.Verify(context.Background(), db, moderation.VerifyOptions{PageSize: 5000})
		if err != nil {
			t.Fatal(err)
		}
		if !res.OK() || res.Events != n || res.Comments != n {
			t.Fatalf("Verify = %d events, %d comments, %v; want %d of each, no problem", res.Events, res.Comments, res.Err(), n)
		}
	})
}
