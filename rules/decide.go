package rules

import (
	"cmp"
	"slices"
	"sort"
)

// The decision, in this order (README.md, "Decision"):
//
//  1. Matches of rules in shadow mode are recorded and change nothing.
//  2. An allow match of an authors rule publishes the comment, whatever
//     else matched (trusted authors). Other allow matches mask the matches
//     of other rules whose span lies inside theirs (exceptions).
//  3. A refuse match refuses. A refuse rule with "soften" acts as review
//     when the match is a mention, not a use: quoted, reported or said of
//     the writer (soften.go).
//  4. Score rules: weights of the distinct rules that matched are summed;
//     score >= thresholds.refuse refuses, >= thresholds.review reviews.
//  5. A review match sends to review.
//  6. Otherwise the comment is published.
//  7. A protect match (criticism of the post or of the page owner) turns
//     a refusal, whatever decided it, into review; it never changes a
//     publication or a review (protect.go).
//
// The deciding category is that of the first deciding rule in declared
// order (for scores: the category with the largest summed weight).
// Verdict.Score is the summed weight, raised to the threshold of the
// action when an action rule decided, so Score always agrees with Action.

func (rs *Ruleset) decide(src string, all []found, lang string, sc *scratch) Verdict {
	v := Verdict{Action: ActionPublish, Language: lang, RulesetVersion: rs.version, Matches: []Match{}}
	trusted, anyAllow := false, false
	for _, f := range all {
		if f.r.allow && !f.r.shadow {
			anyAllow = true
			if f.r.trusted {
				trusted = true
			}
		}
	}
	kept := sc.kept[:0]
	for _, f := range all {
		if anyAllow && !f.r.allow && masked(f, all) {
			continue
		}
		kept = append(kept, f)
	}
	sc.kept = kept
	slices.SortStableFunc(kept, func(a, b found) int {
		if a.start != b.start {
			return cmp.Compare(a.start, b.start)
		}
		return cmp.Compare(b.end, a.end)
	})
	if len(kept) > 0 {
		v.Matches = make([]Match, 0, len(kept))
	}
	var refuse, review *found
	// Summed weight per category, indexed like rs.categories.
	var wbuf [16]float64
	var weights []float64
	if len(rs.categories) <= len(wbuf) {
		weights = wbuf[:len(rs.categories)]
	} else {
		weights = make([]float64, len(rs.categories))
	}
	scored := sc.scored[:0]
	defer func() { sc.scored = scored[:0] }()
	for i := range kept {
		f := &kept[i]
		text := ""
		if 0 <= f.start && f.start <= f.end && f.end <= len(src) {
			text = src[f.start:f.end]
		}
		v.Matches = append(v.Matches, Match{Rule: f.r.id, Category: f.r.category,
			Start: f.start, End: f.end, Text: text, Shadow: f.r.shadow})
		if f.r.shadow || f.r.allow {
			continue
		}
		if f.r.protect {
			v.Protected = addCategory(v.Protected, f.r.category)
			continue
		}
		switch {
		case f.r.action == ActionRefuse && !f.softened:
			refuse = first(refuse, f)
		case f.r.action == ActionRefuse, f.r.action == ActionReview:
			review = first(review, f)
		case f.r.score > 0 && !slices.Contains(scored, f.r):
			scored = append(scored, f.r)
			if k, ok := rs.catIndex[f.r.category]; ok {
				weights[k] += f.r.score
			}
			v.Score += f.r.score
		}
	}
	topCat, topW := "", 0.0
	for k, c := range rs.categories { // declared order breaks ties
		if w := weights[k]; w > topW {
			topCat, topW = c.ID, w
		}
	}
	switch {
	case trusted:
		v.Action = ActionPublish
	case refuse != nil:
		v.Action, v.Category = ActionRefuse, refuse.r.category
		v.Score = max(v.Score, rs.thresholds.Refuse)
	case v.Score >= rs.thresholds.Refuse:
		v.Action, v.Category = ActionRefuse, topCat
	case review != nil:
		v.Action, v.Category = ActionReview, review.r.category
		v.Score = max(v.Score, rs.thresholds.Review)
	case v.Score >= rs.thresholds.Review:
		v.Action, v.Category = ActionReview, topCat
	}
	rs.protect(&v)
	return v
}

// first keeps the match of the earliest declared rule (rules are stored
// in declared order and numbered).
func first(cur, f *found) *found {
	if cur == nil || f.r.order < cur.r.order {
		return f
	}
	return cur
}

// masked reports whether f lies inside the span of an allow match (of
// another rule, not in shadow mode).
func masked(f found, all []found) bool {
	for _, a := range all {
		if a.r.allow && !a.r.shadow && a.r != f.r && a.start <= f.start && f.end <= a.end {
			return true
		}
	}
	return false
}

// tokenAt is the index of the token holding byte p of norm.
func (nt *normText) tokenAt(p int) int {
	i := sort.Search(len(nt.toks), func(i int) bool { return int(nt.toks[i].ne) > p })
	return min(i, len(nt.toks)-1)
}
