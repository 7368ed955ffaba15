package storage

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"vigie/moderation"
)

// Many writers at once, intakes and decisions interleaved: the log must stay
// one gap-free chain whose head is the published one.
func TestChainVerifiesAfterConcurrentWrites(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		db := openDB(t, cfg)
		const writers, each = 8, 25
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					n := w*each + i
					c, _ := newComment(n, moderation.StatusPending)
					_, e := newComment(n, moderation.StatusPending)
					if _, err := db.Intake(context.Background(), c, e, moderation.Effects{}); err != nil {
						t.Errorf("Intake %d: %v", n, err)
						return
					}
					to := moderation.StatusPublished
					if n%3 == 0 {
						to = moderation.StatusRefused
					}
					if err := db.Transition(context.Background(), decision(c, moderation.StatusPending, to, t0.Add(time.Hour)), nil, moderation.Effects{}); err != nil {
						t.Errorf("Transition %d: %v", n, err)
						return
					}
				}
			})
		}
		wg.Wait()
		mustVerify(t, db, 2*writers*each)
		st := db.WriteStats()
		t.Logf("%d requests in %d commits", st.Requests, st.Commits)
	})
}

// What `vigie verify` relies on: whatever column of a stored event is
// changed behind Vigie's back, the check stops at exactly that event.
func TestTamperedEventIsReported(t *testing.T) {
	tests := []struct {
		name string
		sql  string
	}{
		{"note rewritten", `UPDATE events SET note = 'nothing to see' WHERE seq = 3`},
		{"decision flipped", `UPDATE events SET to_status = 'published' WHERE seq = 3`},
		{"actor changed", `UPDATE events SET actor = 'moderator:1' WHERE seq = 3`},
		{"time moved", `UPDATE events SET at = ? WHERE seq = 3`},
		{"category changed", `UPDATE events SET category = 'spam' WHERE seq = 3`},
		{"rules removed", `UPDATE events SET rule_ids = '' WHERE seq = 3`},
		{"text digest replaced", `UPDATE events SET text_digest = author_digest WHERE seq = 3`},
		{"moved to another comment", `UPDATE events SET comment_id = 1 WHERE seq = 3`},
		{"hash recomputed by hand", `UPDATE events SET hash = prev_hash WHERE seq = 3`},
		{"link cut", `UPDATE events SET prev_hash = hash WHERE seq = 3`},
	}
	forEachDriver(t, func(t *testing.T, cfg Config) {
		db := openDB(t, cfg)
		for i := range 5 {
			mustIntake(t, db, i, moderation.StatusRefused)
		}
		mustVerify(t, db, 5)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				// Each case tampers inside a transaction rolled back after the
				// check, so the next case starts from a clean log.
				tx := db.w.Begin()
				defer tx.Rollback()
				dropAppendOnlyTriggers(t, tx)
				var args []any
				if tt.name == "time moved" {
					args = append(args, t0.Add(time.Minute).UTC())
				}
				if err := tx.Exec(tt.sql, args...).Error; err != nil {
					t.Fatal(err)
				}
				var rows []eventRow
				if err := tx.Order("seq").Find(&rows).Error; err != nil {
					t.Fatal(err)
				}
				evs, err := eventsOf(rows)
				if err != nil {
					t.Fatal(err)
				}
				v := moderation.NewChainVerifier()
				var brk *moderation.ChainBreak
				for i := range evs {
					if err := v.Check(&evs[i]); err != nil {
						if !errors.As(err, &brk) {
							t.Fatalf("Check: %v, want a *ChainBreak", err)
						}
						break
					}
				}
				if brk == nil || brk.Seq != 3 {
					t.Fatalf("verify reported %v, want event 3", brk)
				}
				t.Log(brk)
			})
		}
		mustVerify(t, db, 5)
	})
}

// dropAppendOnlyTriggers does what someone set on rewriting history would do
// first; the hash chain must catch what follows.
func dropAppendOnlyTriggers(t *testing.T, tx *gorm.DB) {
	t.Helper()
	for _, name := range []string{"events_no_update", "events_no_delete"} {
		q := "DROP TRIGGER " + name
		if tx.Dialector.Name() == "postgres" {
			q += " ON events"
		}
		if err := tx.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// The triggers refuse any change to a chained column and any deletion, and
// let a purge erase the snapshots.
func TestEventsAreAppendOnly(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		db := openDB(t, cfg)
		mustIntake(t, db, 1, moderation.StatusPublished)
		for _, q := range []string{
			`UPDATE events SET note = 'x' WHERE seq = 1`,
			`UPDATE events SET hash = hash WHERE seq = 1`,
			`DELETE FROM events WHERE seq = 1`,
		} {
			if err := db.w.Exec(q).Error; err == nil {
				t.Errorf("%s: accepted", q)
			}
		}
		if err := db.w.Exec(`UPDATE events SET text = NULL, verdict = NULL WHERE seq = 1`).Error; err != nil {
			t.Errorf("erasing the snapshot: %v", err)
		}
		mustVerify(t, db, 1)
	})
}

// A trailing event deleted leaves a log that verifies on its own; only the
// published head shows that it is shorter than it was.
func TestDeletedLastEventBreaksTheHead(t *testing.T) {
	db := openDB(t, sqliteConfig(t))
	for i := range 3 {
		mustIntake(t, db, i, moderation.StatusPublished)
	}
	dropAppendOnlyTriggers(t, db.w)
	if err := db.w.Exec(`DELETE FROM events WHERE seq = 3`).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := verifyChain(t, db); err == nil {
		t.Fatal("verify passed with the last event deleted")
	}
}

// Several instances on one database (PostgreSQL behind a load balancer, or
// two processes on one SQLite file): they migrate at the same time, take in
// the same webhook deliveries, and the log stays one line.
func TestInstancesShareOneChain(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		dbs := make([]*DB, 3)
		var wg sync.WaitGroup
		for i := range dbs {
			wg.Go(func() {
				db, err := Open(context.Background(), cfg, nil)
				if err != nil {
					t.Errorf("Open instance %d: %v", i, err)
					return
				}
				t.Cleanup(func() { db.Close() })
				dbs[i] = db
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		const comments = 40
		var created atomic.Int64
		for _, db := range dbs {
			for range 3 {
				wg.Go(func() {
					for n := range comments {
						c, e := newComment(n, moderation.StatusPending)
						ok, err := db.Intake(context.Background(), c, e, moderation.Effects{})
						if err != nil {
							t.Errorf("Intake %d: %v", n, err)
							return
						}
						if ok {
							created.Add(1)
						}
					}
				})
			}
		}
		wg.Wait()
		if created.Load() != comments {
			t.Errorf("%d intakes created a comment, want %d", created.Load(), comments)
		}
		mustVerify(t, dbs[0], comments)
	})
}
