// Package reports computes Vigie's transparency figures from the event log
// alone: counts, rates, series and exports (JSON, CSV, text, statements of
// reasons). Nothing here reads a comment's text or author; the index never
// holds them, so no personal data can reach a report.
package reports

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"vigie/moderation"
)

// EventSource is the part of moderation.Store the reports read: the log in
// sequence order.
type EventSource interface {
	EventsAfter(ctx context.Context, after int64, limit int) ([]moderation.Event, error)
}

// leanSource is an EventSource that can leave out the text and verdict
// snapshots, which reports never read and which cost most of a read of the
// log (storage.DB implements it). Sync prefers it.
type leanSource interface {
	EventsAfterLean(ctx context.Context, after int64, limit int) ([]moderation.Event, error)
}

// ErrGap is returned by Apply for an event that does not follow the last one
// applied; ErrChain for an event whose hash link or content does not match;
// ErrInconsistent for a transition that disagrees with the comment's status.
var (
	ErrGap          = errors.New("reports: gap in event sequence")
	ErrChain        = errors.New("reports: hash chain broken")
	ErrInconsistent = errors.New("reports: event inconsistent with comment status")
)

// SyncPage is how many events Sync asks for at a time.
const SyncPage = 5000

// Options configures an Index.
type Options struct {
	// Location is the time zone whose calendar days the figures are bucketed
	// by (periods start at local midnight). Default UTC.
	Location *time.Location
	// PageOf names the page of a comment's source (moderation.Pages.IDOf);
	// a comment keeps the page of its source at receipt. nil: one page.
	PageOf func(source string) string
}

// Index is an incremental, in-memory rollup of the log. Feed it every event
// in sequence order (Apply, or Sync from a store); it keeps a few bytes per
// comment and per-day buckets, so any period's report is a sum over days.
// It is safe for concurrent use: one writer, many report readers.
type Index struct {
	mu     sync.RWMutex
	syncMu sync.Mutex // serialises Sync so two pulls never race on lastSeq

	loc      *time.Location
	lastSeq  int64
	head     string
	asOf     time.Time // latest event time applied (clocks of several instances may interleave)
	comments []cstate  // by comment id
	dicts    [nDims]dict
	combos   comboTable
	// days are the buckets by page and local day: a page's report sums its
	// own, the all-pages report every page's, so they add up by design.
	days   map[dayKey]*dayRoll
	pages  dict // page ids; 0 is "" (no PageOf)
	pageOf func(string) string
	// crises are the crisis periods with the comments received during
	// them; crisisTTD their time to first human decision (-1: none yet).
	crises    []crisisRoll
	crisisTTD map[int64]int32
}

// dayKey is one page's day.
type dayKey struct {
	page uint32
	day  int32
}

// NewIndex returns an empty index.
func NewIndex(o Options) *Index {
	ix := &Index{loc: o.Location, head: moderation.GenesisHash, days: map[dayKey]*dayRoll{}, pageOf: o.PageOf}
	ix.pages.id("")
	if ix.loc == nil {
		ix.loc = time.UTC
	}
	for d := range ix.dicts {
		ix.dicts[d].id("") // id 0 is "none" in every dimension
	}
	ix.combos.init()
	return ix
}

// Location is the time zone the index buckets days in.
func (ix *Index) Location() *time.Location { return ix.loc }

// Head is the chain position the figures were computed from.
type Head struct {
	LastSeq int64     `json:"last_seq"`
	Hash    string    `json:"head_hash"`
	AsOf    time.Time `json:"-"` // time of the last event (zero on an empty log)
}

// Head returns the last sequence number, hash and event time applied.
func (ix *Index) Head() Head {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return Head{LastSeq: ix.lastSeq, Hash: ix.head, AsOf: ix.asOf}
}

// Sync pulls and applies every event after the last one applied. With
// nothing new it costs one query, so callers run it before each report; that
// is how each of several instances sharing a database stays current.
func (ix *Index) Sync(ctx context.Context, src EventSource) error {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	return ix.sync(ctx, src)
}

// SyncIfIdle syncs unless another Sync is running (a long catch-up at start,
// say), in which case it returns at once: a page request then serves the
// figures as of the last applied event, labelled with that date, instead of
// waiting for the catch-up. It reports whether it synced.
func (ix *Index) SyncIfIdle(ctx context.Context, src EventSource) (bool, error) {
	if !ix.syncMu.TryLock() {
		return false, nil
	}
	defer ix.syncMu.Unlock()
	return true, ix.sync(ctx, src)
}

