package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"vigie/moderation"
)

// skipLocked makes concurrent claimers on PostgreSQL pass over rows another
// transaction is claiming instead of queueing behind it. SQLite has one
// writer at a time and needs nothing.
func (d dialect) skipLocked() string {
	if d.name == "postgres" {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// withWriteTx runs fn in a short transaction on the write pool.
func (db *DB) withWriteTx(ctx context.Context, fn func(c gorm.ConnPool, ctx context.Context) error) error {
	return db.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return fn(conn(tx), ctx) })
}

// Claim leases the first free item matching f to holder. One UPDATE whose
// subquery picks the row: two claimers never get the same item, on
// PostgreSQL because the row is locked (and skipped by the other), on
// SQLite because writes are serial.
func (db *DB) Claim(ctx context.Context, holder string, f moderation.QueueFilter, now, until time.Time) (moderation.ReviewItem, error) {
	if holder == "" {
		return moderation.ReviewItem{}, moderation.Errorf(moderation.ErrInvalid, "holder", "a claim needs a holder")
	}
	f.Unclaimed, f.Now, f.After = true, now, nil
	where, args := queueWhere(f)
	q := db.dialect.bind(`UPDATE review_items SET holder = ?, lease_until = ? WHERE comment_id = (
		SELECT ri.comment_id FROM review_items ri` + where + queueOrder + ` LIMIT 1` + db.dialect.skipLocked() + `)
		RETURNING ` + strings.ReplaceAll(reviewColumns, "ri.", ""))
	args = append([]any{holder, moderation.TruncateTime(until)}, args...)
	var it moderation.ReviewItem
	err := db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		var err error
		it, err = scanReviewItem(c.QueryRowContext(ctx, q, args...))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return it, fmt.Errorf("claim: the queue has nothing free: %w", moderation.ErrNotFound)
	}
	if err != nil {
		return it, fmt.Errorf("claim: %w", err)
	}
	return it, nil
}

// ClaimComments leases these comments to holder, all or none.
func (db *DB) ClaimComments(ctx context.Context, holder string, ids []int64, now, until time.Time) ([]moderation.ReviewItem, error) {
	if holder == "" || len(ids) == 0 {
		return nil, moderation.Errorf(moderation.ErrInvalid, "ids", "a claim needs a holder and comments")
	}
	if len(ids) > maxClaim {
		return nil, moderation.Errorf(moderation.ErrInvalid, "ids", "at most %d comments at once", maxClaim)
	}
	now, until = moderation.TruncateTime(now), moderation.TruncateTime(until)
	ph := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	sel := db.dialect.bind(`SELECT ` + reviewColumns + ` FROM review_items ri WHERE ri.comment_id IN (` + ph + `)` +
		` ORDER BY ri.comment_id` + forUpdate(db.dialect))
	upd := db.dialect.bind(`UPDATE review_items SET holder = ?, lease_until = ? WHERE comment_id IN (` + ph + `)`)
	var out []moderation.ReviewItem
	err := db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		rows, err := c.QueryContext(ctx, sel, int64Args(ids)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			it, err := scanReviewItem(rows)
			if err != nil {
				return err
			}
			if it.Claimed(now) && it.Holder != holder {
				return fmt.Errorf("comment %d is claimed by someone else: %w", it.CommentID, moderation.ErrConflict)
			}
			it.Holder, it.LeaseUntil = holder, until
			out = append(out, it)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) != len(uniq(ids)) {
			return fmt.Errorf("%d of %d comments are not pending: %w", len(uniq(ids))-len(out), len(uniq(ids)), moderation.ErrNotFound)
		}
		_, err = c.ExecContext(ctx, upd, append([]any{holder, until}, int64Args(ids)...)...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim comments: %w", err)
	}
	return out, nil
}

// maxClaim bounds one claim of many comments (the copies of one text).
const maxClaim = 1000

// Release gives up holder's claims on these comments.
func (db *DB) Release(ctx context.Context, holder string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if len(ids) > maxClaim {
		return moderation.Errorf(moderation.ErrInvalid, "ids", "at most %d comments at once", maxClaim)
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	q := db.dialect.bind(`UPDATE review_items SET holder = '', lease_until = NULL WHERE holder = ? AND comment_id IN (` + ph + `)`)
	err := db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		_, err := c.ExecContext(ctx, q, append([]any{holder}, int64Args(ids)...)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("release: %w", err)
	}
	return nil
}

func forUpdate(d dialect) string { return d.forUpdate }

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func uniq(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}
