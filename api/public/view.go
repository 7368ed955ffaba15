package public

import (
	"fmt"
	"strings"
	"time"

	"vigie/reports"
)

// page is everything the template shows, already formatted for one
// language: the template only lays it out.
type page struct {
	Lang, OtherLang, Title string
	Error                  string
	Report                 *reports.Report
	PeriodText             string
	PeriodValue            string // what the period box shows
	From, To               string // the custom range inputs
	SwitchURL, JSONURL     string
	CSVURL                 string
	Quick                  []quickGroup
	Headline               []figure
	Reasons                []reasonRow
	Chart                  chart
	ChartNote              string
	Series                 []reports.Point
	Cohort                 []figure
	Activity               []figure
	CohortTables           []table
	ActivityTables         []table
	Rates                  []rateView
	Audit                  auditView
	TTD                    ttdView
	Policy                 []policyView
	Method                 []string
	AsOf, Generated        string
	Schema                 string
}

type figure struct {
	Label, Value string
	Sub          bool // indented under the figure before
}

type reasonRow struct {
	Label, Refused, Share string
}

type quickGroup struct {
	Label string
	Links []quickLink
}

type quickLink struct {
	Label, URL string
	Current    bool
}

type table struct {
	Caption string
	Head    []string
	Rows    [][]string
}

type rateView struct {
	Name, Value, Parts, Definition string
}

type auditView struct {
	Value, Interval, Sample, Definition string
}

type ttdView struct {
	Median, P90, Count, Definition string
}

type policyView struct {
	Label, Description, DSA string
}

func (v *page) n(x int64) string { return formatInt(v.Lang, x) }

// keyLabel names a dimension value for the reader.
func keyLabel(lang, dim, key string, pol reports.Policy) string {
	if key == "" {
		return T(lang, "none")
	}
	switch dim {
	case "category":
		return pol.LabelFor(key, lang)
	case "automation":
		return T(lang, "auto_"+key)
	case "route":
		return T(lang, "route_"+key)
	case "language":
		return strings.ToUpper(key)
	}
	return key
}

