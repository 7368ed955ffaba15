package moderation

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// VerifyReader is what Verify reads: the log in sequence pages and the
// comments in id pages. Each page comes from one snapshot of the store, so
// a server writing meanwhile never looks like tampering.
type VerifyReader interface {
	// Head is the stored chain head: the last sequence number and hash.
	Head(ctx context.Context) (seq int64, hash string, err error)
	// EventPage returns up to limit events with Seq > after, in order,
	// with their snapshots, and the comments they name (a comment that
	// does not exist is absent from the map).
	EventPage(ctx context.Context, after int64, limit int) ([]Event, map[int64]Comment, error)
	// CommentPage returns up to limit comments with ID > after, in id
	// order, each with its last event. Verdicts and the event's snapshots
	// may be left out: what is compared here is chained.
	CommentPage(ctx context.Context, after int64, limit int) ([]CommentLast, error)
}

// CommentLast is a comment and the last event recorded for it (nil when
// there is none).
type CommentLast struct {
	Comment Comment
	Last    *Event
}

// Problem is one thing found wrong, named by the row it is about.
type Problem struct {
	Seq       int64 // the event at fault, 0 when it is about a comment
	CommentID int64 // the comment at fault, 0 when it is about the log
	What      string
}

func (p Problem) String() string {
	switch {
	case p.Seq > 0 && p.CommentID > 0:
		return fmt.Sprintf("event %d (comment %d): %s", p.Seq, p.CommentID, p.What)
	case p.Seq > 0:
		return fmt.Sprintf("event %d: %s", p.Seq, p.What)
	case p.CommentID > 0:
		return fmt.Sprintf("comment %d: %s", p.CommentID, p.What)
	}
	return p.What
}

// VerifyOptions tune Verify; the zero value is fine.
type VerifyOptions struct {
	PageSize    int // rows per read; 0 means 5000
	MaxProblems int // problems kept (the rest are counted); 0 means 100
}

// VerifyResult is what Verify checked and found.
type VerifyResult struct {
	Events   int64  // events whose chain was checked
	Head     string // the hash they end on
	Comments int64  // comments checked against their last event
	Purged   int64  // of which purged (text and author erased)
	// LegacyPurged counts purged comments with no purge event, accepted
	// because their purge predates the first purge event of the log
	// (verify_purge.go); Legacy lists the first of them.
	LegacyPurged int64
	Legacy       []int64
	Problems     []Problem
	Dropped      int // problems found past MaxProblems
}

// OK reports whether nothing was found wrong.
func (r *VerifyResult) OK() bool { return len(r.Problems) == 0 }

// Err is nil when OK, else a *VerifyError listing the problems.
func (r *VerifyResult) Err() error {
	if r.OK() {
		return nil
	}
	return &VerifyError{Problems: r.Problems, Dropped: r.Dropped}
}

// VerifyError lists what Verify found wrong.
type VerifyError struct {
	Problems []Problem
	Dropped  int
}

func (e *VerifyError) Error() string {
	s := fmt.Sprintf("%d problem(s) found", len(e.Problems)+e.Dropped)
	for _, p := range e.Problems {
		s += "\n  " + p.String()
	}
	if e.Dropped > 0 {
		s += fmt.Sprintf("\n  … and %d more", e.Dropped)
	}
	return s
}

