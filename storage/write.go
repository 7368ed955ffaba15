package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/bits"
	"strings"

	"gorm.io/gorm"

	"vigie/moderation"
)

// Intake stores a new comment with its first event (see moderation.Store).
// Times are truncated to microseconds before sealing, so the hash of the
// event read back always matches.
func (db *DB) Intake(ctx context.Context, c *moderation.Comment, e *moderation.Event, fx moderation.Effects) (bool, error) {
	if c == nil || e == nil {
		return false, fmt.Errorf("intake: %w", moderation.Errorf(moderation.ErrInvalid, "", "intake needs a comment and an event"))
	}
	r, err := newIntakeRequest(c, e)
	if err == nil {
		err = checkEffects(fx)
	}
	if err != nil {
		return false, fmt.Errorf("intake %s/%s: %w", c.Source, c.ExternalID, err)
	}
	r.fx = fx
	o := db.writer.do(ctx, r)
	if o.err != nil {
		return false, fmt.Errorf("intake %s/%s: %w", c.Source, c.ExternalID, o.err)
	}
	if !o.created {
		*c = o.comment
		return false, nil
	}
	c.ID = o.comment.ID
	c.CreatedAt = moderation.TruncateTime(c.CreatedAt)
	c.ReceivedAt = moderation.TruncateTime(c.ReceivedAt)
	c.UpdatedAt = moderation.TruncateTime(c.UpdatedAt)
	*e = o.event
	return true, nil
}

// Transition applies a status change with its event (see moderation.Store).
func (db *DB) Transition(ctx context.Context, e *moderation.Event, patch *moderation.Patch, fx moderation.Effects) error {
	if e == nil {
		return fmt.Errorf("transition: %w", moderation.Errorf(moderation.ErrInvalid, "", "transition needs an event"))
	}
	r, err := newTransitionRequest(e, patch)
	if err == nil {
		err = checkEffects(fx)
	}
	if err != nil {
		return fmt.Errorf("transition %d: %w", e.CommentID, err)
	}
	r.fx = fx
	o := db.writer.do(ctx, r)
	if o.err != nil {
		return fmt.Errorf("transition %d: %w", e.CommentID, o.err)
	}
	*e = o.event
	return nil
}

// newIntakeRequest checks and encodes everything that does not need the
// database, in the caller's goroutine: the writer is the bottleneck, so it
// gets only the work that must be serial.
func newIntakeRequest(c *moderation.Comment, e *moderation.Event) (*request, error) {
	switch {
	case c.Source == "" || c.ExternalID == "":
		return nil, moderation.Errorf(moderation.ErrInvalid, "source", "comment has no source or external id")
	case e.From != 0:
		return nil, moderation.Errorf(moderation.ErrInvalid, "from", "the first event of a comment must come from no status, not %s", e.From)
	case e.To != c.Status:
		return nil, moderation.Errorf(moderation.ErrInvalid, "to", "first event leads to %s but the comment is %s", e.To, c.Status)
	}
	if err := noNUL(
		field{"source", c.Source}, field{"external_id", c.ExternalID}, field{"thread_id", c.ThreadID},
		field{"parent_id", c.ParentID}, field{"author.id", c.Author.ID}, field{"author.name", c.Author.Name},
		field{"text", c.Text}, field{"language", c.Language}, field{"category", c.Category},
	); err != nil {
		return nil, err
	}
	if err := eventNoNUL(e); err != nil {
		return nil, err
	}
	// The comment has no id yet; check the rest of the event as it will be.
	probe := *e
	probe.CommentID = 1
	if err := probe.Validate(); err != nil {
		return nil, err
	}
	row, err := toCommentRow(c)
	if err != nil {
		return nil, err
	}
	row.ID = 0
	// The comment and its first event usually hold the same verdict (the
	// service passes one pointer): encode it once.
	v := row.Verdict
	if e.Verdict != c.Verdict {
		if v, err = encodeVerdict(e.Verdict); err != nil {
			return nil, err
		}
	}
	r := &request{kind: kindIntake, comment: row, event: *e, verdict: v}
	r.event.DigestVerdict() // here, not on the writer's goroutine (appendEvent)
	return r, nil
}

