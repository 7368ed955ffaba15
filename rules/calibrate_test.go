package rules

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recount is what thresholds do to the rows, counted the plain way.
func recount(rows []Scored, refuse, review float64) (model, combined tally) {
	for _, r := range rows {
		m := ActionPublish
		switch {
		case refuse > 0 && r.Score >= refuse:
			m = ActionRefuse
		case review > 0 && r.Score >= review:
			m = ActionReview
		}
		c := m
		if r.Rules == ActionRefuse || (r.Rules == ActionReview && c == ActionPublish) {
			c = r.Rules
		}
		model.add(r.Label, m)
		combined.add(r.Label, c)
	}
	return model, combined
}

// randomRows draws labelled scores, label 1 higher on average, with the
// other rules refusing or reviewing a few of each label.
func randomRows(seed uint64, n int) []Scored {
	rng := rand.New(rand.NewPCG(seed, 1))
	rows := make([]Scored, n)
	for i := range rows {
		label := rng.IntN(2)
		s := rng.Float64()*0.7 + 0.3*float64(label)*rng.Float64()
		var a Action
		switch x := rng.Float64(); {
		case x < 0.005:
			a = ActionRefuse
		case x < 0.04:
			a = ActionReview
		case x < 0.5:
			a = ActionPublish
		}
		rows[i] = Scored{Score: math.Round(s*1e3) / 1e3, Label: label, Rules: a} // ties happen
	}
	return rows
}

// The chosen thresholds keep the ruleset as a whole within the targets,
// are the lowest that do (one step lower and one more ordinary comment
// would be refused or reviewed than allowed), and the rates it reports
// are what they give.
func TestCalibrateMeetsTheTargetsWithTheLowestThresholds(t *testing.T) {
	for seed := range uint64(20) {
		rows := randomRows(seed, 300+int(seed)*37)
		o := CalibrateOptions{RefuseShare: 0.01 * float64(seed%4), ReviewShare: 0.05 + 0.02*float64(seed%5)}
		c, err := Calibrate(rows, o)
		if err != nil {
			t.Fatal(err)
		}
		model, both := recount(rows, c.Refuse, c.Review)
		if c.Model != model.rates() || c.Combined != both.rates() || c.Label0 != both.n0 || c.Label1 != both.n1 {
			t.Fatalf("seed %d: reported %+v / %+v, recounted %+v / %+v", seed, c.Model, c.Combined, model.rates(), both.rates())
		}
		refuseBudget := int(math.Floor(o.RefuseShare*float64(both.n0) + 1e-9))
		reviewBudget := int(math.Floor(o.ReviewShare*float64(both.n0) + 1e-9))
		// The model cannot undo what the rules alone do beyond a budget.
		var rules tally
		for _, r := range rows {
			rules.add(r.Label, r.Rules)
		}
		if both.refused0 > max(refuseBudget, rules.refused0) || both.reviewed0 > max(reviewBudget, rules.reviewed0) {
			t.Errorf("seed %d: %d refused, %d reviewed of %d label 0; budgets %d, %d", seed, both.refused0, both.reviewed0, both.n0, refuseBudget, reviewBudget)
		}
		below := func(th float64) float64 { return math.Round(th*thresholdGrid-1) / thresholdGrid }
		if c.Refuse > thresholdStep {
			if _, lower := recount(rows, below(c.Refuse), min(c.Review, below(c.Refuse))); lower.refused0 <= refuseBudget {
				t.Errorf("seed %d: refuse %v is not the lowest: %v still refuses %d ≤ %d", seed, c.Refuse, below(c.Refuse), lower.refused0, refuseBudget)
			}
		}
		if c.Review > thresholdStep && c.Review < c.Refuse {
			if _, lower := recount(rows, c.Refuse, below(c.Review)); lower.reviewed0 <= reviewBudget {
				t.Errorf("seed %d: review %v is not the lowest: %v still reviews %d ≤ %d", seed, c.Review, below(c.Review), lower.reviewed0, reviewBudget)
			}
		}
		for _, th := range []float64{c.Refuse, c.Review} {
			if k := th / thresholdStep; math.Abs(k-math.Round(k)) > 1e-6 || th < 0 || th >= 1 {
				t.Errorf("seed %d: threshold %v is not on the 0.0001 grid in [0, 1)", seed, th)
			}
		}
	}
}

