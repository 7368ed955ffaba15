package storage

import (
	"database/sql"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"vigie/moderation"
)

// Effects are written by the writer in the event's transaction (see
// moderation.Effects): the review queue entry, the audit sample, the outbox
// rows, and the closing of claims, appeals and audits. Guards are read
// before anything of the request is written, so a refused request leaves
// the transaction as it found it (on PostgreSQL a failed statement would
// abort the whole batch).

type effectSQL struct {
	insertReview, deleteReview, holder     string
	insertAudit, auditOf, closeAudit       string
	supersedeAudits, appealOf, closeAppeal string
	supersedeAppeals, insertOutbox         string
	lastSeq                                string
}

func newEffectSQL(d dialect) effectSQL {
	return effectSQL{
		insertReview: d.bind(`INSERT INTO review_items (comment_id, priority, score, category, language, source, reason, fingerprint, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		deleteReview:     d.bind(`DELETE FROM review_items WHERE comment_id = ?`),
		holder:           d.bind(`SELECT holder, lease_until FROM review_items WHERE comment_id = ?`),
		insertAudit:      d.bind(`INSERT INTO audits (comment_id, event_seq, sampled_at, state) VALUES (?, ?, ?, 'open')`),
		auditOf:          d.bind(`SELECT comment_id, state FROM audits WHERE id = ?`),
		closeAudit:       d.bind(`UPDATE audits SET state = ?, decided_by = ?, decided_at = ?, decision_seq = ?, holder = '' WHERE id = ?`),
		supersedeAudits:  d.bind(`UPDATE audits SET state = 'superseded', decided_at = ?, decision_seq = ? WHERE comment_id = ? AND state = 'open' AND id <> ?`),
		appealOf:         d.bind(`SELECT comment_id, state FROM appeals WHERE id = ?`),
		closeAppeal:      d.bind(`UPDATE appeals SET state = ?, decided_by = ?, decided_at = ?, decision_seq = ? WHERE id = ?`),
		supersedeAppeals: d.bind(`UPDATE appeals SET state = 'superseded', decided_at = ?, decision_seq = ? WHERE comment_id = ? AND state = 'open' AND id <> ?`),
		lastSeq:          d.bind(`SELECT COALESCE(MAX(seq), 0) FROM events WHERE comment_id = ?`),
		insertOutbox: d.bind(`INSERT INTO outbox (comment_id, event_seq, source, external_id, action, state, attempts, next_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`),
	}
}

// checkEffects refuses effects that make no sense, in the caller's goroutine.
func checkEffects(fx moderation.Effects) error {
	for _, a := range fx.Actions {
		if !a.Kind.Valid() || a.Source == "" || a.ExternalID == "" {
			return moderation.Errorf(moderation.ErrInvalid, "actions", "a platform action needs a kind, a source and an external id")
		}
	}
	if fx.Review != nil && fx.Review.Source == "" {
		return moderation.Errorf(moderation.ErrInvalid, "review", "a review item needs its source")
	}
	return nil
}

// guardEffects reads what a transition's effects depend on. A domain
// refusal (a live claim of someone else, an appeal or audit closed since)
// comes back as refusal, with nothing written; err is a database failure.
func (w *writer) guardEffects(tx *gorm.DB, fx *moderation.Effects, e *moderation.Event) (refusal, err error) {
	ctx, q := tx.Statement.Context, w.sql.effects
	if fx.LastSeq != 0 {
		var last int64
		if err := conn(tx).QueryRowContext(ctx, q.lastSeq, e.CommentID).Scan(&last); err != nil {
			return nil, fmt.Errorf("read last event: %w", err)
		}
		for _, p := range w.pending { // this batch's events, not inserted yet
			if int64(p.CommentID) == e.CommentID {
				last = max(last, p.Seq)
			}
		}
		if last != fx.LastSeq {
			return fmt.Errorf("comment %d changed since event %d (now %d): %w", e.CommentID, fx.LastSeq, last, moderation.ErrConflict), nil
		}
	}
	if fx.Claimant != "" {
		var holder string
		var until sql.NullTime
		err := conn(tx).QueryRowContext(ctx, q.holder, e.CommentID).Scan(&holder, &until)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("read claim: %w", err)
		}
		if err == nil && holder != "" && holder != fx.Claimant && until.Valid && until.Time.After(e.At) {
			return fmt.Errorf("comment %d is claimed by someone else: %w", e.CommentID, moderation.ErrConflict), nil
		}
	}
	for _, g := range []struct {
		id    int64
		query string
		what  string
	}{{fx.AppealID, q.appealOf, "appeal"}, {fx.AuditID, q.auditOf, "audit"}} {
		if g.id == 0 {
			continue
		}
		var commentID int64
		var state string
		err := conn(tx).QueryRowContext(ctx, g.query, g.id).Scan(&commentID, &state)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && commentID != e.CommentID) {
			return fmt.Errorf("%s %d of comment %d: %w", g.what, g.id, e.CommentID, moderation.ErrNotFound), nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", g.what, err)
		}
		if state != "open" {
			return fmt.Errorf("%s %d is %s: %w", g.what, g.id, state, moderation.ErrConflict), nil
		}
	}
	return nil, nil
}

// writeEffects writes an event's effects once it is sealed (e.Seq is set).
func (w *writer) writeEffects(tx *gorm.DB, fx *moderation.Effects, e *moderation.Event) error {
	ctx, q, c := tx.Statement.Context, w.sql.effects, conn(tx)
	exec := func(what, query string, args ...any) error {
		if _, err := c.ExecContext(ctx, query, args...); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	at := moderation.TruncateTime(e.At)
	if e.From == moderation.StatusPending && e.To != moderation.StatusPending {
		if err := exec("leave queue", q.deleteReview, e.CommentID); err != nil {
			return err
		}
	}
	if it := fx.Review; it != nil && e.To == moderation.StatusPending {
		if err := exec("enter queue", q.insertReview, e.CommentID, it.Priority, it.Score, it.Category, it.Language,
			it.Source, it.Reason, it.Fingerprint, moderation.TruncateTime(it.ReceivedAt)); err != nil {
			return err
		}
	}
	if fx.Audit && e.Automation == moderation.AutomationFull && e.To != moderation.StatusPending {
		if err := exec("sample audit", q.insertAudit, e.CommentID, e.Seq, at); err != nil {
			return err
		}
	}
	if err := w.closeWork(tx, fx, e, exec); err != nil {
		return err
	}
	for _, a := range fx.Actions {
		if err := exec("outbox", q.insertOutbox, e.CommentID, e.Seq, a.Source, a.ExternalID, a.Kind.String(), at, at, at); err != nil {
			return err
		}
	}
	return nil
}

// closeWork closes the appeal or audit the event decides, and supersedes
// the comment's other open ones when its status changed.
func (w *writer) closeWork(_ *gorm.DB, fx *moderation.Effects, e *moderation.Event, exec func(string, string, ...any) error) error {
	q, at := w.sql.effects, moderation.TruncateTime(e.At)
	if fx.AppealID != 0 {
		state := moderation.AppealUpheld
		if e.To == moderation.StatusPublished {
			state = moderation.AppealReinstated
		}
		if err := exec("close appeal", q.closeAppeal, state.String(), e.Actor, at, e.Seq, fx.AppealID); err != nil {
			return err
		}
	}
	if fx.AuditID != 0 {
		state := moderation.AuditConfirmed
		if e.From != e.To {
			state = moderation.AuditOverturned
		}
		if err := exec("close audit", q.closeAudit, state.String(), e.Actor, at, e.Seq, fx.AuditID); err != nil {
			return err
		}
	}
	if e.From == e.To || e.From == 0 {
		return nil
	}
	if err := exec("supersede appeals", q.supersedeAppeals, at, e.Seq, e.CommentID, fx.AppealID); err != nil {
		return err
	}
	return exec("supersede audits", q.supersedeAudits, at, e.Seq, e.CommentID, fx.AuditID)
}
