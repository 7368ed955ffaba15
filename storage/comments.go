package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"vigie/moderation"
)

// Comment returns a comment by id.
func (db *DB) Comment(ctx context.Context, id int64) (moderation.Comment, error) {
	var row commentRow
	if err := db.r.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return moderation.Comment{}, fmt.Errorf("comment %d: %w", id, notFound(err))
	}
	c, err := row.toDomain()
	if err != nil {
		return moderation.Comment{}, fmt.Errorf("comment %d: %w", id, err)
	}
	return c, nil
}

// CommentBySource returns a comment by its id at the source.
func (db *DB) CommentBySource(ctx context.Context, source, externalID string) (moderation.Comment, error) {
	var row commentRow
	err := db.r.WithContext(ctx).Where("source = ? AND external_id = ?", source, externalID).Take(&row).Error
	if err != nil {
		return moderation.Comment{}, fmt.Errorf("comment %s/%s: %w", source, externalID, notFound(err))
	}
	c, err := row.toDomain()
	if err != nil {
		return moderation.Comment{}, fmt.Errorf("comment %s/%s: %w", source, externalID, err)
	}
	return c, nil
}

// Comments returns up to limit comments with id > afterID, in id order: the
// way backtest walks the whole table in pages without OFFSET.
func (db *DB) Comments(ctx context.Context, afterID int64, limit int) ([]moderation.Comment, error) {
	var rows []commentRow
	err := db.r.WithContext(ctx).Where("id > ?", afterID).Order("id").Limit(pageSize(limit)).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("comments after %d: %w", afterID, err)
	}
	out := make([]moderation.Comment, len(rows))
	for i := range rows {
		if out[i], err = rows[i].toDomain(); err != nil {
			return nil, fmt.Errorf("comments after %d: %w", afterID, err)
		}
	}
	return out, nil
}

// CommentsByID returns the comments with these ids (missing ones are simply
// absent from the map): how verify fetches the salts of a page of events.
func (db *DB) CommentsByID(ctx context.Context, ids []int64) (map[int64]moderation.Comment, error) {
	out := make(map[int64]moderation.Comment, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500) // stay under every driver's parameter limit
		var rows []commentRow
		if err := db.r.WithContext(ctx).Where("id IN ?", ids[:n]).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("comments by id: %w", err)
		}
		for i := range rows {
			c, err := rows[i].toDomain()
			if err != nil {
				return nil, fmt.Errorf("comments by id: %w", err)
			}
			out[c.ID] = c
		}
		ids = ids[n:]
	}
	return out, nil
}

// CommentsReceivedSince returns up to limit comments received at or after
// since with id > afterID, in id order: what a restarted server reads to
// remember the recent past for the flood and repeated-post rules.
func (db *DB) CommentsReceivedSince(ctx context.Context, since time.Time, afterID int64, limit int) ([]moderation.Comment, error) {
	var rows []commentRow
	err := db.r.WithContext(ctx).Where("received_at >= ? AND id > ?", moderation.TruncateTime(since), afterID).
		Order("id").Limit(pageSize(limit)).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("comments received since %s: %w", since.Format(time.RFC3339), err)
	}
	out := make([]moderation.Comment, len(rows))
	for i := range rows {
		if out[i], err = rows[i].toDomain(); err != nil {
			return nil, fmt.Errorf("comments received since %s: %w", since.Format(time.RFC3339), err)
		}
	}
	return out, nil
}

// notFound turns gorm's missing-row error into the domain's.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return moderation.ErrNotFound
	}
	return err
}

// maxPage caps one page of a listing, so a caller's mistake cannot load a
// whole table into memory; a limit of zero or less asks for the default.
const (
	defaultPage = 1000
	maxPage     = 10000
)

func pageSize(limit int) int {
	if limit <= 0 {
		return defaultPage
	}
	return min(limit, maxPage)
}
