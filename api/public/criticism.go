package public

// The criticism and campaign lines of the report (reports/criticism.go),
// laid out for the page. Methods of page, so the template calls them and
// buildPage needs no new step.

// CriticismFigures is the criticism line: received, published, refused —
// with, under it, the refusals made automatically, zero by construction
// and shown so — pending and wrongly removed.
func (v *page) CriticismFigures() []figure {
	c := v.Report.Criticism
	return []figure{
		{Label: v.t("pub_received"), Value: v.n(c.Received)},
		{Label: v.t("pub_published"), Value: v.n(c.Published), Class: "pub"},
		{Label: v.t("pub_refused"), Value: v.n(c.Refused), Class: "ref"},
		{Label: v.t("pub_crit_auto_refused"), Value: v.n(c.RefusedAutomatically), Sub: true},
		{Label: v.t("pub_pending_card"), Value: v.n(c.Pending), Class: "pen"},
		{Label: v.t("pub_wrongly_removed"), Value: v.n(c.WronglyRemoved), Class: "rei"},
	}
}

// CampaignFigures is the copies of repeated texts and how they stand.
func (v *page) CampaignFigures() []figure {
	c := v.Report.Campaigns.Copies
	return []figure{
		{Label: v.t("pub_copies"), Value: v.n(c.Received)},
		{Label: v.t("pub_published"), Value: v.n(c.Published), Class: "pub"},
		{Label: v.t("pub_refused"), Value: v.n(c.Refused), Class: "ref"},
		{Label: v.t("pub_pending_card"), Value: v.n(c.Pending), Class: "pen"},
	}
}
