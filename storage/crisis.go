package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"vigie/moderation"
)

var _ moderation.CrisisStore = (*DB)(nil)

// migration9 lets an event belong to a page rather than a comment (a crisis
// switch: moderation/crisis.go): events.comment_id becomes nullable, and a
// partial index finds the few crisis events without scanning the log.
//
// PostgreSQL drops the constraint in place. SQLite cannot, so the table is
// rebuilt: same columns (migrations 1 and 8), rows copied, then the indexes
// and both append-only triggers re-created exactly as migrations 2 and 8
// left them (dropping a table drops its triggers; DROP TABLE fires no
// DELETE trigger). One transaction: a failure leaves the old table.
var migration9 = migration{version: 9, name: "events of a page (crisis mode)", sqlite: []string{
	`CREATE TABLE events_new (
		seq {{int}} PRIMARY KEY,
		comment_id {{int}} REFERENCES comments (id),
		at {{time}} NOT NULL,
		actor TEXT NOT NULL,
		from_status TEXT NOT NULL,
		to_status TEXT NOT NULL,
		route TEXT NOT NULL,
		automation TEXT NOT NULL,
		category TEXT NOT NULL DEFAULT '',
		rule_ids TEXT NOT NULL DEFAULT '',
		ruleset_version TEXT NOT NULL DEFAULT '',
		note TEXT NOT NULL DEFAULT '',
		source TEXT NOT NULL,
		language TEXT NOT NULL DEFAULT '',
		text_digest TEXT NOT NULL,
		author_digest TEXT NOT NULL,
		prev_hash TEXT NOT NULL,
		hash TEXT NOT NULL,
		text TEXT,
		verdict {{json}},
		verdict_digest TEXT NOT NULL DEFAULT ''
	)`,
	`INSERT INTO events_new (` + chainedEventColumnsV8 + `, text, verdict)
	SELECT ` + chainedEventColumnsV8 + `, text, verdict FROM events`,
	`DROP TABLE events`,
	`ALTER TABLE events_new RENAME TO events`,
	`CREATE INDEX events_comment_id ON events (comment_id, seq)`,
	`CREATE INDEX events_at ON events (at)`,
	`CREATE TRIGGER events_no_delete BEFORE DELETE ON events
	BEGIN SELECT RAISE(ABORT, 'events are append-only'); END`,
	`CREATE TRIGGER events_no_update BEFORE UPDATE OF ` + chainedEventColumnsV8 + ` ON events
	BEGIN SELECT RAISE(ABORT, 'events are append-only: only their text and verdict snapshots may be erased'); END`,
	`CREATE INDEX events_crisis ON events (seq) WHERE route = 'crisis'`,
}, postgres: []string{
	`ALTER TABLE events ALTER COLUMN comment_id DROP NOT NULL`,
	`CREATE INDEX events_crisis ON events (seq) WHERE route = 'crisis'`,
}}

// commentRef is events.comment_id: NULL for a page's event, which the
// domain spells 0 (comment ids start at 1).
type commentRef int64

func (c commentRef) Value() (driver.Value, error) {
	if c == 0 {
		return nil, nil
	}
	return int64(c), nil
}

func (c *commentRef) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	*c = commentRef(n.Int64)
	return nil
}

// AppendCrisis seals a crisis event after the chain head, in its own
// transaction, once CheckCrisisSwitch accepts it after the page's last
// crisis event. The head is locked (FOR UPDATE on PostgreSQL; SQLite's
// immediate transaction on the one write connection), so the event takes
// its place in line with the writer's batches and another process's
// switch of the same page waits and then sees this one.
func (db *DB) AppendCrisis(ctx context.Context, e *moderation.Event) error {
	if e == nil || e.Route != moderation.RouteCrisis {
		return moderation.Errorf(moderation.ErrInvalid, "route", "AppendCrisis writes crisis events only")
	}
	if err := e.Validate(); err != nil {
		return err
	}
	if err := eventNoNUL(e); err != nil {
		return err
	}
	ev := *e
	ev.At = moderation.TruncateTime(ev.At)
	err := db.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The writer's statements, bound for the dialect once.
		q := &db.writer.sql
		var head chainHeadRow
		if err := conn(tx).QueryRowContext(ctx, q.head).Scan(&head.Seq, &head.Hash); err != nil {
			return fmt.Errorf("chain head: %w", err)
		}
		last, err := lastCrisisEvent(tx, ev.Source)
		if err != nil {
			return err
		}
		if err := moderation.CheckCrisisSwitch(last, &ev); err != nil {
			return err
		}
		ev.Seal(head.Seq+1, head.Hash)
		row := eventRowOf(&ev, nil)
		row.Text = nil // a page's event judged no text
		if _, err := conn(tx).ExecContext(ctx, q.insertEvents[0], row.insertArgs()...); err != nil {
			return fmt.Errorf("insert event: %w", err)
		}
		if _, err := conn(tx).ExecContext(ctx, q.setHead, ev.Seq, ev.Hash); err != nil {
			return fmt.Errorf("chain head: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("crisis event %s: %w", e.Source, err)
	}
	*e = ev
	return nil
}

// lastCrisisEvent is the last crisis event of a source (nil: none).
func lastCrisisEvent(tx *gorm.DB, source string) (*moderation.Event, error) {
	var row eventRow
	err := tx.Omit("text", "verdict").Where("route = 'crisis' AND source = ?", source).
		Order("seq DESC").Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("last crisis event: %w", err)
	}
	e, err := row.toDomain()
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// CrisisEvents returns the crisis events with Seq > after, oldest first:
// how every server keeps its crisis state current (a read of the partial
// index events_crisis, cheap enough to poll).
func (db *DB) CrisisEvents(ctx context.Context, after int64) ([]moderation.Event, error) {
	var rows []eventRow
	err := db.r.WithContext(ctx).Omit("text", "verdict").
		Where("route = 'crisis' AND seq > ?", after).Order("seq").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("crisis events after %d: %w", after, err)
	}
	evs, err := eventsOf(rows)
	if err != nil {
		return nil, fmt.Errorf("crisis events after %d: %w", after, err)
	}
	return evs, nil
}

var _ moderation.QueueBooster = (*DB)(nil)

// BoostQueue adds delta to the priority of the review items in scope (a
// negative delta only where the priority is at least -delta: an item that
// came in before the crisis was never raised).
func (db *DB) BoostQueue(ctx context.Context, scope moderation.SourceScope, delta float64) (int64, error) {
	cond, args := scopeWhere("source", scope)
	if cond == "" {
		cond = "1 = 1"
	}
	if delta < 0 {
		cond += " AND priority >= ?"
		args = append(args, -delta)
	}
	res := db.w.WithContext(ctx).Exec(`UPDATE review_items SET priority = priority + ? WHERE `+cond, append([]any{delta}, args...)...)
	if res.Error != nil {
		return 0, fmt.Errorf("boost queue: %w", res.Error)
	}
	return res.RowsAffected, nil
}
