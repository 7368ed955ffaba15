package i18n

import (
	"strings"
	"testing"
	"time"
)

// TestFormatsFollowTheLanguage: one figure reads the same on the public
// page, in the UI and in the text report, with each language's typography.
func TestFormatsFollowTheLanguage(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	cases := []struct{ name, got, want string }{
		{"int fr groups with a narrow no-break space", Int("fr", 1234567), "1\u202f234\u202f567"},
		{"int en groups with commas", Int("en", 1234567), "1,234,567"},
		{"int small", Int("fr", 999), "999"},
		{"int negative", Int("en", -1234), "-1,234"},
		{"percent fr", Percent("fr", 0.125, 1), "12,5\u202f%"},
		{"percent en", Percent("en", 0.125, 1), "12.5%"},
		{"percent two decimals", Percent("fr", 0.6667, 2), "66,67\u202f%"},
		{"colon fr", Colon("fr"), "\u202f:"},
		{"colon en", Colon("en"), ":"},
		{"duration 30 h fr is a day and hours", Duration("fr", 30*time.Hour), "1 j 6 h"},
		{"duration 30 h en", Duration("en", 30*time.Hour), "1 d 6 h"},
		{"duration stops at a zero unit", Duration("fr", 24*time.Hour+25*time.Minute), "1 j"},
		{"duration hours and minutes", Duration("en", 85*time.Minute), "1 h 25 min"},
		{"duration seconds", Duration("en", 40*time.Second), "40 s"},
		{"duration two units at most", Duration("en", 3*24*time.Hour+2*time.Hour+59*time.Second), "3 d 2 h"},
		{"duration zero", Duration("fr", 0), "0 s"},
		{"duration negative", Duration("fr", -time.Hour), "0 s"},
		{"date fr writes 1er", Date("fr", day(2026, 12, 1)), "1er décembre 2026"},
		{"date fr", Date("fr", day(2026, 2, 14)), "14 février 2026"},
		{"date en", Date("en", day(2026, 12, 1)), "1 December 2026"},
		{"short date fr", ShortDate("fr", day(2026, 12, 1)), "1er déc."},
		{"short date en puts the month first", ShortDate("en", day(2026, 12, 1)), "Dec 1"},
		{"short date en", ShortDate("en", day(2026, 7, 23)), "Jul 23"},
		{"month fr", Month("fr", day(2026, 7, 23)), "juil. 2026"},
		{"month en", Month("en", day(2026, 7, 23)), "Jul 2026"},
		{"quarter fr", Quarter("fr", 2026, 4), "T4 2026"},
		{"quarter en", Quarter("en", 2026, 4), "Q4 2026"},
		{"datetime fr", DateTime("fr", time.Date(2026, 12, 2, 9, 5, 0, 0, time.UTC)), "2 décembre 2026 à 09:05 UTC"},
		{"datetime en", DateTime("en", time.Date(2026, 12, 2, 9, 5, 0, 0, time.UTC)), "2 December 2026, 09:05 UTC"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

// TestEveryMonthHasItsWords: a missing month name would show its key.
func TestEveryMonthHasItsWords(t *testing.T) {
	for _, lang := range Languages {
		for m := time.January; m <= time.December; m++ {
			d := time.Date(2026, m, 15, 0, 0, 0, 0, time.UTC)
			for _, s := range []string{Date(lang, d), ShortDate(lang, d)} {
				if s == "" || strings.Contains(s, "fmt_") {
					t.Errorf("%s %s: %q", lang, m, s)
				}
			}
		}
	}
}
