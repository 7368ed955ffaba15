package storage

import (
	"context"
	"testing"
	"time"

	"vigie/moderation"
)

func crisisEvent(page string, start bool, at time.Time, reason string) *moderation.Event {
	e := &moderation.Event{At: at, Actor: moderation.ActorCLI, Route: moderation.RouteCrisis,
		Automation: moderation.AutomationNone, Category: moderation.CrisisStop, Note: reason,
		Source: moderation.CrisisSource(page)}
	if start {
		e.Category = moderation.CrisisStart
	}
	return e
}

// Migration 9 on a database that already holds events: the rows survive
// with their hashes, the append-only triggers still refuse updates and
// deletions, and a crisis event (no comment) chains after them.
func TestMigration9KeepsEventsAndTriggers(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		all := migrations
		migrations = all[:len(all)-1] // a database left by the previous binary
		db, err := Open(ctx, cfg, nil)
		if err != nil {
			migrations = all
			t.Fatal(err)
		}
		for i := range 4 {
			st := moderation.StatusPublished
			if i%2 == 1 {
				st = moderation.StatusPending
			}
			mustIntake(t, db, i, st)
		}
		err = db.Close()
		migrations = all
		if err != nil {
			t.Fatal(err)
		}

		db = openDB(t, cfg)
		mustVerify(t, db, 4)
		if n := countRows(t, db, "events"); n != 4 {
			t.Fatalf("events after migration 9: %d rows, want 4", n)
		}
		for _, q := range []string{
			`UPDATE events SET note = 'x' WHERE seq = 1`,
			`UPDATE events SET verdict_digest = 'x' WHERE seq = 2`,
			`UPDATE events SET comment_id = NULL WHERE seq = 3`,
			`DELETE FROM events WHERE seq = 4`,
		} {
			if err := db.w.Exec(q).Error; err == nil {
				t.Errorf("%s: accepted after migration 9, want the append-only trigger to refuse it", q)
			}
		}
		// A purge may still erase the snapshots.
		if err := db.w.Exec(`UPDATE events SET text = NULL WHERE seq = 1`).Error; err != nil {
			t.Errorf("erasing a snapshot after migration 9: %v", err)
		}

		e := crisisEvent("a", true, t0.Add(time.Hour), "attentat: la page relaie les consignes officielles")
		if err := db.AppendCrisis(ctx, e); err != nil {
			t.Fatal(err)
		}
		if e.Seq != 5 || e.CommentID != 0 {
			t.Fatalf("crisis event sealed as seq %d comment %d, want 5 and none", e.Seq, e.CommentID)
		}
		mustIntake(t, db, 10, moderation.StatusPublished)
		mustVerify(t, db, 6)
		// vigie verify's full check: the page's event has no comment to
		// compare, and every comment still matches its last event.
		res, err := moderation.Verify(ctx, db, moderation.VerifyOptions{PageSize: 2})
		if err != nil || !res.OK() || res.Events != 6 || res.Comments != 5 {
			t.Fatalf("Verify = %+v, %v; want 6 events and 5 comments, no problem", res, err)
		}
		var null int64
		if err := db.r.Raw(`SELECT COUNT(*) FROM events WHERE comment_id IS NULL`).Scan(&null).Error; err != nil || null != 1 {
			t.Fatalf("events without comment: %d (%v), want 1", null, err)
		}
	})
}

// The switch is checked under the chain head: starting twice or stopping a
// page not in crisis is a conflict and writes nothing.
func TestAppendCrisisSwitch(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		db := openDB(t, cfg)
		mustIntake(t, db, 1, moderation.StatusPublished)
		at := t0.Add(time.Minute)
		wantErr(t, db.AppendCrisis(ctx, crisisEvent("a", false, at, "rien")), moderation.ErrConflict)
		wantErr(t, db.AppendCrisis(ctx, crisisEvent("a", true, at, "crise")), nil)
		wantErr(t, db.AppendCrisis(ctx, crisisEvent("a", true, at, "encore")), moderation.ErrConflict)
		wantErr(t, db.AppendCrisis(ctx, crisisEvent(moderation.AllPages, true, at, "toutes")), nil)
		wantErr(t, db.AppendCrisis(ctx, crisisEvent("a", false, at.Add(time.Hour), "fin")), nil)
		wantErr(t, db.AppendCrisis(ctx, crisisEvent("a", false, at.Add(time.Hour), "fin")), moderation.ErrConflict)
		// Not a crisis event, or one attached to a comment: refused.
		bad := crisisEvent("a", true, at, "x")
		bad.CommentID = 1
		wantErr(t, db.AppendCrisis(ctx, bad), moderation.ErrInvalid)
		wantErr(t, db.AppendCrisis(ctx, crisisEvent("b", true, at, "  ")), moderation.ErrInvalid) // a reason is required
		mustVerify(t, db, 4)

		evs, err := db.CrisisEvents(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 3 {
			t.Fatalf("CrisisEvents = %d events, want 3", len(evs))
		}
		var st moderation.CrisisState
		st.Apply(evs)
		if st.Active("a") != true || !st.Active("c") {
			t.Errorf("page a active %v, page c active %v: want both in crisis (all pages are)", st.Active("a"), st.Active("c"))
		}
		ps := st.Periods()
		if len(ps) != 2 || ps[0].Page != "a" || ps[0].Ongoing() || ps[0].Reason != "crise" || ps[0].StopReason != "fin" || ps[0].StartedBy != "cli" {
			t.Errorf("periods = %+v", ps)
		}
		// The API history of a comment still reads.
		if got, err := db.Events(ctx, 1); err != nil || len(got) != 1 {
			t.Errorf("Events(1) = %d, %v", len(got), err)
		}
		if got, err := db.EventsAfterLean(ctx, 0, 100); err != nil || len(got) != 4 {
			t.Errorf("EventsAfterLean = %d, %v", len(got), err)
		}
	})
}
