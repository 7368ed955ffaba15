package moderation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

// The inbox: raw deliveries from a platform's webhook, committed before the
// platform gets its 200 and processed afterwards. A crash between the two
// loses nothing; processing is idempotent, so a delivery processed twice
// (a crash after its changes, before it was marked done) or delivered
// twice by the platform takes effect once.

// Delivery is one raw webhook delivery.
type Delivery struct {
	ID         int64
	Platform   string // "facebook"
	ReceivedAt time.Time
	Body       []byte // exactly as received (its signature covers these bytes)
	State      OutboxState
	Attempts   int
	LastError  string
}

// InboxStore is what the inbox needs from persistence.
type InboxStore interface {
	// PutDelivery commits a raw delivery and sets d.ID.
	PutDelivery(ctx context.Context, d *Delivery) error
	// ClaimDeliveries leases up to limit pending deliveries, oldest first,
	// to holder until until; two holders never get the same one.
	ClaimDeliveries(ctx context.Context, holder string, now, until time.Time, limit int) ([]Delivery, error)
	// FinishDelivery records the outcome: done, or pending again with the
	// error (retried at next), or failed (an undecodable body: kept for a
	// person to look at, never dropped).
	FinishDelivery(ctx context.Context, id int64, holder string, state OutboxState, errMsg string, next, now time.Time) error
	// InboxStats counts pending and failed deliveries.
	InboxStats(ctx context.Context) (pending, failed int64, err error)
	// RememberRemoval records that a comment was deleted on the platform
	// before we knew it (a remove that overtook its add).
	RememberRemoval(ctx context.Context, source, externalID string, at time.Time) error
	// Removed reports whether such a removal was recorded.
	Removed(ctx context.Context, source, externalID string) (bool, error)
}

// DeliveryHandler applies one delivery. A *PlatformError with Permanent
// set marks the delivery failed (it will never parse); any other error is
// retried.
type DeliveryHandler func(ctx context.Context, d Delivery) error

// InboxWorker processes deliveries until its context ends.
type InboxWorker struct {
	Store   InboxStore
	Handle  DeliveryHandler
	Clock   Clock
	Log     *slog.Logger
	Holder  string
	Lease   time.Duration // default 1 minute
	Poll    time.Duration // default 200 ms: a comment must be judged within seconds
	Random  func() float64
	MaxTake int // deliveries per claim, default 16
}

// RunOnce processes one batch and says how many deliveries it took.
func (w *InboxWorker) RunOnce(ctx context.Context) (int, error) {
	w.defaults()
	now := TruncateTime(w.Clock.Now())
	ds, err := w.Store.ClaimDeliveries(ctx, w.Holder, now, now.Add(w.Lease), w.MaxTake)
	if err != nil {
		return 0, fmt.Errorf("claim deliveries: %w", err)
	}
	for _, d := range ds {
		state, msg, next := OutboxDone, "", time.Time{}
		if err := w.handle(ctx, d); err != nil {
			msg = err.Error()
			var pe *PlatformError
			if errors.As(err, &pe) && pe.Permanent || d.Attempts+1 >= maxDeliveryAttempts {
				state = OutboxFailed
				w.Log.Error("delivery cannot be processed; kept as failed", "delivery", d.ID, "err", err)
			} else {
				state, next = OutboxPending, TruncateTime(w.Clock.Now().Add(Backoff(d.Attempts+1, w.Random)))
				w.Log.Warn("delivery will be retried", "delivery", d.ID, "attempts", d.Attempts+1, "err", err)
			}
		}
		if err := w.Store.FinishDelivery(ctx, d.ID, w.Holder, state, msg, next, TruncateTime(w.Clock.Now())); err != nil {
			return len(ds), fmt.Errorf("delivery %d: %w", d.ID, err)
		}
	}
	return len(ds), nil
}

// maxDeliveryAttempts gives up on a delivery that keeps failing (with the
// backoff, after about two days): it is kept as failed for a person to
// look at, never dropped, and stops holding up the others.
const maxDeliveryAttempts = 25

// handle applies one delivery; a panic in it (a bug met by one odd
// delivery) is that delivery's failure, counted and retried like any
// other, not the whole server's crash at every restart.
func (w *InboxWorker) handle(ctx context.Context, d Delivery) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("delivery %d: panic: %v", d.ID, r)
		}
	}()
	return w.Handle(ctx, d)
}

// Run processes deliveries until ctx ends. Wake, when not nil, cuts the
// wait short: the webhook handler signals it after committing a delivery.
func (w *InboxWorker) Run(ctx context.Context, wake <-chan struct{}) error {
	w.defaults()
	return poll(ctx, "inbox", w.Log, w.Poll, wake, w.RunOnce)
}

func (w *InboxWorker) defaults() {
	if w.Lease <= 0 {
		w.Lease = time.Minute
	}
	if w.Poll <= 0 {
		w.Poll = 200 * time.Millisecond
	}
	if w.MaxTake <= 0 {
		w.MaxTake = 16
	}
	if w.Clock == nil {
		w.Clock = SystemClock{}
	}
	if w.Log == nil {
		w.Log = slog.Default()
	}
	if w.Random == nil {
		w.Random = rand.Float64
	}
}
