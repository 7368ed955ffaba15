package rules

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestClassifyAcceptance: disguised insults are refused with a span that
// covers exactly the disguised word; innocent words that contain a bad
// substring are published.
func TestClassifyAcceptance(t *testing.T) {
	rs := loadDefault(t)
	tests := []struct {
		name, text string
		want       Action
		category   string
		start, end int // expected span of the first match when refused or reviewed
	}{
		{"plain", "connard", ActionRefuse, "insult", 0, 7},
		{"leet", "c0nn4rd", ActionRefuse, "insult", 0, 7},
		{"spaced", "c o n n a r d", ActionRefuse, "insult", 0, 13},
		{"dotted capitals", "C.O.N.N.A.R.D", ActionRefuse, "insult", 0, 13},
		{"elongated", "connaaaaard", ActionRefuse, "insult", 0, 11},
		{"capitals", "CONNARD", ActionRefuse, "insult", 0, 7},
		{"greek omicron", "cοnnard", ActionRefuse, "insult", 0, 8},
		{"zero-width space", "con\u200bnard", ActionRefuse, "insult", 0, 10},
		{"in a sentence", "Espèce de connard", ActionRefuse, "insult", 11, 18},
		{"assez", "assez", ActionPublish, "", 0, 0},
		{"Assemblée", "Assemblée nationale", ActionPublish, "", 0, 0},
		{"constitution", "constitution", ActionPublish, "", 0, 0},
		{"Scunthorpe", "Scunthorpe", ActionPublish, "", 0, 0},
		{"cocktail", "cocktail", ActionPublish, "", 0, 0},
		{"en plain", "asshole", ActionRefuse, "insult", 0, 7},
		{"en leet", "a$$hole", ActionRefuse, "insult", 0, 7},
		{"en spaced", "a s s h o l e", ActionRefuse, "insult", 0, 13},
		{"en in sentence", "You are such an a$$h0le, seriously.", ActionRefuse, "insult", 16, 23},
		{"en dotted capitals", "A.S.S.H.O.L.E", ActionRefuse, "insult", 0, 13},
		{"en stretched", "assssshole", ActionRefuse, "insult", 0, 10},
		{"en all caps", "ASSHOLE", ActionRefuse, "insult", 0, 7},
		{"en Cyrillic a", "\u0430sshole", ActionRefuse, "insult", 0, 8},
		{"en zero-width space", "ass\u200bhole", ActionRefuse, "insult", 0, 10},
		{"en in a sentence with look-alikes", "What an \u0430$$h\u043ele you are", ActionRefuse, "insult", 8, 17},
		{"assessment", "assessment", ActionPublish, "", 0, 0},
		{"classic", "classic", ActionPublish, "", 0, 0},
		{"passion", "passion", ActionPublish, "", 0, 0},
		{"en Scunthorpe", "I drove to Scunthorpe for a cocktail.", ActionPublish, "", 0, 0},
		{"thanks", "Merci pour ces explications très claires.", ActionPublish, "", 0, 0},
		{"email", "Écrivez-moi à jean.dupont@example.fr", ActionReview, "personal_data", 16, 38},
		{"phone", "Appelez le 06 12 34 56 78 ce soir", ActionReview, "personal_data", 11, 25},
		{"iban", "Virement sur FR76 3000 6000 0112 3456 7890 189 svp", ActionReview, "personal_data", 13, 46},
		{"bad iban checksum", "Référence FR76 3000 6000 0112 3456 7890 188 merci", ActionPublish, "", 0, 0},
		{"only a link", "https://example.com/promo", ActionReview, "spam", 0, 25},
		{"link with text", "Le texte de loi est ici : https://www.legifrance.gouv.fr/loda/id/JORFTEXT000030931899 à lire.", ActionPublish, "", 0, 0},
		{"shortener", "Regardez ça bit.ly/abc123 incroyable", ActionReview, "spam", 13, 26},
		{"slur quoted is reviewed", `Il m'a traité de "bougnoule", c'est inadmissible.`, ActionReview, "hate", 19, 28},
		{"direct threat", "Je vais te tuer.", ActionRefuse, "threat", 0, 15},
		{"group dehumanised", "Les réfugiés sont de la vermine.", ActionReview, "hate", 4, 33},
		{"con in constitution", "La constitution de la Vème République", ActionPublish, "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := rs.Classify(Input{Text: tt.text, Source: "test"}, nil)
			if v.Action != tt.want || v.Category != tt.category {
				t.Fatalf("Classify(%q) = %v/%q, want %v/%q; matches %+v", tt.text, v.Action, v.Category, tt.want, tt.category, v.Matches)
			}
			if tt.want == ActionPublish {
				return
			}
			var m *Match
			for i := range v.Matches {
				if v.Matches[i].Category == tt.category && !v.Matches[i].Shadow {
					m = &v.Matches[i]
					break
				}
			}
			if m == nil {
				t.Fatalf("no %s match in %+v", tt.category, v.Matches)
			}
			if m.Start != tt.start || m.End != tt.end || m.Text != tt.text[tt.start:tt.end] {
				t.Errorf("span = [%d,%d) %q, want [%d,%d) %q", m.Start, m.End, m.Text, tt.start, tt.end, tt.text[tt.start:tt.end])
			}
		})
	}
}

