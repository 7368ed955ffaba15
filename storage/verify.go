package storage

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"

	"vigie/moderation"
)

var _ moderation.VerifyReader = (*DB)(nil)

// EventPage returns up to limit events after seq `after`, in order, with
// their snapshots, and the comments they name. Both are read in one
// transaction, so a purge or a transition committed between the two reads
// cannot look like tampering.
func (db *DB) EventPage(ctx context.Context, after int64, limit int) ([]moderation.Event, map[int64]moderation.Comment, error) {
	var evs []moderation.Event
	var cs map[int64]moderation.Comment
	err := db.readSnapshot(ctx, func(tx *gorm.DB) error {
		var rows []eventRow
		if err := tx.Where("seq > ?", after).Order("seq").Limit(pageSize(limit)).Find(&rows).Error; err != nil {
			return err
		}
		var err error
		if evs, err = eventsOf(rows); err != nil {
			return err
		}
		ids := make([]int64, 0, len(evs))
		seen := make(map[int64]bool, len(evs))
		for _, e := range evs {
			if !seen[e.CommentID] {
				seen[e.CommentID] = true
				ids = append(ids, e.CommentID)
			}
		}
		cs, err = commentsByID(tx, ids)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("event page after %d: %w", after, err)
	}
	return evs, cs, nil
}

// CommentPage returns up to limit comments with id > after, in id order,
// each with its last event (nil when it has none), read in one
// transaction: a comment and its last event are written together, so
// within one snapshot they must agree. Verdicts and the event's snapshots
// are not read: what is compared here is chained.
func (db *DB) CommentPage(ctx context.Context, after int64, limit int) ([]moderation.CommentLast, error) {
	var out []moderation.CommentLast
	err := db.readSnapshot(ctx, func(tx *gorm.DB) error {
		var rows []commentRow
		if err := tx.Omit("verdict").Where("id > ?", after).Order("id").Limit(pageSize(limit)).Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		lo, hi := rows[0].ID, rows[len(rows)-1].ID
		// The last event of each comment in the id range: one index range
		// scan on events (comment_id, seq), whatever the page's gaps.
		var evRows []eventRow
		// Without the snapshots: what a comment is compared with is chained.
		err := tx.Omit("text", "verdict").
			Where(`seq IN (SELECT MAX(seq) FROM events WHERE comment_id BETWEEN ? AND ? GROUP BY comment_id)`, lo, hi).
			Find(&evRows).Error
		if err != nil {
			return err
		}
		last := make(map[int64]*moderation.Event, len(evRows))
		for i := range evRows {
			e, err := evRows[i].toDomain()
			if err != nil {
				return err
			}
			last[e.CommentID] = &e
		}
		out = make([]moderation.CommentLast, len(rows))
		for i := range rows {
			c, err := rows[i].toDomain()
			if err != nil {
				return err
			}
			out[i] = moderation.CommentLast{Comment: c, Last: last[c.ID]}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("comment page after %d: %w", after, err)
	}
	return out, nil
}

// readSnapshot runs fn in a read transaction that sees one state of the
// database: SQLite's WAL gives a deferred transaction a snapshot at its
// first read; PostgreSQL needs REPEATABLE READ for the same.
func (db *DB) readSnapshot(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var opts []*sql.TxOptions
	if db.dialect.name == "postgres" {
		opts = append(opts, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	}
	return db.r.WithContext(ctx).Transaction(fn, opts...)
}

// commentsByID reads the comments with these ids, without their verdicts:
// verify does not check them, and not decoding them saves much of its time.
func commentsByID(tx *gorm.DB, ids []int64) (map[int64]moderation.Comment, error) {
	out := make(map[int64]moderation.Comment, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500) // stay under every driver's parameter limit
		var rows []commentRow
		if err := tx.Omit("verdict").Where("id IN ?", ids[:n]).Find(&rows).Error; err != nil {
			return nil, err
		}
		for i := range rows {
			c, err := rows[i].toDomain()
			if err != nil {
				return nil, err
			}
			out[c.ID] = c
		}
		ids = ids[n:]
	}
	return out, nil
}
