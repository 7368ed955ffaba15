package reports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/reports"
	"vigie/reports/reportstest"
)

// crisisHistory is a random history in time order with crisis switches
// inserted at their times, the whole log sealed again.
func crisisHistory(seed int64, switches []moderation.Event) *reportstest.Source {
	src := reportstest.History(seed, 300, t0, 60*24*time.Hour)
	evs := append(slices.Clone(src.Events), switches...)
	slices.SortStableFunc(evs, func(a, b moderation.Event) int { return a.At.Compare(b.At) })
	prev := moderation.GenesisHash
	for i := range evs {
		evs[i].Seal(int64(i+1), prev)
		prev = evs[i].Hash
	}
	return &reportstest.Source{Events: evs}
}

func crisisSwitch(page string, start bool, at time.Time, reason string) moderation.Event {
	e := moderation.Event{At: moderation.TruncateTime(at), Actor: "moderator:1", Route: moderation.RouteCrisis, Automation: moderation.AutomationNone,
		Category: moderation.CrisisStop, Note: reason, Source: moderation.CrisisSource(page)}
	if start {
		e.Category = moderation.CrisisStart
	}
	return e
}

// naiveCrisis counts, from the final statuses, the comments received in
// [from, to) on the pages given (all when pages is nil).
func naiveCrisis(evs []moderation.Event, from, to time.Time, pageOf func(string) string, page string) (recv, pub, ref, pend, wd int64) {
	first := map[int64]moderation.Event{}
	last := map[int64]moderation.Status{}
	for _, e := range evs {
		if e.CommentID == 0 {
			continue
		}
		if e.From == 0 {
			first[e.CommentID] = e
		}
		last[e.CommentID] = e.To
	}
	for id, e := range first {
		if e.At.Before(from) || !e.At.Before(to) || (page != "" && pageOf(e.Source) != page) {
			continue
		}
		recv++
		switch last[id] {
		case moderation.StatusPublished:
			pub++
		case moderation.StatusRefused:
			ref++
		case moderation.StatusPending:
			pend++
		case moderation.StatusWithdrawn:
			wd++
		}
	}
	return
}

// Crisis figures are a subset of the ordinary figures and equal a naive
// count of the comments received during the period, for all pages and for
// each page; periods of other pages stay out of a page's report.
func TestCrisisFiguresReconcile(t *testing.T) {
	pageOf := func(s string) string {
		if s == "facebook:1001" {
			return "a"
		}
		return "b"
	}
	for seed := int64(1); seed <= 12; seed++ {
		r := rand.New(rand.NewSource(seed))
		start := t0.Add(time.Duration(r.Int63n(int64(20 * 24 * time.Hour))))
		stop := start.Add(time.Duration(1 + r.Int63n(int64(10*24*time.Hour))))
		src := crisisHistory(seed, []moderation.Event{
			crisisSwitch("a", true, start, "attentat"),
			crisisSwitch("a", false, stop, "retour au calme"),
		})
		ix, err := reports.Recompute(context.Background(), src, reports.Options{PageOf: pageOf})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		p := reports.Period{From: t0.Add(-24 * time.Hour), To: t0.Add(90 * 24 * time.Hour), Kind: "custom", Label: "all"}
		for _, page := range []string{"", "a", "b"} {
			rep, err := ix.Report(p, reports.ReportOptions{Now: t0, Page: page})
			if err != nil {
				t.Fatal(err)
			}
			if page == "b" {
				if len(rep.Crises) != 0 {
					t.Fatalf("seed %d: page b's report lists page a's crisis: %+v", seed, rep.Crises)
				}
				continue
			}
			if len(rep.Crises) != 1 {
				t.Fatalf("seed %d page %q: %d crisis periods, want 1", seed, page, len(rep.Crises))
			}
			c := rep.Crises[0]
			if c.Page != "a" || c.Ongoing || c.Stop == nil || !c.Stop.Equal(moderation.TruncateTime(stop)) || c.Reason != "attentat" || c.StopReason != "retour au calme" {
				t.Fatalf("seed %d: period %+v", seed, c)
			}
			f := c.Figures
			recv, pub, ref, pend, wd := naiveCrisis(src.Events, moderation.TruncateTime(start), moderation.TruncateTime(stop), pageOf, "a")
			if f.Received != recv || f.Published != pub || f.Refused != ref || f.Pending != pend || f.Withdrawn != wd {
				t.Errorf("seed %d page %q: figures %+v, naive count received %d published %d refused %d pending %d withdrawn %d",
					seed, page, f, recv, pub, ref, pend, wd)
			}
			var byReason int64
			for _, rs := range f.RefusedByReason {
				byReason += rs.Refused
			}
			tot := rep.Cohort.Totals
			switch {
			case f.Published+f.Refused+f.Pending+f.Withdrawn != f.Received:
				t.Errorf("seed %d: crisis figures do not add up: %+v", seed, f)
			case byReason != f.Refused:
				t.Errorf("seed %d: refused by reason sums to %d, refused %d", seed, byReason, f.Refused)
			case f.Received > tot.Received || f.Published > tot.Published || f.Refused > tot.Refused || f.WronglyRemoved > tot.WronglyRemoved:
				t.Errorf("seed %d: crisis figures %+v exceed the period's %+v", seed, f, tot)
			case f.TimeToDecision.Decisions > rep.TimeToDecision.Decisions:
				t.Errorf("seed %d: %d crisis decisions timed, %d in all", seed, f.TimeToDecision.Decisions, rep.TimeToDecision.Decisions)
			}
			if seed == 1 && page == "" && f.Received == 0 {
				t.Fatalf("seed 1: no comment received during the crisis: the test checks nothing")
			}
		}
	}
}