func buildPage(lang string, r *reports.Report, pol reports.Policy, s Settings, loc *time.Location) *page {
	v := &page{Lang: lang, Report: r, Title: T(lang, "title"), Schema: r.Schema}
	v.PeriodText = fmt.Sprintf(T(lang, "period_from_to"), formatDate(lang, r.Period.From),
		formatDate(lang, lastDay(r.Period.To)))
	h := r.Headline
	v.Headline = []figure{
		{Label: T(lang, "received"), Value: v.n(h.Received)},
		{Label: T(lang, "published"), Value: v.n(h.Published)},
		{Label: T(lang, "refused"), Value: v.n(h.Refused)},
		{Label: T(lang, "wrongly_removed"), Value: v.n(h.WronglyRemoved)},
	}
	for _, rs := range h.RefusedByReason {
		v.Reasons = append(v.Reasons, reasonRow{Label: keyLabel(lang, "category", rs.Category, pol),
			Refused: v.n(rs.Refused), Share: formatPct(lang, rs.ShareOfReceived)})
	}
	v.Chart = buildChart(lang, r.Series)
	v.ChartNote = fmt.Sprintf(T(lang, "chart_note"), T(lang, "gran_"+r.Series.Granularity))
	v.Series = r.Series.Points

	c := r.Cohort.Totals
	v.Cohort = []figure{
		{T(lang, "received"), v.n(c.Received), false},
		{T(lang, "published"), v.n(c.Published), false},
		{T(lang, "refused"), v.n(c.Refused), false},
		{T(lang, "refused_before"), v.n(c.RefusedBeforePublication), true},
		{T(lang, "removed_after"), v.n(c.RemovedAfterPublication), true},
		{T(lang, "pending"), v.n(c.Pending), false},
		{T(lang, "withdrawn"), v.n(c.Withdrawn), false},
		{T(lang, "wrongly_removed"), v.n(c.WronglyRemoved), false},
		{T(lang, "wr_appeal"), v.n(c.WronglyRemovedAppeal), true},
		{T(lang, "wr_own"), v.n(c.WronglyRemovedOwnReview), true},
		{T(lang, "wr_external"), v.n(c.WronglyRemovedExternal), true},
	}
	a := r.Activity.Totals
	v.Activity = []figure{
		{T(lang, "published"), v.n(a.Published), false},
		{T(lang, "refused"), v.n(a.Refused), false},
		{T(lang, "removed_after"), v.n(a.RemovedAfterPublication), true},
		{T(lang, "reinstated"), v.n(a.Reinstated), false},
		{T(lang, "wr_appeal"), v.n(a.ReinstatedAppeal), true},
		{T(lang, "wr_own"), v.n(a.ReinstatedOwnReview), true},
		{T(lang, "wr_external"), v.n(a.ReinstatedExternal), true},
		{T(lang, "sent_review"), v.n(a.SentToReview), false},
		{T(lang, "withdrawn"), v.n(a.Withdrawn), false},
		{T(lang, "appeals"), v.n(a.Appeals), false},
	}
	for _, b := range r.Cohort.Breakdowns {
		t := table{Caption: T(lang, "dim_"+b.Dimension), Head: []string{T(lang, "key"), T(lang, "received"),
			T(lang, "published"), T(lang, "refused"), T(lang, "pending"), T(lang, "withdrawn"), T(lang, "wrongly_removed")}}
		for _, row := range b.Rows {
			t.Rows = append(t.Rows, []string{keyLabel(lang, b.Dimension, row.Key, pol), v.n(row.Received),
				v.n(row.Published), v.n(row.Refused), v.n(row.Pending), v.n(row.Withdrawn), v.n(row.WronglyRemoved)})
		}
		v.CohortTables = append(v.CohortTables, t)
	}
	for _, b := range r.Activity.Breakdowns {
		t := table{Caption: T(lang, "dim_"+b.Dimension), Head: []string{T(lang, "key"), T(lang, "decisions"),
			T(lang, "published"), T(lang, "refused"), T(lang, "reinstated"), T(lang, "sent_review")}}
		for _, row := range b.Rows {
			t.Rows = append(t.Rows, []string{keyLabel(lang, b.Dimension, row.Key, pol), v.n(row.Decisions),
				v.n(row.Published), v.n(row.Refused), v.n(row.Reinstated), v.n(row.SentToReview)})
		}
		v.ActivityTables = append(v.ActivityTables, t)
	}
	rate := func(name string, x reports.Rate) rateView {
		val := T(lang, "na")
		if x.Value != nil {
			val = formatPct(lang, *x.Value)
		}
		return rateView{Name: T(lang, name), Value: val, Parts: v.n(x.Numerator) + " / " + v.n(x.Denominator),
			Definition: T(lang, name+"_d")}
	}
	v.Rates = []rateView{
		rate("err_observed", r.Rates.AutomatedErrorObserved),
		rate("appeal_rate", r.Rates.AppealRate),
		rate("overturn_rate", r.Rates.OverturnRate),
	}
	e := r.Rates.AutomatedErrorEstimated
	v.Audit = auditView{Value: T(lang, "na"), Sample: v.n(e.SampleSize), Definition: T(lang, "err_estimated_d")}
	if e.Value != nil {
		v.Audit.Value = formatPct(lang, *e.Value)
		v.Audit.Interval = formatPct(lang, *e.Low) + " – " + formatPct(lang, *e.High)
	}
	t := r.TimeToDecision
	v.TTD = ttdView{Median: T(lang, "na"), P90: T(lang, "na"), Count: v.n(t.Decisions), Definition: T(lang, "ttd_d")}
	if t.MedianSeconds != nil {
		v.TTD.Median, v.TTD.P90 = formatDuration(lang, *t.MedianSeconds), formatDuration(lang, *t.P90Seconds)
	}
	for _, cat := range pol.Categories {
		v.Policy = append(v.Policy, policyView{Label: pol.LabelFor(cat.ID, lang),
			Description: descriptionFor(cat, lang), DSA: cat.DSACategory})
	}
	v.Method = []string{T(lang, "method_1"), T(lang, "method_2"), T(lang, "method_3")}
	if s.AuditRate > 0 {
		v.Method = append(v.Method, fmt.Sprintf(T(lang, "method_audit"), formatPct(lang, s.AuditRate)))
	}
	v.Method = append(v.Method, fmt.Sprintf(T(lang, "method_tz"), loc.String()), T(lang, "method_personal"))
	v.AsOf = T(lang, "no_data")
	if r.DataAsOf != nil {
		v.AsOf = r.DataAsOf.In(loc).Format("2006-01-02 15:04:05 MST")
	}
	v.Generated = r.GeneratedAt.In(loc).Format("2006-01-02 15:04:05 MST")
	return v
}

func descriptionFor(c reports.Category, lang string) string {
	for _, l := range []string{lang, "en", "fr"} {
		if d := c.Description[l]; d != "" {
			return d
		}
	}
	return ""
}

// lastDay turns an exclusive end date into the inclusive last day, which
// is how people read a period.
func lastDay(to string) string {
	t, err := time.Parse("2006-01-02", to)
	if err != nil {
		return to
	}
	return t.AddDate(0, 0, -1).Format("2006-01-02")
}
