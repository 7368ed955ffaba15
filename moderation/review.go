package moderation

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"vigie/rules"
)

// urgentCategories wait less in the queue: a threat or published personal
// data hurts someone for as long as it stays visible.
var urgentCategories = map[string]float64{"threat": 10, "personal_data": 8, "hate": 5, "insult": 2}

// reviewItemOf is the queue entry of a comment going to review.
func reviewItemOf(c *Comment, v *rules.Verdict) *ReviewItem {
	it := &ReviewItem{CommentID: c.ID, Source: c.Source, Language: c.Language, ReceivedAt: c.ReceivedAt}
	if v != nil {
		it.Score, it.Category, it.Reason, it.Fingerprint = v.Score, v.Category, reviewReason(v), v.Fingerprint
	}
	if it.Fingerprint == "" && c.Text != "" {
		it.Fingerprint = rules.Fingerprint(c.Text)
	}
	it.Priority = it.Score + urgentCategories[it.Category]
	return it
}

// reviewReason names what sent a comment to review: the first rule that
// asked for it, else the language or the score.
func reviewReason(v *rules.Verdict) string {
	for _, m := range v.Matches {
		if !m.Shadow {
			return m.Rule
		}
	}
	if v.Language == "" {
		return "language"
	}
	return "score"
}

// QueueEntry is a review item with its comment, for a page of the queue.
type QueueEntry struct {
	Item    ReviewItem
	Comment Comment
}

// Queue lists pending comments by priority.
func (s *Service) Queue(ctx context.Context, f QueueFilter) ([]QueueEntry, error) {
	if f.Now.IsZero() {
		f.Now = s.clock.Now()
	}
	items, err := s.store.Queue(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return s.entries(ctx, items)
}

func (s *Service) entries(ctx context.Context, items []ReviewItem) ([]QueueEntry, error) {
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.CommentID
	}
	cs, err := s.store.CommentsByID(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	out := make([]QueueEntry, 0, len(items))
	for _, it := range items {
		if c, ok := cs[it.CommentID]; ok { // else decided between the two reads
			out = append(out, QueueEntry{Item: it, Comment: c})
		}
	}
	return out, nil
}

// QueueStats counts the queue now, every page's (ScopedQueueStats: some).
func (s *Service) QueueStats(ctx context.Context) (QueueStats, error) {
	return s.store.QueueStats(ctx, s.clock.Now(), SourceScope{})
}

// QueueGroups lists texts waiting in several copies, on every page.
func (s *Service) QueueGroups(ctx context.Context, limit int) ([]QueueGroup, error) {
	return s.store.QueueGroups(ctx, limit, SourceScope{})
}

// Lease is how long a claim lasts.
func (s *Service) Lease() time.Duration { return s.lease }

// Claim gives the moderator the next comment to review, leased to them.
func (s *Service) Claim(ctx context.Context, actor string, f QueueFilter) (QueueEntry, error) {
	now := TruncateTime(s.clock.Now())
	it, err := s.store.Claim(ctx, actor, f, now, now.Add(s.lease))
	if err != nil {
		return QueueEntry{}, fmt.Errorf("claim: %w", err)
	}
	es, err := s.entries(ctx, []ReviewItem{it})
	if err != nil || len(es) == 0 {
		return QueueEntry{}, fmt.Errorf("claim %d: %w", it.CommentID, errors.Join(err, ErrNotFound))
	}
	return es[0], nil
}

// ClaimComments leases these comments to the moderator (a selection, one
// author's comments, the copies of one text), all or none. Calling it again
// renews the lease: the review page does so while it stays open.
func (s *Service) ClaimComments(ctx context.Context, actor string, ids []int64) ([]ReviewItem, error) {
	if len(ids) == 0 {
		return nil, Errorf(ErrInvalid, "ids", "no comment selected")
	}
	now := TruncateTime(s.clock.Now())
	items, err := s.store.ClaimComments(ctx, actor, ids, now, now.Add(s.lease))
	if err != nil {
		return nil, fmt.Errorf("claim %v: %w", ids, err)
	}
	return items, nil
}

// Release gives claimed comments back to the queue.
func (s *Service) Release(ctx context.Context, actor string, ids []int64) error {
	return s.store.Release(ctx, actor, ids)
}

// Verdict actions a moderator takes on a pending comment.
const (
	Publish = "publish"
	Refuse  = "refuse"
)

// ReviewDecision is a moderator's decision on a pending comment.
type ReviewDecision struct {
	CommentID int64
	Action    string // Publish or Refuse
	Category  string // the reason of a refusal
	Note      string
}

func targetOf(action string) (Status, error) {
	switch action {
	case Publish:
		return StatusPublished, nil
	case Refuse:
		return StatusRefused, nil
	}
	return 0, Errorf(ErrInvalid, "action", "action must be %q or %q", Publish, Refuse)
}

// Review decides a pending comment. It must not be claimed by somebody
// else (ErrConflict), and it must still be pending (ErrConflict): two
// moderators deciding one comment at once cannot both succeed.
func (s *Service) Review(ctx context.Context, actor string, d ReviewDecision) (Event, error) {
	to, err := targetOf(d.Action)
	if err != nil {
		return Event{}, err
	}
	dec := Decision{CommentID: d.CommentID, From: StatusPending, To: to, Actor: actor, Route: RouteReview,
		Automation: AutomationPartial, Category: d.Category, Note: d.Note}
	return s.decide(ctx, dec, Effects{Claimant: actor})
}

// BulkResult is the outcome for one comment of a decision on many.
type BulkResult struct {
	CommentID int64
	Event     Event
	Err       error
}

// ReviewMany applies one decision to many pending comments (a selection,
// the copies of one text): each gets its own event. Each is decided as
// Review decides one (a comment someone else holds fails alone, with
// ErrConflict), concurrently so the store commits them together.
func (s *Service) ReviewMany(ctx context.Context, actor string, ids []int64, d ReviewDecision) []BulkResult {
	out := make([]BulkResult, len(ids))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i, id := range ids {
		out[i].CommentID = id
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			dd := d
			dd.CommentID = id
			out[i].Event, out[i].Err = s.Review(ctx, actor, dd)
		}()
	}
	wg.Wait()
	return out
}

// UndoWindow is how long a moderator may take back a decision with u.
const UndoWindow = 10 * time.Second

// Undo takes back the moderator's own last decision on a comment, within
// UndoWindow: the comment goes back to the queue, by an event of route
// undo (the decision and its undo both stay in the log).
func (s *Service) Undo(ctx context.Context, actor string, commentID int64, note string) (Event, error) {
	evs, err := s.store.Events(ctx, commentID)
	if err != nil {
		return Event{}, fmt.Errorf("undo %d: %w", commentID, err)
	}
	if len(evs) == 0 {
		return Event{}, fmt.Errorf("undo %d: %w", commentID, ErrNotFound)
	}
	last := evs[len(evs)-1]
	switch {
	case last.Actor != actor || last.Route != RouteReview:
		return Event{}, fmt.Errorf("undo %d: the last decision is not yours: %w", commentID, ErrConflict)
	case s.clock.Now().Sub(last.At) > UndoWindow:
		return Event{}, fmt.Errorf("undo %d: more than %s have passed: %w", commentID, UndoWindow, ErrConflict)
	}
	if note == "" {
		note = fmt.Sprintf("undo of event %d", last.Seq)
	}
	dec := Decision{CommentID: commentID, From: last.To, To: StatusPending, Actor: actor, Route: RouteUndo,
		Automation: AutomationNone, Note: note}
	return s.decide(ctx, dec, Effects{})
}
