package storage

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/moderation"
)

// EventsAfterLean is EventsAfter without the snapshots: same events, same
// chained fields, same pages, Text and Verdict empty; and an empty page
// past the end.
func TestEventsAfterLean(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		db := openDB(t, cfg)
		ctx := context.Background()
		for i := range 9 {
			c, _ := mustIntake(t, db, i, moderation.StatusPending)
			e := decision(c, moderation.StatusPending, moderation.StatusRefused, t0.Add(time.Hour))
			e.RuleIDs = []string{"insult.idiot", "fr.vulgar"}
			if err := db.Transition(ctx, e, nil, moderation.Effects{}); err != nil {
				t.Fatal(err)
			}
		}
		for _, after := range []int64{0, 5, 17} {
			full, err := db.EventsAfter(ctx, after, 7)
			if err != nil {
				t.Fatal(err)
			}
			lean, err := db.EventsAfterLean(ctx, after, 7)
			if err != nil {
				t.Fatal(err)
			}
			for i := range full {
				if full[i].Text == "" || (full[i].From == 0 && full[i].Verdict == nil) {
					t.Fatalf("event %d has no snapshot to leave out", full[i].Seq)
				}
				full[i].Text, full[i].Verdict = "", nil
			}
			if diff := cmp.Diff(full, lean); diff != "" {
				t.Errorf("after %d: lean events differ from EventsAfter without snapshots (-full +lean):\n%s", after, diff)
			}
			for i := range lean {
				if got := lean[i].ComputeHash(lean[i].PrevHash); got != lean[i].Hash {
					t.Errorf("lean event %d does not match its hash", lean[i].Seq)
				}
			}
		}
		if evs, err := db.EventsAfterLean(ctx, 18, 7); err != nil || len(evs) != 0 {
			t.Errorf("past the end: %d events, %v; want none", len(evs), err)
		}
	})
}
