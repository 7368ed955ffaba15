package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"vigie/moderation"
)

// purgeChunk bounds one purge transaction: on SQLite a purge shares the one
// write connection with intake, which must not stall behind it for long.
const purgeChunk = 500

// Purge is PurgeWith under a note naming only the cut-off time.
func (db *DB) Purge(ctx context.Context, before time.Time) (int, error) {
	return db.PurgeWith(ctx, before, moderation.PurgeBy{Note: moderation.DefaultPurgeNote(before)})
}

// PurgeWith erases the personal data of comments received before the given
// time: their text, author, salt and the texts quoted by their verdict's
// matches, and the text snapshots of their events. Chained columns are never
// touched (the digests stay, and without the salt they can no longer be
// tested against guesses), so every hash still verifies and every count
// stays the same. Each purged comment gets one purge event (moderation/
// purge.go), chained in the transaction that erases it, with by's actor
// (ActorSystem when empty) and note. It returns how many comments it purged.
func (db *DB) PurgeWith(ctx context.Context, before time.Time, by moderation.PurgeBy) (int, error) {
	if by.Actor == "" {
		by.Actor = moderation.ActorSystem
	}
	if err := noNUL(field{"actor", by.Actor}, field{"note", by.Note}); err != nil {
		return 0, err
	}
	before = moderation.TruncateTime(before) // UTC: SQLite compares times as text
	now := moderation.TruncateTime(db.cfg.Clock.Now())
	total := 0
	for {
		n, err := db.purgeChunk(ctx, before, now, by)
		total += n
		if err != nil {
			return total, fmt.Errorf("purge before %s: %w", before.Format(time.RFC3339), err)
		}
		if n < purgeChunk {
			return total, nil
		}
	}
}

// purgeTarget is what a purge reads of a comment: enough to write its
// purge event and to scrub its verdict.
type purgeTarget struct {
	ID       int64
	Status   string
	Category string
	Source   string
	Language string
	Verdict  *string
}

type idVerdict struct {
	Seq     int64
	Verdict *string
}

// purgeChunk purges up to purgeChunk comments in one transaction. The
// statements are few whatever the chunk: one UPDATE erases the comments,
// one per thousand events erases their snapshots, a few multi-row INSERTs
// write the purge events.
func (db *DB) purgeChunk(ctx context.Context, before, now time.Time, by moderation.PurgeBy) (int, error) {
	var targets []purgeTarget
	err := db.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The chain head, locked: the purge events go after it (and on
		// PostgreSQL this queues behind the writers, which may update the
		// same comments in another order).
		var head chainHeadRow
		if err := conn(tx).QueryRowContext(ctx, db.writer.sql.head).Scan(&head.Seq, &head.Hash); err != nil {
			return fmt.Errorf("chain head: %w", err)
		}
		err := tx.Model(&commentRow{}).Select("id", "status", "category", "source", "language", "verdict").
			Where("received_at < ? AND purged_at IS NULL", before).
			Order("id").Limit(purgeChunk).Find(&targets).Error
		if err != nil || len(targets) == 0 {
			return err
		}
		if err := db.eraseComments(ctx, tx, targets, now); err != nil {
			return err
		}
		if err := db.eraseEvents(ctx, tx, targets); err != nil {
			return err
		}
		if err := db.appendPurgeEvents(tx, targets, now, by, &head); err != nil {
			return err
		}
		_, err = conn(tx).ExecContext(ctx, db.writer.sql.setHead, head.Seq, head.Hash)
		return err
	})
	if err != nil {
		return 0, err
	}
	return len(targets), nil
}

// appendPurgeEvents seals one purge event per comment after head, advances
// head, and inserts them with multi-row INSERTs (chunks of powers of two,
// the writer's statements).
func (db *DB) appendPurgeEvents(tx *gorm.DB, targets []purgeTarget, now time.Time, by moderation.PurgeBy, head *chainHeadRow) error {
	rows := make([]eventRow, len(targets))
	for i, t := range targets {
		st, err := moderation.ParseStatus(t.Status)
		if err != nil {
			return fmt.Errorf("comment %d: %w", t.ID, err)
		}
		c := moderation.Comment{ID: t.ID, Status: st, Category: t.Category, Source: t.Source, Language: t.Language}
		e := moderation.PurgeEvent(&c, now, by)
		if err := e.Validate(); err != nil {
			return fmt.Errorf("comment %d: %w", t.ID, err)
		}
		e.Seal(head.Seq+1, head.Hash)
		head.Seq, head.Hash = e.Seq, e.Hash
		rows[i] = eventRowOf(&e, nil)
		rows[i].Text = nil // no snapshot: there is nothing left to keep
	}
	if err := db.writer.sql.insertEventRows(tx, rows); err != nil {
		return fmt.Errorf("purge events: %w", err)
	}
	return nil
}

