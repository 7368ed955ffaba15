package storage

import (
	"testing"
	"time"
)

// The writer's SQLite connection checkpoints the WAL less often than
// SQLite's default, and keeps doing so on a connection the pool reopens;
// durability stays as it was (WAL, synchronous=FULL). The read pool is
// left at SQLite's defaults.
func TestSQLiteWriterSettings(t *testing.T) {
	t.Parallel()
	db := openDB(t, sqliteConfig(t))
	ctx := t.Context()
	check := func(when string) {
		t.Helper()
		var ckpt, sync int
		var mode string
		w := db.w.WithContext(ctx)
		if err := w.Raw("PRAGMA wal_autocheckpoint").Scan(&ckpt).Error; err != nil {
			t.Fatal(err)
		}
		if err := w.Raw("PRAGMA synchronous").Scan(&sync).Error; err != nil {
			t.Fatal(err)
		}
		if err := w.Raw("PRAGMA journal_mode").Scan(&mode).Error; err != nil {
			t.Fatal(err)
		}
		if ckpt != walAutocheckpoint || sync != 2 || mode != "wal" {
			t.Errorf("%s: writer has wal_autocheckpoint %d, synchronous %d, journal_mode %s; want %d, 2 (FULL), wal",
				when, ckpt, sync, mode, walAutocheckpoint)
		}
	}
	check("at open")

	// Let the pool drop its connection and open another.
	pool, err := db.w.DB()
	if err != nil {
		t.Fatal(err)
	}
	pool.SetConnMaxIdleTime(time.Millisecond)
	for deadline := time.Now().Add(10 * time.Second); pool.Stats().MaxIdleTimeClosed == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the pool closed no idle connection: the reopening cannot be tested")
		}
		time.Sleep(10 * time.Millisecond)
	}
	check("on a reopened connection")

	var readers int
	if err := db.r.WithContext(ctx).Raw("PRAGMA wal_autocheckpoint").Scan(&readers).Error; err != nil {
		t.Fatal(err)
	}
	if readers != 1000 {
		t.Errorf("read pool has wal_autocheckpoint %d, want SQLite's default 1000", readers)
	}
}
