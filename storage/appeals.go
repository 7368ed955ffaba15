package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"

	"vigie/moderation"
)

const appealColumns = `id, comment_id, opened_at, opened_by, statement, state, decided_by, decided_at, decision_seq`

func scanAppeal(sc interface{ Scan(...any) error }) (moderation.Appeal, error) {
	var a moderation.Appeal
	var state string
	var decided sql.NullTime
	var seq sql.NullInt64
	if err := sc.Scan(&a.ID, &a.CommentID, &a.OpenedAt, &a.OpenedBy, &a.Statement, &state, &a.DecidedBy, &decided, &seq); err != nil {
		return a, err
	}
	a.OpenedAt, a.DecidedAt, a.DecisionSeq = a.OpenedAt.UTC(), nullTime(decided), seq.Int64
	var err error
	a.State, err = moderation.ParseAppealState(state)
	return a, err
}

// OpenAppeal stores a new appeal; the partial unique index appeals_one_open
// turns a second open appeal on one comment into a conflict.
func (db *DB) OpenAppeal(ctx context.Context, a *moderation.Appeal) error {
	if err := noNUL(field{"by", a.OpenedBy}, field{"statement", a.Statement}); err != nil {
		return err
	}
	q := db.dialect.bind(`INSERT INTO appeals (comment_id, opened_at, opened_by, statement, state)
		SELECT ?, ?, ?, ?, 'open' WHERE NOT EXISTS (SELECT 1 FROM appeals WHERE comment_id = ? AND state = 'open')
		RETURNING id`)
	err := db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		return c.QueryRowContext(ctx, q, a.CommentID, moderation.TruncateTime(a.OpenedAt), a.OpenedBy, a.Statement, a.CommentID).Scan(&a.ID)
	})
	switch {
	case errors.Is(err, sql.ErrNoRows), uniqueViolation(err):
		// Two concurrent openings on PostgreSQL both pass NOT EXISTS; the
		// index refuses the second, reported as the same conflict.
		return fmt.Errorf("appeal on comment %d: one is already open: %w", a.CommentID, moderation.ErrConflict)
	case err != nil:
		return fmt.Errorf("appeal on comment %d: %w", a.CommentID, err)
	}
	a.State = moderation.AppealOpen
	return nil
}

// Appeal returns one appeal.
func (db *DB) Appeal(ctx context.Context, id int64) (moderation.Appeal, error) {
	sqlDB, err := db.r.DB()
	if err != nil {
		return moderation.Appeal{}, err
	}
	a, err := scanAppeal(sqlDB.QueryRowContext(ctx, db.dialect.bind(`SELECT `+appealColumns+` FROM appeals WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("appeal %d: %w", id, moderation.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("appeal %d: %w", id, err)
	}
	return a, nil
}

// Appeals lists appeals, oldest first.
func (db *DB) Appeals(ctx context.Context, f moderation.AppealFilter) ([]moderation.Appeal, error) {
	q := `SELECT ` + appealColumns + ` FROM appeals WHERE id > ?`
	args := []any{f.AfterID}
	if f.State != 0 {
		q += ` AND state = ?`
		args = append(args, f.State.String())
	}
	if f.CommentID != 0 {
		q += ` AND comment_id = ?`
		args = append(args, f.CommentID)
	}
	q += fmt.Sprintf(` ORDER BY id LIMIT %d`, queuePage(f.Limit))
	sqlDB, err := db.r.DB()
	if err != nil {
		return nil, err
	}
	rows, err := sqlDB.QueryContext(ctx, db.dialect.bind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("appeals: %w", err)
	}
	defer rows.Close()
	var out []moderation.Appeal
	for rows.Next() {
		a, err := scanAppeal(rows)
		if err != nil {
			return nil, fmt.Errorf("appeals: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// uniqueViolation reports whether err is a unique constraint refusing a
// row, on either database (by driver error code, never by message).
func uniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique
}
