package storage

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"vigie/moderation"
)

// The platform outbox. The writer inserts its rows with the decision that
// owes them (effects.go); workers, possibly in several processes, lease and
// finish them here. Like review claims, leases are short write transactions
// beside the event writer: on PostgreSQL FOR UPDATE SKIP LOCKED lets
// claimers pass over each other's rows, on SQLite the one write connection
// serialises them.

var _ moderation.OutboxStore = (*DB)(nil)

const outboxColumns = `id, comment_id, event_seq, source, external_id, action, state, attempts, next_at,
	last_error, alert, created_at, updated_at`

func scanOutboxItem(sc interface{ Scan(...any) error }) (moderation.OutboxItem, error) {
	var it moderation.OutboxItem
	var action, state string
	var alert int64
	err := sc.Scan(&it.ID, &it.CommentID, &it.EventSeq, &it.Source, &it.ExternalID, &action, &state, &it.Attempts,
		&it.NextAt, &it.LastError, &alert, &it.CreatedAt, &it.UpdatedAt)
	if err != nil {
		return it, err
	}
	it.Alert = alert != 0
	it.NextAt, it.CreatedAt, it.UpdatedAt = it.NextAt.UTC(), it.CreatedAt.UTC(), it.UpdatedAt.UTC()
	if it.Kind, err = moderation.ParsePlatformAction(action); err != nil {
		return it, err
	}
	it.State, err = moderation.ParseOutboxState(state)
	return it, err
}

// dueWhere selects the rows of alias a that a claimer may lease at (now,
// now): pending, due, and not leased to someone else.
func dueWhere(a string) string {
	return ` WHERE ` + a + `.state = 'pending' AND ` + a + `.next_at <= ? AND (` + a + `.holder = '' OR ` +
		a + `.lease_until IS NULL OR ` + a + `.lease_until <= ?)`
}

// ClaimOutbox leases up to limit due items to holder. Only a comment's
// oldest pending item is due, so its unhide waits until its hide is done
// (or given up). The rows are picked in a CTE, which PostgreSQL runs once
// and whose FOR UPDATE SKIP LOCKED makes a concurrent claimer skip them.
func (db *DB) ClaimOutbox(ctx context.Context, holder string, now, until time.Time, limit int) ([]moderation.OutboxItem, error) {
	if holder == "" {
		return nil, moderation.Errorf(moderation.ErrInvalid, "holder", "a claim needs a holder")
	}
	q := `WITH due AS (SELECT o.id FROM outbox o` + dueWhere("o") + `
			AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.comment_id = o.comment_id AND p.state = 'pending' AND p.id < o.id)
			ORDER BY o.next_at, o.id LIMIT ?` + db.dialect.skipLocked() + `)
		UPDATE outbox SET holder = ?, lease_until = ? WHERE id IN (SELECT id FROM due)
		RETURNING ` + outboxColumns
	items, err := claimLeased(ctx, db, q, holder, now, until, limit, scanOutboxItem)
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	slices.SortFunc(items, func(a, b moderation.OutboxItem) int { return cmp.Compare(a.ID, b.ID) })
	return items, nil
}

// claimLeased runs a claiming statement whose arguments are (now, now,
// limit, holder, until) and scans the rows it returns.
func claimLeased[T any](ctx context.Context, db *DB, q, holder string, now, until time.Time, limit int,
	scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	if limit <= 0 {
		return nil, nil
	}
	now, until = moderation.TruncateTime(now), moderation.TruncateTime(until)
	args := []any{now, now, min(limit, maxClaim), holder, until}
	var out []T
	err := db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		out = out[:0]
		rows, err := c.QueryContext(ctx, db.dialect.bind(q), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	return out, err
}

// FinishOutbox records an attempt's result, if the item is still leased to
// holder: a worker whose lease lapsed and was taken over gets ErrConflict,
// and its result is dropped (the new holder's counts).
func (db *DB) FinishOutbox(ctx context.Context, id int64, holder string, r moderation.OutboxResult, now time.Time) error {
	if holder == "" {
		return moderation.Errorf(moderation.ErrInvalid, "holder", "finishing needs the holder")
	}
	if r.State < moderation.OutboxPending || r.State > moderation.OutboxFailed {
		return moderation.Errorf(moderation.ErrInvalid, "state", "unknown outbox state %d", r.State)
	}
	now = moderation.TruncateTime(now)
	set := `state = ?, last_error = ?, alert = ?, updated_at = ?`
	args := []any{r.State.String(), errorText(r.Error), boolInt(r.Alert), now}
	if r.State == moderation.OutboxPending {
		next := moderation.TruncateTime(r.NextAt)
		if r.NextAt.IsZero() {
			next = now
		}
		set += `, next_at = ?`
		args = append(args, next)
	}
	if err := db.finishLeased(ctx, "outbox", id, holder, set, args); err != nil {
		return fmt.Errorf("finish outbox %d: %w", id, err)
	}
	return nil
}

// finishLeased applies set (with args) to a row of table still leased to
// holder, counts the attempt and ends the lease. table is one of ours,
// never input.
func (db *DB) finishLeased(ctx context.Context, table string, id int64, holder, set string, args []any) error {
	upd := db.dialect.bind(`UPDATE ` + table + ` SET ` + set + `, attempts = attempts + 1, holder = '', lease_until = NULL
		WHERE id = ? AND holder = ? AND state = 'pending'`)
	sel := db.dialect.bind(`SELECT holder FROM ` + table + ` WHERE id = ?`)
	return db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		res, err := c.ExecContext(ctx, upd, append(args, id, holder)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var current string
		err = c.QueryRowContext(ctx, sel, id).Scan(&current)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return moderation.ErrNotFound
		case err != nil:
			return err
		case current == "":
			return fmt.Errorf("no longer leased to %s: %w", holder, moderation.ErrConflict)
		}
		return fmt.Errorf("leased to %s, not %s: %w", current, holder, moderation.ErrConflict)
	})
}