// Verify checks the whole store against its log, streaming it page by
// page (memory is one page, whatever the size of the database):
//   - the hash chain from the first event to the stored head, and that the
//     head is where the log ends;
//   - each event: its comment exists; its verdict snapshot matches the
//     verdict digest it chains; its text snapshot and the comment's author
//     match the salted digests it chains, unless the comment was purged,
//     in which case no text snapshot may remain;
//   - each comment: it has events; its status and category are those its
//     last event set; its text and author match that event's digests.
//
// A purge is recognised by its own event (verify_purge.go), with
// everything it erases erased, never by a missing salt alone: a NULL salt
// with no purge recorded, purged_at without a purge event (past the legacy
// ones), or text left after one, is tampering.
func Verify(ctx context.Context, r VerifyReader, opt VerifyOptions) (*VerifyResult, error) {
	if opt.PageSize <= 0 {
		opt.PageSize = 5000
	}
	if opt.MaxProblems <= 0 {
		opt.MaxProblems = 100
	}
	v := &verifier{r: r, opt: opt, res: &VerifyResult{}}
	if err := v.events(ctx); err != nil {
		return nil, err
	}
	if err := v.comments(ctx); err != nil {
		return nil, err
	}
	return v.res, nil
}

type verifier struct {
	r      VerifyReader
	opt    VerifyOptions
	res    *VerifyResult
	broken bool     // the chain broke: later links are not checked
	purges purgeLog // which comments have a purge event (verify_purge.go)
}

func (v *verifier) add(p Problem) {
	if len(v.res.Problems) < v.opt.MaxProblems {
		v.res.Problems = append(v.res.Problems, p)
	} else {
		v.res.Dropped++
	}
}

// events walks the log up to the stored head. The head is read first: a
// running server may append while we read, and the events up to this head
// are what it vouches for. An event past the head is either one committed
// since (the head moved with it, in the same transaction) or one the head
// does not vouch for (a head moved back by hand): the head is read again
// to tell them apart.
func (v *verifier) events(ctx context.Context) error {
	seq, head, err := v.r.Head(ctx)
	if err != nil {
		return err
	}
	chain := NewChainVerifier()
	var after int64
	for {
		for after < seq {
			evs, cs, err := v.r.EventPage(ctx, after, int(min(int64(v.opt.PageSize), seq-after)))
			if err != nil {
				return err
			}
			if len(evs) == 0 {
				break
			}
			for i := range evs {
				v.checkEvent(chain, &evs[i], cs)
			}
			after = evs[len(evs)-1].Seq
		}
		if v.broken {
			break // already reported: the head check would only repeat it
		}
		if chain.Count != seq || chain.Head() != head {
			v.add(Problem{What: fmt.Sprintf("chain head mismatch: the log ends at event %d (%s) but the stored head is event %d (%s): events were removed or added outside Vigie",
				chain.Count, short(chain.Head()), seq, short(head))})
			break
		}
		next, _, err := v.r.EventPage(ctx, after, 1)
		if err != nil {
			return err
		}
		if len(next) == 0 {
			break
		}
		if seq, head, err = v.r.Head(ctx); err != nil {
			return err
		}
		if seq < next[0].Seq {
			v.add(Problem{What: fmt.Sprintf("chain head mismatch: the log goes on to event %d past the stored head, event %d (%s): the head was changed outside Vigie",
				next[0].Seq, seq, short(head))})
			break
		}
	}
	v.res.Events, v.res.Head = chain.Count, chain.Head()
	return nil
}

