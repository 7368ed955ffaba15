package reports

import (
	"strings"

	"vigie/moderation"
)

// Two lines of the report follow comments the rules singled out, read from
// the rule ids chained in the rules' own verdict events (intake, and a
// re-judgement after an edit), never from a mutable column:
//
//   - criticism: a rule whose id has "criticism" as one of its
//     dot-separated parts matched (fr.criticism, en.criticism: action
//     protect, rules/protect.go). Such comments are never refused
//     automatically; the line shows it with RefusedAutomatically, counted
//     from the log like everything else, so the claim can be checked.
//   - campaigns: a repeated-post rule ("repeated" as a part: core.repeated)
//     matched, that is the comment was the 3rd or later copy of one text
//     from distinct authors. The log holds a digest of each text salted per
//     comment (so a purge cannot be undone by comparing digests), which
//     links no copy to another: the copies can be counted and their
//     decisions followed, the groups cannot. Counting groups would need a
//     chained group key (say a keyed digest of the normalised text in the
//     intake event), which the event does not carry.

// ruleIDPart reports whether one of the dot-separated parts of a rule id
// is part.
func ruleIDPart(ids []string, part string) bool {
	for _, id := range ids {
		for p := range strings.SplitSeq(id, ".") {
			if p == part {
				return true
			}
		}
	}
	return false
}

// rulesVerdict reports whether e is a verdict of the rules (at intake or
// after an edit), whose rule ids say what the comment's text is.
func rulesVerdict(e *moderation.Event) bool {
	return e.Actor == moderation.ActorSystem && (e.Route == moderation.RouteRules || e.Route == moderation.RouteEdit)
}

// flagsOf sets the criticism and campaign flags of a comment from the rules'
// latest verdict on it; other events leave them as they are.
func flagsOf(flags uint8, e *moderation.Event) uint8 {
	if !rulesVerdict(e) {
		return flags
	}
	flags &^= flagCriticism | flagRepeated
	if ruleIDPart(e.RuleIDs, "criticism") {
		flags |= flagCriticism
	}
	if ruleIDPart(e.RuleIDs, "repeated") {
		flags |= flagRepeated
	}
	return flags
}

// Criticism is the criticism line: comments received in the period that
// the rules flagged as criticism of the post or of the page owner, by
// their status now (the cohort view), and how many of them stand refused
// by a fully automated decision — zero by construction (the rules never
// refuse them), shown so that anyone can check it.
type Criticism struct {
	Definition string `json:"definition"`
	CohortCounts
	RefusedAutomatically int64 `json:"refused_automatically"`
}

// Campaigns counts the copies of repeated texts received in the period
// (flagged by the repeated-post rule) by their status now.
type Campaigns struct {
	Definition string       `json:"definition"`
	Copies     CohortCounts `json:"copies"`
}

const (
	defCriticism = "Comments received in the period whose rules verdict (at intake, or after an edit) matched a criticism rule (a rule id with the part \"criticism\"), by their status now. refused_automatically counts those whose current refusal was fully automated: zero, since criticism is never refused automatically."
	defCampaigns = "Copies of one text posted by several distinct authors, received in the period: comments whose rules verdict matched the repeated-post rule (the 3rd and later copies within its window), by their status now. The number of groups cannot be derived from the log: each comment's text digest is salted on its own, so no copy is linked to another."
)

// addFlagged adds (sign +1) or removes (-1) a comment's contribution to the
// criticism and campaign lines of its receipt day.
func (r *dayRoll) addFlagged(c *cstate, ms []int, sign int64) {
	if c.flags&flagCriticism != 0 {
		for _, m := range ms {
			r.crit[m] += sign
		}
		if c.status == moderation.StatusRefused && c.flags&flagAutoRefused != 0 {
			r.critAutoRefused += sign
		}
	}
	if c.flags&flagRepeated != 0 {
		for _, m := range ms {
			r.camp[m] += sign
		}
	}
}

// flaggedTotals sums the two lines over a period's days.
type flaggedTotals struct {
	crit, camp      cohortVec
	critAutoRefused int64
}

func (t *flaggedTotals) add(r *dayRoll) {
	addVec(&t.crit, &r.crit)
	addVec(&t.camp, &r.camp)
	t.critAutoRefused += r.critAutoRefused
}

func (t *flaggedTotals) lines() (Criticism, Campaigns) {
	return Criticism{Definition: defCriticism, CohortCounts: cohortCounts(&t.crit), RefusedAutomatically: t.critAutoRefused},
		Campaigns{Definition: defCampaigns, Copies: cohortCounts(&t.camp)}
}