// fakeHistory is an in-memory History.
type fakeHistory struct {
	posts map[string][]time.Time          // author -> times
	texts map[string]map[string]time.Time // fingerprint -> author -> last time
}

func newFakeHistory() *fakeHistory {
	return &fakeHistory{posts: map[string][]time.Time{}, texts: map[string]map[string]time.Time{}}
}

func (h *fakeHistory) AuthorPosts(a string, since time.Time) int {
	n := 0
	for _, t := range h.posts[a] {
		if !t.Before(since) {
			n++
		}
	}
	return n
}

func (h *fakeHistory) SameTextAuthors(fp string, since time.Time) int {
	n := 0
	for _, t := range h.texts[fp] {
		if !t.Before(since) {
			n++
		}
	}
	return n
}

func (h *fakeHistory) record(in Input) {
	h.posts[in.AuthorKey] = append(h.posts[in.AuthorKey], in.At)
	fp := Fingerprint(in.Text)
	if h.texts[fp] == nil {
		h.texts[fp] = map[string]time.Time{}
	}
	h.texts[fp][in.AuthorKey] = in.At
}

func TestRepeatedPosts(t *testing.T) {
	for _, minAuthors := range []int{3, 5} {
		s := DefaultSettings()
		s.Repeated.MinAuthors = minAuthors
		rs, err := Load(s, Options{Languages: []string{"fr", "en"}})
		if err != nil {
			t.Fatal(err)
		}
		h := newFakeHistory()
		at := time.Date(2015, 4, 1, 12, 0, 0, 0, time.UTC)
		variants := []string{"Cette loi est une loi de surveillance de masse !", "cette LOI est une loi de surveillance de masse", "Cette loi est une loooi de surveillance de masse!!"}
		for i := 1; i <= 10; i++ {
			in := Input{Text: variants[i%len(variants)], AuthorKey: string(rune('a' + i)), At: at.Add(time.Duration(i) * time.Minute)}
			v := rs.Classify(in, h)
			h.record(in)
			want := ActionPublish
			if i >= minAuthors {
				want = ActionReview
			}
			if v.Action != want || want == ActionReview && v.Category != "repeated" {
				t.Errorf("min_authors=%d, author %d: got %v/%s, want %v/repeated", minAuthors, i, v.Action, v.Category, want)
			}
		}
	}
}