func newTransitionRequest(e *moderation.Event, p *moderation.Patch) (*request, error) {
	if e.From == 0 {
		return nil, moderation.Errorf(moderation.ErrInvalid, "from", "a transition starts from a status; new comments go through intake")
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if err := eventNoNUL(e); err != nil {
		return nil, err
	}
	if p != nil && p.Text != nil {
		if err := noNUL(field{"text", *p.Text}); err != nil {
			return nil, err
		}
	}
	if p != nil && p.Language != nil {
		if err := noNUL(field{"language", *p.Language}); err != nil {
			return nil, err
		}
	}
	v, err := encodeVerdict(e.Verdict)
	if err != nil {
		return nil, err
	}
	at := moderation.TruncateTime(e.At)
	cols := map[string]any{"status": e.To.String(), "category": e.Category, "updated_at": at}
	if p != nil {
		if p.Text != nil {
			cols["text"] = *p.Text
		}
		if p.Language != nil {
			cols["language"] = *p.Language
		}
		if p.Verdict != nil {
			pv, err := encodeVerdict(p.Verdict)
			if err != nil {
				return nil, err
			}
			cols["verdict"] = pv
		}
	}
	r := &request{kind: kindTransition, event: *e, verdict: v, patch: cols}
	r.event.DigestVerdict() // here, not on the writer's goroutine (appendEvent)
	return r, nil
}

type field struct{ name, value string }

// noNUL refuses NUL bytes, which PostgreSQL rejects in text and SQLite
// stores: refusing them in both keeps the two stores alike, and makes it a
// 400 for the sender instead of a failed write.
func noNUL(fields ...field) error {
	for _, f := range fields {
		if strings.IndexByte(f.value, 0) >= 0 {
			return moderation.Errorf(moderation.ErrInvalid, f.name, "%s contains a NUL byte", f.name)
		}
	}
	return nil
}

func eventNoNUL(e *moderation.Event) error {
	if err := noNUL(field{"actor", e.Actor}, field{"category", e.Category}, field{"ruleset_version", e.RulesetVersion},
		field{"note", e.Note}, field{"source", e.Source}, field{"language", e.Language}, field{"text", e.Text}); err != nil {
		return err
	}
	for _, id := range e.RuleIDs {
		if err := noNUL(field{"rule_ids", id}); err != nil {
			return err
		}
	}
	return nil
}

// intake inserts the comment unless (source, external_id) exists — also when
// another instance or an earlier request of this batch inserted it — and
// then its sealed event. ON CONFLICT DO NOTHING rather than catching the
// unique violation: on PostgreSQL a failed statement would abort the whole
// batch transaction.
func (w *writer) intake(tx *gorm.DB, r *request, head *chainHeadRow) (outcome, error) {
	id, err := w.insertComment(tx, r)
	if err != nil {
		return outcome{}, err
	}
	if id == 0 { // the comment exists
		var old commentRow
		if err := tx.Where("source = ? AND external_id = ?", r.comment.Source, r.comment.ExternalID).Take(&old).Error; err != nil {
			return outcome{}, fmt.Errorf("read duplicate: %w", err)
		}
		c, err := old.toDomain()
		if err != nil {
			return outcome{}, err
		}
		return outcome{comment: c}, nil
	}
	e := r.event
	e.CommentID = id
	if err := w.appendEvent(tx, r, &e, head); err != nil {
		return outcome{}, err
	}
	if err := w.writeEffects(tx, &r.fx, &e); err != nil {
		return outcome{}, err
	}
	// The caller already has the comment; it needs only its new id.
	return outcome{created: true, comment: moderation.Comment{ID: id}, event: e}, nil
}

// existingComment is request.preID for an intake whose (source,
// external_id) was already taken when insertComments ran.
const existingComment = -1

// insertComment inserts r's comment unless insertComments did, and returns
// its id, or 0 when (source, external_id) exists. On SQLite a plain exec
// with the rowid SQLite reports: INSERT … RETURNING through QueryRow costs
// a result set, a scan and a reset for one integer.
func (w *writer) insertComment(tx *gorm.DB, r *request) (int64, error) {
	switch {
	case r.preID > 0:
		return r.preID, nil
	case r.preID == existingComment:
		return 0, nil
	}
	ctx, args := tx.Statement.Context, r.comment.insertArgs()
	if w.sql.lastInsertID {
		res, err := conn(tx).ExecContext(ctx, w.sql.insertComment, args...)
		if err != nil {
			return 0, fmt.Errorf("insert comment: %w", err)
		}
		// DO NOTHING changes no row; LastInsertId would then be a stale
		// rowid of this connection.
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return 0, err
		}
		id, err := res.LastInsertId()
		if err == nil && id <= 0 {
			err = fmt.Errorf("insert comment: rowid %d", id)
		}
		return id, err
	}
	var id int64
	err := conn(tx).QueryRowContext(ctx, w.sql.insertComment, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("insert comment: %w", err)
	}
	return id, nil
}

