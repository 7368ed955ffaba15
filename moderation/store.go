package moderation

import (
	"context"
	"time"

	"vigie/rules"
)

// Store is what the domain needs from persistence. storage.DB implements it
// on SQLite and PostgreSQL. Every method that changes a status writes exactly
// one event in the same transaction, sealed into the hash chain.
type Store interface {
	// Intake stores a new comment with its first event. When a comment with
	// the same (Source, ExternalID) exists it writes nothing, fills c with
	// the stored comment and returns created=false. On success c.ID, e.Seq,
	// e.PrevHash and e.Hash are set. It returns only after the commit.
	// fx are written in the same transaction (nothing of them when the
	// comment already existed).
	Intake(ctx context.Context, c *Comment, e *Event, fx Effects) (created bool, err error)
	// Transition applies a status change: the comment's current status must
	// equal e.From (else ErrConflict), the change must be allowed, and patch
	// (may be nil) updates the comment's text, verdict and category with it.
	// fx are checked and written in the same transaction: a guard that fails
	// (a live claim of another holder, an appeal or audit no longer open) is
	// ErrConflict and writes nothing. Whatever fx says, a comment that
	// leaves pending leaves the review queue, and a status change closes
	// the comment's open audits and appeals as superseded.
	Transition(ctx context.Context, e *Event, patch *Patch, fx Effects) error
	// Comment returns a comment by id (ErrNotFound).
	Comment(ctx context.Context, id int64) (Comment, error)
	// CommentBySource returns a comment by its source id (ErrNotFound).
	CommentBySource(ctx context.Context, source, externalID string) (Comment, error)
	// Events returns a comment's events, oldest first.
	Events(ctx context.Context, commentID int64) ([]Event, error)
	// EventsAfter returns up to limit events with Seq > after, in order:
	// the way verify, reports and other instances read the log.
	EventsAfter(ctx context.Context, after int64, limit int) ([]Event, error)
	// Purge erases text, author and salt of comments received before the
	// given time, and the text snapshots of their events, recording one
	// purge event per comment (purge.go); it returns how many comments it
	// purged. Counts and the hashes of earlier events are unchanged.
	Purge(ctx context.Context, before time.Time) (int, error)

	QueueStore
	AuditStore
	AppealStore
}

// Effects are the writes that ride with an event in its transaction: they
// commit with the status change or not at all. The zero value writes none.
type Effects struct {
	// Review is the queue entry of a comment that becomes pending.
	Review *ReviewItem
	// Audit samples this automated decision into the blind-audit queue.
	Audit bool
	// Actions are owed to the platform because of the event (outbox rows).
	Actions []PlatformAction
	// Claimant is who decides: another holder's live claim on the comment
	// makes the decision a conflict. Empty: no claim is checked.
	Claimant string
	// AppealID closes this open appeal with the event (upheld or reinstated).
	AppealID int64
	// AuditID closes this open audit with the event (confirmed or overturned).
	AuditID int64
	// LastSeq, when set, is the comment's last event the change was judged
	// on: a comment that has had another event since is ErrConflict (two
	// copies of one platform change applied at once record it once).
	LastSeq int64
}

// Patch is what a transition may change on the comment besides its status.
type Patch struct {
	Text     *string
	Verdict  *rules.Verdict
	Language *string
}

// Clock tells the time; tests give a fixed one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }
