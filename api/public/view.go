package public

import (
	"fmt"
	"strings"
	"time"

	"vigie/moderation/i18n"
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
	Legend                 []figure
	Series                 []seriesRow
	Cohort                 []figure
	Activity               []figure
	CohortTables           []table
	ActivityTables         []table
	Rates                  []rateView
	Audit                  auditView
	TTD                    ttdView
	Policy                 []policyView
	Method                 []string
	AsOf, Generated        string // AsOf is "" before the first event
	Schema                 string
	// Base is the report's route: /transparency, or a page's
	// /transparency/p/{id} (pages.go); Page names that page, Pages links
	// every page's report from the all-pages one.
	Base  string
	Page  *reports.PageInfo
	Pages []pageLink
	// Crises are the crisis periods of the report (crisis.go).
	Crises []crisisView
}

type figure struct {
	Label, Value string
	Sub          bool   // indented under the figure before
	Class        string // the colour it shares with the chart, if any
}

type reasonRow struct {
	Label, Refused, Share string
}

type seriesRow struct {
	Start, Published, Refused, Reinstated string
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

func (v *page) n(x int64) string { return i18n.Int(v.Lang, x) }

// t is the page's string for key, in the page's language.
func (v *page) t(key string) string { return i18n.T(v.Lang, key) }

// keyLabel names a dimension value for the reader.
func keyLabel(lang, dim, key string, pol reports.Policy) string {
	if key == "" {
		return i18n.T(lang, "pub_none")
	}
	switch dim {
	case "category":
		return pol.LabelFor(key, lang)
	case "automation":
		return i18n.T(lang, "pub_auto_"+key)
	case "route":
		return i18n.T(lang, "pub_route_"+key)
	case "language":
		return strings.ToUpper(key)
	}
	return key
}

func buildPage(lang string, r *reports.Report, pol reports.Policy, s Settings, loc *time.Location) *page {
	v := &page{Lang: lang, Report: r, Title: i18n.T(lang, "pub_title"), Schema: r.Schema}
	v.PeriodText = fmt.Sprintf(v.t("pub_period_from_to"), dateText(lang, r.Period.From, 0), dateText(lang, r.Period.To, -1))
	v.addHeadline(r, pol)
	v.addChart(r.Series)
	v.addCounts(r)
	v.addBreakdowns(r, pol)
	v.addRates(r)
	v.addPolicy(pol, s, loc)
	v.addCrises(r, pol, loc) // crisis.go
	if r.DataAsOf != nil {
		v.AsOf = i18n.DateTime(lang, r.DataAsOf.In(loc))
	}
	v.Generated = i18n.DateTime(lang, r.GeneratedAt.In(loc))
	return v
}

// addHeadline is the cards and the refusals by reason. Pending comments
// have their card: they are part of what was received, and a reader adding
// up the cards should see where the rest went.
func (v *page) addHeadline(r *reports.Report, pol reports.Policy) {
	h := r.Headline
	v.Headline = []figure{
		{Label: v.t("pub_received"), Value: v.n(h.Received)},
		{Label: v.t("pub_published"), Value: v.n(h.Published), Class: "pub"},
		{Label: v.t("pub_refused"), Value: v.n(h.Refused), Class: "ref"},
		{Label: v.t("pub_pending_card"), Value: v.n(r.Cohort.Totals.Pending), Class: "pen"},
		{Label: v.t("pub_wrongly_removed"), Value: v.n(h.WronglyRemoved), Class: "rei"},
	}
	for _, rs := range h.RefusedByReason {
		v.Reasons = append(v.Reasons, reasonRow{Label: keyLabel(v.Lang, "category", rs.Category, pol),
			Refused: v.n(rs.Refused), Share: i18n.Percent(v.Lang, rs.ShareOfReceived, 1)})
	}
}

// addChart lays out the chart, its legend and its data table.
func (v *page) addChart(s reports.Series) {
	v.Chart = buildChart(v.Lang, s)
	v.ChartNote = fmt.Sprintf(v.t("pub_chart_note"), v.t("pub_gran_"+s.Granularity))
	v.Legend = []figure{
		{Label: v.t("pub_published"), Class: "pub"},
		{Label: v.t("pub_refused"), Class: "ref"},
		{Label: v.t("pub_reinstated"), Class: "rei"},
	}
	for _, p := range s.Points {
		v.Series = append(v.Series, seriesRow{Start: pointText(v.Lang, s.Granularity, p.Start, false),
			Published: v.n(p.Published), Refused: v.n(p.Refused), Reinstated: v.n(p.Reinstated)})
	}
}

// dateText writes a report date (YYYY-MM-DD) in words, shifted by days:
// -1 turns an exclusive end into the last day, which is how people read a
// period.
func dateText(lang, ymd string, days int) string {
	t, err := time.Parse("2006-01-02", ymd)
	if err != nil {
		return ymd
	}
	return i18n.Date(lang, t.AddDate(0, 0, days))
}

// pointText names a chart point by its first day: the month for monthly
// points, else the day, short (axis) or in full (tooltip, table).
func pointText(lang, granularity, start string, short bool) string {
	t, err := time.Parse("2006-01-02", start)
	switch {
	case err != nil:
		return start
	case granularity == "month":
		return i18n.Month(lang, t)
	case short:
		return i18n.ShortDate(lang, t)
	}
	return i18n.Date(lang, t)
}
