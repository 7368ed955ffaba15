package storage

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"vigie/moderation"
)

// BenchmarkIntake measures what group commit buys on SQLite with
// synchronous=FULL: ~64 concurrent writers, each comment unique. The
// PostgreSQL cases skip when no server is reachable.
//
//	go test ./storage/ -run '^$' -bench Intake -count 3
func BenchmarkIntake(b *testing.B) {
	for _, bc := range []struct {
		name   string
		driver string
		wait   time.Duration
	}{
		{"grouped", "sqlite", DefaultBatchWait},
		{"one-commit-per-request", "sqlite", -1},
		{"postgres-grouped", "postgres", DefaultBatchWait},
		{"postgres-one-commit-per-request", "postgres", -1},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cfg := Config{Driver: "sqlite", DSN: b.TempDir() + "/bench.db"}
			if bc.driver == "postgres" {
				cfg = postgresConfig(b)
			}
			cfg.BatchWait = bc.wait
			db, err := Open(context.Background(), cfg, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			var next atomic.Int64
			b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c, e := newComment(int(next.Add(1)), moderation.StatusPublished)
					if _, err := db.Intake(context.Background(), c, e, moderation.Effects{}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			elapsed := time.Since(start)
			b.StopTimer()
			st := db.WriteStats()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "rows/s")
			b.ReportMetric(float64(st.Requests)/float64(max(st.Commits, 1)), "rows/commit")
		})
	}
}
