package reports_test

import (
	"context"
	"math/rand"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/moderation"
	"vigie/reports"
	"vigie/reports/reportstest"
)

var t0 = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)

func periods(t *testing.T, loc *time.Location) []reports.Period {
	t.Helper()
	var ps []reports.Period
	for _, s := range []string{"2026", "2026-Q3", "2026-Q4", "2026-09", "2026-10", "2026-11-15"} {
		p, err := reports.ParsePeriod(s, loc)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	all, err := reports.CustomPeriod("2000-01-01", "2100-01-01", loc)
	if err != nil {
		t.Fatal(err)
	}
	return append(ps, all)
}

func checkReconciles(t *testing.T, label string, r *reports.Report) {
	t.Helper()
	ok := func(where string, c reports.CohortCounts) {
		if c.Published+c.Refused+c.Pending+c.Withdrawn != c.Received {
			t.Errorf("%s %s: published %d + refused %d + pending %d + withdrawn %d != received %d",
				label, where, c.Published, c.Refused, c.Pending, c.Withdrawn, c.Received)
		}
		if c.WronglyRemoved > c.Received || c.Refused != c.RefusedBeforePublication+c.RemovedAfterPublication {
			t.Errorf("%s %s: inconsistent split %+v", label, where, c)
		}
	}
	ok("total", r.Cohort.Totals)
	for _, b := range r.Cohort.Breakdowns {
		var sum int64
		for _, row := range b.Rows {
			ok(b.Dimension+"="+row.Key, row.CohortCounts)
			sum += row.Received
		}
		// Every dimension but rule is a partition of the comments.
		if b.Dimension != "rule" && sum != r.Cohort.Totals.Received {
			t.Errorf("%s %s: rows sum to %d received, total %d", label, b.Dimension, sum, r.Cohort.Totals.Received)
		}
	}
}

// TestPropertyRandomHistories drives many random legal histories through the
// index three ways (one event at a time, Sync in pages, Recompute) and checks
// that they agree, that the cohort reconciles everywhere, and that the totals
// match a naive count over the final statuses.
func TestPropertyRandomHistories(t *testing.T) {
	ctx := context.Background()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	for seed := int64(1); seed <= 60; seed++ {
		loc := time.UTC
		if seed%3 == 0 {
			loc = paris
		}
		src := reportstest.History(seed, 50+int(seed)*7, t0, 120*24*time.Hour)

		one := reports.NewIndex(reports.Options{Location: loc})
		for _, e := range src.Events {
			if err := one.Apply(e); err != nil {
				t.Fatalf("seed %d: apply: %v", seed, err)
			}
		}
		// Sync in random-sized steps, as a server would between requests.
		inc := reports.NewIndex(reports.Options{Location: loc})
		r := rand.New(rand.NewSource(seed))
		for n := 0; n < len(src.Events); {
			n = min(len(src.Events), n+1+r.Intn(40))
			if err := inc.Sync(ctx, &reportstest.Source{Events: src.Events[:n]}); err != nil {
				t.Fatalf("seed %d: sync: %v", seed, err)
			}
		}
		full, err := reports.Recompute(ctx, src, reports.Options{Location: loc})
		if err != nil {
			t.Fatalf("seed %d: recompute: %v", seed, err)
		}
		for _, p := range periods(t, loc) {
			o := reports.ReportOptions{Now: t0}
			a, _ := one.Report(p, o)
			b, _ := inc.Report(p, o)
			c, _ := full.Report(p, o)
			if d := cmp.Diff(c, a); d != "" {
				t.Fatalf("seed %d %s: Apply differs from Recompute (-want +got):\n%s", seed, p.Label, d)
			}
			if d := cmp.Diff(c, b); d != "" {
				t.Fatalf("seed %d %s: Sync differs from Recompute (-want +got):\n%s", seed, p.Label, d)
			}
			checkReconciles(t, p.Label, c)
		}
		all := periods(t, loc)[6]
		rep, _ := full.Report(all, reports.ReportOptions{})
		if d := cmp.Diff(naiveTotals(src.Events), rep.Cohort.Totals); d != "" {
			t.Fatalf("seed %d: totals differ from a naive count (-naive +index):\n%s", seed, d)
		}
		if rep.Chain.LastSeq != int64(len(src.Events)) || rep.Chain.Hash != src.Events[len(src.Events)-1].Hash {
			t.Fatalf("seed %d: head %+v", seed, rep.Chain)
		}
	}
}

// naiveTotals recounts the all-time cohort from each comment's events.
func naiveTotals(evs []moderation.Event) reports.CohortCounts {
	type st struct {
		status      moderation.Status
		after       bool
		reinstRoute moderation.Route
	}
	m := map[int64]*st{}
	for _, e := range evs {
		s := m[e.CommentID]
		if s == nil {
			s = &st{}
			m[e.CommentID] = s
		}
		if e.From == e.To {
			continue
		}
		if e.From == moderation.StatusRefused && e.To == moderation.StatusPublished && e.Route != moderation.RouteEdit {
			s.reinstRoute = e.Route
		}
		if e.To == moderation.StatusRefused {
			s.after = e.From == moderation.StatusPublished
		}
		s.status = e.To
	}
	var c reports.CohortCounts
	for _, s := range m {
		c.Received++
		switch s.status {
		case moderation.StatusPublished:
			c.Published++
		case moderation.StatusRefused:
			c.Refused++
			if s.after {
				c.RemovedAfterPublication++
			} else {
				c.RefusedBeforePublication++
			}
		case moderation.StatusPending:
			c.Pending++
		case moderation.StatusWithdrawn:
			c.Withdrawn++
		}
		switch s.reinstRoute {
		case 0:
		case moderation.RouteAppeal:
			c.WronglyRemovedAppeal++
		case moderation.RouteExternal:
			c.WronglyRemovedExternal++
		default:
			c.WronglyRemovedOwnReview++
		}
	}
	c.WronglyRemoved = c.WronglyRemovedAppeal + c.WronglyRemovedOwnReview + c.WronglyRemovedExternal
	return c
}

func TestApplyRejectsGapsAndBrokenChain(t *testing.T) {
	src := reportstest.History(7, 20, t0, 24*time.Hour)
	ix := reports.NewIndex(reports.Options{})
	if err := ix.Apply(src.Events[1]); err == nil {
		t.Fatal("applied seq 2 first; want a gap error")
	}
	if err := ix.Apply(src.Events[0]); err != nil {
		t.Fatal(err)
	}
	bad := src.Events[1]
	bad.Category = "tampered"
	if err := ix.Apply(bad); err == nil {
		t.Fatal("applied an altered event; want a chain error")
	}
	if h := ix.Head(); h.LastSeq != 1 || h.Hash != src.Events[0].Hash {
		t.Fatalf("a rejected event changed the head: %+v", h)
	}
	if err := ix.Apply(src.Events[1]); err != nil {
		t.Fatalf("the genuine event after a rejection: %v", err)
	}
}
