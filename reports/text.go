package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
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
		p("  %s\t%d\t%s\n", name, rs.Refused, pctText(lang, rs.ShareOfReceived, 1))
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
			v = pctText(lang, *x.Value, 2)
		}
		p("  %s\t%s\t(%d / %d)\n", L[name], v, x.Numerator, x.Denominator)
	}
	rate("errobs", r.Rates.AutomatedErrorObserved)
	e := r.Rates.AutomatedErrorEstimated
	if e.Value != nil {
		p("  %s\t%s\t[%s – %s], %s = %d\n", L["errest"], pctText(lang, *e.Value, 2), pctText(lang, *e.Low, 2), pctText(lang, *e.High, 2), L["n"], e.SampleSize)
	} else {
		p("  %s\t%s\n", L["errest"], L["na"])
	}
	rate("appealrate", r.Rates.AppealRate)
	rate("overturn", r.Rates.OverturnRate)
	t := r.TimeToDecision
	if t.MedianSeconds != nil {
		p("  %s\t%s %s, %s %s\t(%s = %d)\n", L["ttd"], L["median"], durText(lang, *t.MedianSeconds),
			L["p90"], durText(lang, *t.P90Seconds), L["n"], t.Decisions)
	} else {
		p("  %s\t%s\n", L["ttd"], L["na"])
	}
	return tw.Flush()
}

// pctText writes a share as a percentage the way each language does:
// "12,5 %" (narrow no-break space) in French, "12.5%" in English.
func pctText(lang string, x float64, decimals int) string {
	s := strconv.FormatFloat(x*100, 'f', decimals, 64)
	if lang == "fr" {
		return strings.Replace(s, ".", ",", 1) + "\u202f%"
	}
	return s + "%"
}

// durText writes a duration for people: "1 h 25 min", "3 j 2 h" / "3 d 2 h",
// "40 s"; two adjacent units at most (24 h 25 min reads "1 j").
func durText(lang string, secs int64) string {
	day := "d"
	if lang == "fr" {
		day = "j"
	}
	units := []struct {
		n    int64
		name string
	}{{86400, day}, {3600, "h"}, {60, "min"}, {1, "s"}}
	var parts []string
	for _, u := range units {
		if q := secs / u.n; q > 0 && len(parts) < 2 {
			parts = append(parts, strconv.FormatInt(q, 10)+" "+u.name)
			secs -= q * u.n
		} else if len(parts) > 0 {
			break
		}
	}
	if len(parts) == 0 {
		return "0 s"
	}
	return strings.Join(parts, " ")
}
