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
	Intake(ctx context.Context, c *Comment, e *Event) (created bool, err error)
	// Transition applies a status change: the comment's current status must
	// equal e.From (else ErrConflict), the change must be allowed, and patch
	// (may be nil) updates the comment's text, verdict and category with it.
	Transition(ctx context.Context, e *Event, patch *Patch) error
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
	// given time, and the text snapshots of their events; it returns how
	// many comments it purged. Counts and hashes are unchanged.
	Purge(ctx context.Context, before time.Time) (int, error)
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
