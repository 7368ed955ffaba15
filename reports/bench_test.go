package reports_test

import (
	"io"
	"sync"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/reports"
	"vigie/reports/reportstest"
)

var (
	bigOnce sync.Once
	bigIx   *reports.Index
	bigN    int64
)

// bigIndex applies a generated year of 1,000,000 comments (~1.5M events)
// straight to an index, streaming so the events are never all in memory.
func bigIndex(b *testing.B) *reports.Index {
	bigOnce.Do(func() {
		start := time.Now()
		g := reportstest.NewGen(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 365*24*time.Hour)
		bigIx = reports.NewIndex(reports.Options{})
		for id := int64(1); id <= 1_000_000; id++ {
			if err := g.Comment(id, func(e moderation.Event) error { bigN++; return bigIx.Apply(e) }); err != nil {
				b.Fatal(err)
			}
		}
		b.Logf("index: 1,000,000 comments, %d events, built in %s", bigN, time.Since(start).Round(time.Millisecond))
	})
	return bigIx
}

func benchReport(b *testing.B, period string) {
	ix := bigIndex(b)
	p, err := reports.ParsePeriod(period, time.UTC)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		r, err := ix.Report(p, reports.ReportOptions{Now: time.Now()})
		if err != nil {
			b.Fatal(err)
		}
		if err := r.WriteJSON(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReportJSONMonth(b *testing.B) { benchReport(b, "2026-06") }
func BenchmarkReportJSONYear(b *testing.B)  { benchReport(b, "2026") }
