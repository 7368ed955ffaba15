package rules

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Without a model rule the verdict's JSON is what it always was, and a
// verdict stored before the model score existed reads back without one.
func TestVerdictWithoutModelKeepsItsJSON(t *testing.T) {
	s := DefaultSettings()
	s.Disable = append(s.Disable, "model.toxic")
	rs, err := Load(s, Options{Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	v := rs.Classify(Input{Text: "Bonjour à tous"}, nil)
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"action":"publish","score":0,"language":"fr","matches":[],"ruleset_version":"` + rs.Version() + `"}`
	if string(b) != want {
		t.Errorf("json = %s\nwant   %s", b, want)
	}
	var old Verdict
	if err := json.Unmarshal([]byte(`{"action":"review","category":"insult","score":0.5,"language":"fr","matches":[],"ruleset_version":"x"}`), &old); err != nil {
		t.Fatal(err)
	}
	if old.ModelRule != "" || old.ModelScore != 0 || old.Action != ActionReview {
		t.Errorf("old verdict read back as %+v", old)
	}
}

// The model's probability is in the verdict whether the model fired or
// not, and Score still agrees with Action when it fires.
func TestVerdictCarriesTheModelScore(t *testing.T) {
	rs, err := Load(modelPack(t, tinyModel(t), "{refuse: 0.9, review: 0.6}"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text   string
		action Action
	}{
		{"Merci pour cet article, très clair.", ActionPublish},
		{"Espèce de CONNARD", ActionRefuse},
	} {
		v := rs.Classify(Input{Text: tc.text}, nil)
		if v.Action != tc.action || v.ModelRule != "model.insult" {
			t.Fatalf("%q: %v by %q, want %v by model.insult", tc.text, v.Action, v.ModelRule, tc.action)
		}
		switch tc.action {
		case ActionPublish:
			if v.ModelScore <= 0 || v.ModelScore >= 0.6 || v.Score != 0 {
				t.Errorf("%q: model score %v, score %v", tc.text, v.ModelScore, v.Score)
			}
		case ActionRefuse:
			if v.ModelScore < 0.9 || v.ModelScore > 1 || v.Score < rs.thresholds.Refuse {
				t.Errorf("%q: model score %v, score %v below the refuse threshold %v", tc.text, v.ModelScore, v.Score, rs.thresholds.Refuse)
			}
		}
		b, _ := json.Marshal(v)
		if !strings.Contains(string(b), `"model_rule":"model.insult","model_score":`) {
			t.Errorf("%q: json %s", tc.text, b)
		}
	}
}

// With a shadow candidate declared before the running model (as a swap
// puts it), the verdict carries the running model's score; with only a
// shadow model, the shadow one's.
func TestVerdictPrefersTheEnforcedModel(t *testing.T) {
	s, o := modelPack(t, tinyModel(t), "{refuse: 0.9, review: 0.6}")
	pack, err := os.ReadFile(filepath.Join(o.BaseDir, "pack.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	shadow := strings.Replace(string(pack), "rules:\n", `rules:
  - id: model.candidate
    kind: model
    category: insult
    model: m.vmodel
    mode: shadow
    thresholds: {refuse: 0, review: 0.5}
`, 1)
	if err := os.WriteFile(filepath.Join(o.BaseDir, "pack.yaml"), []byte(shadow), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, err := Load(s, o)
	if err != nil {
		t.Fatal(err)
	}
	if v := rs.Classify(Input{Text: "quelle belle journée"}, nil); v.ModelRule != "model.insult" {
		t.Errorf("model rule %q, want the enforced model.insult", v.ModelRule)
	}
	s.Shadow = []string{"model.insult"}
	if rs, err = Load(s, o); err != nil {
		t.Fatal(err)
	}
	if v := rs.Classify(Input{Text: "quelle belle journée"}, nil); v.ModelRule != "model.candidate" || v.ModelScore == 0 {
		t.Errorf("all in shadow: model rule %q score %v, want the first, model.candidate", v.ModelRule, v.ModelScore)
	}
}
