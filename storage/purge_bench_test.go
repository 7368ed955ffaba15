package storage

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vigie/moderation"
)

// BenchmarkPurge measures the purge of 10,000 comments (each with one
// event) in one call, on SQLite and PostgreSQL (skipped when unreachable).
// Seeding is outside the timer.
//
//	go test ./storage/ -run '^$' -bench Purge -benchtime 3x
func BenchmarkPurge(b *testing.B) {
	const n = 10000
	for _, driver := range []string{"sqlite", "postgres"} {
		b.Run(driver, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				db := openDB(b, driverConfig(b, driver))
				seedComments(b, db, n)
				b.StartTimer()
				got, err := db.Purge(context.Background(), t0.Add(time.Duration(n+1)*time.Second))
				if err != nil || got != n {
					b.Fatalf("Purge = %d, %v; want %d", got, err, n)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "comments/s")
		})
	}
}

// seedComments stores comments 0 … n-1 from a few goroutines, so group
// commit makes seeding quick.
func seedComments(b *testing.B, db *DB, n int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				c, e := newComment(i, moderation.StatusPublished)
				if _, err := db.Intake(context.Background(), c, e, moderation.Effects{}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