// checkEvent checks one event's link in the chain (until the first break)
// and its row against its comment.
func (v *verifier) checkEvent(chain *ChainVerifier, e *Event, cs map[int64]Comment) {
	// After the first break the rest of the log is still read for its
	// rows, not its hashes: every link after it would fail too.
	if !v.broken {
		if err := chain.Check(e); err != nil {
			v.broken = true
			var br *ChainBreak
			if !errors.As(err, &br) {
				br = &ChainBreak{Seq: e.Seq, Reason: err.Error()}
			}
			v.add(Problem{Seq: e.Seq, CommentID: e.CommentID, What: "chain broken: " + br.Reason})
		}
	}
	if e.VerdictDigest != "" {
		switch {
		case e.Verdict == nil:
			v.add(Problem{Seq: e.Seq, CommentID: e.CommentID, What: "its verdict snapshot is missing though the chain holds its digest (events.verdict was erased)"})
		case VerdictDigest(e.Verdict) != e.VerdictDigest:
			v.add(Problem{Seq: e.Seq, CommentID: e.CommentID, What: "its stored verdict does not match the verdict digest in the chain (events.verdict was rewritten)"})
		}
	}
	if e.Route == RouteCrisis || e.CommentID == 0 {
		v.checkPageEvent(e) // crisis.go
		return
	}
	c, ok := cs[e.CommentID]
	if !ok {
		v.add(Problem{Seq: e.Seq, CommentID: e.CommentID, What: "its comment does not exist (the comment row was deleted)"})
		return
	}
	if e.IsPurge() {
		v.checkPurgeEvent(e, &c) // verify_purge.go
		return
	}
	switch {
	case !c.PurgedAt.IsZero():
		if e.Text != "" {
			v.add(Problem{Seq: e.Seq, CommentID: e.CommentID, What: "it still holds a text snapshot though its comment was purged"})
		}
	case len(c.Salt) == 0:
		// Reported once, with the comment.
	default:
		if e.Text != "" && Digest(c.Salt, e.Text) != e.TextDigest {
			v.add(Problem{Seq: e.Seq, CommentID: e.CommentID, What: "its stored text does not match the text digest in the chain (the snapshot was altered)"})
		}
		if Digest(c.Salt, c.Author.ID, c.Author.Name) != e.AuthorDigest {
			v.add(Problem{Seq: e.Seq, CommentID: e.CommentID, What: "the comment's author does not match the author digest of this event (the comment was altered)"})
		}
	}
}

// comments walks the comments in id order, each against its last event.
func (v *verifier) comments(ctx context.Context) error {
	for after := int64(0); ; {
		page, err := v.r.CommentPage(ctx, after, v.opt.PageSize)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		for i := range page {
			v.checkComment(&page[i].Comment, page[i].Last)
		}
		after = page[len(page)-1].Comment.ID
	}
}

func (v *verifier) checkComment(c *Comment, last *Event) {
	v.res.Comments++
	bad := func(format string, args ...any) {
		v.add(Problem{CommentID: c.ID, What: fmt.Sprintf(format, args...)})
	}
	if last == nil {
		bad("it has no event (a comment is written with its first event: its events were deleted, or the row was added outside Vigie)")
		return
	}
	if c.Status != last.To {
		bad("its status is %s but its last event, %d, says %s (the comment was altered)", c.Status, last.Seq, last.To)
	}
	if c.Category != last.Category {
		bad("its category is %q but its last event, %d, says %q (the comment was altered)", c.Category, last.Seq, last.Category)
	}
	if !c.PurgedAt.IsZero() {
		v.res.Purged++
		v.checkPurgeRecorded(c, last) // verify_purge.go
		if c.Text != "" || c.Author.ID != "" || c.Author.Name != "" || len(c.Salt) > 0 {
			bad("it is marked purged at %s yet still holds %s (a purge erases them all)", c.PurgedAt.Format(time.RFC3339), kept(c))
		}
		return
	}
	if len(c.Salt) == 0 {
		bad("its salt is erased but no purge is recorded for it (purged_at is empty): its text and author cannot be checked against the chain")
		return
	}
	if Digest(c.Salt, c.Text) != last.TextDigest {
		bad("its text does not match the text digest of its last event, %d (the comment was altered)", last.Seq)
	}
	if Digest(c.Salt, c.Author.ID, c.Author.Name) != last.AuthorDigest {
		bad("its author does not match the author digest of its last event, %d (the comment was altered)", last.Seq)
	}
}

// kept names what a purged comment should no longer hold.
func kept(c *Comment) string {
	var s []string
	if c.Text != "" {
		s = append(s, "text")
	}
	if c.Author.ID != "" || c.Author.Name != "" {
		s = append(s, "author")
	}
	if len(c.Salt) > 0 {
		s = append(s, "salt")
	}
	out := s[0]
	for _, w := range s[1:] {
		out += " and " + w
	}
	return out
}

func short(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	return h
}
