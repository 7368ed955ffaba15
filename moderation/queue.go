package moderation

import (
	"context"
	"time"
)

// ReviewItem is a pending comment as the review queue holds it: what the
// queue sorts and filters on, and who holds it now.
type ReviewItem struct {
	CommentID int64
	// Priority orders the queue, highest first (then oldest first). It is
	// the verdict's score plus the weight of its category: a threat waits
	// less than a shout.
	Priority float64
	Score    float64
	Category string
	Language string
	Source   string
	// Reason is what sent the comment to review: the first rule that asked
	// for it, or "score" or "language".
	Reason string
	// Fingerprint groups copies of one text (the 2015 case: 155 identical
	// posts are decided together).
	Fingerprint string
	ReceivedAt  time.Time
	Holder      string    // who holds the claim; "" when nobody does
	LeaseUntil  time.Time // the claim lapses then; zero when unclaimed
}

// HeldBy reports whether holder has a live claim on the item at now.
func (it ReviewItem) HeldBy(holder string, now time.Time) bool {
	return it.Holder == holder && it.LeaseUntil.After(now)
}

// Claimed reports whether anybody has a live claim on the item at now.
func (it ReviewItem) Claimed(now time.Time) bool {
	return it.Holder != "" && it.LeaseUntil.After(now)
}

// QueueFilter selects review items. Empty fields select everything.
type QueueFilter struct {
	Category    string
	Language    string
	Source      string
	Reason      string
	Fingerprint string
	// Author selects one author's comments: Source must be set too, since
	// an author id means something only at its source.
	AuthorID string
	// Unclaimed leaves out items with a live claim (at Now).
	Unclaimed bool
	Now       time.Time
	Limit     int
	// After pages on: items that sort after this one.
	After *ReviewItem
	// Scope limits the items to some pages' sources (pages.go): a
	// moderator never lists nor claims another page's comment.
	Scope SourceScope
}

// QueueStats summarises the queue for the dashboard and /metrics.
type QueueStats struct {
	Depth   int64
	Claimed int64
	Oldest  time.Time // received_at of the oldest pending item; zero when empty
}

// QueueGroup is one text posted several times and waiting for review.
type QueueGroup struct {
	Fingerprint string
	Count       int64
	Authors     int64
	Sample      int64 // one of its comments, to show the text
}

// QueueStore is what the review queue needs from persistence. Claims are
// writes without events: they go around the event writer, and stay safe
// with several processes (FOR UPDATE SKIP LOCKED on PostgreSQL, the single
// write connection on SQLite).
type QueueStore interface {
	// Queue lists items by priority, highest first, then oldest.
	Queue(ctx context.Context, f QueueFilter) ([]ReviewItem, error)
	// QueueStats counts the queue at now, within the scope.
	QueueStats(ctx context.Context, now time.Time, scope SourceScope) (QueueStats, error)
	// QueueGroups lists texts with more than one pending copy within the
	// scope, largest first.
	QueueGroups(ctx context.Context, limit int, scope SourceScope) ([]QueueGroup, error)
	// ReviewItem returns one item (ErrNotFound when the comment is not pending).
	ReviewItem(ctx context.Context, commentID int64) (ReviewItem, error)
	// Claim leases the first item matching f that nobody holds (or whose
	// lease lapsed) to holder until until; ErrNotFound when there is none.
	// Two callers at once never get the same item.
	Claim(ctx context.Context, holder string, f QueueFilter, now, until time.Time) (ReviewItem, error)
	// ClaimComments leases these comments to holder, all or none: any of
	// them held by another at now is ErrConflict, any not pending ErrNotFound.
	// The holder's own claims are renewed.
	ClaimComments(ctx context.Context, holder string, ids []int64, now, until time.Time) ([]ReviewItem, error)
	// Release gives up holder's claims on these comments (others' stay).
	Release(ctx context.Context, holder string, ids []int64) error
	// CommentsByID returns the comments with these ids; missing ones are
	// absent from the map (a page of the queue reads its comments at once).
	CommentsByID(ctx context.Context, ids []int64) (map[int64]Comment, error)
	// AuthorCounts counts one author's comments by status (the author's
	// history a moderator weighs); an empty author id counts nothing.
	AuthorCounts(ctx context.Context, source, authorID string) (map[Status]int64, error)
}