type commentKey struct{ source, externalID string }

// insertComments inserts the comments of a batch's intakes with a few
// multi-row statements (PostgreSQL: one round trip per statement instead of
// one per comment), before any event is sealed, and leaves in each request
// its comment's id or existingComment.
//
// Ids are matched to requests by (source, external_id), which RETURNING
// gives back with each id, not by position: ON CONFLICT DO NOTHING leaves
// gaps in the returned rows, and the order of RETURNING is not documented.
// A second request for the same key in the batch is left out of the insert
// and marked existing: it reads the row the first one inserted, as it would
// have one statement at a time. The chain order is untouched: events are
// still sealed one request after the other, in the batch's order.
func (w *writer) insertComments(tx *gorm.DB, reqs []*request) error {
	todo := make([]*request, 0, len(reqs))
	seen := make(map[commentKey]struct{}, len(reqs))
	for _, r := range reqs {
		if r.kind != kindIntake {
			continue
		}
		k := commentKey{r.comment.Source, r.comment.ExternalID}
		if _, dup := seen[k]; dup {
			r.preID = existingComment
			continue
		}
		seen[k] = struct{}{}
		todo = append(todo, r)
	}
	ids := make(map[commentKey]int64, len(todo))
	ctx := tx.Statement.Context
	for rest := todo; len(rest) > 0; {
		k := min(bits.Len(uint(len(rest)))-1, len(w.sql.insertComments)-1)
		n := 1 << k
		args := make([]any, 0, n*commentColumns)
		for _, r := range rest[:n] {
			args = append(args, r.comment.insertArgs()...)
		}
		if err := w.scanInserted(ctx, tx, w.sql.insertComments[k], args, ids); err != nil {
			return err
		}
		rest = rest[n:]
	}
	if w.commentsHook != nil {
		if err := w.commentsHook(); err != nil {
			return err
		}
	}
	for _, r := range todo {
		r.preID = existingComment
		if id, ok := ids[commentKey{r.comment.Source, r.comment.ExternalID}]; ok {
			r.preID = id
		}
	}
	return nil
}

func (w *writer) scanInserted(ctx context.Context, tx *gorm.DB, query string, args []any, ids map[commentKey]int64) error {
	rows, err := conn(tx).QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("insert comments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var k commentKey
		if err := rows.Scan(&id, &k.source, &k.externalID); err != nil {
			return fmt.Errorf("insert comments: %w", err)
		}
		ids[k] = id
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("insert comments: %w", err)
	}
	return nil
}

// transition checks the comment's current status against the event's From:
// a mismatch means someone else changed it since the caller read it.
func (w *writer) transition(tx *gorm.DB, r *request, head *chainHeadRow) (outcome, error) {
	e := r.event
	var status string
	err := conn(tx).QueryRowContext(tx.Statement.Context, w.sql.status, e.CommentID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return outcome{err: moderation.ErrNotFound}, nil
	}
	if err != nil {
		return outcome{}, fmt.Errorf("read status: %w", err)
	}
	if status != e.From.String() {
		return outcome{err: fmt.Errorf("status is %s, not %s: %w", status, e.From, moderation.ErrConflict)}, nil
	}
	if refusal, err := w.guardEffects(tx, &r.fx, &e); err != nil || refusal != nil {
		return outcome{err: refusal}, err
	}
	if err := tx.Model(&commentRow{}).Where("id = ?", e.CommentID).Updates(r.patch).Error; err != nil {
		return outcome{}, fmt.Errorf("update comment: %w", err)
	}
	if err := w.appendEvent(tx, r, &e, head); err != nil {
		return outcome{}, err
	}
	if err := w.writeEffects(tx, &r.fx, &e); err != nil {
		return outcome{}, err
	}
	return outcome{event: e}, nil
}

