package i18n

import "testing"

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct {
		header  string
		choices []string
		want    string
	}{
		{"", nil, "fr"},
		{"en-GB,en;q=0.9", nil, "en"},
		{"fr-CA", nil, "fr"},
		{"de-DE, en;q=0.5", nil, "en"},
		{"de, it", nil, "fr"},
		{"fr;q=0.2, en;q=0.8", nil, "en"},
		{"en", []string{"fr"}, "fr"},
		{"en", []string{"xx", ""}, "en"},
		{"en", []string{"", "fr"}, "fr"},
		{";;;q=bad,,", nil, "fr"},
	} {
		if got := Negotiate(tc.header, tc.choices...); got != tc.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", tc.header, tc.choices, got, tc.want)
		}
	}
}
