package storage

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"vigie/moderation"
)

// tamperWith runs statements on the store the way an attacker with the
// database would (triggers dropped first, unless already) and returns what
// Verify says.
func tamperWith(t *testing.T, db *DB, tamper func(tx *gorm.DB), dropped ...bool) *moderation.VerifyResult {
	t.Helper()
	err := db.w.Connection(func(tx *gorm.DB) error {
		if len(dropped) == 0 {
			dropAppendOnlyTriggers(t, tx)
		}
		tamper(tx)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return verifyOf(t, db)
}

// A comment is purged if and only if its purge event exists. The fixture:
// comments 1–5, events 1–6, purge events 7 (comment 1) and 8 (comment 2),
// purged at t0+24h.
func TestVerifyRecognisesAPurgeOnlyByItsEvent(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, tx *gorm.DB)
		want   string
	}{
		{"comment erased by hand, marked purged, no purge event", func(t *testing.T, tx *gorm.DB) {
			exec(t, tx, `UPDATE comments SET text = '', author_id = '', author_name = '', salt = NULL, purged_at = ? WHERE id = 4`, t0.Add(48*time.Hour).UTC())
			exec(t, tx, `UPDATE events SET text = NULL WHERE comment_id = 4`)
		}, "comment 4: it is marked purged at 2025-03-16T08:26:53Z but no purge event records it"},
		{"erasure undone: text, author and salt put back", func(t *testing.T, tx *gorm.DB) {
			exec(t, tx, `UPDATE comments SET text = 'Texte inventé', author_name = 'X', salt = ? WHERE id = 1`, []byte("salt"))
		}, "event 7 (comment 1): it records a purge but its comment still holds text and author and salt"},
		{"purged_at cleared after a purge", func(t *testing.T, tx *gorm.DB) {
			exec(t, tx, `UPDATE comments SET purged_at = NULL WHERE id = 2`)
		}, "event 8 (comment 2): it records a purge but its comment is not marked purged"},
	}
	forEachDriver(t, func(t *testing.T, cfg Config) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				db := verifyFixture(t, driverConfig(t, cfg.Driver))
				res := tamperWith(t, db, func(tx *gorm.DB) { tt.tamper(t, tx) })
				if got := res.Err(); got == nil || !strings.Contains(got.Error(), tt.want) {
					t.Fatalf("Verify said:\n%v\nwant a line with %q", got, tt.want)
				}
			})
		}
	})
}

// Events after a purge are allowed (a purged comment can still be decided),
// and the log names the retention rule.
func TestVerifyAcceptsDecisionsAfterAPurge(t *testing.T) {
	db := openDB(t, Config{Driver: "sqlite", DSN: t.TempDir() + "/v.db", Clock: fixedClock{t0.Add(24 * time.Hour)}})
	ctx := context.Background()
	c, _ := mustIntake(t, db, 1, moderation.StatusRefused)
	if n, err := db.PurgeWith(ctx, t0.Add(time.Hour), moderation.RetentionPurge("30d", "vigie purge")); err != nil || n != 1 {
		t.Fatalf("PurgeWith = %d, %v", n, err)
	}
	got, err := db.Comment(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	appeal := decision(&got, moderation.StatusRefused, moderation.StatusPublished, t0.Add(25*time.Hour))
	appeal.Route, appeal.Actor = moderation.RouteAppeal, "moderator:1"
	if err := db.Transition(ctx, appeal, nil, moderation.Effects{}); err != nil {
		t.Fatalf("appeal on a purged comment: %v", err)
	}
	evs, err := db.Events(ctx, c.ID)
	if err != nil || len(evs) != 3 || !evs[1].IsPurge() || evs[1].Note != "retention 30d (vigie purge)" {
		t.Fatalf("events = %+v, %v; want intake, purge (retention 30d), appeal", evs, err)
	}
	if res := verifyOf(t, db); !res.OK() || res.Purged != 1 || res.LegacyPurged != 0 {
		t.Fatalf("Verify = %+v\n%v", res, res.Err())
	}
}

// Purges made before purge events existed (purged_at set, no event) are
// accepted as legacy and listed; once a purge event exists, a later purge
// without one is tampering.
func TestVerifyLegacyPurges(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		cfg.Clock = fixedClock{t0.Add(72 * time.Hour)}
		db := openDB(t, cfg)
		for i := range 4 {
			mustIntake(t, db, i, moderation.StatusPublished)
		}
		legacy := func(tx *gorm.DB, id int64, at time.Time) {
			exec(t, tx, `UPDATE comments SET text = '', author_id = '', author_name = '', salt = NULL, purged_at = ? WHERE id = ?`, at.UTC(), id)
			exec(t, tx, `UPDATE events SET text = NULL WHERE comment_id = ?`, id)
		}
		// An earlier version purged comments 1 and 2, recording nothing.
		res := tamperWith(t, db, func(tx *gorm.DB) {
			legacy(tx, 1, t0.Add(24*time.Hour))
			legacy(tx, 2, t0.Add(24*time.Hour))
		})
		if !res.OK() || res.LegacyPurged != 2 || len(res.Legacy) != 2 || res.Legacy[0] != 1 || res.Legacy[1] != 2 {
			t.Fatalf("before any purge event: Verify = %+v\n%v; want 2 legacy purges, no problem", res, res.Err())
		}
		// This version purges comment 3 (at t0+72h): the legacy ones stay accepted.
		if n, err := db.Purge(context.Background(), t0.Add(2500*time.Millisecond)); err != nil || n != 1 {
			t.Fatalf("Purge = %d, %v; want 1", n, err)
		}
		if res := verifyOf(t, db); !res.OK() || res.LegacyPurged != 2 || res.Purged != 3 {
			t.Fatalf("after a purge event: Verify = %+v\n%v; want 3 purged of which 2 legacy", res, res.Err())
		}
		// A "legacy" purge dated after the first purge event is not one.
		res = tamperWith(t, db, func(tx *gorm.DB) { legacy(tx, 4, t0.Add(96*time.Hour)) }, true)
		if got := res.Err(); got == nil || !strings.Contains(got.Error(), "comment 4: it is marked purged at 2025-03-18T08:26:53Z but no purge event records it") {
			t.Fatalf("Verify said:\n%v\nwant comment 4 named", got)
		}
	})
}
