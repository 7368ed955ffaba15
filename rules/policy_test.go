package rules

import (
	"strings"
	"testing"
)

// TestPublishedPolicyMatchesBehaviour: what the categories of the public
// policy say is what the default packs do (issue 9: "This is bullshit" was
// published while the policy said vulgar language is checked by a
// moderator; "Go back to your country, you people are all criminals." was
// published although the hate category covers contempt for a group for
// its origin).
func TestPublishedPolicyMatchesBehaviour(t *testing.T) {
	rs := loadDefault(t)
	tests := []struct {
		name, text string
		want       Action
		category   string
	}{
		{"go back to your country", "Go back to your country, you people are all criminals.", ActionReview, "hate"},
		{"go back where you came from", "Go back where you came from.", ActionReview, "hate"},
		{"retourne dans ton pays", "Retourne dans ton pays, on ne veut pas de toi ici", ActionReview, "hate"},
		{"vous autres", "Vous autres, vous êtes tous des criminels", ActionReview, "hate"},
		{"going back home is not hate", "I went back to my country last summer.", ActionPublish, ""},
		{"rentrer chez soi is not hate", "Je rentre dans mon pays après les élections.", ActionPublish, ""},
		{"you people without contempt", "You people at the council never answer emails.", ActionPublish, ""},
		{"vulgarity alone publishes", "This is bullshit", ActionPublish, ""},
		{"vulgarity alone publishes, fr", "Putain, encore une hausse des impôts", ActionPublish, ""},
		{"vulgarity with another sign is reviewed", "THIS IS BULLSHIT, TOTAL BULLSHIT FROM START TO END", ActionReview, "vulgarity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := rs.Classify(Input{Text: tt.text}, nil)
			if v.Action != tt.want || v.Category != tt.category {
				t.Errorf("Classify(%q) = %v/%q, want %v/%q; matches %s", tt.text, v.Action, v.Category, tt.want, tt.category, matchList(v))
			}
		})
	}
	// The policy says what the tests above show: vulgar language alone is
	// published, with another sign it is checked first.
	c, _ := rs.Category("vulgarity")
	for lang, says := range map[string][]string{"en": {"Alone it does not stop publication", "moderator"}, "fr": {"Seules, elles n'empêchent pas la publication", "modérateur"}} {
		for _, s := range says {
			if !strings.Contains(c.Description[lang], s) {
				t.Errorf("vulgarity policy (%s) %q does not say %q", lang, c.Description[lang], s)
			}
		}
	}
	if r, _ := rs.Category("repeated"); r.ID == "" {
		t.Error("no repeated category in the policy")
	}
}
