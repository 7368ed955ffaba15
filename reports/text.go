package reports

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// textLabels are the text report's words, one table per language.
var textLabels = map[string]map[string]string{
	"en": {
		"title": "Transparency report", "period": "Period", "tz": "time zone", "asof": "Data as of",
		"head": "Chain head", "cohort": "Comments received in the period (status as of data date)",
		"activity": "Decisions made in the period", "received": "received", "published": "published",
		"refused": "refused", "before": "refused before publication", "after": "removed after publication",
		"pending": "pending review", "withdrawn": "withdrawn by author", "wrong": "wrongly removed (reinstated)",
		"appeal": "by appeal", "own": "by own review", "external": "by external request",
		"reasons": "Refusals by reason (share of all received)", "none": "(none)",
		"reinstated": "reinstated", "review": "sent to review", "rates": "Rates",
		"errobs": "automated error rate, observed", "errest": "automated error rate, estimated from audits",
		"appealrate": "appeal rate", "overturn": "overturn rate", "ttd": "time to decision (review)",
		"median": "median", "p90": "90th percentile", "n": "n", "na": "n/a", "empty": "empty log",
	},
	"fr": {
		"title": "Rapport de transparence", "period": "Période", "tz": "fuseau", "asof": "Données arrêtées au",
		"head": "Tête de chaîne", "cohort": "Commentaires reçus sur la période (statut à la date des données)",
		"activity": "Décisions prises sur la période", "received": "reçus", "published": "publiés",
		"refused": "refusés", "before": "refusés avant publication", "after": "retirés après publication",
		"pending": "en attente de revue", "withdrawn": "retirés par leur auteur", "wrong": "retirés à tort (rétablis)",
		"appeal": "sur recours", "own": "par notre propre contrôle", "external": "sur demande extérieure",
		"reasons": "Refus par motif (part de tous les reçus)", "none": "(aucune)",
		"reinstated": "rétablis", "review": "envoyés en revue", "rates": "Taux",
		"errobs": "taux d'erreur automatisée, observé", "errest": "taux d'erreur automatisée, estimé par audit",
		"appealrate": "taux de recours", "overturn": "taux d'infirmation", "ttd": "délai de décision (revue)",
		"median": "médiane", "p90": "90e centile", "n": "n", "na": "n.d.", "empty": "journal vide",
	},
}

// WriteText writes a plain-text summary for the terminal (`vigie report
// --format text`) in "fr" or "en" (default).
func (r *Report) WriteText(w io.Writer, lang string) error {
	L, ok := textLabels[lang]
	if !ok {
		L = textLabels["en"]
	}
	pol := Policy{}
	for _, p := range r.Policy {
		pol.Categories = append(pol.Categories, Category{ID: p.ID, Label: p.Label})
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, a ...any) { fmt.Fprintf(tw, format, a...) }
	p("%s\n%s:\t%s – %s (%s, %s %s)\n", L["title"], L["period"], r.Period.From, r.Period.To, r.Period.Label, L["tz"], r.Period.TimeZone)
	if r.DataAsOf != nil {
		p("%s:\t%s\n", L["asof"], r.DataAsOf.Format(time.RFC3339))
	} else {
		p("%s:\t%s\n", L["asof"], L["empty"])
	}
	p("%s:\t#%d %s\n\n", L["head"], r.Chain.LastSeq, r.Chain.Hash)
	c := r.Cohort.Totals
	p("%s\n", L["cohort"])
	p("  %s\t%d\n  %s\t%d\n  %s\t%d\n", L["received"], c.Received, L["published"], c.Published, L["refused"], c.Refused)
	p("    %s\t%d\n    %s\t%d\n", L["before"], c.RefusedBeforePublication, L["after"], c.RemovedAfterPublication)
	p("  %s\t%d\n  %s\t%d\n", L["pending"], c.Pending, L["withdrawn"], c.Withdrawn)
	p("  %s\t%d\n", L["wrong"], c.WronglyRemoved)
	p("    %s\t%d\n    %s\t%d\n    %s\t%d\n\n", L["appeal"], c.WronglyRemovedAppeal, L["own"], c.WronglyRemovedOwnReview, L["external"], c.WronglyRemovedExternal)
	p("%s\n", L["reasons"])
	for _, rs := range r.Headline.RefusedByReason {
		name := pol.LabelFor(rs.Category, lang)
		if name == "" {
			name = L["none"]
		}
		p("  %s\t%d\t%.1f %%\n", name, rs.Refused, rs.ShareOfReceived*100)
	}
	a := r.Activity.Totals
	p("\n%s\n", L["activity"])
	p("  %s\t%d\n  %s\t%d\n    %s\t%d\n  %s\t%d\n  %s\t%d\n  %s\t%d\n\n",
		L["published"], a.Published, L["refused"], a.Refused, L["after"], a.RemovedAfterPublication,
		L["reinstated"], a.Reinstated, L["review"], a.SentToReview, L["withdrawn"], a.Withdrawn)
	p("%s\n", L["rates"])
	rate := func(name string, x Rate) {
		v := L["na"]
		if x.Value != nil {
			v = fmt.Sprintf("%.2f %%", *x.Value*100)
		}
		p("  %s\t%s\t(%d / %d)\n", L[name], v, x.Numerator, x.Denominator)
	}
	rate("errobs", r.Rates.AutomatedErrorObserved)
	e := r.Rates.AutomatedErrorEstimated
	if e.Value != nil {
		p("  %s\t%.2f %%\t[%.2f–%.2f %%], %s = %d\n", L["errest"], *e.Value*100, *e.Low*100, *e.High*100, L["n"], e.SampleSize)
	} else {
		p("  %s\t%s\n", L["errest"], L["na"])
	}
	rate("appealrate", r.Rates.AppealRate)
	rate("overturn", r.Rates.OverturnRate)
	t := r.TimeToDecision
	if t.MedianSeconds != nil {
		p("  %s\t%s %s, %s %s\t(%s = %d)\n", L["ttd"], L["median"], time.Duration(*t.MedianSeconds)*time.Second,
			L["p90"], time.Duration(*t.P90Seconds)*time.Second, L["n"], t.Decisions)
	} else {
		p("  %s\t%s\n", L["ttd"], L["na"])
	}
	return tw.Flush()
}
