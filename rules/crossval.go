package rules

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// CVOptions tune CrossValidate.
type CVOptions struct {
	Folds int // default 5
	// MaxTrainRows, when > 0, trains each fold on a stratified random
	// subset of that many rows of its training part (learning curve).
	MaxTrainRows int
	// Targets for the thresholds chosen inside each fold: at most
	// RefuseShare of label 0 refused, at most ReviewShare sent to review
	// (defaults 0.01 and 0.15).
	RefuseShare, ReviewShare float64
	// Rules, when set, are combined with the model on the held-out rows:
	// refused when either refuses, caught when either refuses or reviews.
	// They must not contain a model trained on these rows.
	Rules *Ruleset
}

// CVReport is what cross-validation measured on the held-out folds,
// pooled over the folds.
type CVReport struct {
	Rows, Label1, Label0 int
	AUC                  float64   // pooled out-of-fold scores
	FoldAUC              []float64 // one per fold
	// At thresholds chosen inside each fold (from out-of-fold scores of
	// its training part), measured on the held-out fold:
	Refuse0, Review0 float64 // share of label 0 refused, sent to review
	Refuse1, Caught1 float64 // share of label 1 refused, refused or reviewed
	Thresholds       [][2]float64
	// With CVOptions.Rules: the rules alone, and rules and model together.
	RulesRefuse0, RulesReview0, RulesCaught1 float64
	BothRefuse0, BothReview0, BothCaught1    float64
}

// CrossValidate measures TrainModel on ex by k-fold cross-validation. The
// thresholds of each fold are chosen from an inner (k-1)-fold
// cross-validation of its training part, so the held-out fold is never
// used to choose them: the figures are those a deployment would get by
// calibrating on its own labelled data.
func CrossValidate(ex []Example, o TrainOptions, cv CVOptions) (CVReport, error) {
	o = o.withDefaults()
	if cv.Folds == 0 {
		cv.Folds = 5
	}
	if cv.RefuseShare == 0 {
		cv.RefuseShare = 0.01
	}
	if cv.ReviewShare == 0 {
		cv.ReviewShare = 0.15
	}
	if cv.Folds < 3 {
		return CVReport{}, fmt.Errorf("cross-validation: at least 3 folds (inner folds choose the thresholds)")
	}
	docs := vectorise(ex)
	fold := folds(ex, cv.Folds, o.Seed)
	rep := CVReport{Rows: len(ex)}
	scores := make([]float64, len(ex))
	labels := make([]int, len(ex))
	var n0, n1, r0, v0, r1, c1 int
	var rr0, rv0, rc1, br0, bv0, bc1 int // rules alone, rules and model
	fs := new(featureScratch)
	for f := range cv.Folds {
		var trEx []Example
		var trDocs []sparseDoc
		for i := range ex {
			if fold[i] != f {
				trEx, trDocs = append(trEx, ex[i]), append(trDocs, docs[i])
			}
		}
		if cv.MaxTrainRows > 0 && cv.MaxTrainRows < len(trEx) {
			trEx, trDocs = subset(trEx, trDocs, cv.MaxTrainRows, o.Seed+uint64(f)+1)
		}
		inner := o
		inner.Seed = o.Seed + 1000 + uint64(f)
		oof, err := outOfFold(trEx, trDocs, cv.Folds-1, inner)
		if err != nil {
			return rep, fmt.Errorf("fold %d: %w", f+1, err)
		}
		var s0 []float64
		for i, e := range trEx {
			if e.Label == 0 {
				s0 = append(s0, oof[i])
			}
		}
		refuse, review := chooseThresholds(s0, cv.RefuseShare, cv.ReviewShare)
		rep.Thresholds = append(rep.Thresholds, [2]float64{refuse, review})
		m, _, err := train(trDocs, o)
		if err != nil {
			return rep, fmt.Errorf("fold %d: %w", f+1, err)
		}
		var fsc []float64
		var fl []int
		for i, e := range ex {
			if fold[i] != f {
				continue
			}
			p := m.scoreText(fs, e.Text)
			scores[i], labels[i] = p, e.Label
			fsc, fl = append(fsc, p), append(fl, e.Label)
			ref, rev := p >= refuse, p >= review
			if cv.Rules != nil {
				a := cv.Rules.Classify(Input{Text: e.Text, Source: "eval"}, nil).Action
				rRef, rRev := a == ActionRefuse, a == ActionReview
				bRef := rRef || ref
				if e.Label == 1 {
					rc1 += b2i(rRef || rRev)
					bc1 += b2i(bRef || rRev || rev)
				} else {
					rr0, br0 = rr0+b2i(rRef), br0+b2i(bRef)
					rv0 += b2i(rRev)
					bv0 += b2i(!bRef && (rRev || rev))
				}
			}
			if e.Label == 1 {
				n1++
				r1 += b2i(ref)
				c1 += b2i(ref || rev)
			} else {
				n0++
				r0 += b2i(ref)
				v0 += b2i(!ref && rev)
			}
		}
		rep.FoldAUC = append(rep.FoldAUC, AUC(fsc, fl))
	}
	rep.Label0, rep.Label1 = n0, n1
	rep.AUC = AUC(scores, labels)
	rep.Refuse0, rep.Review0 = share(r0, n0), share(v0, n0)
	rep.Refuse1, rep.Caught1 = share(r1, n1), share(c1, n1)
	if cv.Rules != nil {
		rep.RulesRefuse0, rep.RulesReview0, rep.RulesCaught1 = share(rr0, n0), share(rv0, n0), share(rc1, n1)
		rep.BothRefuse0, rep.BothReview0, rep.BothCaught1 = share(br0, n0), share(bv0, n0), share(bc1, n1)
	}
	return rep, nil
}

// subset keeps n examples, drawn at random with the seed, each label in
// its share of the whole (stratified), in their original order.
func subset(ex []Example, docs []sparseDoc, n int, seed uint64) ([]Example, []sparseDoc) {
	rank := folds(ex, len(ex), seed) // within each label: a random rank 0, 1, 2…
	var count [2]int
	for _, e := range ex {
		count[e.Label]++
	}
	key := make([]float64, len(ex))
	order := make([]int, len(ex))
	for i, e := range ex {
		key[i], order[i] = (float64(rank[i])+0.5)/float64(count[e.Label]), i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(key[a], key[b]) })
	order = order[:n]
	slices.Sort(order)
	e2, d2 := make([]Example, n), make([]sparseDoc, n)
	for k, i := range order {
		e2[k], d2[k] = ex[i], docs[i]
	}
	return e2, d2
}

// chooseThresholds picks the lowest thresholds that keep at most
// refuseShare of the label-0 scores s0 at or above refuse, and at most
// reviewShare between review and refuse. A threshold above 1 never fires.
func chooseThresholds(s0 []float64, refuseShare, reviewShare float64) (refuse, review float64) {
	s := slices.Clone(s0)
	slices.Sort(s)
	slices.Reverse(s)
	at := func(allowed int) float64 {
		if allowed >= len(s) {
			return 0
		}
		return math.Nextafter(s[allowed], math.Inf(1))
	}
	a := int(refuseShare * float64(len(s)))
	refuse = at(a)
	review = at(a + int(reviewShare*float64(len(s))))
	return refuse, min(review, refuse)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func share(k, n int) float64 {
	if n == 0 {
		return math.NaN()
	}
	return float64(k) / float64(n)
}
