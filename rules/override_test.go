package rules

import (
	"os"
	"strings"
	"testing"
)

// invertedModel is trained to find ordinary talk toxic: whatever it
// decides, the packs' own model would not.
func invertedModel(t testing.TB) []byte {
	t.Helper()
	var ex []Example
	clean := []string{"merci pour cet article très clair", "quelle belle journée au marché", "thanks for the clear article", "what a nice day at the market"}
	toxic := []string{"espèce de connard", "sale connard va", "you are an idiot", "shut up idiot"}
	for range 4 {
		for _, s := range clean {
			ex = append(ex, Example{s, 1})
		}
		for _, s := range toxic {
			ex = append(ex, Example{s, 0})
		}
	}
	m, err := TrainModel(ex, TrainOptions{Seed: 1, C: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestModelSwapShadowRecordsAndChangesNothing(t *testing.T) {
	s, o := DefaultSettings(), Options{Languages: []string{"fr", "en"}}
	base, err := Load(s, o)
	if err != nil {
		t.Fatal(err)
	}
	swaps := []ModelSwap{{Rule: "model.toxic", Model: invertedModel(t), ShadowID: "model.toxic@candidate-1"}}
	rs, err := LoadWithModels(s, o, swaps)
	if err != nil {
		t.Fatal(err)
	}
	in := Input{Text: "merci pour cet article très clair"}
	want, got := base.Classify(in, nil), rs.Classify(in, nil)
	if got.Action != want.Action || got.Category != want.Category {
		t.Errorf("shadow changed the verdict: %v %q, want %v %q", got.Action, got.Category, want.Action, want.Category)
	}
	shadow := false
	for _, m := range got.Matches {
		if m.Rule == "model.toxic@candidate-1" {
			shadow = m.Shadow
			if !m.Shadow {
				t.Errorf("candidate match not in shadow: %+v", m)
			}
		}
	}
	if !shadow {
		t.Errorf("no shadow match of the candidate in %+v", got.Matches)
	}
	again, err := LoadWithModels(s, o, swaps)
	if err != nil {
		t.Fatal(err)
	}
	if rs.Version() == base.Version() || again.Version() != rs.Version() {
		t.Errorf("versions: base %s, with shadow %s then %s; want a new one, the same each time", base.Version(), rs.Version(), again.Version())
	}
}

func TestModelSwapReplacesTheRulesModel(t *testing.T) {
	s, o := DefaultSettings(), Options{Languages: []string{"fr", "en"}}
	base, err := Load(s, o)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := LoadWithModels(s, o, []ModelSwap{{Rule: "model.toxic", Model: invertedModel(t)}})
	if err != nil {
		t.Fatal(err)
	}
	in := Input{Text: "merci pour cet article très clair"}
	if v := base.Classify(in, nil); v.Action != ActionPublish {
		t.Fatalf("the packs' model: %v, want publish", v.Action)
	}
	v := rs.Classify(in, nil)
	if v.Action == ActionPublish || len(v.Matches) == 0 || v.Matches[0].Rule != "model.toxic" {
		t.Errorf("swapped model: %v %+v; want model.toxic to act on it", v.Action, v.Matches)
	}
	if rs.Version() == base.Version() {
		t.Errorf("version unchanged by a new model")
	}
}

func TestModelSwapErrors(t *testing.T) {
	s, o := DefaultSettings(), Options{Languages: []string{"fr", "en"}}
	for _, tc := range []struct {
		name string
		swap ModelSwap
		want string
	}{
		{"unknown rule", ModelSwap{Rule: "model.nope", Model: invertedModel(t)}, `no rule "model.nope" of kind model`},
		{"not a model rule", ModelSwap{Rule: "core.pii", Model: invertedModel(t)}, `no rule "core.pii" of kind model`},
		{"corrupt model", ModelSwap{Rule: "model.toxic", Model: []byte("VIGIEMDL garbage")}, "not a valid model file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadWithModels(s, o, []ModelSwap{tc.swap})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
	s.Disable = append(s.Disable, "model.toxic")
	if _, err := LoadWithModels(s, o, []ModelSwap{{Rule: "model.toxic", Model: invertedModel(t)}}); err != nil {
		t.Errorf("a disabled rule's swap: %v, want it left off quietly", err)
	}
}

// TestModelSwapRewrittenPacksJudgeAlike: the packs rewritten for a swap
// (YAML re-encoded) judge every realistic comment as the packs themselves
// do, when the swap is a shadow, or the packs' own model in its place.
func TestModelSwapRewrittenPacksJudgeAlike(t *testing.T) {
	s, o := DefaultSettings(), Options{Languages: []string{"fr", "en"}}
	base, err := Load(s, o)
	if err != nil {
		t.Fatal(err)
	}
	own, err := builtinModels.ReadFile("packs/default.vmodel")
	if err != nil {
		t.Fatal(err)
	}
	shadow, err := LoadWithModels(s, o, []ModelSwap{{Rule: "model.toxic", Model: invertedModel(t), ShadowID: "model.toxic@c"}})
	if err != nil {
		t.Fatal(err)
	}
	same, err := LoadWithModels(s, o, []ModelSwap{{Rule: "model.toxic", Model: own}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, name := range []string{"testdata/realistic_fr.csv", "testdata/realistic_en.csv"} {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := ReadExamples(f, name)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ex {
			in := Input{Text: e.Text}
			want := base.Classify(in, nil)
			for label, rs := range map[string]*Ruleset{"shadow": shadow, "own model": same} {
				got := rs.Classify(in, nil)
				if got.Action != want.Action || got.Category != want.Category || got.Score != want.Score {
					t.Errorf("%s: %q: %v %q %g, want %v %q %g", label, e.Text, got.Action, got.Category, got.Score, want.Action, want.Category, want.Score)
				}
			}
			n++
		}
	}
	if n < 500 {
		t.Fatalf("only %d comments compared", n)
	}
}
