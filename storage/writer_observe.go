package storage

import "time"

// BatchObserver sees each transaction the writer commits: how many write
// requests it answered and how long it took, from its start to its commit.
// It runs on the writer goroutine before the requests are answered, so it
// must be quick; a batch retried without a failing request is seen once,
// with the attempt that committed.
type BatchObserver func(requests int, d time.Duration)

// SetBatchObserver sends every committed batch to f from now on; nil stops
// it. Without one the writer reads no clock for it.
func (db *DB) SetBatchObserver(f BatchObserver) {
	if f == nil {
		db.writer.observe.Store(nil)
		return
	}
	db.writer.observe.Store(&f)
}