// TestRepeatedPostsAreReviewedNotRefused: four authors posting the same
// factual correction is the 2015 case, where the copies were removed; the
// 3rd and 4th go to review, to be decided together. Refusing takes a second
// signal: a copy whose text breaks a refuse rule is refused by that rule.
func TestRepeatedPostsAreReviewedNotRefused(t *testing.T) {
	rs := loadDefault(t)
	at := time.Date(2015, 4, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		text     string
		want     []Action // per author, 1st to 4th
		category string   // of the 3rd and 4th
	}{
		{"Votre graphique est faux, corrigez-le", []Action{ActionPublish, ActionPublish, ActionReview, ActionReview}, "repeated"},
		{"Le ministre est un connard, partagez", []Action{ActionRefuse, ActionRefuse, ActionRefuse, ActionRefuse}, "insult"},
	} {
		h := newFakeHistory()
		for i, want := range tt.want {
			in := Input{Text: tt.text, AuthorKey: fmt.Sprint("author-", i), At: at.Add(time.Duration(i) * time.Minute)}
			v := rs.Classify(in, h)
			h.record(in)
			if v.Action != want || i >= 2 && v.Category != tt.category {
				t.Errorf("%q, author %d: got %v/%s, want %v/%s; matches %s", tt.text, i+1, v.Action, v.Category, want, tt.category, matchList(v))
			}
		}
	}
}

func TestAuthorFloodAndLists(t *testing.T) {
	s := DefaultSettings()
	s.Flood = FloodSettings{MaxPosts: 3, Window: Duration(time.Minute)}
	s.Authors = AuthorSettings{Allow: []string{"trusted"}, Deny: []string{"banned"}}
	rs, err := Load(s, Options{Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	h := newFakeHistory()
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= 5; i++ {
		in := Input{Text: "Commentaire numéro " + strings.Repeat("x", i), AuthorKey: "k", At: at.Add(time.Duration(i) * time.Second)}
		v := rs.Classify(in, h)
		h.record(in)
		want := ActionPublish
		if i > 3 {
			want = ActionReview
		}
		if v.Action != want {
			t.Errorf("post %d: got %v, want %v", i, v.Action, want)
		}
	}
	if v := rs.Classify(Input{Text: "Bonjour", AuthorKey: "banned"}, nil); v.Action != ActionRefuse || v.Category != "banned_author" {
		t.Errorf("denied author: got %v/%s, want refuse/banned_author", v.Action, v.Category)
	}
	if v := rs.Classify(Input{Text: "connard", AuthorKey: "trusted"}, nil); v.Action != ActionPublish {
		t.Errorf("allowed author: got %v, want publish", v.Action)
	}
	if af, rp := rs.Windows(); af != time.Minute || rp != 24*time.Hour {
		t.Errorf("Windows() = %v, %v; want 1m, 24h", af, rp)
	}
}

func TestVerdictJSON(t *testing.T) {
	rs := loadDefault(t)
	v := rs.Classify(Input{Text: "Bonjour à tous"}, nil)
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	// The default packs' model scores every comment not already refused;
	// its probability rides along (it did not decide: score stays 0).
	if v.ModelRule != "model.toxic" || !(v.ModelScore > 0 && v.ModelScore < 1) {
		t.Fatalf("model rule %q, score %v: want model.toxic's probability", v.ModelRule, v.ModelScore)
	}
	want := `{"action":"publish","score":0,"language":"fr","matches":[],"ruleset_version":"` + rs.Version() +
		`","model_rule":"model.toxic","model_score":` + strconv.FormatFloat(v.ModelScore, 'g', -1, 64) + `}`
	if string(b) != want {
		t.Errorf("json = %s\nwant   %s", b, want)
	}
	var back Verdict
	if err := json.Unmarshal(b, &back); err != nil || back.Action != ActionPublish || back.ModelScore != v.ModelScore {
		t.Errorf("round trip: %v, %v, %v", back.Action, back.ModelScore, err)
	}
}

// Classify hands the caller the fingerprint it computed for repeated-post
// rules, equal to Fingerprint, so the text is normalised once per comment.
func TestVerdictCarriesTheFingerprint(t *testing.T) {
	rs := loadDefault(t)
	for _, text := range []string{"Merci pour la réponse", "C.O.N.N.A.R.D", "Bonjour\u200b à tous !!!"} {
		v := rs.Classify(Input{Text: text, Source: "api:test"}, nil)
		if v.Fingerprint == "" || v.Fingerprint != Fingerprint(text) {
			t.Errorf("%q: verdict fingerprint %q, Fingerprint %q", text, v.Fingerprint, Fingerprint(text))
		}
	}
}
