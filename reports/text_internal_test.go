package reports

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
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

// The headline's refusal reasons are policy labels from the configuration
// and categories from the log: a label or an unlisted category with a line
// break, a tab, an escape sequence or an invalid byte stays on its own row,
// escaped, with its figures in their cells.
func TestTextEscapesReasonNames(t *testing.T) {
	r := &Report{Period: PeriodInfo{From: "2026-11-01", To: "2026-12-01", Label: "2026-11", TimeZone: "UTC"},
		Policy: []PolicyEntry{{ID: "spam", Label: map[string]string{"en": "Spam\n  forged\t7", "fr": "Spam\u202e"}}},
		Headline: Headline{RefusedByReason: []Reason{
			{Category: "spam", Refused: 3, ShareOfReceived: 0.5},
			{Category: "odd\x1b[2J\xffcat", Refused: 2, ShareOfReceived: 0.25},
		}}}
	plain := &Report{Period: r.Period, Headline: Headline{RefusedByReason: []Reason{{Category: "a", Refused: 3}, {Category: "b", Refused: 2}}}}
	for lang, label := range map[string]string{"en": `Spam\n  forged\t7`, "fr": `Spam\u202e`} {
		var b, pb bytes.Buffer
		if err := r.WriteText(&b, lang); err != nil {
			t.Fatal(err)
		}
		if err := plain.WriteText(&pb, lang); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if got, want := strings.Count(out, "\n"), strings.Count(pb.String(), "\n"); got != want {
			t.Errorf("%s: %d lines, %d with plain names:\n%s", lang, got, want, out)
		}
		if strings.ContainsAny(out, "\x1b\u202e\t") || !utf8.ValidString(out) {
			t.Errorf("%s: a control, bidi or invalid byte reached the text:\n%q", lang, out)
		}
		for name, n := range map[string]string{label: "3", `odd\x1b[2J\xffcat`: "2"} {
			row := ""
			for _, l := range strings.Split(out, "\n") {
				if strings.HasPrefix(l, "  "+name+"  ") {
					row = l
				}
			}
			if f := strings.Fields(strings.TrimPrefix(row, "  "+name)); len(f) < 2 || f[0] != n {
				t.Errorf("%s: row for %q = %q, want its count %s in the next cell:\n%s", lang, name, row, n, out)
			}
		}
	}
}
