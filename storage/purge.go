package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"vigie/moderation"
)

// purgeChunk bounds one purge transaction: on SQLite a purge shares the one
// write connection with intake, which must not stall behind it for long.
const purgeChunk = 500

// Purge erases the personal data of comments received before the given
// time: their text, author, salt and the texts quoted by their verdict's
// matches, and the text snapshots of their events. Chained columns are never
// touched (the digests stay, and without the salt they can no longer be
// tested against guesses), so every hash still verifies and every count
// stays the same. It returns how many comments it purged.
func (db *DB) Purge(ctx context.Context, before time.Time) (int, error) {
	before = moderation.TruncateTime(before) // UTC: SQLite compares times as text
	now := moderation.TruncateTime(db.cfg.Clock.Now())
	total := 0
	for {
		n, err := db.purgeChunk(ctx, before, now)
		total += n
		if err != nil {
			return total, fmt.Errorf("purge before %s: %w", before.Format(time.RFC3339), err)
		}
		if n < purgeChunk {
			return total, nil
		}
	}
}

type idVerdict struct {
	ID      int64
	Seq     int64
	Verdict *string
}

func (db *DB) purgeChunk(ctx context.Context, before, now time.Time) (int, error) {
	var comments []idVerdict
	err := db.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Queue behind the writers (on PostgreSQL; SQLite's IMMEDIATE
		// transaction already does): a batch may update the same comments
		// in another order, and a deadlock would fail its requests.
		var seq int64
		var hash string
		if err := conn(tx).QueryRowContext(ctx, db.writer.sql.head).Scan(&seq, &hash); err != nil {
			return fmt.Errorf("chain head: %w", err)
		}
		err := tx.Model(&commentRow{}).Select("id", "verdict").
			Where("received_at < ? AND purged_at IS NULL", before).
			Order("id").Limit(purgeChunk).Find(&comments).Error
		if err != nil || len(comments) == 0 {
			return err
		}
		ids := make([]int64, len(comments))
		for i, c := range comments {
			ids[i] = c.ID
			v, err := scrubVerdict(c.Verdict)
			if err != nil {
				return fmt.Errorf("comment %d: %w", c.ID, err)
			}
			err = tx.Model(&commentRow{}).Where("id = ?", c.ID).Updates(map[string]any{
				"text": "", "author_id": "", "author_name": "", "salt": nil, "verdict": v, "purged_at": now,
			}).Error
			if err != nil {
				return fmt.Errorf("comment %d: %w", c.ID, err)
			}
		}
		var events []idVerdict
		if err := tx.Model(&eventRow{}).Select("seq", "verdict").Where("comment_id IN ?", ids).Find(&events).Error; err != nil {
			return err
		}
		for _, e := range events {
			v, err := scrubVerdict(e.Verdict)
			if err != nil {
				return fmt.Errorf("event %d: %w", e.Seq, err)
			}
			// Only the snapshot columns: the chained ones are not in this map.
			err = tx.Model(&eventRow{}).Where("seq = ?", e.Seq).Updates(map[string]any{"text": nil, "verdict": v}).Error
			if err != nil {
				return fmt.Errorf("event %d: %w", e.Seq, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(comments), nil
}

// scrubVerdict keeps a verdict's explanation (rules, categories, offsets,
// score) and drops the comment text its matches quote.
func scrubVerdict(s *string) (*string, error) {
	v, err := decodeVerdict(s)
	if err != nil || v == nil {
		return nil, err
	}
	for i := range v.Matches {
		v.Matches[i].Text = ""
	}
	return encodeVerdict(v)
}
