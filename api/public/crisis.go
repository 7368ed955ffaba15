package public

import (
	"time"

	"vigie/moderation/i18n"
	"vigie/reports"
)

// crisisView is one crisis period on the public page: when, where, why,
// and its own figures beside the ordinary ones.
type crisisView struct {
	Page, Start, Stop, Reason, StopReason string
	Ongoing                               bool
	Figures                               []figure
	Reasons                               []reasonRow
	TTD                                   string // median time to decision, "" when none
}

// addCrises formats the report's crisis periods.
func (v *page) addCrises(r *reports.Report, pol reports.Policy, loc *time.Location) {
	for _, c := range r.Crises {
		cv := crisisView{Page: c.Page, Start: i18n.DateTime(v.Lang, c.Start.In(loc)), Reason: c.Reason,
			StopReason: c.StopReason, Ongoing: c.Ongoing}
		if c.Page == "*" {
			cv.Page = v.t("crisis_all_pages")
		}
		if c.Stop != nil {
			cv.Stop = i18n.DateTime(v.Lang, c.Stop.In(loc))
		}
		f := c.Figures
		cv.Figures = []figure{
			{Label: v.t("pub_received"), Value: v.n(f.Received)},
			{Label: v.t("pub_published"), Value: v.n(f.Published), Class: "pub"},
			{Label: v.t("pub_refused"), Value: v.n(f.Refused), Class: "ref"},
			{Label: v.t("pub_pending_card"), Value: v.n(f.Pending), Class: "pen"},
			{Label: v.t("pub_wrongly_removed"), Value: v.n(f.WronglyRemoved), Class: "rei"},
		}
		for _, rs := range f.RefusedByReason {
			cv.Reasons = append(cv.Reasons, reasonRow{Label: keyLabel(v.Lang, "category", rs.Category, pol),
				Refused: v.n(rs.Refused), Share: i18n.Percent(v.Lang, rs.ShareOfReceived, 1)})
		}
		if m := f.TimeToDecision.MedianSeconds; m != nil {
			cv.TTD = i18n.Duration(v.Lang, time.Duration(*m)*time.Second)
		}
		v.Crises = append(v.Crises, cv)
	}
}