func (ix *Index) sync(ctx context.Context, src EventSource) error {
	read := src.EventsAfter
	if l, ok := src.(leanSource); ok {
		read = l.EventsAfterLean
	}
	ix.mu.RLock()
	after := ix.lastSeq
	ix.mu.RUnlock()
	evs, err := read(ctx, after, SyncPage)
	if err != nil {
		return fmt.Errorf("reports sync after %d: %w", after, err)
	}
	if len(evs) < SyncPage {
		return ix.applyBatch(evs)
	}
	return ix.catchUp(ctx, read, evs)
}

// catchUp applies a long run of events (a start, a long pause) page by page
// while a goroutine reads the next page: reading the log and folding it
// take about as long as each other, so they overlap on two cores.
func (ix *Index) catchUp(ctx context.Context, read func(context.Context, int64, int) ([]moderation.Event, error), first []moderation.Event) error {
	type page struct {
		after int64
		evs   []moderation.Event
		err   error
	}
	ctx, cancel := context.WithCancel(ctx)
	pages := make(chan page, 1)
	defer func() {
		cancel()
		for range pages { // let the reader finish before Sync returns
		}
	}()
	go func() {
		defer close(pages)
		after := first[len(first)-1].Seq
		for {
			evs, err := read(ctx, after, SyncPage)
			select {
			case pages <- page{after, evs, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || len(evs) < SyncPage {
				return
			}
			after = evs[len(evs)-1].Seq
		}
	}()
	if err := ix.applyBatch(first); err != nil {
		return err
	}
	for p := range pages {
		if p.err != nil {
			return fmt.Errorf("reports sync after %d: %w", p.after, p.err)
		}
		if err := ix.applyBatch(p.evs); err != nil {
			return err
		}
	}
	return nil
}

// Recompute builds an index from the whole log. Incremental and recomputed
// indexes give identical reports; verify relies on that.
func Recompute(ctx context.Context, src EventSource, o Options) (*Index, error) {
	ix := NewIndex(o)
	if err := ix.Sync(ctx, src); err != nil {
		return nil, err
	}
	return ix, nil
}

func (ix *Index) applyBatch(evs []moderation.Event) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for i := range evs {
		if err := ix.apply(&evs[i]); err != nil {
			return err
		}
	}
	return nil
}

// Apply adds one event. It rejects an event out of sequence, one that breaks
// the hash chain, and one that contradicts the comment's known status, and
// leaves the index unchanged when it does.
func (ix *Index) Apply(e moderation.Event) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.apply(&e)
}

func (ix *Index) apply(e *moderation.Event) error {
	if e.Seq != ix.lastSeq+1 {
		return fmt.Errorf("%w: got %d after %d", ErrGap, e.Seq, ix.lastSeq)
	}
	if e.PrevHash != ix.head || e.ComputeHash(ix.head) != e.Hash {
		return fmt.Errorf("%w at event %d", ErrChain, e.Seq)
	}
	if err := ix.check(e); err != nil {
		return fmt.Errorf("%w: event %d, comment %d: %v", ErrInconsistent, e.Seq, e.CommentID, err)
	}
	ix.fold(e)
	ix.lastSeq, ix.head = e.Seq, e.Hash
	if e.At.After(ix.asOf) && !e.IsPurge() { // a purge is not report data (fold.go)
		ix.asOf = e.At.UTC()
	}
	return nil
}

// check validates an event against the comment's current state before any
// change is made.
func (ix *Index) check(e *moderation.Event) error {
	if e.Route == moderation.RouteCrisis {
		return e.Validate() // a page's event: no comment to check it against
	}
	if e.CommentID <= 0 {
		return errors.New("no comment id")
	}
	known := e.CommentID < int64(len(ix.comments)) && ix.comments[e.CommentID].status != 0
	switch {
	case e.From == 0 && known:
		return errors.New("second receipt of a comment")
	case e.From == 0:
		return moderation.CheckTransition(0, e.To)
	case !known:
		return errors.New("change to a comment never received")
	case ix.comments[e.CommentID].status != e.From:
		return fmt.Errorf("from %s but comment is %s", e.From, ix.comments[e.CommentID].status)
	}
	// A confirmation (from == to on an audit, appeal, re-check or edit)
	// is allowed; fold counts it without changing the comment's status.
	return moderation.CheckChange(e.From, e.To, e.Route)
}

// dayOf is the local calendar day of t, as days since 1970-01-01.
func (ix *Index) dayOf(t time.Time) int32 {
	_, off := t.In(ix.loc).Zone()
	s := t.Unix() + int64(off)
	d := s / 86400
	if s%86400 < 0 {
		d--
	}
	return int32(d)
}

// dayStart is local midnight of a day number.
func (ix *Index) dayStart(d int32) time.Time {
	y, m, dd := time.Unix(int64(d)*86400, 0).UTC().Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, ix.loc)
}
