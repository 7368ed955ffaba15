package i18n

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The formatting of numbers, shares, delays and dates, shared by the public
// page, the moderator UI and the text report so that one figure reads the
// same everywhere. The words they use (month names, the day unit) are in
// the report tables; only the typography is here.

// nnbsp is the narrow no-break space French puts between digit groups and
// before ":" and "%".
const nnbsp = "\u202f"

// Int groups digits the way each language writes them: "12 345" with a
// narrow no-break space in French, "12,345" in English.
func Int(lang string, n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	if lang == "fr" {
		sep = nnbsp
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Percent writes a ratio (0.125) as a percentage with the given decimals:
// "12,5 %" (decimal comma, narrow no-break space) in French, "12.5%" in
// English.
func Percent(lang string, x float64, decimals int) string {
	s := strconv.FormatFloat(x*100, 'f', decimals, 64)
	if lang == "fr" {
		return strings.Replace(s, ".", ",", 1) + nnbsp + "%"
	}
	return s + "%"
}

// Colon is the colon after a label: French puts a narrow no-break space
// before it, English nothing.
func Colon(lang string) string {
	if lang == "fr" {
		return nnbsp + ":"
	}
	return ":"
}

// Duration writes a delay for people, in at most two adjacent units: "40 s",
// "1 h 25 min", "1 j 6 h" / "1 d 6 h". A zero second unit ends it, so 24 h
// 25 min reads "1 j": past a day, minutes are noise. Below a second (or
// negative) it reads "0 s".
func Duration(lang string, d time.Duration) string {
	secs := int64(d / time.Second)
	units := []struct {
		n    int64
		name string
	}{{86400, T(lang, "fmt_day_unit")}, {3600, "h"}, {60, "min"}, {1, "s"}}
	var parts []string
	for _, u := range units {
		if q := secs / u.n; q > 0 && len(parts) < 2 {
			parts = append(parts, strconv.FormatInt(q, 10)+" "+u.name)
			secs -= q * u.n
		} else if len(parts) > 0 {
			break
		}
	}
	if len(parts) == 0 {
		return "0 s"
	}
	return strings.Join(parts, " ")
}

// day is the day of the month as written before a month name: French
// writes the first "1er".
func day(lang string, t time.Time) string {
	if t.Day() == 1 {
		return T(lang, "fmt_first_day")
	}
	return strconv.Itoa(t.Day())
}

// Date writes a calendar day in words: "1er décembre 2026", "1 December
// 2026". Unambiguous where "01/12" is not.
func Date(lang string, t time.Time) string {
	return fmt.Sprintf(T(lang, "fmt_date"), day(lang, t), T(lang, fmt.Sprintf("fmt_month_%d", t.Month())), t.Year())
}

// ShortDate writes a day without its year, for chart axes: "1er déc.",
// "Dec 1".
func ShortDate(lang string, t time.Time) string {
	return fmt.Sprintf(T(lang, "fmt_date_short"), day(lang, t), T(lang, fmt.Sprintf("fmt_mon_%d", t.Month())))
}

// Month writes a month and its year, abbreviated: "déc. 2026", "Dec 2026".
func Month(lang string, t time.Time) string {
	return fmt.Sprintf(T(lang, "fmt_month_year"), T(lang, fmt.Sprintf("fmt_mon_%d", t.Month())), t.Year())
}

// Quarter writes a quarter of a year: "T4 2026" (trimestre), "Q4 2026".
func Quarter(lang string, year, quarter int) string {
	return fmt.Sprintf(T(lang, "fmt_quarter"), year, quarter)
}

// DateTime writes an instant in its own zone, to the minute: "2 décembre
// 2026 à 09:00 UTC", "2 December 2026, 09:00 UTC".
func DateTime(lang string, t time.Time) string {
	return fmt.Sprintf(T(lang, "fmt_datetime"), Date(lang, t), t.Format("15:04 MST"))
}
