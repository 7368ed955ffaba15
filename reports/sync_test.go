package reports_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/reports"
	"vigie/reports/reportstest"
)

// failingSource fails every read after the given sequence number.
type failingSource struct {
	src   *reportstest.Source
	after int64
}

var errRead = errors.New("read failed")

func (f *failingSource) EventsAfter(ctx context.Context, after int64, limit int) ([]moderation.Event, error) {
	if after >= f.after {
		return nil, errRead
	}
	return f.src.EventsAfter(ctx, after, limit)
}

// A catch-up over several pages (read ahead while applying) gives the
// report of applying events one by one; a read failing half-way leaves the
// index at the last page applied, and the next Sync resumes from there.
func TestSyncCatchUpPages(t *testing.T) {
	ctx := context.Background()
	src := reportstest.History(11, 8000, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 200*24*time.Hour)
	if len(src.Events) < 2*reports.SyncPage+1 {
		t.Fatalf("history of %d events is too short to need several pages", len(src.Events))
	}
	one := reports.NewIndex(reports.Options{})
	for _, e := range src.Events {
		if err := one.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	paged := reports.NewIndex(reports.Options{})
	err := paged.Sync(ctx, &failingSource{src: src, after: reports.SyncPage})
	if !errors.Is(err, errRead) {
		t.Fatalf("Sync over a failing read: %v, want %v", err, errRead)
	}
	if got := paged.Head().LastSeq; got != reports.SyncPage {
		t.Fatalf("after the failed read the index is at %d, want %d", got, reports.SyncPage)
	}
	if err := paged.Sync(ctx, src); err != nil {
		t.Fatal(err)
	}
	if paged.Head() != one.Head() {
		t.Fatalf("paged sync at %+v, one by one at %+v", paged.Head(), one.Head())
	}
	if a, b := yearJSON(t, one), yearJSON(t, paged); !bytes.Equal(a, b) {
		t.Error("a paged catch-up reports differently from applying events one by one")
	}
}

// yearJSON is an index's JSON report for 2026, with a fixed "generated at",
// so two indexes over the same log can be compared byte for byte.
func yearJSON(t *testing.T, ix *reports.Index) []byte {
	t.Helper()
	p, _ := reports.ParsePeriod("2026", time.UTC)
	r, err := ix.Report(p, reports.ReportOptions{Now: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// blockingSource holds EventsAfter until released, like a slow catch-up.
type blockingSource struct {
	entered, release chan struct{}
}

func (b *blockingSource) EventsAfter(ctx context.Context, after int64, limit int) ([]moderation.Event, error) {
	b.entered <- struct{}{}
	<-b.release
	return nil, nil
}

// A Sync already running (a long catch-up) makes SyncIfIdle return at once
// without syncing; once it is done, SyncIfIdle syncs.
func TestSyncIfIdleDoesNotWaitForARunningSync(t *testing.T) {
	ix := reports.NewIndex(reports.Options{})
	src := &blockingSource{entered: make(chan struct{}, 2), release: make(chan struct{})}
	done := make(chan error)
	go func() { done <- ix.Sync(context.Background(), src) }()
	<-src.entered
	synced, err := ix.SyncIfIdle(context.Background(), src)
	if synced || err != nil {
		t.Fatalf("SyncIfIdle during a sync: synced=%v err=%v, want false, nil", synced, err)
	}
	close(src.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	synced, err = ix.SyncIfIdle(context.Background(), src)
	if !synced || err != nil {
		t.Fatalf("SyncIfIdle when idle: synced=%v err=%v, want true, nil", synced, err)
	}
}
