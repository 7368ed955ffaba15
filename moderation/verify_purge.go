package moderation

import (
	"fmt"
	"time"
)

// How Verify recognises a purge (see purge.go): a comment is purged if and
// only if the log holds its purge event.
//   - A purge event whose comment is not marked purged, or still holds its
//     text, author or salt, is tampering: the erasure was undone.
//   - A comment marked purged (purged_at) without a purge event is
//     tampering, unless its purge is older than the first purge event of
//     the log: versions before purge events erased without recording, and
//     those comments are accepted as legacy purges, counted and listed.
//     Once a purge has been recorded, every later one must be.
//   - Events after a purge event are allowed: a purged comment can still
//     be decided (an appeal, a report, the platform withdrawing it), as
//     before; its later events simply have nothing personal to digest.
//     A second purge event for one comment is tampering (a purge takes
//     only comments not yet purged).
//
// The event pass remembers which comments have a purge event in one bit
// per comment id (125 KB per million comments), so memory stays a page of
// rows plus that bitmap, whatever the size of the log.

// purgeLog is what the event pass learns of purges for the comment pass.
type purgeLog struct {
	bits  []uint64
	first time.Time // time of the first purge event; zero when none
}

func (p *purgeLog) has(id int64) bool {
	i := id / 64
	return id > 0 && i < int64(len(p.bits)) && p.bits[i]&(1<<(id%64)) != 0
}

// add records a purge event for comment id and reports whether one was
// recorded before.
func (p *purgeLog) add(id int64, at time.Time) bool {
	if p.has(id) {
		return true
	}
	if p.first.IsZero() {
		p.first = at
	}
	i := int(id / 64)
	if i >= len(p.bits) {
		p.bits = append(p.bits, make([]uint64, max(i+1-len(p.bits), len(p.bits)/2))...)
	}
	p.bits[i] |= 1 << (id % 64)
	return false
}

// checkPurgeEvent checks a purge event against its comment as the same
// snapshot shows it: erased in the purge's own transaction, so anything
// left is an erasure undone.
func (v *verifier) checkPurgeEvent(e *Event, c *Comment) {
	bad := func(format string, args ...any) {
		v.add(Problem{Seq: e.Seq, CommentID: e.CommentID, What: fmt.Sprintf(format, args...)})
	}
	if v.purges.add(e.CommentID, e.At) {
		bad("it is a second purge event for its comment (a purge takes only comments not yet purged)")
	}
	switch {
	case c.PurgedAt.IsZero():
		bad("it records a purge but its comment is not marked purged (purged_at was cleared)")
	case c.Text != "" || c.Author.ID != "" || c.Author.Name != "" || len(c.Salt) > 0:
		bad("it records a purge but its comment still holds %s (the erasure was undone)", kept(c))
	}
	if e.Text != "" {
		bad("it records a purge yet holds a text snapshot")
	}
}

// checkPurgeRecorded checks that a comment marked purged has its purge
// event, or is a legacy purge.
func (v *verifier) checkPurgeRecorded(c *Comment, last *Event) {
	switch {
	case last.IsPurge() || v.purges.has(c.ID):
		return
	case last.Seq > v.res.Events:
		return // written after the log was read: the event pass never saw it
	case v.purges.first.IsZero() || c.PurgedAt.Before(v.purges.first):
		v.res.LegacyPurged++
		if len(v.res.Legacy) < v.opt.MaxProblems {
			v.res.Legacy = append(v.res.Legacy, c.ID)
		}
		return
	}
	v.add(Problem{CommentID: c.ID, What: fmt.Sprintf("it is marked purged at %s but no purge event records it (purges have been recorded since %s: purged_at was set outside Vigie)",
		c.PurgedAt.Format(time.RFC3339), v.purges.first.Format(time.RFC3339))})
}
