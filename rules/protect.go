package rules

import "slices"

// Protection: speech a public page must be seen not to remove. The 2015
// affair was about comments that pointed out errors in the page's own post
// and were deleted; a rule with action "protect" (the criticism rules of
// the default packs) marks such a comment, and then no rule, score, model
// or repeated-post signal can refuse it automatically: a would-be refusal
// goes to review, and the verdict lists the protected categories so the
// moderator sees it and must give a reason to refuse it (moderation).
//
// A protect match decides nothing by itself: plain criticism is published
// like any other comment. Protection is applied last, after the whole
// decision, so that it holds whatever else the ruleset grows.

// protect demotes a refusal to review when a protect rule matched. The
// deciding category stays the one that would have refused (the moderator
// sees why it was held), and the score is brought down to the review
// threshold so that Score still agrees with Action.
func (rs *Ruleset) protect(v *Verdict) {
	if len(v.Protected) == 0 || v.Action != ActionRefuse {
		return
	}
	v.Action = ActionReview
	v.Score = rs.thresholds.Review
}

// addCategory appends c to cats unless it is there already (a comment
// matched by several criticism rules is flagged once).
func addCategory(cats []string, c string) []string {
	if slices.Contains(cats, c) {
		return cats
	}
	return append(cats, c)
}
