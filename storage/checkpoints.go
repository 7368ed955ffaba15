package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"vigie/moderation"
)

var _ moderation.CheckpointStore = (*DB)(nil)

// checkpointRow is a signed chain head (migration 8). The table is a
// convenience for publishing them: what anchors the log is the copies kept
// outside the database.
type checkpointRow struct {
	Seq       int64 `gorm:"primaryKey;autoIncrement:false"`
	Hash      string
	SignedAt  time.Time
	KeyID     string `gorm:"column:key_id"`
	Signature string
}

func (checkpointRow) TableName() string { return "checkpoints" }

func (r *checkpointRow) toDomain() moderation.Checkpoint {
	return moderation.Checkpoint{Seq: r.Seq, Hash: r.Hash, SignedAt: moderation.TruncateTime(r.SignedAt),
		KeyID: r.KeyID, Signature: r.Signature}
}

// SaveCheckpoint stores a checkpoint; false when one exists at its
// sequence number already.
func (db *DB) SaveCheckpoint(ctx context.Context, c moderation.Checkpoint) (bool, error) {
	row := checkpointRow{Seq: c.Seq, Hash: c.Hash, SignedAt: moderation.TruncateTime(c.SignedAt), KeyID: c.KeyID, Signature: c.Signature}
	res := db.w.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		return false, fmt.Errorf("save checkpoint %d: %w", c.Seq, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// LatestCheckpoint is the checkpoint of the highest sequence number, nil
// when there is none.
func (db *DB) LatestCheckpoint(ctx context.Context) (*moderation.Checkpoint, error) {
	var row checkpointRow
	err := db.r.WithContext(ctx).Order("seq DESC").Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("latest checkpoint: %w", err)
	}
	c := row.toDomain()
	return &c, nil
}

// Checkpoints returns up to limit checkpoints, newest first.
func (db *DB) Checkpoints(ctx context.Context, limit int) ([]moderation.Checkpoint, error) {
	var rows []checkpointRow
	if err := db.r.WithContext(ctx).Order("seq DESC").Limit(pageSize(limit)).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("checkpoints: %w", err)
	}
	out := make([]moderation.Checkpoint, len(rows))
	for i := range rows {
		out[i] = rows[i].toDomain()
	}
	return out, nil
}
