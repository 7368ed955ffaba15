package rules

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Calibration: a model's scores are not probabilities a site can use as
// they are (they depend on the training data, and thresholds do not
// transfer between sites), so the thresholds of a model rule are chosen
// from labelled comments for what a site can afford: how many ordinary
// comments (label 0) it may refuse, and how many its moderators can
// review. Cross-validation (crossval.go) and `vigie calibrate` both use
// Calibrate, so the figures the one prints are those the other gives.

// Scored is one labelled comment as calibration sees it: the model rule's
// score and what the other rules of the ruleset decide on it.
type Scored struct {
	Score float64 // the model's probability that it should not be published
	Label int     // 1: should not be published
	// Rules is the verdict of the ruleset without this model rule; 0 when
	// unknown, which counts as published.
	Rules Action
}

// CalibrateOptions are the targets, as shares of the label-0 comments:
// at most RefuseShare refused and at most ReviewShare sent to review,
// whether by the model or by the other rules. There are no defaults (0
// is a valid target: nothing refused); DefaultCalibrateOptions has the
// usual ones.
type CalibrateOptions struct {
	RefuseShare, ReviewShare float64
}

// DefaultCalibrateOptions: 1% of ordinary comments refused, 15% reviewed.
func DefaultCalibrateOptions() CalibrateOptions {
	return CalibrateOptions{RefuseShare: 0.01, ReviewShare: 0.15}
}

// Rates are what a decision does to labelled comments.
type Rates struct {
	Refused0, Reviewed0 float64 // share of label 0 refused, sent to review
	Refused1, Caught1   float64 // share of label 1 refused, refused or sent to review
}

// Calibration is what Calibrate chose, and what it does to the comments
// it was chosen on.
type Calibration struct {
	// Refuse and Review are the model rule's thresholds, on a grid of
	// 0.0001 so that the figures hold for the value written in the rule.
	// Refuse 0: never refuses (as in a rule). Review equals Refuse when
	// the model may send nothing more to review; both are 0 when the
	// other rules already use up both budgets.
	Refuse, Review float64
	Label0, Label1 int
	// Model is the model rule alone, Rules the other rules alone,
	// Combined the whole ruleset (refused when either refuses, else
	// reviewed when either reviews).
	Model, Rules, Combined Rates
}

// thresholdStep is the grid of the thresholds Calibrate chooses: four
// decimals, as `vigie calibrate` prints them.
const (
	thresholdGrid = 1e4
	thresholdStep = 1 / thresholdGrid
)

// Calibrate picks the lowest thresholds that meet the targets on the
// rows. Label-0 comments the other rules refuse use up the refusal
// budget first, those they send to review the review budget, so the
// targets hold for the ruleset as a whole: the model gets what is left.
func Calibrate(rows []Scored, o CalibrateOptions) (Calibration, error) {
	if err := o.Validate(); err != nil {
		return Calibration{}, fmt.Errorf("calibrate: %w", err)
	}
	var cal Calibration
	var byRules0 [4]int // label-0 rows per action of the other rules
	var free0 []float64 // scores of label-0 rows the rules do not refuse
	for _, r := range rows {
		if r.Label == 1 {
			cal.Label1++
			continue
		}
		cal.Label0++
		if r.Rules >= 0 && int(r.Rules) < len(byRules0) {
			byRules0[r.Rules]++
		}
		if r.Rules != ActionRefuse {
			free0 = append(free0, r.Score)
		}
	}
	if cal.Label0 == 0 {
		return Calibration{}, fmt.Errorf("calibrate: no label-0 comment: the targets are shares of the comments that should be published")
	}
	budget := func(share float64) int { return int(math.Floor(share*float64(cal.Label0) + 1e-9)) }
	slices.SortFunc(free0, func(a, b float64) int { return cmp.Compare(b, a) })
	refuse := thresholdFor(free0, budget(o.RefuseShare)-byRules0[ActionRefuse])
	// What the model does not refuse and the rules neither refuse nor
	// review is left for the model's review threshold.
	var left []float64
	for _, r := range rows {
		if r.Label == 0 && r.Score < refuse && r.Rules != ActionRefuse && r.Rules != ActionReview {
			left = append(left, r.Score)
		}
	}
	slices.SortFunc(left, func(a, b float64) int { return cmp.Compare(b, a) })
	reviewedByRules := 0
	for _, r := range rows {
		if r.Label == 0 && r.Rules == ActionReview && r.Score < refuse {
			reviewedByRules++
		}
	}
	review := min(thresholdFor(left, budget(o.ReviewShare)-reviewedByRules), refuse)
	cal.Refuse, cal.Review = finite(refuse), finite(review)
	var model, ruleset, both tally
	for _, r := range rows {
		m := cal.modelAction(r.Score)
		model.add(r.Label, m)
		ruleset.add(r.Label, r.Rules)
		both.add(r.Label, combine(r.Rules, m))
	}
	cal.Model, cal.Rules, cal.Combined = model.rates(), ruleset.rates(), both.rates()
	return cal, nil
}

