package i18n

import "testing"

func TestEveryKeyInEveryLanguage(t *testing.T) {
	for _, lang := range Languages {
		for _, other := range Languages {
			for k := range catalogs[other] {
				if _, ok := catalogs[lang][k]; !ok {
					t.Errorf("key %q is in %s but not in %s", k, other, lang)
				}
			}
		}
	}
}

func TestFallsBackToFrenchThenKey(t *testing.T) {
	if got := T("de", "lang_name"); got != "Français" {
		t.Errorf("T(de) = %q, want the French string", got)
	}
	if got := T("en", "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q, want the key itself", got)
	}
}