// OutboxStats counts pending and failed items, the alerts among the
// failed, and when the oldest pending item was owed.
func (db *DB) OutboxStats(ctx context.Context) (moderation.OutboxStats, error) {
	var st moderation.OutboxStats
	sqlDB, err := db.r.DB()
	if err != nil {
		return st, fmt.Errorf("outbox stats: %w", err)
	}
	err = sqlDB.QueryRowContext(ctx, `SELECT COUNT(CASE WHEN state = 'pending' THEN 1 END),
		COUNT(CASE WHEN state = 'failed' THEN 1 END), COUNT(CASE WHEN state = 'failed' AND alert <> 0 THEN 1 END)
		FROM outbox WHERE state IN ('pending', 'failed')`).Scan(&st.Pending, &st.Failed, &st.Alerts)
	if err != nil {
		return st, fmt.Errorf("outbox stats: %w", err)
	}
	// A plain column rather than MIN(): SQLite returns an aggregate of a
	// DATETIME column as text, not as a time.
	err = sqlDB.QueryRowContext(ctx, `SELECT created_at FROM outbox WHERE state = 'pending'
		ORDER BY created_at, id LIMIT 1`).Scan(&st.OldestPending)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("outbox stats: %w", err)
	}
	st.OldestPending = nullTime(sql.NullTime{Time: st.OldestPending, Valid: err == nil})
	return st, nil
}

// OutboxItems lists items in a state (every state when zero), newest first.
func (db *DB) OutboxItems(ctx context.Context, state moderation.OutboxState, limit int) ([]moderation.OutboxItem, error) {
	q, args := `SELECT `+outboxColumns+` FROM outbox`, []any{}
	if state != 0 {
		q += ` WHERE state = ?`
		args = append(args, state.String())
	}
	q += fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, queuePage(limit))
	sqlDB, err := db.r.DB()
	if err != nil {
		return nil, fmt.Errorf("outbox items: %w", err)
	}
	rows, err := sqlDB.QueryContext(ctx, db.dialect.bind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("outbox items: %w", err)
	}
	defer rows.Close()
	var out []moderation.OutboxItem
	for rows.Next() {
		it, err := scanOutboxItem(rows)
		if err != nil {
			return nil, fmt.Errorf("outbox items: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// maxErrorBytes bounds a stored error message: a platform may answer with
// a whole HTML page.
const maxErrorBytes = 2000

// errorText makes an error message storable on both databases: valid
// UTF-8 without NUL (PostgreSQL refuses either in text), and bounded. An
// outcome must never fail to be recorded because of its message.
func errorText(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if len(s) <= maxErrorBytes {
		return s
	}
	cut := maxErrorBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// RequeueOutbox puts a failed action back to do now, attempts reset: what
// an admin does after fixing its cause (a renewed page token).
func (db *DB) RequeueOutbox(ctx context.Context, id int64, now time.Time) error {
	q := db.dialect.bind(`UPDATE outbox SET state = 'pending', attempts = 0, alert = 0, next_at = ?, holder = '',
		lease_until = NULL, updated_at = ? WHERE id = ? AND state = 'failed'`)
	now = moderation.TruncateTime(now)
	return db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		res, err := c.ExecContext(ctx, q, now, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("outbox %d is not a failed action: %w", id, moderation.ErrConflict)
		}
		return nil
	})
}
