package facebook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"vigie/moderation"
)

// Processor applies webhook deliveries (from the inbox) and catch-up reads
// to the moderation service. Every change is idempotent: Meta delivers at
// least once and out of order, a delivery may be processed again after a
// crash, and a catch-up may read what the webhook already brought.
type Processor struct {
	svc   *moderation.Service
	inbox moderation.InboxStore
	pages moderation.PagePolicy
	log   *slog.Logger
}

// NewProcessor applies changes of the pages in pages (by source); changes
// of other pages are skipped.
func NewProcessor(svc *moderation.Service, inbox moderation.InboxStore, pages moderation.PagePolicy, log *slog.Logger) *Processor {
	if log == nil {
		log = slog.Default()
	}
	return &Processor{svc: svc, inbox: inbox, pages: pages, log: log}
}

// PageIDs lists the pages a raw delivery is about, without reading its
// changes: the webhook stores only deliveries that concern a page it
// moderates.
func PageIDs(body []byte) ([]string, error) {
	var w struct {
		Object string `json:"object"`
		Entry  []struct {
			ID wireID `json:"id"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, moderation.Errorf(moderation.ErrInvalid, "body", "delivery is not the JSON expected: %v", err)
	}
	if w.Object != "page" {
		return nil, moderation.Errorf(moderation.ErrInvalid, "object", "object is %q, want \"page\"", w.Object)
	}
	ids := make([]string, 0, len(w.Entry))
	for _, e := range w.Entry {
		ids = append(ids, string(e.ID))
	}
	return ids, nil
}

// Handle applies one stored delivery. A body that cannot be read is a
// permanent failure (kept for a person to look at); a change that fails
// for another reason fails the delivery, which is retried whole: the
// changes already applied are no-ops the second time.
func (p *Processor) Handle(ctx context.Context, d moderation.Delivery) error {
	del, err := ParseDelivery(d.Body)
	if err != nil {
		return &moderation.PlatformError{Permanent: true, Err: fmt.Errorf("delivery %d: %w", d.ID, err)}
	}
	for reason, n := range del.Ignored {
		p.log.Debug("changes ignored", "delivery", d.ID, "reason", string(reason), "count", n)
	}
	// A delivery carries up to a thousand changes. Applied one after the
	// other, each waits for its own commit (360 comments/s measured);
	// applied concurrently they share the writer's group commits (2,700/s).
	// The changes of one comment stay in their order, in one goroutine.
	groups := map[string][]Change{}
	var order []string
	for _, c := range del.Changes {
		if _, ok := p.pages[Source(c.PageID)]; !ok {
			continue
		}
		k := c.PageID + "/" + c.CommentID
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], c)
	}
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for _, k := range order {
		cs := groups[k]
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			for _, c := range cs {
				if err := p.Apply(ctx, c); err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("delivery %d, comment %s (%s): %w", d.ID, c.CommentID, c.Verb, err)
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

// Apply applies one change.
func (p *Processor) Apply(ctx context.Context, c Change) error {
	src := Source(c.PageID)
	switch c.Verb {
	case VerbAdd:
		return p.intake(ctx, c)
	case VerbEdited:
		_, err := p.svc.Edit(ctx, src, c.CommentID, c.Message)
		if errors.Is(err, moderation.ErrNotFound) {
			return p.intake(ctx, c) // the edit overtook its add
		}
		return p.skipInvalid(c, err)
	case VerbRemove:
		_, err := p.svc.Withdraw(ctx, src, c.CommentID)
		if errors.Is(err, moderation.ErrNotFound) {
			// The removal overtook its add: remember it, so the add,
			// when it comes, is taken in withdrawn.
			return p.inbox.RememberRemoval(ctx, src, c.CommentID, moderation.TruncateTime(time.Now()))
		}
		return err
	case VerbHide, VerbUnhide:
		return p.visibility(ctx, c)
	}
	return nil
}

// intake takes a comment in, then withdraws it at once if its removal
// arrived first.
func (p *Processor) intake(ctx context.Context, c Change) error {
	n := ToNewComment(c)
	if c.Message == "" && c.HasMedia {
		// A photo or sticker alone has no text to judge: it is left to
		// the page, and said so in the log.
		p.log.Info("comment without text skipped", "source", n.Source, "comment", c.CommentID)
		return nil
	}
	_, err := p.svc.Intake(ctx, n)
	if err = p.skipInvalid(c, err); err != nil {
		return err
	}
	removed, err := p.inbox.Removed(ctx, n.Source, n.ExternalID)
	if err != nil || !removed {
		return err
	}
	_, err = p.svc.Withdraw(ctx, n.Source, n.ExternalID)
	return err
}

// skipInvalid logs a change the domain refuses (an empty text, an id too
// long) and goes on: retrying cannot make it valid, and the delivery's
// other changes must not wait for it.
func (p *Processor) skipInvalid(c Change, err error) error {
	if errors.Is(err, moderation.ErrInvalid) {
		p.log.Warn("change refused", "page", c.PageID, "comment", c.CommentID, "verb", string(c.Verb), "err", err)
		return nil
	}
	return err
}

// visibility records a hide or unhide done on the page by someone other
// than Vigie. Meta reports our own actions back too, and names the Page as
// the actor either way; a change that matches what Vigie's decision made
// the page show is taken for our own and not recorded.
func (p *Processor) visibility(ctx context.Context, c Change) error {
	src := Source(c.PageID)
	cm, err := p.svc.Store().CommentBySource(ctx, src, c.CommentID)
	if errors.Is(err, moderation.ErrNotFound) {
		return nil // a comment we never took in: not ours to account for
	}
	if err != nil {
		return err
	}
	hidden := c.Verb == VerbHide
	if hidden == hiddenByUs(p.pages[src], cm.Status) {
		return nil
	}
	_, err = p.svc.PlatformVisibility(ctx, src, c.CommentID, hidden, c.CreatedTime)
	return err
}

// hiddenByUs says whether Vigie's decisions keep a comment in this status
// hidden on its page.
func hiddenByUs(page moderation.PageActions, s moderation.Status) bool {
	switch s {
	case moderation.StatusRefused, moderation.StatusWithdrawn:
		return true
	case moderation.StatusPending:
		return page.HidePending
	}
	return false
}

// SyncResult counts what a catch-up read and took in.
type SyncResult struct {
	Posts, Comments, New int
}

// Sync reads the page's posts since a time and their comments, and takes
// in those the webhook missed (an outage longer than Meta's retries, a page
// connected late). Comments already known are left as they are.
func (p *Processor) Sync(ctx context.Context, client *Client, pageID string, since time.Time) (SyncResult, error) {
	var r SyncResult
	if _, ok := p.pages[Source(pageID)]; !ok {
		return r, moderation.Errorf(moderation.ErrInvalid, "page", "page %s is not configured", pageID)
	}
	posts, err := client.PagePosts(ctx, pageID, since)
	if err != nil && len(posts) == 0 {
		return r, fmt.Errorf("sync %s: %w", pageID, err)
	}
	for _, post := range posts {
		r.Posts++
		cs, err := client.PostComments(ctx, pageID, post.ID)
		if err != nil && len(cs) == 0 {
			return r, fmt.Errorf("sync %s, post %s: %w", pageID, post.ID, err)
		}
		for _, cm := range cs {
			ch := cm.Change(pageID)
			if ch.ByPage() || ch.Message == "" {
				continue
			}
			r.Comments++
			res, err := p.svc.Intake(ctx, ToNewComment(ch))
			if err = p.skipInvalid(ch, err); err != nil {
				return r, err
			}
			if res.Created {
				r.New++
			}
		}
	}
	return r, nil
}
