package rules

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// criticismRules are the protect rules of the default packs.
var criticismRules = []string{"fr.criticism", "en.criticism"}

// TestCriticismIsNeverRefused: a comment that says the post is wrong or
// criticises the page owner is never refused automatically, whatever else
// it holds (README.md, "Decision", step 7). The same text without the
// criticism rules is refused, so each row shows protection at work.
func TestCriticismIsNeverRefused(t *testing.T) {
	rs := loadDefault(t)
	s := DefaultSettings()
	s.Disable = criticismRules
	bare, err := Load(s, Options{Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{
		"Votre infographie est fausse : la loi ne dit pas ça, corrigez-la, bande de connards.",
		"V0tre infographie est FAUSSE : la loi ne dit pas ça, corrigez-la, bande de c0nn4rds.",
		"Votre infographie est fausse, espèce d'abruti.",
		"Le ministère nous ment, bande de connards.",
		"Your chart is wrong, the law doesn't say that, correct it, you fucking idiots.",
		"Y0ur chart is WR0NG, the law doesn't say that, correct it, you fucking idiots.",
		"You are lying to us, you bunch of morons.",
	} {
		if got := bare.Classify(Input{Text: text}, nil); got.Action != ActionRefuse {
			t.Fatalf("%q without the criticism rules: got %s (%s), want refuse (the test needs a refusal to protect from)", text, got.Action, matchList(got))
		}
		v := rs.Classify(Input{Text: text}, nil)
		if v.Action != ActionReview || !slices.Equal(v.Protected, []string{"criticism"}) {
			t.Errorf("%q: got %s protected=%v (%s), want review protected=[criticism]", text, v.Action, v.Protected, matchList(v))
		}
		if v.Score >= rs.thresholds.Refuse {
			t.Errorf("%q: score %.2f disagrees with review", text, v.Score)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"protected":["criticism"]`) {
			t.Errorf("%q: the verdict's JSON does not show the flag: %s", text, b)
		}
	}
}

// TestCriticismAlonePublishes: plain criticism is published as usual, with
// the flag; an ordinary comment has none.
func TestCriticismAlonePublishes(t *testing.T) {
	rs := loadDefault(t)
	tests := []struct {
		text      string
		protected bool
	}{
		{"Votre infographie est fausse : la loi ne dit pas ça, corrigez-la.", true},
		{"C'est faux, l'article 3 a été supprimé en commission.", true},
		{"Quelles sont vos sources pour ces chiffres ?", true},
		{"Ces chiffres ne sont plus à jour depuis janvier.", true},
		{"Honte au gouvernement, vous nous prenez pour des idiots.", true},
		{"Your infographic is wrong: the law doesn't say that, please correct it.", true},
		{"That's false, the bill was amended last week.", true},
		{"Source please? These numbers are out of date.", true},
		{"The government is misleading people about this bill.", true},
		{"Merci pour ces informations, très utile.", false},
		{"Bonne journée à tous, rendez-vous samedi au marché.", false},
		{"Thanks, that was helpful.", false},
		{"What time does the office open on Saturday?", false},
	}
	for _, tt := range tests {
		v := rs.Classify(Input{Text: tt.text}, nil)
		if got := len(v.Protected) > 0; got != tt.protected {
			t.Errorf("%q: protected=%v, want %v (%s)", tt.text, v.Protected, tt.protected, matchList(v))
		}
		if tt.protected && v.Action != ActionPublish {
			t.Errorf("%q: got %s (%s), want publish", tt.text, v.Action, matchList(v))
		}
	}
}

// TestCriticismRepeatedIsReviewed: four authors posting the same
// correction is a campaign to look at: review, flagged, never refused,
// even where the copies also break a refuse rule.
func TestCriticismRepeatedIsReviewed(t *testing.T) {
	rs := loadDefault(t)
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, text := range []string{
		"Votre infographie est fausse : la loi ne dit pas ça, corrigez-la.",
		"Votre infographie est fausse : la loi ne dit pas ça, corrigez-la, bande de connards.",
		"Your chart is wrong, the law doesn't say that, correct it.",
	} {
		h := newFakeHistory()
		for i, author := range []string{"a", "b", "c", "d"} {
			in := Input{Text: text, AuthorKey: author, At: at.Add(time.Duration(i) * time.Minute)}
			v := rs.Classify(in, h)
			h.record(in)
			if v.Action == ActionRefuse || len(v.Protected) == 0 {
				t.Errorf("%q, copy %d: got %s protected=%v (%s), want never refused, flagged", text, i+1, v.Action, v.Protected, matchList(v))
			}
			if i >= 2 && (v.Action != ActionReview || !hasRule(v, "core.repeated")) {
				t.Errorf("%q, copy %d: got %s (%s), want review by core.repeated", text, i+1, v.Action, matchList(v))
			}
		}
	}
}

// TestCriticismOverridesTheModel: a model that refuses everything cannot
// refuse criticism either.
func TestCriticismOverridesTheModel(t *testing.T) {
	dir := t.TempDir()
	pack := `version: 1
name: strictmodel
rules:
  - id: model.strict
    kind: model
    category: insult
    model: builtin:default
    thresholds: {refuse: 0.0001, review: 0.0001}
`
	if err := os.WriteFile(filepath.Join(dir, "strict.yaml"), []byte(pack), 0o644); err != nil {
		t.Fatal(err)
	}
	s := DefaultSettings()
	s.Packs = append(s.Packs, "strict.yaml")
	rs, err := Load(s, Options{Languages: []string{"fr", "en"}, BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if v := rs.Classify(Input{Text: "Bonne journée à tous, rendez-vous samedi au marché."}, nil); v.Action != ActionRefuse {
		t.Fatalf("the strict model should refuse an ordinary comment: got %s (%s)", v.Action, matchList(v))
	}
	for _, text := range []string{
		"Votre infographie est fausse : la loi ne dit pas ça, corrigez-la.",
		"Your chart is wrong, the law doesn't say that, correct it.",
	} {
		v := rs.Classify(Input{Text: text}, nil)
		if v.Action != ActionReview || !hasRule(v, "model.strict") || len(v.Protected) == 0 {
			t.Errorf("%q: got %s protected=%v (%s), want review by the model, flagged", text, v.Action, v.Protected, matchList(v))
		}
	}
}

// TestProtectRuleOptions: action protect in a pack of one's own, its
// shadow mode (recorded, protects nothing) and a misspelt action.
func TestProtectRuleOptions(t *testing.T) {
	dir := t.TempDir()
	pack := `version: 1
name: p
categories:
  - id: insult
    label: {fr: Insulte, en: Insult}
    description: {fr: "Insulte", en: "Insult"}
    dsa_category: STATEMENT_CATEGORY_CYBER_VIOLENCE
    ground: terms
  - id: criticism
    label: {fr: Critique, en: Criticism}
    description: {fr: "Critique", en: "Criticism"}
    dsa_category: STATEMENT_CATEGORY_OTHER_VIOLATION_TC
    ground: terms
rules:
  - id: t.insult
    kind: words
    category: insult
    action: refuse
    words: [crapaud]
  - id: t.protect
    kind: words
    category: criticism
    action: protect
    words: [erreur]
`
	load := func(shadow ...string) *Ruleset {
		if err := os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(pack), 0o644); err != nil {
			t.Fatal(err)
		}
		s := DefaultSettings()
		s.Packs, s.LanguageDetection, s.Shadow = []string{"p.yaml"}, false, shadow
		rs, err := Load(s, Options{BaseDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	if v := load().Classify(Input{Text: "erreur, crapaud"}, nil); v.Action != ActionReview || v.Category != "insult" {
		t.Errorf("protected: got %s/%s, want review/insult (the reason it was held)", v.Action, v.Category)
	}
	if v := load("t.protect").Classify(Input{Text: "erreur, crapaud"}, nil); v.Action != ActionRefuse || len(v.Protected) != 0 {
		t.Errorf("protect rule in shadow mode: got %s protected=%v, want refuse, no flag", v.Action, v.Protected)
	}
	pack = strings.Replace(pack, "action: protect", "action: protects", 1)
	if err := os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(pack), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Check(filepath.Join(dir, "p.yaml"))
	if err == nil || !strings.Contains(err.Error(), "refuse, review, allow or protect") {
		t.Errorf("misspelt action: got %v, want a message naming protect", err)
	}
}

// TestCriticismShareOfData measures how many rows of the labelled data the
// criticism rules flag. It is a protection, so a false flag costs only a
// moderator's look, but it must not be everything: the ceiling is far
// above what was measured (rules/README.md quotes the figures) and far
// below "every comment".
func TestCriticismShareOfData(t *testing.T) {
	rs := loadDefault(t)
	for _, name := range []string{"realistic_fr.csv", "realistic_en.csv", "dev/mhc_fr.csv", "dev/hatecheck_en.csv", "train/forum_fr.csv", "train/wikipedia_talk_fr.csv", "train/wikipedia_talk_en.csv"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("../../shared/data", name)
			if strings.HasPrefix(name, "realistic") {
				path = filepath.Join("testdata", name)
			}
			f, err := os.Open(path)
			if err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("data missing in CI: %v", err)
				}
				t.Skipf("data not found (%v); it lives in /work/shared/data", err)
			}
			defer f.Close()
			recs, err := csv.NewReader(f).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			flagged := 0
			for _, r := range recs[1:] {
				if v := rs.Classify(Input{Text: r[0]}, nil); len(v.Protected) > 0 {
					flagged++
					if testing.Verbose() && os.Getenv("VIGIE_SHOW_CRITICISM") != "" {
						t.Logf("%s | %s", r[3], matchList(v))
					}
				}
			}
			share := float64(flagged) / float64(len(recs)-1)
			t.Logf("%s: %d of %d rows flagged as criticism (%.1f%%)", name, flagged, len(recs)-1, 100*share)
			if share > 0.10 {
				t.Errorf("%s: %.1f%% of rows flagged as criticism, want <= 10%%", name, 100*share)
			}
		})
	}
}

func hasRule(v Verdict, id string) bool {
	return slices.ContainsFunc(v.Matches, func(m Match) bool { return m.Rule == id })
}
