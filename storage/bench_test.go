package storage

import (
	"context"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"vigie/moderation"
)

// BenchmarkIntake measures what group commit buys on SQLite with
// synchronous=FULL: ~64 concurrent writers, each comment unique. The
// PostgreSQL cases skip when no server is reachable; two instances share
// one schema and take turns at the chain head's row lock.
//
//	go test ./storage/ -run '^$' -bench Intake -count 3
func BenchmarkIntake(b *testing.B) {
	for _, bc := range []struct {
		name      string
		driver    string
		wait      time.Duration
		instances int // DB handles on the one database, as separate processes would be
	}{
		{"grouped", "sqlite", DefaultBatchWait, 1},
		{"one-commit-per-request", "sqlite", -1, 1},
		{"postgres-grouped", "postgres", DefaultBatchWait, 1},
		{"postgres-grouped-two-instances", "postgres", DefaultBatchWait, 2},
		{"postgres-one-commit-per-request", "postgres", -1, 1},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cfg := Config{Driver: "sqlite", DSN: b.TempDir() + "/bench.db"}
			if bc.driver == "postgres" {
				cfg = postgresConfig(b)
			}
			cfg.BatchWait = bc.wait
			var dbs []*DB
			for range bc.instances {
				db, err := Open(context.Background(), cfg, nil)
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				dbs = append(dbs, db)
			}
			var next, clients atomic.Int64
			b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
			b.ResetTimer()
			start, cpu0 := time.Now(), processCPU()
			b.RunParallel(func(pb *testing.PB) {
				db := dbs[int(clients.Add(1))%len(dbs)]
				for pb.Next() {
					c, e := newComment(int(next.Add(1)), moderation.StatusPublished)
					if _, err := db.Intake(context.Background(), c, e, moderation.Effects{}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			elapsed, cpu := time.Since(start), processCPU()-cpu0
			b.StopTimer()
			var requests, commits int64
			for _, db := range dbs {
				st := db.WriteStats()
				requests, commits = requests+st.Requests, commits+st.Commits
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "rows/s")
			// This process's CPU (callers, writer, driver; not PostgreSQL's)
			// per row: steadier than rows/s on a shared machine.
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/row")
			b.ReportMetric(float64(requests)/float64(max(commits, 1)), "rows/commit")
		})
	}
}

// processCPU is the user and system CPU time used so far by this process.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
