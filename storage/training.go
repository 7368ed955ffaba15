package storage

import (
	"context"
	"fmt"
	"strings"

	"vigie/moderation"
)

var _ moderation.TrainingSource = (*DB)(nil)

// TrainingRows lists, after a comment id, the comments whose last
// publish-or-refuse event was a person's (a human route, a moderator
// actor): the labels `vigie train --from-db` learns from. The filter is
// in SQL, so a page of comments the rules alone decided is skipped
// without being read. Purged comments have no text and are left out.
func (db *DB) TrainingRows(ctx context.Context, afterID int64, limit int) ([]moderation.TrainingRow, error) {
	routes := moderation.HumanRoutes()
	args := []any{afterID, moderation.StatusPublished.String(), moderation.StatusRefused.String()}
	marks := make([]string, len(routes))
	for i, r := range routes {
		marks[i] = "?"
		args = append(args, r.String())
	}
	args = append(args, "moderator:%", limit)
	q := db.dialect.bind(`SELECT c.id, c.text, c.language, e.to_status, e.seq, e.at
		FROM comments c JOIN events e ON e.comment_id = c.id
		WHERE c.id > ? AND c.purged_at IS NULL
		AND e.seq = (SELECT MAX(e2.seq) FROM events e2 WHERE e2.comment_id = c.id AND e2.to_status IN (?, ?))
		AND e.route IN (` + strings.Join(marks, ", ") + `) AND e.actor LIKE ?
		ORDER BY c.id LIMIT ?`)
	sqlDB, err := db.r.DB()
	if err != nil {
		return nil, err
	}
	rows, err := sqlDB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("training rows: %w", err)
	}
	defer rows.Close()
	var out []moderation.TrainingRow
	for rows.Next() {
		var r moderation.TrainingRow
		var to string
		if err := rows.Scan(&r.CommentID, &r.Text, &r.Language, &to, &r.Seq, &r.DecidedAt); err != nil {
			return nil, fmt.Errorf("training rows: %w", err)
		}
		r.Refused, r.DecidedAt = to == moderation.StatusRefused.String(), r.DecidedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