// A crisis for all pages counts every page's comments; one still running is
// reported as ongoing; a report of a period before it does not list it.
func TestCrisisOngoingAllPages(t *testing.T) {
	start := t0.Add(5 * 24 * time.Hour)
	src := crisisHistory(3, []moderation.Event{crisisSwitch(moderation.AllPages, true, start, "toutes les pages")})
	ix, err := reports.Recompute(context.Background(), src, reports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ix.Report(reports.Period{From: t0, To: t0.Add(90 * 24 * time.Hour)}, reports.ReportOptions{Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Crises) != 1 || !rep.Crises[0].Ongoing || rep.Crises[0].Stop != nil || rep.Crises[0].Page != "*" {
		t.Fatalf("crises = %+v, want one ongoing for all pages", rep.Crises)
	}
	recv, _, _, _, _ := naiveCrisis(src.Events, moderation.TruncateTime(start), t0.Add(1000*24*time.Hour), nil, "")
	if got := rep.Crises[0].Figures.Received; got != recv || recv == 0 {
		t.Errorf("received during the crisis = %d, naive %d", got, recv)
	}
	before, err := ix.Report(reports.Period{From: t0.Add(-48 * time.Hour), To: t0.Add(-24 * time.Hour)}, reports.ReportOptions{Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Crises) != 0 {
		t.Errorf("a report before the crisis lists it: %+v", before.Crises)
	}
}

// The CSV's crisis rows give each period's figures as the JSON does, its
// time to decision included, and its hostile reason read back exactly,
// in one cell.
func TestCrisisCSVRowsMatchTheReport(t *testing.T) {
	rep := crisisReport(t, hostileReason)
	var b bytes.Buffer
	if err := rep.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{} // page|start|metric → value
	for _, r := range recs {
		if r[0] == "crisis" {
			got[r[1]+"|"+r[2]+"|"+r[3]] = r[4]
		}
	}
	opt := func(n *int64) string {
		if n == nil {
			return ""
		}
		return fmt.Sprint(*n)
	}
	want := map[string]string{}
	for _, c := range rep.Crises {
		key := c.Page + "|" + c.Start.Format(time.RFC3339Nano) + "|"
		f := c.Figures
		want[key+"reason"] = c.Reason
		for m, n := range map[string]int64{"received": f.Received, "published": f.Published, "refused": f.Refused,
			"pending": f.Pending, "withdrawn": f.Withdrawn, "wrongly_removed": f.WronglyRemoved,
			"time_to_decision_decisions": f.TimeToDecision.Decisions} {
			want[key+m] = fmt.Sprint(n)
		}
		want[key+"time_to_decision_median_seconds"] = opt(f.TimeToDecision.MedianSeconds)
		want[key+"time_to_decision_p90_seconds"] = opt(f.TimeToDecision.P90Seconds)
		for _, rs := range f.RefusedByReason {
			want[key+"refused_by_reason."+rs.Category] = fmt.Sprint(rs.Refused)
		}
	}
	if rep.Crises[0].Reason != hostileReason {
		t.Fatalf("the report's reason = %q, want the hostile one", rep.Crises[0].Reason)
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			t.Errorf("CSV %s = %q (present %v), want %q", k, g, ok, w)
		}
	}
}
