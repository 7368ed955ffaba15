package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"vigie/moderation"
)

// The review queue. Reads go to the read pool; claims are short write
// transactions on the write pool, beside the event writer: on SQLite the
// one write connection serialises them with the writer's batches, on
// PostgreSQL FOR UPDATE SKIP LOCKED lets concurrent claimers (in several
// processes) each take a different row without waiting for one another.

const reviewColumns = `ri.comment_id, ri.priority, ri.score, ri.category, ri.language, ri.source, ri.reason,
	ri.fingerprint, ri.received_at, ri.holder, ri.lease_until`

// queueOrder is the queue's order; the index review_items_order serves it.
const queueOrder = ` ORDER BY ri.priority DESC, ri.received_at, ri.comment_id`

func scanReviewItem(sc interface{ Scan(...any) error }) (moderation.ReviewItem, error) {
	var it moderation.ReviewItem
	var until sql.NullTime
	err := sc.Scan(&it.CommentID, &it.Priority, &it.Score, &it.Category, &it.Language, &it.Source, &it.Reason,
		&it.Fingerprint, &it.ReceivedAt, &it.Holder, &until)
	if until.Valid {
		it.LeaseUntil = until.Time.UTC()
	}
	it.ReceivedAt = it.ReceivedAt.UTC()
	return it, err
}

