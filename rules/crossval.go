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
	// Rules, when set, are combined with the model: inside each fold
	// Calibrate leaves the model what the rules have not used of the
	// budgets, and on the held-out rows a comment is refused when either
	// refuses, caught when either refuses or reviews. They must not
	// contain a model trained on these rows.
	Rules *Ruleset
}

// CVReport is what cross-validation measured on the held-out folds,
// pooled over the folds.
type CVReport struct {
	Rows, Label1, Label0 int
	AUC                  float64   // pooled out-of-fold scores
	FoldAUC              []float64 // one per fold
	// At thresholds chosen by Calibrate inside each fold (from
	// out-of-fold scores of its training part), measured on the held-out
	// fold; the model alone:
	Refuse0, Review0 float64      // share of label 0 refused, sent to review
	Refuse1, Caught1 float64      // share of label 1 refused, refused or reviewed
	Thresholds       [][2]float64 // refuse, review per fold (Calibration's)
	// With CVOptions.Rules: the rules alone, and rules and model together.
	RulesRefuse0, RulesReview0, RulesCaught1 float64
	BothRefuse0, BothReview0, BothCaught1    float64
}

// CrossValidate measures TrainModel on ex by k-fold cross-validation. The
// thresholds of each fold are chosen by Calibrate from an inner
// (k-1)-fold cross-validation of its training part (and, with
// CVOptions.Rules, what the rules decide on those rows), so the held-out
// fold is never used to choose them: the figures are those a deployment
// would get by running `vigie calibrate` on its own labelled data.
func CrossValidate(ex []Example, o TrainOptions, cv CVOptions) (CVReport, error) {
	o = o.withDefaults()
	if cv.Folds == 0 {
		cv.Folds = 5
	}
	targets := DefaultCalibrateOptions()
	if cv.RefuseShare != 0 {
		targets.RefuseShare = cv.RefuseShare
	}
	if cv.ReviewShare != 0 {
		targets.ReviewShare = cv.ReviewShare
	}
	if cv.Folds < 3 {
		return CVReport{}, fmt.Errorf("cross-validation: at least 3 folds (inner folds choose the thresholds)")
	}
	docs := vectorise(ex)
	fold := folds(ex, cv.Folds, o.Seed)
	byRules := make([]Action, len(ex)) // 0 without rules: counted as published
	if cv.Rules != nil {
		for i, e := range ex {
			byRules[i] = cv.Rules.Classify(Input{Text: e.Text, Source: "eval"}, nil).Action
		}
	}
	rep := CVReport{Rows: len(ex)}
	scores := make([]float64, len(ex))
	labels := make([]int, len(ex))
	var model, ruleset, both tally // pooled over the held-out folds
	fs := new(featureScratch)
	for f := range cv.Folds {
		var trEx []Example
		var trDocs []sparseDoc
		var trRules []Action
		for i := range ex {
			if fold[i] != f {
				trEx, trDocs, trRules = append(trEx, ex[i]), append(trDocs, docs[i]), append(trRules, byRules[i])
			}
		}
		if cv.MaxTrainRows > 0 && cv.MaxTrainRows < len(trEx) {
			trEx, trDocs, trRules = subset(trEx, trDocs, trRules, cv.MaxTrainRows, o.Seed+uint64(f)+1)
		}
		inner := o
		inner.Seed = o.Seed + 1000 + uint64(f)
		oof, err := outOfFold(trEx, trDocs, cv.Folds-1, inner)
		if err != nil {
			return rep, fmt.Errorf("fold %d: %w", f+1, err)
		}
		rows := make([]Scored, len(trEx))
		for i, e := range trEx {
			rows[i] = Scored{Score: oof[i], Label: e.Label, Rules: trRules[i]}
		}
		cal, err := Calibrate(rows, targets)
		if err != nil {
			return rep, fmt.Errorf("fold %d: %w", f+1, err)
		}
		rep.Thresholds = append(rep.Thresholds, [2]float64{cal.Refuse, cal.Review})
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
			a := cal.modelAction(p)
			model.add(e.Label, a)
			ruleset.add(e.Label, byRules[i])
			both.add(e.Label, combine(byRules[i], a))
		}
		rep.FoldAUC = append(rep.FoldAUC, AUC(fsc, fl))
	}
	rep.Label0, rep.Label1 = model.n0, model.n1
	rep.AUC = AUC(scores, labels)
	mr := model.rates()
	rep.Refuse0, rep.Review0, rep.Refuse1, rep.Caught1 = mr.Refused0, mr.Reviewed0, mr.Refused1, mr.Caught1
	if cv.Rules != nil {
		rr, br := ruleset.rates(), both.rates()
		rep.RulesRefuse0, rep.RulesReview0, rep.RulesCaught1 = rr.Refused0, rr.Reviewed0, rr.Caught1
		rep.BothRefuse0, rep.BothReview0, rep.BothCaught1 = br.Refused0, br.Reviewed0, br.Caught1
	}
	return rep, nil
}

// subset keeps n examples, drawn at random with the seed, each label in
// its share of the whole (stratified), in their original order.
func subset(ex []Example, docs []sparseDoc, acts []Action, n int, seed uint64) ([]Example, []sparseDoc, []Action) {
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
	e2, d2, a2 := make([]Example, n), make([]sparseDoc, n), make([]Action, n)
	for k, i := range order {
		e2[k], d2[k], a2[k] = ex[i], docs[i], acts[i]
	}
	return e2, d2, a2
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
