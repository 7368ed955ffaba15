package public

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// formatInt groups digits the way each language writes them: a narrow
// no-break space in French, a comma in English.
func formatInt(lang string, n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	if lang == "fr" {
		sep = "\u202f"
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

// formatPct writes a ratio as a percentage with one decimal ("16,2 %" or "16.2%").
func formatPct(lang string, x float64) string {
	s := strconv.FormatFloat(x*100, 'f', 1, 64)
	if lang == "fr" {
		return strings.Replace(s, ".", ",", 1) + "\u202f%"
	}
	return s + "%"
}

// formatDuration gives a delay in the largest sensible units.
func formatDuration(lang string, secs int64) string {
	d := time.Duration(secs) * time.Second
	day := "d"
	if lang == "fr" {
		day = "j"
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", secs)
	case d < time.Hour:
		return fmt.Sprintf("%d min", secs/60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h %02d min", secs/3600, secs%3600/60)
	}
	return fmt.Sprintf("%d %s %d h", secs/86400, day, secs%86400/3600)
}

// formatDate writes a YYYY-MM-DD date for reading.
func formatDate(lang, ymd string) string {
	t, err := time.Parse("2006-01-02", ymd)
	if err != nil {
		return ymd
	}
	if lang == "fr" {
		months := []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
			"septembre", "octobre", "novembre", "décembre"}
		return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
	}
	return t.Format("2 January 2006")
}
