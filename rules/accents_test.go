package rules

import "testing"

// TestAccentedHomographs: folding accents away must not turn an ordinary
// word into the insult its accent tells it apart from ("demeure", a
// dwelling, is not "demeuré"); the accented insult is still caught, in
// capitals, decomposed (NFD) or disguised too (issue 9).
func TestAccentedHomographs(t *testing.T) {
	rs := loadDefault(t)
	tests := []struct {
		name, text string
		want       Action
	}{
		{"a dwelling", "Cette demeure est magnifique", ActionPublish},
		{"a dwelling after est une", "C'est une demeure magnifique", ActionPublish},
		{"dwellings", "Les demeures du centre-ville sont à vendre.", ActionPublish},
		{"s'attarder", "Il s'attarde sur les détails du budget.", ActionPublish},
		{"a defect", "C'est une tare de ce projet de loi.", ActionPublish},
		{"a dwelling inside a doxxing", "Il habite une belle demeure au 12 rue des Lilas", ActionReview},
		{"demeurant in a doxxing", "Demeurant au 12 rue des Lilas, le maire", ActionReview},
		{"the insult", "Espèce de demeuré", ActionRefuse},
		{"the insult, addressed", "Vous êtes des demeurés", ActionRefuse},
		{"the insult, said of someone", "Le maire est un demeuré.", ActionRefuse},
		{"the insult alone", "Demeuré !", ActionRefuse},
		{"the insult in capitals", "ESPÈCE DE DEMEURÉ", ActionRefuse},
		{"the insult decomposed", "Espèce de demeure\u0301", ActionRefuse},
		{"another accented insult", "T'es vraiment un attardé", ActionRefuse},
		{"taré", "Vous êtes tous des tarés", ActionRefuse},
		{"a mild accented insult alone", "Quel attardé celui-là", ActionRefuse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := rs.Classify(Input{Text: tt.text}, nil)
			if v.Action != tt.want {
				t.Errorf("Classify(%q) = %v, want %v; matches %s", tt.text, v.Action, tt.want, matchList(v))
			}
		})
	}
}
