package reports

import (
	"bytes"
	"strings"
	"testing"
)

// TestTextUsesTheSharedFormats: the text report writes delays, shares and
// label colons with moderation/i18n's formats, so 30 h reads "1 j 6 h"
// here as on the public page; an unknown language falls back to English.
func TestTextUsesTheSharedFormats(t *testing.T) {
	median, p90 := int64(30*3600), int64(3*86400+7200)
	share := 0.125
	r := &Report{Period: PeriodInfo{From: "2026-11-01", To: "2026-12-01", Label: "2026-11", TimeZone: "UTC"},
		Headline:       Headline{RefusedByReason: []Reason{{Category: "spam", Refused: 1, ShareOfReceived: share}}},
		TimeToDecision: TimeToDecision{Decisions: 2, MedianSeconds: &median, P90Seconds: &p90}}
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"fr", []string{"Période\u202f:", "médiane 1 j 6 h", "90e centile 3 j 2 h", "12,5\u202f%", "journal vide"}},
		{"en", []string{"Period:", "median 1 d 6 h", "90th percentile 3 d 2 h", "12.5%", "empty log"}},
		{"de", []string{"Period:", "median 1 d 6 h"}},
	} {
		var b bytes.Buffer
		if err := r.WriteText(&b, c.lang); err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: text report lacks %q:\n%s", c.lang, w, b.String())
			}
		}
		if strings.Contains(b.String(), "rep_") {
			t.Errorf("%s: a label key shows instead of its words:\n%s", c.lang, b.String())
		}
	}
}

// A report limited to one page names the page (its name escaped like any
// stored string); the all-pages report has no page line.
func TestTextNamesItsPage(t *testing.T) {
	r := &Report{Period: PeriodInfo{From: "2026-11-01", To: "2026-12-01", Label: "2026-11", TimeZone: "UTC"}}
	var all bytes.Buffer
	if err := r.WriteText(&all, "en"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(all.String(), "Page:") {
		t.Errorf("all-pages report names a page:\n%s", all.String())
	}
	r.Page = &PageInfo{ID: "gouv", Name: "Gouvernement\u202e\n(officiel)"}
	for lang, want := range map[string]string{"en": "Page:", "fr": "Page\u202f:"} {
		var b bytes.Buffer
		if err := r.WriteText(&b, lang); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !strings.Contains(out, want) || !strings.Contains(out, "(gouv)") || !strings.Contains(out, "Gouvernement") {
			t.Errorf("%s: page line missing:\n%s", lang, out)
		}
		if strings.ContainsAny(out, "\u202e") || strings.Contains(out, "Gouvernement\n") {
			t.Errorf("%s: the page name's bidi or line break reached the text:\n%s", lang, out)
		}
		if got, want := strings.Count(out, "\n"), strings.Count(all.String(), "\n")+1; got != want {
			t.Errorf("%s: %d lines, want %d (one page line)", lang, got, want)
		}
	}
}
