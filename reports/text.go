package reports

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"vigie/moderation/i18n"
)

// WriteText writes a plain-text summary for the terminal (`vigie report
// --format text`) in "fr" or "en" (default).
func (r *Report) WriteText(w io.Writer, lang string) error {
	if !i18n.Supported(lang) {
		lang = "en"
	}
	// L names a label of the text report; its words live in moderation/i18n.
	L := func(key string) string { return i18n.T(lang, "rep_"+key) }
	colon := i18n.Colon(lang)
	pol := Policy{}
	for _, p := range r.Policy {
		pol.Categories = append(pol.Categories, Category{ID: p.ID, Label: p.Label})
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, a ...any) { fmt.Fprintf(tw, format, a...) }
	p("%s\n%s%s\t%s – %s (%s, %s %s)\n", L("title"), L("period"), colon, r.Period.From, r.Period.To, Printable(r.Period.Label), L("tz"), Printable(r.Period.TimeZone))
	if r.Page != nil { // a report limited to one page says which
		p("%s%s\t%s (%s)\n", L("page"), colon, Printable(r.Page.Name), Printable(r.Page.ID))
	}
	if r.DataAsOf != nil {
		p("%s%s\t%s\n", L("asof"), colon, r.DataAsOf.Format(time.RFC3339))
	} else {
		p("%s%s\t%s\n", L("asof"), colon, L("empty"))
	}
	p("%s%s\t#%d %s\n\n", L("head"), colon, r.Chain.LastSeq, r.Chain.Hash)
	c := r.Cohort.Totals
	p("%s\n", L("cohort"))
	p("  %s\t%d\n  %s\t%d\n  %s\t%d\n", L("received"), c.Received, L("published"), c.Published, L("refused"), c.Refused)
	p("    %s\t%d\n    %s\t%d\n", L("before"), c.RefusedBeforePublication, L("after"), c.RemovedAfterPublication)
	p("  %s\t%d\n  %s\t%d\n", L("pending"), c.Pending, L("withdrawn"), c.Withdrawn)
	p("  %s\t%d\n", L("wrong"), c.WronglyRemoved)
	p("    %s\t%d\n    %s\t%d\n    %s\t%d\n\n", L("appeal"), c.WronglyRemovedAppeal, L("own"), c.WronglyRemovedOwnReview, L("external"), c.WronglyRemovedExternal)
	p("%s\n", L("reasons"))
	for _, rs := range r.Headline.RefusedByReason {
		p("  %s\t%d\t%s\n", reasonName(pol, rs.Category, lang), rs.Refused, i18n.Percent(lang, rs.ShareOfReceived, 1))
	}
	cr, cp := r.Criticism, r.Campaigns.Copies
	p("\n%s\n", L("criticism"))
	p("  %s\t%d\n  %s\t%d\n  %s\t%d\n    %s\t%d\n  %s\t%d\n  %s\t%d\n", L("received"), cr.Received, L("published"), cr.Published,
		L("refused"), cr.Refused, L("crit_auto"), cr.RefusedAutomatically, L("pending"), cr.Pending, L("wrong"), cr.WronglyRemoved)
	p("\n%s\n", L("campaigns"))
	p("  %s\t%d\n  %s\t%d\n  %s\t%d\n  %s\t%d\n", L("campaign_copies"), cp.Received, L("published"), cp.Published,
		L("refused"), cp.Refused, L("pending"), cp.Pending)
	a := r.Activity.Totals
	p("\n%s\n", L("activity"))
	p("  %s\t%d\n  %s\t%d\n    %s\t%d\n  %s\t%d\n  %s\t%d\n  %s\t%d\n\n",
		L("published"), a.Published, L("refused"), a.Refused, L("after"), a.RemovedAfterPublication,
		L("reinstated"), a.Reinstated, L("review"), a.SentToReview, L("withdrawn"), a.Withdrawn)
	p("%s\n", L("rates"))
	rate := func(name string, x Rate) {
		v := L("na")
		if x.Value != nil {
			v = i18n.Percent(lang, *x.Value, 2)
		}
		p("  %s\t%s\t(%d / %d)\n", L(name), v, x.Numerator, x.Denominator)
	}
	rate("errobs", r.Rates.AutomatedErrorObserved)
	e := r.Rates.AutomatedErrorEstimated
	if e.Value != nil {
		p("  %s\t%s\t[%s – %s], %s = %d\n", L("errest"), i18n.Percent(lang, *e.Value, 2), i18n.Percent(lang, *e.Low, 2), i18n.Percent(lang, *e.High, 2), L("n"), e.SampleSize)
	} else {
		p("  %s\t%s\n", L("errest"), L("na"))
	}
	rate("appealrate", r.Rates.AppealRate)
	rate("overturn", r.Rates.OverturnRate)
	writeTTD(p, lang, r.TimeToDecision)
	r.writeCrises(p, lang, pol) // text_crisis.go: only when there is a crisis period
	return tw.Flush()
}

// seconds reads the report's whole seconds as a duration.
func seconds(s int64) time.Duration { return time.Duration(s) * time.Second }
