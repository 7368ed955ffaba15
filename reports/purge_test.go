package reports_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/moderation"
	"vigie/reports"
	"vigie/reports/reportstest"
)

// TestPurgeEventsCountForNothing: a random history with purge events gives
// the same report, in every period, as the same history without them
// (resealed), but for the chain head.
func TestPurgeEventsCountForNothing(t *testing.T) {
	ctx := context.Background()
	for seed := int64(1); seed <= 20; seed++ {
		with := reportstest.History(seed, 200, t0, 120*24*time.Hour)
		without := &reportstest.Source{}
		prev, purges := moderation.GenesisHash, 0
		for _, e := range with.Events {
			if e.IsPurge() {
				purges++
				continue
			}
			e.Seal(int64(len(without.Events))+1, prev)
			prev = e.Hash
			without.Events = append(without.Events, e)
		}
		if purges == 0 {
			t.Fatalf("seed %d: the history has no purge event: this checks nothing", seed)
		}
		a, err := reports.Recompute(ctx, with, reports.Options{})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		b, err := reports.Recompute(ctx, without, reports.Options{})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for _, p := range periods(t, time.UTC) {
			ra, _ := a.Report(p, reports.ReportOptions{Now: t0})
			rb, _ := b.Report(p, reports.ReportOptions{Now: t0})
			ra.Chain, rb.Chain = reports.Head{}, reports.Head{}
			if d := cmp.Diff(rb, ra); d != "" {
				t.Fatalf("seed %d %s: %d purge events changed the report (-without +with):\n%s", seed, p.Label, purges, d)
			}
		}
	}
}