// scrubbed returns a stored verdict without the texts its matches quote,
// or nil when it quotes none (nothing to rewrite).
func scrubbed(stored *string) (*string, error) {
	v, err := decodeVerdict(stored)
	if err != nil || v == nil {
		return nil, err
	}
	quotes := false
	for i := range v.Matches {
		quotes = quotes || v.Matches[i].Text != ""
		v.Matches[i].Text = ""
	}
	if !quotes {
		return nil, nil
	}
	return encodeVerdict(v)
}

// eraseRowsMax bounds the rows of one erasing statement (two parameters
// each: far below either database's limit).
const eraseRowsMax = 1000

// eraseComments erases the personal columns of the chunk's comments and
// rewrites their verdicts in one statement: each row is written once (on
// PostgreSQL a second UPDATE of a row is a second row version), and a
// chunk costs one round trip instead of one per comment. The new verdicts
// come as a VALUES list (NULL: keep the stored one).
func (db *DB) eraseComments(ctx context.Context, tx *gorm.DB, targets []purgeTarget, now time.Time) error {
	args := make([]any, 0, 2*len(targets)+1)
	for _, c := range targets {
		v, err := scrubbed(c.Verdict)
		if err != nil {
			return fmt.Errorf("comment %d: %w", c.ID, err)
		}
		args = append(args, c.ID, v)
	}
	q := `WITH v(id, verdict) AS (VALUES ` + db.idVerdictTuples(len(targets)) + `)
		UPDATE comments SET text = '', author_id = '', author_name = '', salt = NULL, purged_at = ?,
			verdict = COALESCE(v.verdict, comments.verdict)
		FROM v WHERE comments.id = v.id`
	args = append(args, now) // purged_at comes after the VALUES list
	if _, err := conn(tx).ExecContext(ctx, db.dialect.bind(q), args...); err != nil {
		return fmt.Errorf("erase comments: %w", err)
	}
	return nil
}

// eraseEvents erases the text snapshots of the chunk's events and the texts
// their verdicts quote, a thousand events a statement. Only the snapshot
// columns are named: the chained ones stay as they are.
func (db *DB) eraseEvents(ctx context.Context, tx *gorm.DB, targets []purgeTarget) error {
	ids := make([]any, len(targets))
	for i := range targets {
		ids[i] = targets[i].ID
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")"
	var events []idVerdict
	if err := tx.Raw(`SELECT seq, verdict FROM events WHERE (text IS NOT NULL OR verdict IS NOT NULL) AND comment_id IN `+in, ids...).Scan(&events).Error; err != nil {
		return fmt.Errorf("events to erase: %w", err)
	}
	args := make([]any, 0, 2*min(len(events), eraseRowsMax))
	for len(events) > 0 {
		n := min(len(events), eraseRowsMax)
		args = args[:0]
		for _, e := range events[:n] {
			v, err := scrubbed(e.Verdict)
			if err != nil {
				return fmt.Errorf("event %d: %w", e.Seq, err)
			}
			args = append(args, e.Seq, v)
		}
		q := `WITH v(seq, verdict) AS (VALUES ` + db.idVerdictTuples(n) + `)
			UPDATE events SET text = NULL, verdict = COALESCE(v.verdict, events.verdict)
			FROM v WHERE events.seq = v.seq`
		if _, err := conn(tx).ExecContext(ctx, db.dialect.bind(q), args...); err != nil {
			return fmt.Errorf("erase events: %w", err)
		}
		events = events[n:]
	}
	return nil
}

// idVerdictTuples is n "(id, verdict)" rows of a VALUES list, typed for
// PostgreSQL (which cannot infer a parameter's type inside VALUES).
// SQLite keeps the verdict as text: a cast to an unknown type name would
// give it numeric affinity.
func (db *DB) idVerdictTuples(n int) string {
	tuple := "(CAST(? AS BIGINT), ?)"
	if db.dialect.name == "postgres" {
		tuple = "(CAST(? AS BIGINT), CAST(? AS JSONB))"
	}
	return strings.TrimSuffix(strings.Repeat(tuple+", ", n), ", ")
}
