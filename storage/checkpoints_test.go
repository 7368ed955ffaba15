package storage

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"vigie/moderation"
)

// testSigner is a fixed key: tests are reproducible.
func testSigner(t *testing.T) *moderation.CheckpointSigner {
	t.Helper()
	s, err := moderation.ParseCheckpointKey(base64.StdEncoding.EncodeToString([]byte("vigie-test-checkpoint-seed-32byt")))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCheckpointsAreStoredOncePerHead(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		db := openDB(t, cfg)
		ctx := context.Background()
		s := testSigner(t)
		if cp, err := moderation.MakeCheckpoint(ctx, db, s, t0); err != nil || cp != nil {
			t.Fatalf("checkpoint of an empty log = %v, %v; want none", cp, err)
		}
		mustIntake(t, db, 1, moderation.StatusPublished)
		first, err := moderation.MakeCheckpoint(ctx, db, s, t0)
		if err != nil || first == nil || first.Seq != 1 {
			t.Fatalf("MakeCheckpoint = %+v, %v; want one at event 1", first, err)
		}
		if cp, err := moderation.MakeCheckpoint(ctx, db, s, t0.Add(time.Hour)); err != nil || cp != nil {
			t.Fatalf("checkpoint of an unmoved head = %+v, %v; want none", cp, err)
		}
		// Another instance signing the same head a moment later keeps the first.
		if saved, err := db.SaveCheckpoint(ctx, s.Sign(1, first.Hash, t0.Add(time.Second))); err != nil || saved {
			t.Fatalf("second checkpoint at event 1: saved %v, %v", saved, err)
		}
		mustIntake(t, db, 2, moderation.StatusRefused)
		second, err := moderation.MakeCheckpoint(ctx, db, s, t0.Add(2*time.Hour))
		if err != nil || second == nil || second.Seq != 2 {
			t.Fatalf("MakeCheckpoint = %+v, %v; want one at event 2", second, err)
		}
		list, err := db.Checkpoints(ctx, 10)
		if err != nil || len(list) != 2 || list[0] != *second || list[1] != *first {
			t.Fatalf("Checkpoints = %+v, %v; want [%+v %+v]", list, err, *second, *first)
		}
		for _, c := range list {
			if err := c.Verify(s.PublicKey()); err != nil {
				t.Errorf("checkpoint %d read back: %v", c.Seq, err)
			}
		}
		latest, err := db.LatestCheckpoint(ctx)
		if err != nil || latest == nil || *latest != *second {
			t.Fatalf("LatestCheckpoint = %+v, %v; want %+v", latest, err, *second)
		}
	})
}

// The attacks only checkpoints catch: the database is left consistent with
// itself (Verify finds nothing), yet the log no longer holds a head that
// was signed.
func TestCheckpointsCatchWhatVerifyCannot(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, db *DB, tx *gorm.DB)
		want   string
	}{
		{"last event and its comment deleted, head moved back", func(t *testing.T, db *DB, tx *gorm.DB) {
			dropCommentForeignKeys(t, tx)
			exec(t, tx, `DELETE FROM events WHERE seq = 9`)
			exec(t, tx, `DELETE FROM comments WHERE id = 6`)
			exec(t, tx, `UPDATE chain_head SET seq = 8, hash = (SELECT hash FROM events WHERE seq = 8) WHERE id = 1`)
		}, "checkpoint at event 9 signed at 2025-03-15T08:26:53Z: the log now has no event 9; it ends at event 8"},
		{"history rewritten, every later hash recomputed", func(t *testing.T, db *DB, tx *gorm.DB) {
			rewriteConsistently(t, db, tx, 4, "nothing to see")
		}, "checkpoint at event 9 signed at 2025-03-15T08:26:53Z: the log now has hash"},
	}
	forEachDriver(t, func(t *testing.T, cfg Config) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				db := verifyFixture(t, driverConfig(t, cfg.Driver))
				mustIntake(t, db, 5, moderation.StatusPublished) // event 9 (after 2 purge events), comment 6
				ctx := context.Background()
				s := testSigner(t)
				cp, err := moderation.MakeCheckpoint(ctx, db, s, t0.Add(24*time.Hour))
				if err != nil || cp == nil || cp.Seq != 9 {
					t.Fatalf("MakeCheckpoint = %+v, %v", cp, err)
				}
				if problems, err := moderation.CheckCheckpoints(ctx, db, s.PublicKey(), []moderation.Checkpoint{*cp}); err != nil || len(problems) > 0 {
					t.Fatalf("CheckCheckpoints before tampering = %v, %v", problems, err)
				}
				err = db.w.Connection(func(tx *gorm.DB) error {
					dropAppendOnlyTriggers(t, tx)
					tt.tamper(t, db, tx)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if res := verifyOf(t, db); !res.OK() {
					t.Fatalf("the tampered store should be consistent with itself, Verify said: %v", res.Err())
				}
				problems, err := moderation.CheckCheckpoints(ctx, db, s.PublicKey(), []moderation.Checkpoint{*cp})
				if err != nil || len(problems) != 1 || !strings.Contains(problems[0].String(), tt.want) {
					t.Fatalf("CheckCheckpoints = %v, %v; want one problem with %q", problems, err, tt.want)
				}
				t.Log(problems[0])
			})
		}
	})
}

// rewriteConsistently changes event seq's note and reseals it and every
// event after it, then moves the head: what someone with the whole
// database and Vigie's source can do.
func rewriteConsistently(t *testing.T, db *DB, tx *gorm.DB, seq int64, note string) {
	t.Helper()
	evs, err := db.EventsAfter(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	prev := moderation.GenesisHash
	for i := range evs {
		e := &evs[i]
		if e.Seq == seq {
			e.Note = note
		}
		if e.Seq >= seq {
			e.Seal(e.Seq, prev)
			exec(t, tx, `UPDATE events SET note = ?, prev_hash = ?, hash = ? WHERE seq = ?`, e.Note, e.PrevHash, e.Hash, e.Seq)
		}
		prev = e.Hash
	}
	exec(t, tx, `UPDATE chain_head SET hash = ? WHERE id = 1`, prev)
}
