package moderation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

// The outbox: actions owed to platforms, written with the decision that
// owes them (one transaction), performed afterwards by workers that may run
// in several processes. A crash between the decision and the call loses
// nothing; a lease keeps two workers from performing one action at once.

// OutboxState is where an owed action stands.
type OutboxState int8

const (
	OutboxPending OutboxState = iota + 1 // to do, now or after a backoff
	OutboxDone                           // the platform confirmed it
	OutboxFailed                         // given up: a permanent error, shown to admins
)

var outboxStateNames = [...]string{"", "pending", "done", "failed"}

func (s OutboxState) String() string {
	if s < 0 || int(s) >= len(outboxStateNames) {
		return fmt.Sprintf("outbox(%d)", int8(s))
	}
	return outboxStateNames[s]
}

// ParseOutboxState reads a state name.
func ParseOutboxState(v string) (OutboxState, error) {
	for i, n := range outboxStateNames {
		if i > 0 && n == v {
			return OutboxState(i), nil
		}
	}
	return 0, Errorf(ErrInvalid, "state", "unknown outbox state %q", v)
}

// OutboxItem is one owed action.
type OutboxItem struct {
	ID         int64
	CommentID  int64
	EventSeq   int64 // the event that owes it
	Source     string
	ExternalID string
	Kind       PlatformActionKind
	State      OutboxState
	Attempts   int
	NextAt     time.Time
	LastError  string
	// Alert marks a failure an admin must act on (an expired page token):
	// retrying cannot fix it.
	Alert     bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// OutboxResult is what performing an action came to.
type OutboxResult struct {
	State OutboxState // OutboxDone, OutboxPending (retry at NextAt), OutboxFailed
	// NextAt is when to try again (pending).
	NextAt time.Time
	Error  string
	Alert  bool
}

// OutboxStats summarises the outbox for the dashboard and /metrics.
type OutboxStats struct {
	Pending, Failed, Alerts int64
	OldestPending           time.Time
}

// OutboxStore is what the outbox needs from persistence.
type OutboxStore interface {
	// ClaimOutbox leases up to limit due pending items to holder until
	// until. Only the oldest pending item of each comment is due, so a
	// hide and the unhide that follows it are performed in order. Two
	// holders never get the same item (SKIP LOCKED on PostgreSQL).
	ClaimOutbox(ctx context.Context, holder string, now, until time.Time, limit int) ([]OutboxItem, error)
	// FinishOutbox records the result of an attempt by holder; an item
	// whose lease holder changed meanwhile is ErrConflict.
	FinishOutbox(ctx context.Context, id int64, holder string, r OutboxResult, now time.Time) error
	OutboxStats(ctx context.Context) (OutboxStats, error)
	// OutboxItems lists items in a state, newest first.
	OutboxItems(ctx context.Context, state OutboxState, limit int) ([]OutboxItem, error)
	// RequeueOutbox puts a failed item back to do now (ErrConflict if it
	// is not failed): an admin fixed what made it fail.
	RequeueOutbox(ctx context.Context, id int64, now time.Time) error
}

// Platform performs owed actions on the platform that hosts the comments.
type Platform interface {
	// Perform does one action. It returns nil when the platform confirmed
	// it; a *PlatformError otherwise.
	Perform(ctx context.Context, it OutboxItem) error
}

// PlatformError classifies a failed action.
type PlatformError struct {
	// Permanent: retrying cannot help (no permission, a policy block).
	Permanent bool
	// Alert: an admin must act (the page token expired or was revoked).
	Alert bool
	// RetryAfter, when set, is how long the platform asked us to wait.
	RetryAfter time.Duration
	Err        error
}

func (e *PlatformError) Error() string { return e.Err.Error() }
func (e *PlatformError) Unwrap() error { return e.Err }

// OutboxWorker performs owed actions until its context ends.
type OutboxWorker struct {
	Store    OutboxStore
	Platform Platform
	Clock    Clock
	Log      *slog.Logger
	// Holder names this worker in leases (host and process).
	Holder string
	// Lease is how long an action may take before another worker may
	// take it over (default 2 minutes).
	Lease time.Duration
	// Poll is how long to wait when nothing is due (default 1 s).
	Poll time.Duration
	// MaxAttempts gives up on transient errors after so many tries
	// (default 30: with the backoff, about a week).
	MaxAttempts int
	// Random draws the backoff jitter; nil uses math/rand.
	Random func() float64
}

// Backoff is the wait before attempt n+1: exponential from 1 s, capped at
// 15 minutes, with full jitter so workers retrying together spread out.
func Backoff(attempts int, random func() float64) time.Duration {
	ceil := time.Second << min(max(attempts-1, 0), 20)
	ceil = min(ceil, 15*time.Minute)
	return time.Duration(random() * float64(ceil))
}

// Run claims and performs due actions until ctx ends.
func (w *OutboxWorker) Run(ctx context.Context) error {
	w.defaults()
	return poll(ctx, "outbox", w.Log, w.Poll, nil, w.RunOnce)
}

// poll runs once until ctx ends: again at once while it finds work, after
// wait (or a wake signal) when it found none or failed.
func poll(ctx context.Context, name string, log *slog.Logger, wait time.Duration, wake <-chan struct{},
	once func(context.Context) (int, error)) error {
	for {
		n, err := once(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			log.Error(name, "err", err)
		}
		if n == 0 || err != nil {
			select {
			case <-ctx.Done():
				return nil
			case <-wake:
			case <-time.After(wait):
			}
		}
	}
}

func (w *OutboxWorker) defaults() {
	if w.Lease <= 0 {
		w.Lease = 2 * time.Minute
	}
	if w.Poll <= 0 {
		w.Poll = time.Second
	}
	if w.MaxAttempts <= 0 {
		w.MaxAttempts = 30
	}
	if w.Random == nil {
		w.Random = rand.Float64
	}
	if w.Clock == nil {
		w.Clock = SystemClock{}
	}
	if w.Log == nil {
		w.Log = slog.Default()
	}
}

// RunOnce performs one batch of due actions and says how many it took.
func (w *OutboxWorker) RunOnce(ctx context.Context) (int, error) {
	w.defaults()
	now := TruncateTime(w.Clock.Now())
	items, err := w.Store.ClaimOutbox(ctx, w.Holder, now, now.Add(w.Lease), 32)
	if err != nil {
		return 0, fmt.Errorf("claim outbox: %w", err)
	}
	for _, it := range items {
		r := w.attempt(ctx, it)
		if err := w.Store.FinishOutbox(ctx, it.ID, w.Holder, r, TruncateTime(w.Clock.Now())); err != nil {
			return len(items), fmt.Errorf("outbox %d: %w", it.ID, err)
		}
	}
	return len(items), nil
}

// attempt performs one action and says what to record.
func (w *OutboxWorker) attempt(ctx context.Context, it OutboxItem) OutboxResult {
	err := w.Platform.Perform(ctx, it)
	if err == nil {
		w.Log.Info("platform action done", "outbox", it.ID, "action", it.Kind.String(), "comment", it.CommentID)
		return OutboxResult{State: OutboxDone}
	}
	var pe *PlatformError
	if !errors.As(err, &pe) {
		pe = &PlatformError{Err: err}
	}
	attempts := it.Attempts + 1
	if pe.Permanent || pe.Alert || attempts >= w.MaxAttempts {
		w.Log.Error("platform action failed", "outbox", it.ID, "action", it.Kind.String(), "comment", it.CommentID,
			"attempts", attempts, "alert", pe.Alert, "err", err)
		return OutboxResult{State: OutboxFailed, Error: err.Error(), Alert: pe.Alert}
	}
	wait := max(pe.RetryAfter, Backoff(attempts, w.Random))
	w.Log.Warn("platform action will be retried", "outbox", it.ID, "action", it.Kind.String(), "attempts", attempts, "in", wait, "err", err)
	return OutboxResult{State: OutboxPending, NextAt: TruncateTime(w.Clock.Now().Add(wait)), Error: err.Error()}
}
