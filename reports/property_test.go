package reports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand"
	"strconv"
	"strings"
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
	ok("criticism", r.Criticism.CohortCounts)
	ok("campaigns", r.Campaigns.Copies)
	if r.Criticism.Received > r.Cohort.Totals.Received || r.Campaigns.Copies.Received > r.Cohort.Totals.Received {
		t.Errorf("%s: criticism %d or copies %d exceed received %d", label, r.Criticism.Received, r.Campaigns.Copies.Received, r.Cohort.Totals.Received)
	}
	if r.Criticism.RefusedAutomatically > r.Criticism.Refused {
		t.Errorf("%s: criticism refused automatically %d > refused %d", label, r.Criticism.RefusedAutomatically, r.Criticism.Refused)
	}
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
		crit, camp, critAuto := naiveFlagged(src.Events)
		if d := cmp.Diff(crit, rep.Criticism.CohortCounts); d != "" {
			t.Fatalf("seed %d: criticism differs from a naive count (-naive +index):\n%s", seed, d)
		}
		if d := cmp.Diff(camp, rep.Campaigns.Copies); d != "" {
			t.Fatalf("seed %d: campaign copies differ from a naive count (-naive +index):\n%s", seed, d)
		}
		// The generator, like the rules, never refuses criticism
		// automatically: the line says so, and a naive count agrees.
		if rep.Criticism.RefusedAutomatically != critAuto || critAuto != 0 {
			t.Fatalf("seed %d: criticism refused automatically: index %d, naive %d, want 0", seed, rep.Criticism.RefusedAutomatically, critAuto)
		}
		if rep.Criticism.Received == 0 || rep.Campaigns.Copies.Received == 0 {
			t.Fatalf("seed %d: the history has no criticism (%d) or no copies (%d): the check above checked nothing", seed, rep.Criticism.Received, rep.Campaigns.Copies.Received)
		}
		if rep.Chain.LastSeq != int64(len(src.Events)) || rep.Chain.Hash != src.Events[len(src.Events)-1].Hash {
			t.Fatalf("seed %d: head %+v", seed, rep.Chain)
		}
	}
}

// naiveFlagged recounts the all-time criticism and campaign lines: the
// comments whose latest rules verdict (intake or edit, by the system)
// named a criticism or a repeated-post rule, with naiveTotals' counts.
func naiveFlagged(evs []moderation.Event) (crit, camp reports.CohortCounts, critAuto int64) {
	isCrit, isCamp, autoRefused := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
	for _, e := range evs {
		if e.Actor == moderation.ActorSystem && (e.Route == moderation.RouteRules || e.Route == moderation.RouteEdit) {
			isCrit[e.CommentID], isCamp[e.CommentID] = false, false
			for _, id := range e.RuleIDs {
				isCrit[e.CommentID] = isCrit[e.CommentID] || strings.HasSuffix(id, ".criticism")
				isCamp[e.CommentID] = isCamp[e.CommentID] || id == "core.repeated"
			}
		}
		if e.From != e.To {
			autoRefused[e.CommentID] = e.To == moderation.StatusRefused && e.Automation == moderation.AutomationFull
		}
	}
	pick := func(keep map[int64]bool) []moderation.Event {
		var out []moderation.Event
		for _, e := range evs {
			if keep[e.CommentID] {
				out = append(out, e)
			}
		}
		return out
	}
	for id, ok := range isCrit {
		if ok && autoRefused[id] {
			critAuto++
		}
	}
	return naiveTotals(pick(isCrit)), naiveTotals(pick(isCamp)), critAuto
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

// TestPropertyPagesAddUp gives random histories random page assignments
// (each source on one of a few pages or the default one) and checks, for
// every period, that the per-page reports add up to the all-pages report on
// every figure that is a count (every CSV row but ratios and percentiles),
// and that the all-pages report is the report of an index without pages.
func TestPropertyPagesAddUp(t *testing.T) {
	sources := []string{"facebook:1001", "facebook:1002", "api:site"}
	pageIDs := []string{"a", "b", moderation.DefaultPageID}
	compared := 0
	for seed := int64(1); seed <= 40; seed++ {
		r := rand.New(rand.NewSource(seed * 7919))
		pageOf := map[string]string{}
		for _, s := range sources {
			pageOf[s] = pageIDs[r.Intn(len(pageIDs))]
		}
		src := reportstest.History(seed, 40+int(seed)*9, t0, 120*24*time.Hour)
		ctx := context.Background()
		plain, err := reports.Recompute(ctx, src, reports.Options{})
		if err != nil {
			t.Fatal(err)
		}
		paged, err := reports.Recompute(ctx, src, reports.Options{PageOf: func(s string) string { return pageOf[s] }})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range periods(t, time.UTC) {
			o := reports.ReportOptions{Now: t0}
			all, err := paged.Report(p, o)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := plain.Report(p, o)
			if d := cmp.Diff(want, all); d != "" {
				t.Fatalf("seed %d %s: all pages differ from an index without pages (-without +with):\n%s", seed, p.Label, d)
			}
			sum := map[string]int64{}
			for _, id := range pageIDs {
				po := o
				po.Page, po.PageName = id, "Page "+id
				pr, err := paged.Report(p, po)
				if err != nil {
					t.Fatal(err)
				}
				if pr.Page == nil || pr.Page.ID != id {
					t.Fatalf("seed %d: page report names %+v, want %s", seed, pr.Page, id)
				}
				checkReconciles(t, fmt.Sprintf("seed %d %s page %s", seed, p.Label, id), pr)
				for k, v := range countRows(t, pr) {
					sum[k] += v
				}
			}
			whole := countRows(t, all)
			for k, v := range whole {
				if sum[k] != v {
					t.Errorf("seed %d %s %s: pages sum to %d, all pages %d (pages %v)", seed, p.Label, k, sum[k], v, pageOf)
				}
				compared++
			}
			for k, v := range sum {
				if _, ok := whole[k]; !ok && v != 0 {
					t.Errorf("seed %d %s %s: pages sum to %d, absent from all pages", seed, p.Label, k, v)
				}
			}
		}
	}
	if compared < 1000 {
		t.Fatalf("only %d figures compared: the test checked little", compared)
	}
}

// nonAdditive are the CSV metrics that are ratios or percentiles: a
// page's median does not add to another's.
var nonAdditive = map[string]bool{
	"share_of_received": true, "median_seconds": true, "p90_seconds": true,
	"automated_error_rate_observed": true, "automated_error_rate_estimated": true,
	"automated_error_rate_estimated_low": true, "automated_error_rate_estimated_high": true,
	"appeal_rate": true, "overturn_rate": true,
}

// countRows reads a report's CSV as its count figures, by
// section/dimension/key/metric.
func countRows(t *testing.T, r *reports.Report) map[string]int64 {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, rec := range recs[1:] {
		if rec[0] == "meta" || nonAdditive[rec[3]] {
			continue
		}
		n, err := strconv.ParseInt(rec[4], 10, 64)
		if err != nil {
			t.Fatalf("row %v: %v", rec, err)
		}
		out[strings.Join(rec[:4], "/")] = n
	}
	return out
}