// What the other rules already do to ordinary comments uses up the
// budgets: the model gets what is left.
func TestCalibrateLeavesTheModelWhatTheRulesDoNotUse(t *testing.T) {
	rows := func(refusedByRules, reviewedByRules int) []Scored {
		var out []Scored
		for i := range 100 { // label 0, scores 0.000 … 0.990
			a := ActionPublish
			if i < refusedByRules {
				a = ActionRefuse
			} else if i < refusedByRules+reviewedByRules {
				a = ActionReview
			}
			out = append(out, Scored{Score: float64(i) / 100, Label: 0, Rules: a})
		}
		return append(out, Scored{Score: 0.995, Label: 1})
	}
	o := DefaultCalibrateOptions()
	alone, err := Calibrate(rows(0, 0), o)
	if err != nil {
		t.Fatal(err)
	}
	// Alone, the model may refuse 1 of the 100 and review 15.
	if alone.Model.Refused0 != 0.01 || alone.Model.Reviewed0 != 0.15 || alone.Refuse != 0.9801 || alone.Review != 0.8301 {
		t.Errorf("alone: thresholds %v, %v; rates %+v", alone.Refuse, alone.Review, alone.Model)
	}
	// The rules refuse one (the lowest score) and review ten: nothing left
	// to refuse (the threshold rises above every ordinary comment), five
	// to review; together still 1% and 15%.
	c, err := Calibrate(rows(1, 10), o)
	if err != nil {
		t.Fatal(err)
	}
	if c.Refuse != 0.9901 || c.Model.Refused0 != 0 || c.Combined.Refused0 != 0.01 || c.Combined.Reviewed0 != 0.15 || c.Model.Reviewed0 != 0.05 {
		t.Errorf("with rules: thresholds %v, %v; model %+v, combined %+v", c.Refuse, c.Review, c.Model, c.Combined)
	}
	if c.Rules.Refused0 != 0.01 || c.Rules.Reviewed0 != 0.10 || c.Combined.Caught1 != 1 {
		t.Errorf("rules alone %+v, combined %+v", c.Rules, c.Combined)
	}
	// Rules that review the whole budget leave the model nothing to send
	// to review: review equals refuse, so a score there is refused.
	c, err = Calibrate(rows(0, 15), o)
	if err != nil {
		t.Fatal(err)
	}
	if c.Review != c.Refuse || c.Combined.Reviewed0 != 0.15 {
		t.Errorf("review budget used up: thresholds %v, %v; combined %+v", c.Refuse, c.Review, c.Combined)
	}
	// Rules that refuse more than the budget leave the model nothing to
	// refuse at all: refuse 0, never, as in a rule.
	c, err = Calibrate(rows(2, 0), o)
	if err != nil {
		t.Fatal(err)
	}
	if c.Refuse != 0 || c.Model.Refused1 != 0 || c.Review == 0 || c.Combined.Reviewed0 != 0.15 {
		t.Errorf("refusal budget overrun: thresholds %v, %v; model %+v, combined %+v", c.Refuse, c.Review, c.Model, c.Combined)
	}
}

func TestCalibrateErrors(t *testing.T) {
	ones := []Scored{{Score: 0.9, Label: 1}, {Score: 0.8, Label: 1}}
	tests := []struct {
		rows []Scored
		o    CalibrateOptions
		want string
	}{
		{ones, DefaultCalibrateOptions(), "no label-0 comment"},
		{nil, DefaultCalibrateOptions(), "no label-0 comment"},
		{randomRows(1, 50), CalibrateOptions{RefuseShare: -0.01, ReviewShare: 0.15}, "between 0 and 1"},
		{randomRows(1, 50), CalibrateOptions{RefuseShare: 0.01, ReviewShare: 1}, "between 0 and 1"},
		{randomRows(1, 50), CalibrateOptions{RefuseShare: math.NaN(), ReviewShare: 0.15}, "between 0 and 1"},
		{randomRows(1, 50), CalibrateOptions{RefuseShare: 0.6, ReviewShare: 0.5}, "add up to more than 1"},
	}
	for _, tc := range tests {
		if _, err := Calibrate(tc.rows, tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.o, err, tc.want)
		}
	}
}

// ScoreExamples gives each comment the model's score and the verdict of
// the other rules, exactly what a ruleset without the model decides.
func TestScoreExamplesSeparatesTheModelFromTheRules(t *testing.T) {
	rs := loadDefault(t)
	s := DefaultSettings()
	s.Disable = append(s.Disable, "model.toxic")
	others, err := Load(s, Options{Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join("testdata", "realistic_fr.csv"))
	if err != nil {
		t.Fatal(err)
	}
	ex, err := ReadExamples(f, "realistic_fr.csv")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := rs.ScoreExamples("model.toxic", ex)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for i, e := range ex {
		if want := others.Classify(Input{Text: e.Text, Source: "eval"}, nil).Action; rows[i].Rules != want {
			t.Errorf("%q: rules %v, the ruleset without the model %v", e.Text, rows[i].Rules, want)
		}
		if v := rs.Classify(Input{Text: e.Text, Source: "eval"}, nil); v.ModelRule == "model.toxic" {
			ran++
			if v.ModelScore != rows[i].Score {
				t.Errorf("%q: score %v, the verdict's %v", e.Text, rows[i].Score, v.ModelScore)
			}
		}
		if rows[i].Label != e.Label || rows[i].Score < 0 || rows[i].Score > 1 {
			t.Errorf("%q: row %+v", e.Text, rows[i])
		}
	}
	if ran == 0 {
		t.Error("the model ran on no comment")
	}
	for _, tc := range []struct{ rule, want string }{
		{"model.toxc", `no rule "model.toxc" in the configured rules (did you mean "model.toxic"?); a disabled rule is not loaded. Model rules: model.toxic`},
		{"fr.insult", `rule "fr.insult" is of kind words, not model`},
	} {
		if _, err := rs.ScoreExamples(tc.rule, ex); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.rule, err, tc.want)
		}
	}
}
