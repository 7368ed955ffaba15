package rules

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestApproxMatching: near misses and glued words are found, a near miss
// of a refuse rule is only reviewed, and look-alike ordinary words stay
// published.
func TestApproxMatching(t *testing.T) {
	rs := loadDefault(t)
	tests := []struct {
		name, text string
		want       Action
		rule       string // expected deciding match ("" when published)
		span       string // its original text
	}{
		{"swap in an insult is reviewed", "Espèce de connrad", ActionReview, "fr.insult", "connrad"},
		{"swap after the first letter", "Quel cnonard celui-là", ActionReview, "fr.insult", "cnonard"},
		{"swap in a contempt word", "Je détetse les femmes.", ActionReview, "fr.hate.group", "détetse les femmes"},
		{"swap in a stem with an ending", "Seuls les réfugiés sont aussi ignoratns.", ActionReview, "fr.hate.group", "réfugiés sont aussi ignoratns"},
		{"en swap in an insult", "You are a dickhaed", ActionReview, "en.insult", "dickhaed"},
		{"slur glued to a determiner", "Regardez cebougnoule, là-bas.", ActionRefuse, "fr.slur", "cebougnoule"},
		{"glued slur after a first-person word is refused", "J'arrive pas à croire cebougnoule.", ActionRefuse, "fr.slur", "cebougnoule"},
		{"glued slur reported is reviewed", "Il a traité mon fils debougnoule.", ActionReview, "fr.slur", "debougnoule"},
		{"slur stem glued", "Trop denègresses dans ce pays", ActionRefuse, "fr.slur", "denègresses"},
		{"two entries glued", "Toujours ces racaillesdemigrants ici", ActionReview, "fr.hate.group", "racaillesdemigrants"},
		{"glued contempt word", "Les handicapés me donnent juste lanausée.", ActionReview, "fr.hate.group", "handicapés me donnent juste lanausée"},
		{"spelled out after an elision", "J'e m m e r d e tous les blacks", ActionReview, "fr.hate.group", "e m m e r d e tous les blacks"},
		{"elision after a spelled-out word", "Les f e m m e s n'ont pas leur place ici", ActionReview, "fr.hate.group", "f e m m e s n'ont pas leur place"},
		{"negated worth", "Les réfugiés ne sont pas nos égaux.", ActionReview, "fr.hate.negated", "réfugiés ne sont pas nos égaux"},
		{"en negated worth", "Immigrants are not our equals.", ActionReview, "en.hate.negated", "Immigrants are not our equals"},
		// Look-alikes: one edit from an entry, or an entry inside a longer word.
		{"demain is not dedain", "Je vais aider un réfugié demain.", ActionPublish, "", ""},
		{"bavard is not batard", "Il est bavard, ton voisin.", ActionPublish, "", ""},
		{"pedalo is not pedale", "On a loué un pédalo.", ActionPublish, "", ""},
		{"galope is not salope", "Le cheval galope dans le pré.", ActionPublish, "", ""},
		{"short words are never fuzzy", "Mon pote mange des pâtes, le site va vite, une bise à la puce.", ActionPublish, "", ""},
		{"Montenegro is not glued", "Vacances au Monténégro, avec un negroni.", ActionPublish, "", ""},
		{"prendre is not pendre", "Il faut prendre le train, ne pas perdre de temps.", ActionPublish, "", ""},
		{"regard is not retard", "With kind regard to the killer whale thread", ActionPublish, "", ""},
		{"en compounds", "The stranger said it was a strange shootout at the end of the game", ActionPublish, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := rs.Classify(Input{Text: tt.text}, nil)
			if v.Action != tt.want {
				t.Fatalf("Classify(%q) = %v, want %v; matches %+v", tt.text, v.Action, tt.want, v.Matches)
			}
			if tt.rule == "" {
				return
			}
			for _, m := range v.Matches {
				if m.Rule == tt.rule {
					if m.Text != tt.span {
						t.Errorf("%s span = %q, want %q", tt.rule, m.Text, tt.span)
					}
					return
				}
			}
			t.Errorf("no %s match in %+v", tt.rule, v.Matches)
		})
	}
}

// TestApproxOrdinaryWords: no word of the ordinary-word samples is read as
// a near miss or a glued entry. A failure means a new entry collides with
// an ordinary word: add that word to the pack's fuzzy_except (or drop the
// entry from fuzzy matching).
func TestApproxOrdinaryWords(t *testing.T) {
	rs := loadDefault(t)
	for _, name := range []string{"testdata/ordinary_fr.txt", "testdata/ordinary_en.txt"} {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "#") {
				continue
			}
			for _, w := range strings.Fields(sc.Text()) {
				n++
				for _, h := range rs.words.find(normalise(w), nil) {
					if h.approx != approxNone {
						t.Errorf("%s: %q found approximately (kind %d) for %s", name, w, h.approx, targetName(rs, h.target))
					}
				}
			}
		}
		f.Close()
		if n < 400 {
			t.Errorf("%s: only %d words", name, n)
		}
	}
}

func TestEditOne(t *testing.T) {
	tests := []struct {
		a, b string
		want edit
	}{
		{"connard", "connard", editSame}, {"connrad", "connard", editSwap}, {"cnonard", "connard", editSwap},
		{"conard", "connard", editOther}, {"connnard", "connard", editOther}, {"conbard", "connard", editOther},
		{"connadr", "connard", editSwap}, {"oconnard", "connard", editNone}, {"ocnnard", "connard", editNone},
		{"cnnoard", "connard", editNone}, {"connarde", "connard", editOther}, {"c", "connard", editNone},
	}
	for _, tt := range tests {
		if got := editOne([]byte(tt.a), tt.b); got != tt.want {
			t.Errorf("editOne(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// targetName is the rule id or set name of a word-index target, for messages.
func targetName(rs *Ruleset, t int32) string {
	if int(t) < len(rs.rules) {
		return rs.rules[t].id
	}
	return rs.sets[int(t)-len(rs.rules)]
}
