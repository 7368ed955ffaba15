package reports_test

// The reports over a real SQLite log. TestSyncSQLiteLeanEqualsFull runs
// with every `go test`; the benchmarks need a built file and skip without
// one, so `go test ./...` never builds a million comments:
//
//	cd bench/reportscale && go run . -build-only     # ~3 min, cached in $TMPDIR/vigie-bench-1m.db
//	VIGIE_BENCH_DB=$TMPDIR/vigie-bench-1m.db go test ./reports/ -run '^$' -bench SQLite -benchtime 20x
//
// bench/reportscale (its README) measures the same things and the page, with
// medians, memory and the real `vigie serve`.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/reports"
	"vigie/reports/reportstest"
	"vigie/rules"
	"vigie/storage"
)

// fullRead hides storage's lean read, so Sync reads every column and
// decodes every snapshot, as it did before EventsAfterLean.
type fullRead struct{ db *storage.DB }

func (f fullRead) EventsAfter(ctx context.Context, after int64, limit int) ([]moderation.Event, error) {
	return f.db.EventsAfter(ctx, after, limit)
}

// Sync through storage's lean read gives exactly the report of a sync
// through the full read, on a generated history written by the real store.
func TestSyncSQLiteLeanEqualsFull(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, storage.Config{DSN: filepath.Join(t.TempDir(), "vigie.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	g := reportstest.NewGen(7, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 60*24*time.Hour)
	for id := int64(1); id <= 400; id++ {
		err := g.Comment(id, func(e moderation.Event) error {
			e.Text = fmt.Sprintf("comment %d", id)
			e.Verdict = &rules.Verdict{Action: rules.ActionPublish, Language: e.Language, RulesetVersion: "v1",
				Matches: []rules.Match{{Rule: "fr.insult", Category: "insult", Start: 0, End: 7, Text: "comment"}}}
			if e.From == 0 {
				c := &moderation.Comment{Source: e.Source, ExternalID: fmt.Sprint(id), Status: e.To, Language: e.Language,
					Category: e.Category, CreatedAt: e.At, ReceivedAt: e.At, UpdatedAt: e.At, Text: e.Text}
				created, err := db.Intake(ctx, c, &e, moderation.Effects{})
				if err == nil && (!created || c.ID != id) {
					err = fmt.Errorf("comment %d stored as %d (created %v)", id, c.ID, created)
				}
				return err
			}
			return db.Transition(ctx, &e, nil, moderation.Effects{})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	lean, err := reports.Recompute(ctx, db, reports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	full, err := reports.Recompute(ctx, fullRead{db}, reports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if lean.Head() != full.Head() || lean.Head().LastSeq < 500 {
		t.Fatalf("lean sync at %+v, full sync at %+v", lean.Head(), full.Head())
	}
	if a, b := yearJSON(t, lean), yearJSON(t, full); !bytes.Equal(a, b) {
		t.Errorf("lean and full syncs report differently:\n%s\n%s", a, b)
	}
}

// benchDB opens the file VIGIE_BENCH_DB names, or skips.
func benchDB(b *testing.B) *storage.DB {
	path := os.Getenv("VIGIE_BENCH_DB")
	if path == "" {
		b.Skip("set VIGIE_BENCH_DB to a file built by bench/reportscale")
	}
	if _, err := os.Stat(path); err != nil {
		b.Skip(err)
	}
	db, err := storage.Open(context.Background(), storage.Config{DSN: path}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkSQLiteColdSync is a server's start: the whole log into a new
// index, through the lean read (and, to compare, the full one).
func BenchmarkSQLiteColdSync(b *testing.B) {
	db := benchDB(b)
	for _, bc := range []struct {
		name string
		src  reports.EventSource
	}{{"lean", db}, {"full", fullRead{db}}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				ix, err := reports.Recompute(context.Background(), bc.src, reports.Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(ix.Head().LastSeq), "events")
			}
		})
	}
}

// BenchmarkSQLiteReport is what a report request costs once the index is
// synced: the Sync it pays (nothing new), then the JSON.
func BenchmarkSQLiteReport(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	ix, err := reports.Recompute(ctx, db, reports.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("sync-nothing-new", func(b *testing.B) {
		for b.Loop() {
			if err := ix.Sync(ctx, db); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, q := range []struct{ name, from, to string }{
		{"month", "2025-06-01", "2025-07-01"}, {"quarter", "2025-04-01", "2025-07-01"},
		{"year", "2025-01-01", "2026-01-01"}, {"custom-3-weeks", "2025-03-03", "2025-03-24"},
	} {
		p, err := reports.CustomPeriod(q.from, q.to, time.UTC)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("json-"+q.name, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := ix.Sync(ctx, db); err != nil {
					b.Fatal(err)
				}
				r, err := ix.Report(p, reports.ReportOptions{Now: time.Now()})
				if err != nil {
					b.Fatal(err)
				}
				if err := r.WriteJSON(&buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
