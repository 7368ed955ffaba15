package storage

import (
	"context"
	"fmt"

	"vigie/moderation"
)

// Events returns a comment's events, oldest first. An unknown comment has
// no events: that is an empty list, not an error.
func (db *DB) Events(ctx context.Context, commentID int64) ([]moderation.Event, error) {
	var rows []eventRow
	if err := db.r.WithContext(ctx).Where("comment_id = ?", commentID).Order("seq").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("events of comment %d: %w", commentID, err)
	}
	evs, err := eventsOf(rows)
	if err != nil {
		return nil, fmt.Errorf("events of comment %d: %w", commentID, err)
	}
	return evs, nil
}

// EventsAfter returns up to limit events with Seq > after, in order (a limit
// of zero or less means a page of 1000). It is how verify, reports and other
// instances read the log.
func (db *DB) EventsAfter(ctx context.Context, after int64, limit int) ([]moderation.Event, error) {
	var rows []eventRow
	err := db.r.WithContext(ctx).Where("seq > ?", after).Order("seq").Limit(pageSize(limit)).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("events after %d: %w", after, err)
	}
	evs, err := eventsOf(rows)
	if err != nil {
		return nil, fmt.Errorf("events after %d: %w", after, err)
	}
	return evs, nil
}

func eventsOf(rows []eventRow) ([]moderation.Event, error) {
	out := make([]moderation.Event, len(rows))
	for i := range rows {
		var err error
		if out[i], err = rows[i].toDomain(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
