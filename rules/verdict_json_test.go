package rules

import (
	"bytes"
	"math"
	"testing"
)

func checkAppendJSON(t *testing.T, v Verdict) {
	t.Helper()
	want, werr := v.MarshalJSON()
	got, gerr := v.AppendJSON(nil)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("%+v: MarshalJSON error %v, AppendJSON error %v", v, werr, gerr)
	}
	if werr == nil && !bytes.Equal(got, want) {
		t.Fatalf("AppendJSON differs from MarshalJSON:\n got %s\nwant %s", got, want)
	}
}

// Every verdict the default packs give on the shared texts (matches with
// accents, quotes, HTML characters, protected categories, model scores)
// encodes to the same bytes both ways, and so do hand-made edge cases.
func TestAppendJSONEqualsMarshalJSON(t *testing.T) {
	rs, err := Load(DefaultSettings(), Options{Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	texts, _ := sharedTexts(t)
	texts = append(texts, benchComments...)
	texts = append(texts, "<script>alert('connard')</script> & \"idiot\"\u2028\u2029 \x00\x1f\x7f \xff\xfe connard")
	withMatches := 0
	for _, text := range texts {
		v := rs.Classify(Input{Text: text}, nil)
		if len(v.Matches) > 0 {
			withMatches++
		}
		checkAppendJSON(t, v)
	}
	if withMatches < 100 {
		t.Fatalf("only %d verdicts with matches: the comparison saw too little", withMatches)
	}
	for _, v := range []Verdict{
		{Action: ActionPublish},
		{Action: ActionRefuse, Category: "insult", Score: 1e-7, ModelScore: 2e21, ModelRule: "m"},
		{Action: ActionReview, Score: -0.5, Protected: []string{"criticism", "x<y"}, Matches: []Match{{Rule: "r", Shadow: true, Start: -1}}},
		{Action: ActionReview, Score: 0.1 + 0.2, ModelScore: 1e-300},
		{Action: 0},
		{Action: ActionRefuse, Score: math.NaN()},
		{Action: ActionRefuse, ModelScore: math.Inf(1)},
	} {
		checkAppendJSON(t, v)
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("connard", "<&>", 0.5, 1e-9, int8(2), true)
	f.Add("\u2028\xff\"\\", "é", 1e21, 0.0, int8(3), false)
	f.Fuzz(func(t *testing.T, s, cat string, score, model float64, action int8, shadow bool) {
		checkAppendJSON(t, Verdict{
			Action: Action(action), Category: cat, Score: score, Language: s,
			Matches:        []Match{{Rule: s, Category: cat, Start: len(s), End: -len(cat), Text: s + cat, Shadow: shadow}},
			RulesetVersion: cat + s, Protected: []string{s}, ModelRule: s, ModelScore: model,
		})
	})
}