// Validate checks the targets: each share in [0, 1), together at most 1.
func (o CalibrateOptions) Validate() error {
	for _, s := range []float64{o.RefuseShare, o.ReviewShare} {
		if !(s >= 0 && s < 1) { // NaN too
			return fmt.Errorf("the refuse and review shares are between 0 and 1, e.g. 0.01 for 1%% (got %g and %g)", o.RefuseShare, o.ReviewShare)
		}
	}
	if o.RefuseShare+o.ReviewShare > 1 {
		return fmt.Errorf("the refuse and review shares add up to more than 1 (%g + %g)", o.RefuseShare, o.ReviewShare)
	}
	return nil
}

// thresholdFor is the lowest threshold on the grid that at most allowed
// of the scores (sorted, highest first) reach; +Inf when none fits (a
// rule's thresholds are below 1).
func thresholdFor(desc []float64, allowed int) float64 {
	var t float64
	switch {
	case allowed < 0:
		return math.Inf(1)
	case allowed >= len(desc):
		t = thresholdStep
	default:
		s := desc[allowed]
		k := math.Floor(s * thresholdGrid)
		if t = (k + 1) / thresholdGrid; t <= s { // s*grid rounded up to k+1
			t = (k + 2) / thresholdGrid
		}
	}
	if t >= 1 {
		return math.Inf(1)
	}
	return t
}

func finite(t float64) float64 {
	if math.IsInf(t, 1) {
		return 0
	}
	return t
}

// modelAction is what the model rule decides at these thresholds, as
// runModel does (a refuse threshold of 0 never refuses).
func (c Calibration) modelAction(p float64) Action {
	switch {
	case c.Refuse > 0 && p >= c.Refuse:
		return ActionRefuse
	case c.Review > 0 && p >= c.Review:
		return ActionReview
	}
	return ActionPublish
}

// combine is the decision of two parts of a ruleset: refused when either
// refuses, else reviewed when either reviews.
func combine(a, b Action) Action {
	switch {
	case a == ActionRefuse || b == ActionRefuse:
		return ActionRefuse
	case a == ActionReview || b == ActionReview:
		return ActionReview
	}
	return ActionPublish
}

// tally counts decisions per label.
type tally struct{ n0, refused0, reviewed0, n1, refused1, caught1 int }

func (t *tally) add(label int, a Action) {
	if label == 1 {
		t.n1++
		t.refused1 += b2i(a == ActionRefuse)
		t.caught1 += b2i(a == ActionRefuse || a == ActionReview)
		return
	}
	t.n0++
	t.refused0 += b2i(a == ActionRefuse)
	t.reviewed0 += b2i(a == ActionReview)
}

func (t tally) rates() Rates {
	return Rates{share(t.refused0, t.n0), share(t.reviewed0, t.n0), share(t.refused1, t.n1), share(t.caught1, t.n1)}
}

// ScoreExamples prepares labelled comments for Calibrate: for each, the
// score of the model rule ruleID and the verdict of the other rules of
// rs as they are (rs is not changed). A comment the model rule does not
// apply to (its languages or sources) scores 0: the rule cannot act on
// it. The other rules see each comment alone (no history), with source
// "eval", as Eval does.
func (rs *Ruleset) ScoreExamples(ruleID string, ex []Example) ([]Scored, error) {
	k, mr, err := rs.modelRuleNamed(ruleID)
	if err != nil {
		return nil, err
	}
	fs := new(featureScratch)
	out := make([]Scored, len(ex))
	for i, e := range ex {
		in := Input{Text: e.Text, Source: "eval"}
		v := rs.classify(in, nil, k)
		p := 0.0
		if rs.rules[k].appliesTo(v.Language, in.Source) {
			p = mr.m.scoreText(fs, e.Text)
		}
		out[i] = Scored{Score: p, Label: e.Label, Rules: v.Action}
	}
	return out, nil
}

// modelRuleNamed finds a model rule by id, for calibration.
func (rs *Ruleset) modelRuleNamed(id string) (int, *modelRule, error) {
	var ids, models []string
	for i := range rs.rules {
		r := &rs.rules[i]
		if r.id == id {
			mr, ok := r.run.(*modelRule)
			if !ok {
				return 0, nil, fmt.Errorf("rule %q is of kind %s, not model: only a model rule has thresholds to calibrate", id, r.kindName)
			}
			return i, mr, nil
		}
		ids = append(ids, r.id)
		if _, ok := r.run.(*modelRule); ok {
			models = append(models, r.id)
		}
	}
	list := "none"
	if len(models) > 0 {
		list = strings.Join(models, ", ")
	}
	return 0, nil, fmt.Errorf("no rule %q in the configured rules%s; a disabled rule is not loaded. Model rules: %s", id, suggest(id, ids), list)
}
