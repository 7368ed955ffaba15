package reports_test

import (
	"testing"
	"time"

	"vigie/reports"
)

// TestPeriodBounds: every period a query string can ask for starts in 1970
// or later and ends by year 9999, whatever its kind, so its dates always
// print as YYYY-MM-DD; and a custom range is at most a century long.
func TestPeriodBounds(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip(err)
	}
	for _, s := range []string{"1970", "9998", "9999-11", "9999-Q3", "9999-12-30", "1970-01-01", "2026-q4"} {
		p, err := reports.ParsePeriod(s, paris)
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if y := p.To.Year(); y > 9999 {
			t.Errorf("%s ends in year %d", s, y)
		}
	}
	for _, s := range []string{"9999", "9999-12", "9999-Q4", "9999-12-31", "1969", "1969-12", "1969-Q4", "1969-12-31",
		"0000", "99999", "2026-Q0", "2026-Q5", "2026-13", "2026-02-30", "+026", " ", "2026-11-01T00:00"} {
		if p, err := reports.ParsePeriod(s, paris); err == nil {
			t.Errorf("%q accepted as %s – %s", s, p.From, p.To)
		}
	}
	for _, c := range []struct{ from, to string }{
		{"1969-12-31", "1970-01-02"}, {"2026-11-02", "2026-11-01"}, {"2026-11-01", "2026-11-01"},
		{"1970-01-01", "2100-01-01"}, {"9999-01-01", "10000-01-01"}, {"2026-11-01", ""},
	} {
		if p, err := reports.CustomPeriod(c.from, c.to, paris); err == nil {
			t.Errorf("%s..%s accepted as %s – %s", c.from, c.to, p.From, p.To)
		}
	}
	if _, err := reports.CustomPeriod("1970-01-01", "2069-12-31", paris); err != nil {
		t.Errorf("a 100-year range: %v", err)
	}
}
