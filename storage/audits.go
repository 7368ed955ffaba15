package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"vigie/moderation"
)

const auditColumns = `id, comment_id, event_seq, sampled_at, state, holder, lease_until, decided_by, decided_at, decision_seq`

func scanAudit(sc interface{ Scan(...any) error }) (moderation.Audit, error) {
	var a moderation.Audit
	var state string
	var until, decided sql.NullTime
	var seq sql.NullInt64
	if err := sc.Scan(&a.ID, &a.CommentID, &a.EventSeq, &a.SampledAt, &state, &a.Holder, &until, &a.DecidedBy, &decided, &seq); err != nil {
		return a, err
	}
	a.SampledAt = a.SampledAt.UTC()
	a.LeaseUntil, a.DecidedAt, a.DecisionSeq = nullTime(until), nullTime(decided), seq.Int64
	var err error
	a.State, err = moderation.ParseAuditState(state)
	return a, err
}

func nullTime(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// Audits lists audits, oldest first.
func (db *DB) Audits(ctx context.Context, f moderation.AuditFilter) ([]moderation.Audit, error) {
	q := `SELECT ` + auditColumns + ` FROM audits WHERE id > ?`
	args := []any{f.AfterID}
	if f.State != 0 {
		q += ` AND state = ?`
		args = append(args, f.State.String())
	}
	if f.CommentID != 0 {
		q += ` AND comment_id = ?` // the audits_comment index
		args = append(args, f.CommentID)
	}
	q += fmt.Sprintf(` ORDER BY id LIMIT %d`, queuePage(f.Limit))
	sqlDB, err := db.r.DB()
	if err != nil {
		return nil, err
	}
	rows, err := sqlDB.QueryContext(ctx, db.dialect.bind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("audits: %w", err)
	}
	defer rows.Close()
	var out []moderation.Audit
	for rows.Next() {
		a, err := scanAudit(rows)
		if err != nil {
			return nil, fmt.Errorf("audits: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Audit returns one audit.
func (db *DB) Audit(ctx context.Context, id int64) (moderation.Audit, error) {
	sqlDB, err := db.r.DB()
	if err != nil {
		return moderation.Audit{}, err
	}
	a, err := scanAudit(sqlDB.QueryRowContext(ctx, db.dialect.bind(`SELECT `+auditColumns+` FROM audits WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("audit %d: %w", id, moderation.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("audit %d: %w", id, err)
	}
	return a, nil
}

// ClaimAudit leases the oldest free open audit to holder.
func (db *DB) ClaimAudit(ctx context.Context, holder string, now, until time.Time) (moderation.Audit, error) {
	q := db.dialect.bind(`UPDATE audits SET holder = ?, lease_until = ? WHERE id = (
		SELECT id FROM audits WHERE state = 'open' AND (holder = '' OR holder = ? OR lease_until IS NULL OR lease_until <= ?)
		ORDER BY CASE WHEN holder = ? THEN 0 ELSE 1 END, id LIMIT 1` + db.dialect.skipLocked() + `) RETURNING ` + auditColumns)
	var a moderation.Audit
	err := db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		var err error
		a, err = scanAudit(c.QueryRowContext(ctx, q, holder, moderation.TruncateTime(until), holder, moderation.TruncateTime(now), holder))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("claim audit: none open: %w", moderation.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("claim audit: %w", err)
	}
	return a, nil
}

// CountAudits counts audits by state.
func (db *DB) CountAudits(ctx context.Context) (map[moderation.AuditState]int64, error) {
	sqlDB, err := db.r.DB()
	if err != nil {
		return nil, err
	}
	rows, err := sqlDB.QueryContext(ctx, `SELECT state, COUNT(*) FROM audits GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count audits: %w", err)
	}
	defer rows.Close()
	out := map[moderation.AuditState]int64{}
	for rows.Next() {
		var s string
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("count audits: %w", err)
		}
		st, err := moderation.ParseAuditState(s)
		if err != nil {
			return nil, fmt.Errorf("count audits: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}
