package reports

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"vigie/moderation"
)

// Period is a half-open span [From, To) of whole local days.
type Period struct {
	From, To time.Time
	Kind     string // "day", "month", "quarter", "year" or "custom"
	Label    string // "2026-11", "2026-Q4", "2026", "2026-11-03/2026-11-20"
}

// Days is the period's length in days.
func (p Period) Days() int {
	y1, m1, d1 := p.From.Date()
	y2, m2, d2 := p.To.Date()
	a := time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC)
	b := time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

const dateLayout = "2006-01-02"

// ParsePeriod reads "2026-11" (a month), "2026-Q4" (a quarter), "2026" (a
// year) or "2026-11-03" (a day) in loc.
func ParsePeriod(s string, loc *time.Location) (Period, error) {
	p, err := parsePeriod(strings.TrimSpace(s), loc)
	if err == nil && p.To.Year() > 9999 {
		// Its end would not print as YYYY-MM-DD.
		err = moderation.Errorf(moderation.ErrInvalid, "period", "period %q ends after year 9999", s)
	}
	return p, err
}

func parsePeriod(s string, loc *time.Location) (Period, error) {
	if loc == nil {
		loc = time.UTC
	}
	bad := moderation.Errorf(moderation.ErrInvalid, "period", "period %q is not YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD", s)
	switch {
	case len(s) == 4:
		y, err := strconv.Atoi(s)
		if err != nil || y < 1970 || y > 9998 {
			return Period{}, bad
		}
		f := time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		return Period{From: f, To: f.AddDate(1, 0, 0), Kind: "year", Label: s}, nil
	case len(s) == 7 && (s[5] == 'Q' || s[5] == 'q'):
		y, err := strconv.Atoi(s[:4])
		q := int(s[6] - '0')
		if err != nil || s[4] != '-' || q < 1 || q > 4 || y < 1970 {
			return Period{}, bad
		}
		f := time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, loc)
		return Period{From: f, To: f.AddDate(0, 3, 0), Kind: "quarter", Label: fmt.Sprintf("%04d-Q%d", y, q)}, nil
	case len(s) == 7:
		t, err := time.ParseInLocation("2006-01", s, loc)
		if err != nil || t.Year() < 1970 {
			return Period{}, bad
		}
		return Period{From: t, To: t.AddDate(0, 1, 0), Kind: "month", Label: s}, nil
	case len(s) == 10:
		t, err := time.ParseInLocation(dateLayout, s, loc)
		if err != nil || t.Year() < 1970 {
			return Period{}, bad
		}
		return Period{From: t, To: t.AddDate(0, 0, 1), Kind: "day", Label: s}, nil
	}
	return Period{}, bad
}

// CustomPeriod reads a range of dates, from inclusive and to exclusive
// (YYYY-MM-DD, local midnight in loc). Errors name the field at fault.
func CustomPeriod(from, to string, loc *time.Location) (Period, error) {
	if loc == nil {
		loc = time.UTC
	}
	f, err := time.ParseInLocation(dateLayout, strings.TrimSpace(from), loc)
	if err != nil || f.Year() < 1970 {
		return Period{}, moderation.Errorf(moderation.ErrInvalid, "from", "from %q is not a date YYYY-MM-DD", from)
	}
	t, err := time.ParseInLocation(dateLayout, strings.TrimSpace(to), loc)
	if err != nil || t.Year() > 9999 {
		return Period{}, moderation.Errorf(moderation.ErrInvalid, "to", "to %q is not a date YYYY-MM-DD", to)
	}
	if !t.After(f) {
		return Period{}, moderation.Errorf(moderation.ErrInvalid, "to", "to must be after from (to is exclusive)")
	}
	if t.Sub(f) > 100*366*24*time.Hour {
		return Period{}, moderation.Errorf(moderation.ErrInvalid, "to", "period longer than 100 years")
	}
	return Period{From: f, To: t, Kind: "custom", Label: f.Format(dateLayout) + "/" + t.Format(dateLayout)}, nil
}

// MonthOf is the calendar month containing t in loc: the default period.
func MonthOf(t time.Time, loc *time.Location) Period {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	f := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	return Period{From: f, To: f.AddDate(0, 1, 0), Kind: "month", Label: f.Format("2006-01")}
}

// ReadPeriod is the one reading of a period request shared by the public
// page, the admin exports and the command line: from and to (dates, to
// exclusive) go together; otherwise period (see ParsePeriod); with neither
// it is the month containing now. Errors name the field at fault.
func ReadPeriod(period, from, to string, loc *time.Location, now time.Time) (Period, error) {
	switch {
	case from != "" || to != "":
		if from == "" {
			return Period{}, moderation.Errorf(moderation.ErrInvalid, "from", "from is required with to")
		}
		if to == "" {
			return Period{}, moderation.Errorf(moderation.ErrInvalid, "to", "to is required with from")
		}
		return CustomPeriod(from, to, loc)
	case period != "":
		return ParsePeriod(period, loc)
	}
	return MonthOf(now, loc), nil
}
