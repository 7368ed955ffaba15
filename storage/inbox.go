package storage

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"vigie/moderation"
)

// The platform inbox: raw webhook deliveries, written outside the event
// writer in a transaction of their own and committed before the webhook
// answers (SQLite runs with synchronous=FULL, so a commit is on disk).
// Workers lease them like outbox items.

var _ moderation.InboxStore = (*DB)(nil)

const deliveryColumns = `id, platform, received_at, body, state, attempts, last_error`

func scanDelivery(sc interface{ Scan(...any) error }) (moderation.Delivery, error) {
	var d moderation.Delivery
	var state string
	if err := sc.Scan(&d.ID, &d.Platform, &d.ReceivedAt, &d.Body, &state, &d.Attempts, &d.LastError); err != nil {
		return d, err
	}
	d.ReceivedAt = d.ReceivedAt.UTC()
	if d.Body == nil {
		d.Body = []byte{}
	}
	var err error
	d.State, err = moderation.ParseOutboxState(state)
	return d, err
}

// PutDelivery commits a raw delivery, byte for byte, and sets d.ID.
func (db *DB) PutDelivery(ctx context.Context, d *moderation.Delivery) error {
	if d.Platform == "" {
		return moderation.Errorf(moderation.ErrInvalid, "platform", "a delivery needs its platform")
	}
	if err := noNUL(field{"platform", d.Platform}); err != nil {
		return err
	}
	at := moderation.TruncateTime(d.ReceivedAt)
	if d.ReceivedAt.IsZero() {
		at = moderation.TruncateTime(db.cfg.Clock.Now())
	}
	body := d.Body
	if body == nil {
		body = []byte{} // an empty body, not a NULL one
	}
	q := db.dialect.bind(`INSERT INTO inbox (platform, received_at, body, state, attempts, next_at, updated_at)
		VALUES (?, ?, ?, 'pending', 0, ?, ?) RETURNING id`)
	err := db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		return c.QueryRowContext(ctx, q, d.Platform, at, body, at, at).Scan(&d.ID)
	})
	if err != nil {
		return fmt.Errorf("put delivery: %w", err)
	}
	d.ReceivedAt, d.State = at, moderation.OutboxPending
	return nil
}

// ClaimDeliveries leases up to limit due deliveries to holder, oldest
// first; two holders never get the same one.
func (db *DB) ClaimDeliveries(ctx context.Context, holder string, now, until time.Time, limit int) ([]moderation.Delivery, error) {
	if holder == "" {
		return nil, moderation.Errorf(moderation.ErrInvalid, "holder", "a claim needs a holder")
	}
	q := `WITH due AS (SELECT i.id FROM inbox i` + dueWhere("i") + `
			ORDER BY i.id LIMIT ?` + db.dialect.skipLocked() + `)
		UPDATE inbox SET holder = ?, lease_until = ? WHERE id IN (SELECT id FROM due)
		RETURNING ` + deliveryColumns
	ds, err := claimLeased(ctx, db, q, holder, now, until, limit, scanDelivery)
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	// RETURNING gives no order; deliveries are applied in arrival order.
	slices.SortFunc(ds, func(a, b moderation.Delivery) int { return cmp.Compare(a.ID, b.ID) })
	return ds, nil
}

// FinishDelivery records what processing a delivery came to, if it is
// still leased to holder (else ErrConflict).
func (db *DB) FinishDelivery(ctx context.Context, id int64, holder string, state moderation.OutboxState, errMsg string, next, now time.Time) error {
	if holder == "" {
		return moderation.Errorf(moderation.ErrInvalid, "holder", "finishing needs the holder")
	}
	if state < moderation.OutboxPending || state > moderation.OutboxFailed {
		return moderation.Errorf(moderation.ErrInvalid, "state", "unknown delivery state %d", state)
	}
	now = moderation.TruncateTime(now)
	set := `state = ?, last_error = ?, updated_at = ?`
	args := []any{state.String(), errorText(errMsg), now}
	if state == moderation.OutboxPending {
		if next.IsZero() {
			next = now
		}
		set += `, next_at = ?`
		args = append(args, moderation.TruncateTime(next))
	}
	if err := db.finishLeased(ctx, "inbox", id, holder, set, args); err != nil {
		return fmt.Errorf("finish delivery %d: %w", id, err)
	}
	return nil
}

// InboxStats counts pending and failed deliveries.
func (db *DB) InboxStats(ctx context.Context) (pending, failed int64, err error) {
	sqlDB, err := db.r.DB()
	if err != nil {
		return 0, 0, fmt.Errorf("inbox stats: %w", err)
	}
	err = sqlDB.QueryRowContext(ctx, `SELECT COUNT(CASE WHEN state = 'pending' THEN 1 END),
		COUNT(CASE WHEN state = 'failed' THEN 1 END) FROM inbox WHERE state IN ('pending', 'failed')`).Scan(&pending, &failed)
	if err != nil {
		return 0, 0, fmt.Errorf("inbox stats: %w", err)
	}
	return pending, failed, nil
}

// RememberRemoval records a removal that overtook its comment; telling it
// twice keeps the first.
func (db *DB) RememberRemoval(ctx context.Context, source, externalID string, at time.Time) error {
	if source == "" || externalID == "" {
		return moderation.Errorf(moderation.ErrInvalid, "external_id", "a removal needs a source and an external id")
	}
	if err := noNUL(field{"source", source}, field{"external_id", externalID}); err != nil {
		return err
	}
	q := db.dialect.bind(`INSERT INTO platform_removals (source, external_id, removed_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`)
	err := db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		_, err := c.ExecContext(ctx, q, source, externalID, moderation.TruncateTime(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("remember removal %s/%s: %w", source, externalID, err)
	}
	return nil
}

// Removed reports whether a removal of this comment was recorded.
func (db *DB) Removed(ctx context.Context, source, externalID string) (bool, error) {
	sqlDB, err := db.r.DB()
	if err != nil {
		return false, fmt.Errorf("removed %s/%s: %w", source, externalID, err)
	}
	var n int64
	q := db.dialect.bind(`SELECT COUNT(*) FROM platform_removals WHERE source = ? AND external_id = ?`)
	if err := sqlDB.QueryRowContext(ctx, q, source, externalID).Scan(&n); err != nil {
		return false, fmt.Errorf("removed %s/%s: %w", source, externalID, err)
	}
	return n > 0, nil
}
