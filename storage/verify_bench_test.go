package storage

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"vigie/moderation"
)

// BenchmarkVerify100k measures moderation.Verify over 100,000 comments and
// their 100,000 events: the cost of `vigie verify` per 100k events, and
// the heap it holds (one page of rows, whatever the size of the log).
//
//	go test ./storage/ -run '^$' -bench Verify100k -benchtime 3x
func BenchmarkVerify100k(b *testing.B) {
	const n = 100_000
	for _, driver := range []string{"sqlite", "postgres"} {
		b.Run(driver, func(b *testing.B) {
			db := openDB(b, driverConfig(b, driver))
			seedComments(b, db, n)
			var peak atomic.Uint64
			stop := make(chan struct{})
			sampled := make(chan struct{})
			go func() { // the heap in use while verifying, sampled
				defer close(sampled)
				var ms runtime.MemStats
				for {
					runtime.ReadMemStats(&ms)
					if ms.HeapInuse > peak.Load() {
						peak.Store(ms.HeapInuse)
					}
					select {
					case <-stop:
						return
					case <-time.After(10 * time.Millisecond):
					}
				}
			}()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				res, err := moderation.Verify(context.Background(), db, moderation.VerifyOptions{})
				if err != nil || !res.OK() || res.Events != n {
					b.Fatalf("Verify = %+v, %v", res, err)
				}
			}
			b.StopTimer()
			close(stop)
			<-sampled
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
		})
	}
}
