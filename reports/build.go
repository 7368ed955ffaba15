package reports

import (
	"cmp"
	"slices"
	"time"

	"vigie/moderation"
)

// ReportOptions are what a report needs besides the index.
type ReportOptions struct {
	Policy Policy
	Now    time.Time // "generated at"; from the injected clock
	// Page, when set, limits the report to that page's comments (by the
	// index's Options.PageOf); PageName is its name, shown with it.
	Page, PageName string
}

// Report computes the figures for a period from the index. Cost grows with
// the number of days and dimension values, not with the number of comments.
func (ix *Index) Report(p Period, o ReportOptions) (*Report, error) {
	if !p.To.After(p.From) {
		return nil, moderation.Errorf(moderation.ErrInvalid, "to", "empty period")
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()

	from, to := ix.dayOf(p.From), ix.dayOf(p.To)
	var (
		ctot   cohortVec
		atot   actVec
		cdims  [nDims][]cohortVec
		adims  [nDims][]actVec
		ttd    []int32
		flag   flaggedTotals
		series = newSeries(ix, p, from, to)
	)
	pages := ix.reportPages(o.Page)
	for d := from; d < to; d++ {
		for _, pg := range pages {
			if r := ix.days[dayKey{pg, d}]; r != nil {
				ix.addDay(r, d, &ctot, &atot, &cdims, &adims, &ttd, &flag, series)
			}
		}
	}

	rep := &Report{
		Schema: Schema,
		Period: PeriodInfo{
			From: p.From.In(ix.loc).Format(dateLayout), To: p.To.In(ix.loc).Format(dateLayout),
			Kind: p.Kind, Label: p.Label, TimeZone: ix.loc.String(),
		},
		GeneratedAt: o.Now.UTC().Truncate(time.Second),
		Chain:       Head{LastSeq: ix.lastSeq, Hash: ix.head},
		Series:      series.s,
	}
	if !ix.asOf.IsZero() {
		t := ix.asOf
		rep.DataAsOf = &t
	}
	if o.Page != "" {
		rep.Page = &PageInfo{ID: o.Page, Name: o.PageName}
	}
	rep.Cohort = Cohort{Definition: defCohort, Totals: cohortCounts(&ctot)}
	rep.Activity = Activity{Definition: defActivity, Totals: activityCounts(&atot)}
	for dim := range nDims {
		cb := CohortBreakdown{Dimension: dimNames[dim], Rows: []CohortRow{}}
		for id := range cdims[dim] {
			if v := &cdims[dim][id]; *v != (cohortVec{}) {
				cb.Rows = append(cb.Rows, CohortRow{Key: ix.keyName(dim, id), CohortCounts: cohortCounts(v)})
			}
		}
		slices.SortFunc(cb.Rows, func(a, b CohortRow) int {
			return cmp.Or(cmp.Compare(b.Received, a.Received), cmp.Compare(a.Key, b.Key))
		})
		rep.Cohort.Breakdowns = append(rep.Cohort.Breakdowns, cb)

		ab := ActivityBreakdown{Dimension: dimNames[dim], Rows: []ActivityRow{}}
		for id := range adims[dim] {
			if v := &adims[dim][id]; *v != (actVec{}) {
				ab.Rows = append(ab.Rows, ActivityRow{Key: ix.keyName(dim, id), ActivityCounts: activityCounts(v)})
			}
		}
		slices.SortFunc(ab.Rows, func(a, b ActivityRow) int {
			return cmp.Or(cmp.Compare(b.Decisions, a.Decisions), cmp.Compare(a.Key, b.Key))
		})
		rep.Activity.Breakdowns = append(rep.Activity.Breakdowns, ab)
	}
	rep.Headline = headline(rep)
	rep.Criticism, rep.Campaigns = flag.lines()
	rep.Rates = rates(&rep.Activity.Totals)
	rep.TimeToDecision = timeToDecision(ttd)
	rep.Policy = policyEntries(o.Policy)
	rep.Crises = ix.crisisReports(p.From, p.To, o.Page, pages)
	return rep, nil
}

// reportPages are the page ids a report sums: every page's, or one
// (none when the index never saw a comment of it: its figures are zero).
func (ix *Index) reportPages(page string) []uint32 {
	if page == "" {
		ids := make([]uint32, len(ix.pages.names))
		for i := range ids {
			ids[i] = uint32(i)
		}
		return ids
	}
	if id, ok := ix.pages.ids[page]; ok && ix.pageOf != nil {
		return []uint32{id}
	}
	return nil
}

// addDay adds one page's day to the report's sums.
func (ix *Index) addDay(r *dayRoll, d int32, ctot *cohortVec, atot *actVec, cdims *[nDims][]cohortVec, adims *[nDims][]actVec,
	ttd *[]int32, flag *flaggedTotals, series *seriesBuilder) {
	addVec(ctot, &r.cohortTotal)
	addVec(atot, &r.actTotal)
	for dim := range nDims {
		for id := range r.cohort[dim] {
			addVec(grow(&cdims[dim], uint32(id)), &r.cohort[dim][id])
		}
		for id := range r.act[dim] {
			addVec(grow(&adims[dim], uint32(id)), &r.act[dim][id])
		}
	}
	*ttd = append(*ttd, r.ttd...)
	flag.add(r)
	series.add(d, &r.actTotal)
}

func addVec[V cohortVec | actVec](dst, src *V) {
	for i := range len(*src) {
		(*dst)[i] += (*src)[i]
	}
}

func (ix *Index) keyName(dim, id int) string {
	switch dim {
	case dimAutomation:
		if id == 0 {
			return ""
		}
		return moderation.Automation(id).String()
	case dimRoute:
		if id == 0 {
			return ""
		}
		return moderation.Route(id).String()
	}
	return ix.dicts[dim].names[id]
}

func cohortCounts(v *cohortVec) CohortCounts {
	c := CohortCounts{
		Received: v[cReceived], Published: v[cPublished],
		RefusedBeforePublication: v[cRefusedBefore], RemovedAfterPublication: v[cRefusedAfter],
		Pending: v[cPending], Withdrawn: v[cWithdrawn],
		WronglyRemovedAppeal: v[cReinstAppeal], WronglyRemovedOwnReview: v[cReinstOwn],
		WronglyRemovedExternal: v[cReinstExternal],
	}
	c.Refused = c.RefusedBeforePublication + c.RemovedAfterPublication
	c.WronglyRemoved = c.WronglyRemovedAppeal + c.WronglyRemovedOwnReview + c.WronglyRemovedExternal
	return c
}

func activityCounts(v *actVec) ActivityCounts {
	return ActivityCounts{
		Decisions: v[aPublished] + v[aRefused] + v[aReinstated],
		Published: v[aPublished], Refused: v[aRefused], RemovedAfterPublication: v[aRemoved],
		Reinstated: v[aReinstated], ReinstatedAppeal: v[aReinstAppeal],
		ReinstatedOwnReview: v[aReinstOwn], ReinstatedExternal: v[aReinstExternal],
		SentToReview: v[aSentToReview], Withdrawn: v[aWithdrawn], Appeals: v[aAppeals],
		AuditChecks: v[aAuditChecks], AuditOverturns: v[aAuditOverturns],
		AutomatedRefusals: v[aAutoRefused], AutomatedRefusalsReinstated: v[aAutoRefReinstated],
	}
}

func headline(r *Report) Headline {
	t := r.Cohort.Totals
	h := Headline{Received: t.Received, Published: t.Published, Refused: t.Refused,
		WronglyRemoved: t.WronglyRemoved, RefusedByReason: []Reason{}}
	for _, row := range r.Cohort.Breakdowns[dimCategory].Rows {
		if row.Refused > 0 {
			h.RefusedByReason = append(h.RefusedByReason, Reason{
				Category: row.Key, Refused: row.Refused, ShareOfReceived: round4(ratio(row.Refused, t.Received)),
			})
		}
	}
	slices.SortFunc(h.RefusedByReason, func(a, b Reason) int {
		return cmp.Or(cmp.Compare(b.Refused, a.Refused), cmp.Compare(a.Category, b.Category))
	})
	return h
}

func policyEntries(p Policy) []PolicyEntry {
	out := []PolicyEntry{}
	for _, c := range p.Categories {
		out = append(out, PolicyEntry{ID: c.ID, Label: c.Label, Description: c.Description,
			DSACategory: dsaCategory(c.DSACategory), Ground: c.Ground})
	}
	return out
}
