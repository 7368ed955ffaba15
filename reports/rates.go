package reports

import (
	"math"
	"slices"
)

// Definitions published with the figures (English; the page translates).
const (
	defCohort   = "Comments received in the period, with the status they have as of data_as_of. published + refused + pending + withdrawn = received, in total and in every breakdown row. A comment's category and rules are the last ones any decision gave it; automation and route are those of the decision that set its current status."
	defActivity = "Decisions made in the period, whenever the comment was received: publications, refusals (of which removals after publication), reinstatements (refused then published by appeal, audit, re-check, review or external request; not by an edit), comments sent to review, withdrawals by their author."

	defErrorObserved = "Fully automated refusals made in the period that were later reinstated (by appeal, own review or external request), divided by the fully automated refusals made in the period. A floor: most wrongly refused authors never appeal."
	defErrorEstimate = "Audit-route events on a fully automated decision (refusal or publication) in the period that overturned it, divided by all audit-route events on fully automated decisions in the period (sample size); 95% Wilson score interval. An audit that confirms a decision is counted only when the log records it (an audit event without a status change)."
	defAppealRate    = "Appeal events (route appeal) recorded in the period divided by refusals made in the period. Only appeals that led to a recorded event are visible in the log: an appeal rejected without a status change is not counted, so this is a floor."
	defOverturnRate  = "Reinstatements by appeal in the period divided by appeal events in the period. Because rejected appeals leave no event, this is an upper bound."
	defTimeDecision  = "For comments the rules sent to review, time from receipt to the first human decision (publish or refuse), for decisions made in the period. Median and 90th percentile by the nearest-rank method, in seconds."
)

func ratio(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// round4 keeps four decimals, so exports are stable and readable.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

func rateOf(n, d int64, def string) Rate {
	r := Rate{Numerator: n, Denominator: d, Definition: def}
	if d > 0 {
		v := round4(ratio(n, d))
		r.Value = &v
	}
	return r
}

// wilson is the 95% Wilson score interval for k successes out of n: unlike
// the normal approximation it stays inside [0,1] and behaves for small
// samples and proportions near 0, which is what audit samples look like.
func wilson(k, n int64) (lo, hi float64) {
	const z = 1.959963984540054
	if n == 0 {
		return 0, 1
	}
	p := float64(k) / float64(n)
	nn := float64(n)
	den := 1 + z*z/nn
	centre := (p + z*z/(2*nn)) / den
	half := z * math.Sqrt(p*(1-p)/nn+z*z/(4*nn*nn)) / den
	return max(0, centre-half), min(1, centre+half)
}

func rates(a *ActivityCounts) Rates {
	est := Estimate{Overturned: a.AuditOverturns, SampleSize: a.AuditChecks, Confidence: 0.95, Definition: defErrorEstimate}
	if a.AuditChecks > 0 {
		v := round4(ratio(a.AuditOverturns, a.AuditChecks))
		lo, hi := wilson(a.AuditOverturns, a.AuditChecks)
		lo, hi = round4(lo), round4(hi)
		est.Value, est.Low, est.High = &v, &lo, &hi
	}
	return Rates{
		AutomatedErrorObserved:  rateOf(a.AutomatedRefusalsReinstated, a.AutomatedRefusals, defErrorObserved),
		AutomatedErrorEstimated: est,
		AppealRate:              rateOf(a.Appeals, a.Refused, defAppealRate),
		OverturnRate:            rateOf(a.ReinstatedAppeal, a.Appeals, defOverturnRate),
	}
}

// timeToDecision takes the median and 90th percentile by nearest rank, so
// every figure is a real observed delay.
func timeToDecision(secs []int32) TimeToDecision {
	t := TimeToDecision{Decisions: int64(len(secs)), Definition: defTimeDecision}
	if len(secs) == 0 {
		return t
	}
	s := slices.Clone(secs)
	slices.Sort(s)
	rank := func(p float64) *int64 {
		i := int(math.Ceil(p*float64(len(s)))) - 1
		v := int64(s[max(0, i)])
		return &v
	}
	t.MedianSeconds, t.P90Seconds = rank(0.5), rank(0.9)
	return t
}
