package storage

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"vigie/moderation"
)

// The writer is the only goroutine that writes comments and events. Callers
// hand it requests and wait; it commits them in groups (group commit), so a
// single fsync acknowledges a whole batch, and the chain head is read and
// advanced once per batch. Appending to a hash chain is sequential anyway:
// one writer loses no parallelism and needs no locking in Go.

// errClosed answers writes that arrive after Close.
var errClosed = fmt.Errorf("storage closed: %w", moderation.ErrUnavailable)

// batchTimeout bounds one batch transaction, mostly so a PostgreSQL writer
// stuck behind another instance's lock eventually answers its callers.
const batchTimeout = 30 * time.Second

// maxEjections bounds how many failing requests a batch sheds before it
// gives up: past that the failure is the database's, not a request's.
const maxEjections = 3

type requestKind int8

const (
	kindIntake requestKind = iota + 1
	kindTransition
)

// request is one Intake or Transition. The caller's values are copied in, so
// the writer never touches memory the caller may reuse after giving up; the
// results are copied back by the caller once answered.
type request struct {
	ctx      context.Context
	kind     requestKind
	enqueued time.Time
	comment  commentRow       // intake: the row to insert
	event    moderation.Event // the event to seal
	verdict  *string          // the event's verdict snapshot, encoded by the caller
	patch    map[string]any   // transition: the comment columns to set
	fx       moderation.Effects
	taken    atomic.Bool  // set by whoever decides first: writer (claims) or caller (gives up)
	done     chan outcome // buffered: the writer never blocks on an answer

	// preID is what insertComments found for an intake in the transaction
	// being tried: the new comment's id, existingComment, or 0 when its
	// row is still to be inserted. Only the writer goroutine touches it.
	preID int64
}

type outcome struct {
	created bool
	comment moderation.Comment
	event   moderation.Event
	err     error
}

type writer struct {
	db    *DB
	sql   writeSQL
	max   int
	wait  time.Duration
	queue chan *request
	done  chan struct{}

	mu      sync.RWMutex // held shared while sending, exclusively to close queue
	stopped bool

	queued   atomic.Int64 // requests handed to the writer
	requests atomic.Int64
	commits  atomic.Int64
	// observe, when set, sees each committed batch (writer_observe.go).
	observe atomic.Pointer[BatchObserver]

	// State of the transaction being tried; only the writer goroutine
	// touches it.
	rowByRow bool       // insert each event at once, to find a failing one
	pending  []eventRow // events waiting for flushEvents

	// failHook, set only by tests, makes a request's write fail as a broken
	// statement would, after its comment row is already inserted.
	failHook func(*request) error
	// flushHook, set only by tests, makes the grouped event insert fail.
	flushHook func() error
	// commentsHook, set only by tests, makes the grouped comment insert
	// (PostgreSQL) fail after its rows are in.
	commentsHook func() error
}

func startWriter(db *DB, max int, wait time.Duration) *writer {
	w := &writer{db: db, sql: newWriteSQL(db.dialect), max: max, wait: wait, queue: make(chan *request, max), done: make(chan struct{})}
	go w.run()
	return w
}

func (w *writer) closed() bool {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.stopped
}

// stop refuses new requests, lets the writer commit what is queued, and
// waits for it to finish.
func (w *writer) stop() {
	w.mu.Lock()
	if !w.stopped {
		w.stopped = true
		close(w.queue)
	}
	w.mu.Unlock()
	<-w.done
}

// do queues r and waits for its answer. A caller whose ctx ends while r is
// still queued returns at once; once the writer has claimed r the caller
// waits for the commit, because the write may already be durable.
func (w *writer) do(ctx context.Context, r *request) outcome {
	if err := ctx.Err(); err != nil {
		return outcome{err: err}
	}
	r.ctx, r.done, r.enqueued = ctx, make(chan outcome, 1), time.Now()
	w.mu.RLock()
	if w.stopped {
		w.mu.RUnlock()
		return outcome{err: errClosed}
	}
	select {
	case w.queue <- r:
		w.mu.RUnlock()
		w.queued.Add(1)
	case <-ctx.Done():
		w.mu.RUnlock()
		return outcome{err: ctx.Err()}
	}
	select {
	case o := <-r.done:
		return o
	case <-ctx.Done():
		if r.taken.CompareAndSwap(false, true) {
			return outcome{err: ctx.Err()}
		}
		return <-r.done
	}
}