// queueWhere builds the filter's WHERE clause and arguments (? placeholders).
func queueWhere(f moderation.QueueFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, vals ...any) { conds = append(conds, cond); args = append(args, vals...) }
	if f.Category != "" {
		add("ri.category = ?", f.Category)
	}
	if f.Language != "" {
		add("ri.language = ?", f.Language)
	}
	if f.Source != "" {
		add("ri.source = ?", f.Source)
	}
	if f.Reason != "" {
		add("ri.reason = ?", f.Reason)
	}
	if f.Fingerprint != "" {
		add("ri.fingerprint = ?", f.Fingerprint)
	}
	if f.AuthorID != "" {
		add("ri.comment_id IN (SELECT id FROM comments WHERE source = ? AND author_id = ?)", f.Source, f.AuthorID)
	}
	if f.Unclaimed {
		add("(ri.holder = '' OR ri.lease_until IS NULL OR ri.lease_until <= ?)", moderation.TruncateTime(f.Now))
	}
	if cond, vals := scopeWhere("ri.source", f.Scope); cond != "" {
		add(cond, vals...)
	}
	if a := f.After; a != nil {
		add("(ri.priority < ? OR (ri.priority = ? AND (ri.received_at > ? OR (ri.received_at = ? AND ri.comment_id > ?))))",
			a.Priority, a.Priority, a.ReceivedAt, a.ReceivedAt, a.CommentID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// scopeWhere limits a source column to a scope's sources (SQL, ?
// placeholders): the listed sources in scope, or, with the default page,
// any source no page lists. "" when the scope limits nothing.
func scopeWhere(col string, sc moderation.SourceScope) (string, []any) {
	if !sc.Limited {
		return "", nil
	}
	in := func(op string, vals []string) (string, []any) {
		args := make([]any, len(vals))
		for i, v := range vals {
			args[i] = v
		}
		return col + " " + op + " (" + strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",") + ")", args
	}
	var parts []string
	var args []any
	if len(sc.Sources) > 0 {
		cond, vals := in("IN", sc.Sources)
		parts, args = append(parts, cond), append(args, vals...)
	}
	if sc.Unlisted {
		if len(sc.Listed) == 0 {
			return "", nil // every source is the default page's
		}
		cond, vals := in("NOT IN", sc.Listed)
		parts, args = append(parts, cond), append(args, vals...)
	}
	if len(parts) == 0 {
		return "1 = 0", nil // no page in scope: nothing
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// Queue lists review items by priority.
func (db *DB) Queue(ctx context.Context, f moderation.QueueFilter) ([]moderation.ReviewItem, error) {
	where, args := queueWhere(f)
	q := db.dialect.bind(`SELECT ` + reviewColumns + ` FROM review_items ri` + where + queueOrder + fmt.Sprintf(` LIMIT %d`, queuePage(f.Limit)))
	sqlDB, err := db.r.DB()
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	rows, err := sqlDB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	defer rows.Close()
	var out []moderation.ReviewItem
	for rows.Next() {
		it, err := scanReviewItem(rows)
		if err != nil {
			return nil, fmt.Errorf("queue: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// queuePage bounds a page of the queue.
func queuePage(limit int) int {
	if limit <= 0 {
		return 50
	}
	return min(limit, 1000)
}

// ReviewItem returns one comment's queue entry.
func (db *DB) ReviewItem(ctx context.Context, commentID int64) (moderation.ReviewItem, error) {
	sqlDB, err := db.r.DB()
	if err != nil {
		return moderation.ReviewItem{}, err
	}
	row := sqlDB.QueryRowContext(ctx, db.dialect.bind(`SELECT `+reviewColumns+` FROM review_items ri WHERE ri.comment_id = ?`), commentID)
	it, err := scanReviewItem(row)
	if errors.Is(err, sql.ErrNoRows) {
		return it, fmt.Errorf("review item %d: %w", commentID, moderation.ErrNotFound)
	}
	if err != nil {
		return it, fmt.Errorf("review item %d: %w", commentID, err)
	}
	return it, nil
}

// QueueStats counts the queue.
func (db *DB) QueueStats(ctx context.Context, now time.Time, scope moderation.SourceScope) (moderation.QueueStats, error) {
	var st moderation.QueueStats
	var oldest sql.NullTime
	sqlDB, err := db.r.DB()
	if err != nil {
		return st, err
	}
	if scope.Limited {
		return db.scopedQueueStats(ctx, sqlDB, now, scope)
	}
	// Two counts, each over an index: a CASE inside one SUM would read
	// every row of a long queue on every page.
	err = sqlDB.QueryRowContext(ctx, db.dialect.bind(`SELECT (SELECT COUNT(*) FROM review_items), (SELECT COUNT(*) FROM review_items WHERE lease_until > ?)`),
		moderation.TruncateTime(now)).Scan(&st.Depth, &st.Claimed)
	if err != nil {
		return st, fmt.Errorf("queue stats: %w", err)
	}
	// MIN over a DATETIME column comes back as text from SQLite: read the
	// oldest row through the index review_items_received instead.
	err = sqlDB.QueryRowContext(ctx, `SELECT received_at FROM review_items ORDER BY received_at LIMIT 1`).Scan(&oldest)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("queue stats: %w", err)
	}
	if oldest.Valid {
		st.Oldest = oldest.Time.UTC()
	}
	return st, nil
}

// QueueGroups lists texts with several pending copies, largest first.
func (db *DB) QueueGroups(ctx context.Context, limit int, scope moderation.SourceScope) ([]moderation.QueueGroup, error) {
	sqlDB, err := db.r.DB()
	if err != nil {
		return nil, err
	}
	where, args := "", []any(nil)
	if cond, vals := scopeWhere("ri.source", scope); cond != "" {
		where, args = " AND "+cond, vals
	}
	rows, err := sqlDB.QueryContext(ctx, db.dialect.bind(fmt.Sprintf(`SELECT ri.fingerprint, COUNT(*), COUNT(DISTINCT c.author_id), MIN(ri.comment_id)
		FROM review_items ri JOIN comments c ON c.id = ri.comment_id
		WHERE ri.fingerprint <> ''%s GROUP BY ri.fingerprint HAVING COUNT(*) > 1
		ORDER BY COUNT(*) DESC, MIN(ri.comment_id) LIMIT %d`, where, queuePage(limit))), args...)
	if err != nil {
		return nil, fmt.Errorf("queue groups: %w", err)
	}
	defer rows.Close()
	var out []moderation.QueueGroup
	for rows.Next() {
		var g moderation.QueueGroup
		if err := rows.Scan(&g.Fingerprint, &g.Count, &g.Authors, &g.Sample); err != nil {
			return nil, fmt.Errorf("queue groups: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// AuthorCounts counts one author's comments by status.
func (db *DB) AuthorCounts(ctx context.Context, source, authorID string) (map[moderation.Status]int64, error) {
	out := map[moderation.Status]int64{}
	if authorID == "" {
		return out, nil
	}
	sqlDB, err := db.r.DB()
	if err != nil {
		return nil, err
	}
	rows, err := sqlDB.QueryContext(ctx, db.dialect.bind(`SELECT status, COUNT(*) FROM comments WHERE source = ? AND author_id = ? GROUP BY status`), source, authorID)
	if err != nil {
		return nil, fmt.Errorf("author counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("author counts: %w", err)
		}
		s, err := moderation.ParseStatus(st)
		if err != nil {
			return nil, fmt.Errorf("author counts: %w", err)
		}
		out[s] = n
	}
	return out, rows.Err()
}

// scopedQueueStats counts the queue of some pages: the same figures as
// QueueStats, over the scope's sources only.
func (db *DB) scopedQueueStats(ctx context.Context, sqlDB *sql.DB, now time.Time, scope moderation.SourceScope) (moderation.QueueStats, error) {
	var st moderation.QueueStats
	var oldest sql.NullTime
	cond, args := scopeWhere("source", scope)
	if cond == "" {
		cond = "1 = 1"
	}
	q := `SELECT (SELECT COUNT(*) FROM review_items WHERE ` + cond + `), (SELECT COUNT(*) FROM review_items WHERE lease_until > ? AND ` + cond + `)`
	all := append(append(append([]any(nil), args...), moderation.TruncateTime(now)), args...)
	if err := sqlDB.QueryRowContext(ctx, db.dialect.bind(q), all...).Scan(&st.Depth, &st.Claimed); err != nil {
		return st, fmt.Errorf("queue stats: %w", err)
	}
	err := sqlDB.QueryRowContext(ctx, db.dialect.bind(`SELECT received_at FROM review_items WHERE `+cond+` ORDER BY received_at LIMIT 1`), args...).Scan(&oldest)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("queue stats: %w", err)
	}
	if oldest.Valid {
		st.Oldest = oldest.Time.UTC()
	}
	return st, nil
}

// SourceCounts counts the comments of every source by status: what
// `vigie pages` adds up per page.
func (db *DB) SourceCounts(ctx context.Context) (map[string]map[moderation.Status]int64, error) {
	sqlDB, err := db.r.DB()
	if err != nil {
		return nil, err
	}
	rows, err := sqlDB.QueryContext(ctx, `SELECT source, status, COUNT(*) FROM comments GROUP BY source, status`)
	if err != nil {
		return nil, fmt.Errorf("source counts: %w", err)
	}
	defer rows.Close()
	out := map[string]map[moderation.Status]int64{}
	for rows.Next() {
		var src, st string
		var n int64
		if err := rows.Scan(&src, &st, &n); err != nil {
			return nil, fmt.Errorf("source counts: %w", err)
		}
		s, err := moderation.ParseStatus(st)
		if err != nil {
			return nil, fmt.Errorf("source counts: %w", err)
		}
		if out[src] == nil {
			out[src] = map[moderation.Status]int64{}
		}
		out[src][s] = n
	}
	return out, rows.Err()
}
