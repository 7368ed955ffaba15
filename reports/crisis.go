package reports

import (
	"cmp"
	"slices"
	"time"

	"vigie/moderation"
)

// Crisis periods in the report. A crisis switch is an event of a page, not
// of a comment: folding it opens or closes a period, and every comment
// received while a period is open on its page is remembered with it, so
// the report can give the period its own figures, computed exactly as the
// ordinary cohort figures are (cohortMetrics), over those comments only.
// They are a subset of the ordinary figures of the days the period covers.

// CrisisReport is one crisis period and its figures.
type CrisisReport struct {
	Page       string        `json:"page"` // a page id, or "*" for all pages
	Start      time.Time     `json:"start"`
	Stop       *time.Time    `json:"stop"` // null while ongoing
	Ongoing    bool          `json:"ongoing"`
	Reason     string        `json:"reason"`
	StopReason string        `json:"stop_reason,omitempty"`
	StartSeq   int64         `json:"start_seq"`
	StopSeq    int64         `json:"stop_seq,omitempty"`
	Figures    CrisisFigures `json:"figures"`
}

// CrisisFigures are counted over the comments received during the period
// (of the report's page, for a per-page report), by their status now.
// Published + Refused + Pending + Withdrawn = Received.
type CrisisFigures struct {
	Received        int64          `json:"received"`
	Published       int64          `json:"published"`
	Refused         int64          `json:"refused"`
	Pending         int64          `json:"pending"`
	Withdrawn       int64          `json:"withdrawn"`
	WronglyRemoved  int64          `json:"wrongly_removed"`
	RefusedByReason []Reason       `json:"refused_by_reason"`
	TimeToDecision  TimeToDecision `json:"time_to_decision"`
}

// crisisRoll is one period with the comments received during it.
type crisisRoll struct {
	period   moderation.CrisisPeriod
	comments []int64
}

// foldCrisis opens or closes a period.
func (ix *Index) foldCrisis(e *moderation.Event) {
	periods := make([]moderation.CrisisPeriod, len(ix.crises))
	for i := range ix.crises {
		periods[i] = ix.crises[i].period
	}
	periods = moderation.FoldCrisis(periods, e)
	for i := range periods {
		if i < len(ix.crises) {
			ix.crises[i].period = periods[i]
		} else {
			ix.crises = append(ix.crises, crisisRoll{period: periods[i]})
		}
	}
}

// crisisReceived files a comment just received under the open periods of
// its page.
func (ix *Index) crisisReceived(id int64, c *cstate, at time.Time) {
	page := ix.pages.names[c.page]
	for i := range ix.crises {
		if p := &ix.crises[i].period; p.Ongoing() && p.AppliesTo(page) && p.Covers(at) {
			ix.crises[i].comments = append(ix.crises[i].comments, id)
			if ix.crisisTTD == nil {
				ix.crisisTTD = map[int64]int32{}
			}
			ix.crisisTTD[id] = -1 // not decided by a human yet
		}
	}
}

// crisisDecided keeps the time to a comment's first human decision when
// the comment came in during a crisis.
func (ix *Index) crisisDecided(id int64, secs int32) {
	if s, ok := ix.crisisTTD[id]; ok && s < 0 {
		ix.crisisTTD[id] = secs
	}
}

// crisisReports lists the periods that overlap [from, to) and apply to the
// report's pages, with their figures over those pages' comments.
func (ix *Index) crisisReports(from, to time.Time, page string, pages []uint32) []CrisisReport {
	out := []CrisisReport{}
	in := make(map[uint32]bool, len(pages))
	for _, id := range pages {
		in[id] = true
	}
	for i := range ix.crises {
		cr := &ix.crises[i]
		p := cr.period
		if !p.Start.Before(to) || (!p.Ongoing() && !p.Stop.After(from)) {
			continue
		}
		if page != "" && !p.AppliesTo(page) {
			continue
		}
		r := CrisisReport{Page: p.Page, Start: p.Start.UTC(), Ongoing: p.Ongoing(), Reason: p.Reason,
			StopReason: p.StopReason, StartSeq: p.StartSeq, StopSeq: p.StopSeq}
		if !p.Ongoing() {
			stop := p.Stop.UTC()
			r.Stop = &stop
		}
		r.Figures = ix.crisisFigures(cr.comments, in)
		out = append(out, r)
	}
	return out
}

func (ix *Index) crisisFigures(ids []int64, pages map[uint32]bool) CrisisFigures {
	var v cohortVec
	var buf [3]int
	reasons := map[string]int64{}
	var ttd []int32
	for _, id := range ids {
		c := &ix.comments[id]
		if !pages[c.page] {
			continue
		}
		for _, m := range cohortMetrics(c, &buf) {
			v[m]++
			if m == cRefusedBefore || m == cRefusedAfter {
				reasons[ix.dicts[dimCategory].names[c.cat]]++
			}
		}
		if s := ix.crisisTTD[id]; s >= 0 {
			ttd = append(ttd, s)
		}
	}
	cc := cohortCounts(&v)
	f := CrisisFigures{Received: cc.Received, Published: cc.Published, Refused: cc.Refused, Pending: cc.Pending,
		Withdrawn: cc.Withdrawn, WronglyRemoved: cc.WronglyRemoved, RefusedByReason: []Reason{},
		TimeToDecision: timeToDecision(ttd)}
	for cat, n := range reasons {
		f.RefusedByReason = append(f.RefusedByReason, Reason{Category: cat, Refused: n, ShareOfReceived: round4(ratio(n, cc.Received))})
	}
	slices.SortFunc(f.RefusedByReason, func(a, b Reason) int {
		return cmp.Or(cmp.Compare(b.Refused, a.Refused), cmp.Compare(a.Category, b.Category))
	})
	return f
}

// crisisRows writes each period as rows of section "crisis": dimension the
// page ("*": all pages), key the start time, so a period's rows group.
func (r *Report) crisisRows(row func(section, dim, key, metric, value string)) {
	for _, c := range r.Crises {
		key := c.Start.Format(time.RFC3339Nano)
		row("crisis", c.Page, key, "start", key)
		stop := "ongoing"
		if c.Stop != nil {
			stop = c.Stop.Format(time.RFC3339Nano)
		}
		row("crisis", c.Page, key, "stop", stop)
		row("crisis", c.Page, key, "reason", c.Reason)
		if c.StopReason != "" {
			row("crisis", c.Page, key, "stop_reason", c.StopReason)
		}
		f := c.Figures
		for _, m := range []struct {
			name string
			n    int64
		}{{"received", f.Received}, {"published", f.Published}, {"refused", f.Refused}, {"pending", f.Pending},
			{"withdrawn", f.Withdrawn}, {"wrongly_removed", f.WronglyRemoved}} {
			row("crisis", c.Page, key, m.name, itoa(m.n))
		}
		for _, rs := range f.RefusedByReason {
			row("crisis", c.Page, key, "refused_by_reason."+rs.Category, itoa(rs.Refused))
		}
		row("crisis", c.Page, key, "time_to_decision_decisions", itoa(f.TimeToDecision.Decisions))
		row("crisis", c.Page, key, "time_to_decision_median_seconds", optI(f.TimeToDecision.MedianSeconds))
		row("crisis", c.Page, key, "time_to_decision_p90_seconds", optI(f.TimeToDecision.P90Seconds))
	}
}
