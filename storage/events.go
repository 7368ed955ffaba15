package storage

import (
	"context"
	"database/sql"
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

// EventsAfterLean is EventsAfter without the snapshots (Text and Verdict
// stay empty): every chained field is there, so hashes still check, and
// nothing a report reads is missing. It is what the report index syncs
// through: a year of events is read at every start, and decoding each
// event's verdict snapshot was most of that time. It selects the columns
// by name and scans them without gorm's reflection.
func (db *DB) EventsAfterLean(ctx context.Context, after int64, limit int) ([]moderation.Event, error) {
	// The last sequence number (an index lookup) sizes the page, so a full
	// page is one allocation, and a sync with nothing new stops here.
	var last sql.NullInt64
	if err := db.r.WithContext(ctx).Raw(`SELECT MAX(seq) FROM events`).Row().Scan(&last); err != nil {
		return nil, fmt.Errorf("events after %d: %w", after, err)
	}
	if last.Int64 <= after {
		return nil, nil
	}
	rows, err := db.r.WithContext(ctx).Raw(db.dialect.bind(leanEventsSQL), after, pageSize(limit)).Rows()
	if err != nil {
		return nil, fmt.Errorf("events after %d: %w", after, err)
	}
	defer rows.Close()
	out := make([]moderation.Event, 0, min(int64(pageSize(limit)), last.Int64-after))
	for rows.Next() {
		var r eventRow
		if err := rows.Scan(&r.Seq, &r.CommentID, &r.At, &r.Actor, &r.FromStatus, &r.ToStatus, &r.Route,
			&r.Automation, &r.Category, &r.RuleIDs, &r.RulesetVersion, &r.Note, &r.Source, &r.Language,
			&r.TextDigest, &r.AuthorDigest, &r.PrevHash, &r.Hash, &r.VerdictDigest); err != nil {
			return nil, fmt.Errorf("events after %d: %w", after, err)
		}
		e, err := r.toDomain()
		if err != nil {
			return nil, fmt.Errorf("events after %d: %w", after, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events after %d: %w", after, err)
	}
	return out, nil
}

// leanEventsSQL reads the chained columns, in the order EventsAfterLean
// scans them.
const leanEventsSQL = `SELECT ` + chainedEventColumnsV8 + ` FROM events WHERE seq > ? ORDER BY seq LIMIT ?`

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