func (w *writer) run() {
	defer close(w.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	batch := make([]*request, 0, w.max)
	for {
		first, ok := <-w.queue
		if !ok {
			return
		}
		batch = append(batch[:0], first)
		if w.wait > 0 {
			batch = w.fill(batch, timer, first.enqueued.Add(w.wait))
		}
		w.commit(batch)
		clear(batch) // drop references to answered requests
	}
}

// fill adds queued requests to the batch until it is full, the first
// request has waited BatchWait, or no request came for a quarter of that.
//
// The wait counts from when the first request was queued, not from now:
// requests that piled up while the previous batch committed have waited
// already. The quiet gap matters for a fixed set of busy callers (say 64
// HTTP handlers): once they have all re-queued, nobody else can come, and
// waiting out the full BatchWait would only add latency.
func (w *writer) fill(batch []*request, timer *time.Timer, deadline time.Time) []*request {
	gap := max(w.wait/4, 50*time.Microsecond)
	for len(batch) < w.max {
		select {
		case r, ok := <-w.queue:
			if !ok {
				return batch
			}
			batch = append(batch, r)
			continue
		default:
		}
		d := time.Until(deadline)
		if d <= 0 {
			return batch
		}
		timer.Reset(min(d, gap))
		select {
		case r, ok := <-w.queue:
			timer.Stop()
			if !ok {
				return batch
			}
			batch = append(batch, r)
		case <-timer.C:
			return batch
		}
	}
	return batch
}

// commit writes a batch and answers every request in it, only after the
// commit. A request whose statement fails is answered with its error and
// the batch is retried without it, so one bad request never fails the
// others; a failure of the transaction itself fails them all.
func (w *writer) commit(batch []*request) {
	live := make([]*request, 0, len(batch))
	for _, r := range batch {
		if !r.taken.CompareAndSwap(false, true) {
			continue // its caller gave up while it was queued
		}
		if err := r.ctx.Err(); err != nil {
			r.done <- outcome{err: err}
			continue
		}
		live = append(live, r)
	}
	w.rowByRow = false
	observe := w.observe.Load()
	for ejected := 0; len(live) > 0; {
		var start time.Time
		if observe != nil {
			start = time.Now()
		}
		outs, bad, err := w.tryBatch(live)
		if err == nil {
			w.commits.Add(1)
			w.requests.Add(int64(len(live)))
			if observe != nil {
				// Before the answers, so a caller that reads the metrics
				// after its write finds the write's batch there.
				(*observe)(len(live), time.Since(start))
			}
			for i, r := range live {
				r.done <- outs[i]
			}
			return
		}
		if bad == unattributed && !w.rowByRow {
			// A grouped insert failed: find out whose row it was.
			w.rowByRow = true
			continue
		}
		if bad < 0 || ejected >= maxEjections {
			// Nothing was written. ErrUnavailable lets the API answer 503,
			// which webhook senders retry.
			w.db.log.Error("write batch failed", "requests", len(live), "err", err)
			err = fmt.Errorf("%w: %w", moderation.ErrUnavailable, err)
			for _, r := range live {
				r.done <- outcome{err: err}
			}
			return
		}
		w.db.log.Warn("write request failed, retrying the rest of its batch", "requests", len(live)-1, "err", err)
		live[bad].done <- outcome{err: err}
		live = slices.Delete(live, bad, bad+1)
		ejected++
	}
}

// unattributed is tryBatch's bad index when a statement covering several
// requests (the grouped comment or event insert) failed.
const unattributed = -2

// tryBatch runs one transaction over the requests. bad is the index of the
// request whose statement failed, unattributed when the grouped event insert
// failed, or -1 when the transaction itself failed (begin, chain head,
// commit). Requests refused for domain reasons (conflict, not found) write
// nothing and carry their error in their outcome.
func (w *writer) tryBatch(reqs []*request) (outs []outcome, bad int, err error) {
	outs, bad = make([]outcome, len(reqs)), -1
	defer func() { clear(w.pending); w.pending = w.pending[:0] }()
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	err = w.db.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if !w.sql.cancelStatements {
			// The timeout still ends the transaction (database/sql rolls
			// it back), but the statements inside run without a context
			// to watch: go-sqlite3 starts a goroutine per statement for a
			// context that can end, and after BEGIN IMMEDIATE no SQLite
			// statement of ours waits for a lock.
			tx = tx.WithContext(context.WithoutCancel(ctx))
		}
		var head chainHeadRow
		if err := conn(tx).QueryRowContext(tx.Statement.Context, w.sql.head).Scan(&head.Seq, &head.Hash); err != nil {
			return fmt.Errorf("chain head: %w", err)
		}
		start := head
		for _, r := range reqs {
			r.preID = 0
		}
		if w.sql.multiRow && !w.rowByRow {
			if err := w.insertComments(tx, reqs); err != nil {
				bad = unattributed
				return err
			}
		}
		for i, r := range reqs {
			var err error
			switch r.kind {
			case kindIntake:
				outs[i], err = w.intake(tx, r, &head)
			case kindTransition:
				outs[i], err = w.transition(tx, r, &head)
			}
			if err != nil {
				bad = i
				return err
			}
		}
		if head.Seq == start.Seq {
			return nil // only duplicates or refusals: nothing appended
		}
		if err := w.flushEvents(tx); err != nil {
			bad = unattributed
			return err
		}
		if _, err := conn(tx).ExecContext(tx.Statement.Context, w.sql.setHead, head.Seq, head.Hash); err != nil {
			return fmt.Errorf("chain head: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, bad, err
	}
	return outs, -1, nil
}
