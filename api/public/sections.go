package public

import (
	"fmt"
	"time"

	"vigie/moderation/i18n"
	"vigie/reports"
)

// addCounts is the cohort and activity totals, one figure per line.
func (v *page) addCounts(r *reports.Report) {
	line := func(key string, x int64, sub bool) figure {
		return figure{Label: v.t(key), Value: v.n(x), Sub: sub}
	}
	c := r.Cohort.Totals
	v.Cohort = []figure{
		line("pub_received", c.Received, false),
		line("pub_published", c.Published, false),
		line("pub_refused", c.Refused, false),
		line("pub_refused_before", c.RefusedBeforePublication, true),
		line("pub_removed_after", c.RemovedAfterPublication, true),
		line("pub_pending", c.Pending, false),
		line("pub_withdrawn", c.Withdrawn, false),
		line("pub_wrongly_removed", c.WronglyRemoved, false),
		line("pub_wr_appeal", c.WronglyRemovedAppeal, true),
		line("pub_wr_own", c.WronglyRemovedOwnReview, true),
		line("pub_wr_external", c.WronglyRemovedExternal, true),
	}
	a := r.Activity.Totals
	v.Activity = []figure{
		line("pub_published", a.Published, false),
		line("pub_refused", a.Refused, false),
		line("pub_removed_after", a.RemovedAfterPublication, true),
		line("pub_reinstated", a.Reinstated, false),
		line("pub_wr_appeal", a.ReinstatedAppeal, true),
		line("pub_wr_own", a.ReinstatedOwnReview, true),
		line("pub_wr_external", a.ReinstatedExternal, true),
		line("pub_sent_review", a.SentToReview, false),
		line("pub_withdrawn", a.Withdrawn, false),
		line("pub_appeals", a.Appeals, false),
	}
}

// addBreakdowns is one table per dimension, for each view.
func (v *page) addBreakdowns(r *reports.Report, pol reports.Policy) {
	heads := func(keys ...string) []string {
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = v.t(k)
		}
		return out
	}
	for _, b := range r.Cohort.Breakdowns {
		t := table{Caption: v.t("pub_dim_" + b.Dimension), Head: heads("pub_key", "pub_received",
			"pub_published", "pub_refused", "pub_pending", "pub_withdrawn", "pub_wrongly_removed")}
		for _, row := range b.Rows {
			t.Rows = append(t.Rows, []string{keyLabel(v.Lang, b.Dimension, row.Key, pol), v.n(row.Received),
				v.n(row.Published), v.n(row.Refused), v.n(row.Pending), v.n(row.Withdrawn), v.n(row.WronglyRemoved)})
		}
		v.CohortTables = append(v.CohortTables, t)
	}
	for _, b := range r.Activity.Breakdowns {
		t := table{Caption: v.t("pub_dim_" + b.Dimension), Head: heads("pub_key", "pub_decisions",
			"pub_published", "pub_refused", "pub_reinstated", "pub_sent_review")}
		for _, row := range b.Rows {
			t.Rows = append(t.Rows, []string{keyLabel(v.Lang, b.Dimension, row.Key, pol), v.n(row.Decisions),
				v.n(row.Published), v.n(row.Refused), v.n(row.Reinstated), v.n(row.SentToReview)})
		}
		v.ActivityTables = append(v.ActivityTables, t)
	}
}

// addRates is the rates, the audit estimate and the time to decision, each
// with its definition; a rate over nothing says so rather than "0 %".
func (v *page) addRates(r *reports.Report) {
	pct := func(x float64) string { return i18n.Percent(v.Lang, x, 1) }
	rate := func(name string, x reports.Rate) rateView {
		val := v.t("pub_na")
		if x.Value != nil {
			val = pct(*x.Value)
		}
		return rateView{Name: v.t(name), Value: val, Parts: v.n(x.Numerator) + " / " + v.n(x.Denominator),
			Definition: v.t(name + "_d")}
	}
	v.Rates = []rateView{
		rate("pub_err_observed", r.Rates.AutomatedErrorObserved),
		rate("pub_appeal_rate", r.Rates.AppealRate),
		rate("pub_overturn_rate", r.Rates.OverturnRate),
	}
	e := r.Rates.AutomatedErrorEstimated
	v.Audit = auditView{Value: v.t("pub_na"), Sample: v.n(e.SampleSize), Definition: v.t("pub_err_estimated_d")}
	if e.Value != nil {
		v.Audit.Value = pct(*e.Value)
		v.Audit.Interval = pct(*e.Low) + " – " + pct(*e.High)
	}
	t := r.TimeToDecision
	v.TTD = ttdView{Median: v.t("pub_na"), P90: v.t("pub_na"), Count: v.n(t.Decisions), Definition: v.t("pub_ttd_d")}
	if t.MedianSeconds != nil {
		v.TTD.Median = i18n.Duration(v.Lang, time.Duration(*t.MedianSeconds)*time.Second)
		v.TTD.P90 = i18n.Duration(v.Lang, time.Duration(*t.P90Seconds)*time.Second)
	}
}

// addPolicy is the published policy and the method, which states only what
// the code does (the audit sentence only when audits are on).
func (v *page) addPolicy(pol reports.Policy, s Settings, loc *time.Location) {
	for _, cat := range pol.Categories {
		v.Policy = append(v.Policy, policyView{Label: pol.LabelFor(cat.ID, v.Lang),
			Description: descriptionFor(cat, v.Lang), DSA: cat.DSACategory})
	}
	v.Method = []string{v.t("pub_method_1"), v.t("pub_method_2"), v.t("pub_method_3")}
	if s.AuditRate > 0 {
		v.Method = append(v.Method, fmt.Sprintf(v.t("pub_method_audit"), i18n.Percent(v.Lang, s.AuditRate, 1)))
	}
	v.Method = append(v.Method, fmt.Sprintf(v.t("pub_method_tz"), loc.String()), v.t("pub_method_personal"))
}

func descriptionFor(c reports.Category, lang string) string {
	for _, l := range []string{lang, "en", "fr"} {
		if d := c.Description[l]; d != "" {
			return d
		}
	}
	return ""
}