// appendEvent seals e after the head and advances the head. The row is
// inserted at once in row-by-row mode, else kept for flushEvents.
func (w *writer) appendEvent(tx *gorm.DB, r *request, e *moderation.Event, head *chainHeadRow) error {
	if w.failHook != nil {
		if err := w.failHook(r); err != nil {
			return err
		}
	}
	e.At = moderation.TruncateTime(e.At)
	e.SealDigested(head.Seq+1, head.Hash) // newIntakeRequest, newTransitionRequest digested the verdict
	row := eventRowOf(e, r.verdict)
	if w.rowByRow {
		if _, err := conn(tx).ExecContext(tx.Statement.Context, w.sql.insertEvents[0], row.insertArgs()...); err != nil {
			return fmt.Errorf("insert event: %w", err)
		}
	} else {
		w.pending = append(w.pending, row)
	}
	head.Seq, head.Hash = e.Seq, e.Hash
	return nil
}

// flushEvents inserts the batch's events with a few multi-row statements:
// one round trip instead of one per event, which is most of the cost on
// PostgreSQL. Chunks are powers of two so the drivers' statement caches
// hold a handful of statements, not one per batch size.
func (w *writer) flushEvents(tx *gorm.DB) error {
	if len(w.pending) == 0 {
		return nil // row-by-row mode inserted them already
	}
	if w.flushHook != nil {
		if err := w.flushHook(); err != nil {
			return err
		}
	}
	return w.sql.insertEventRows(tx, w.pending)
}

// insertEventRows inserts rows with the multi-row statements of
// insertEvents, the largest power of two that fits first (the batch's
// events, a purge's events).
func (s *writeSQL) insertEventRows(tx *gorm.DB, rows []eventRow) error {
	for len(rows) > 0 {
		k := min(bits.Len(uint(len(rows)))-1, len(s.insertEvents)-1)
		n := 1 << k
		args := make([]any, 0, n*eventColumns)
		for i := range rows[:n] {
			args = append(args, rows[i].insertArgs()...)
		}
		if _, err := conn(tx).ExecContext(tx.Statement.Context, s.insertEvents[k], args...); err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
		rows = rows[n:]
	}
	return nil
}

// eventColumns is the number of values per events row.
const eventColumns = 21

// writeSQL holds the writer's statements, bound for the dialect once. The
// writer runs them on the transaction's *sql.Tx directly: gorm's statement
// building costs more than SQLite's insert itself, and it is all on the
// one goroutine every write waits for.
type writeSQL struct {
	head, setHead, status, insertComment string
	insertEvents                         [8]string // [k] inserts 1<<k events: 1 … 128
	effects                              effectSQL

	// SQLite: insertComment is a plain INSERT and the id its rowid.
	// PostgreSQL: insertComment returns the id, used row by row, and a
	// batch's comments go in through insertComments (multiRow).
	lastInsertID bool
	multiRow     bool
	// insertComments[k] inserts 1<<k comments and returns their ids
	// with their keys (PostgreSQL only).
	insertComments [8]string
	// cancelStatements passes the batch's deadline to every statement,
	// so that one waiting for a lock (PostgreSQL) gives up in time.
	cancelStatements bool
}

func newWriteSQL(d dialect) writeSQL {
	s := writeSQL{
		head:    d.bind(`SELECT seq, hash FROM chain_head WHERE id = 1` + d.forUpdate),
		setHead: d.bind(`UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1`),
		status:  d.bind(`SELECT status FROM comments WHERE id = ?`),
		effects: newEffectSQL(d),
	}
	for k := range s.insertEvents {
		s.insertEvents[k] = d.bind(insertEventsSQL(1 << k))
	}
	if d.name == "sqlite" {
		s.lastInsertID = true
		s.insertComment = insertCommentsSQL(1)
		return s
	}
	s.multiRow, s.cancelStatements = true, true
	s.insertComment = d.bind(insertCommentsSQL(1) + ` RETURNING id`)
	for k := range s.insertComments {
		s.insertComments[k] = d.bind(insertCommentsSQL(1<<k) + ` RETURNING id, source, external_id`)
	}
	return s
}

// conn is the transaction under a gorm handle (gorm.ConnPool is what
// *sql.Tx implements).
func conn(tx *gorm.DB) gorm.ConnPool { return tx.Statement.ConnPool }
