package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"vigie/moderation"
)

// migration7 keeps the models trained from the moderators' decisions
// (vigie train --from-db): a candidate runs in shadow until an admin
// promotes it. The model file is kept here, not on one machine's disk, so
// every instance runs the same one. state_seq is bumped on every change of
// state: other instances poll MAX(state_seq) and COUNT(*) to pick up a
// promotion. Self-contained: it names no table of another step.
var migration7 = migration{version: 7, name: "model candidates", statements: []string{
	`CREATE TABLE model_candidates (
		id {{id}},
		rule_id TEXT NOT NULL,
		created_at {{time}} NOT NULL,
		sha256 TEXT NOT NULL,
		model {{blob}} NOT NULL,
		training_rows {{int}} NOT NULL,
		label1 {{int}} NOT NULL DEFAULT 0,
		label0 {{int}} NOT NULL DEFAULT 0,
		trained_seq {{int}} NOT NULL DEFAULT 0,
		cv TEXT NOT NULL DEFAULT '',
		state TEXT NOT NULL DEFAULT 'shadow',
		state_seq {{int}} NOT NULL DEFAULT 0,
		promoted_by TEXT NOT NULL DEFAULT '',
		promoted_at {{time}}
	)`,
	`CREATE INDEX model_candidates_state ON model_candidates (rule_id, state, id)`,
}}

var _ moderation.CandidateStore = (*DB)(nil)

const candidateColumns = `id, rule_id, created_at, sha256, training_rows, label1, label0, trained_seq, cv, state, promoted_by, promoted_at`

func scanCandidate(sc interface{ Scan(...any) error }, extra ...any) (moderation.ModelCandidate, error) {
	var c moderation.ModelCandidate
	var cv, state string
	var promoted sql.NullTime
	dest := append([]any{&c.ID, &c.Rule, &c.CreatedAt, &c.SHA256, &c.Rows, &c.Label1, &c.Label0, &c.TrainedSeq, &cv, &state, &c.PromotedBy, &promoted}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return c, err
	}
	c.CreatedAt, c.PromotedAt = c.CreatedAt.UTC(), nullTime(promoted)
	if cv != "" {
		c.CV = &moderation.CVFigures{}
		if err := json.Unmarshal([]byte(cv), c.CV); err != nil {
			return c, fmt.Errorf("candidate %d: cv figures: %w", c.ID, err)
		}
	}
	var err error
	c.State, err = moderation.ParseCandidateState(state)
	return c, err
}

// CreateCandidate stores a new candidate and sets its ID.
func (db *DB) CreateCandidate(ctx context.Context, c *moderation.ModelCandidate) error {
	cv := ""
	if c.CV != nil {
		b, err := json.Marshal(c.CV)
		if err != nil {
			return err
		}
		cv = string(b)
	}
	if c.State == 0 {
		c.State = moderation.CandidateShadow
	}
	q := db.dialect.bind(`INSERT INTO model_candidates (rule_id, created_at, sha256, model, training_rows, label1, label0, trained_seq, cv, state, state_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(state_seq), 0) + 1 FROM model_candidates)) RETURNING id`)
	return db.withWriteTx(ctx, func(tx gorm.ConnPool, ctx context.Context) error {
		return tx.QueryRowContext(ctx, q, c.Rule, moderation.TruncateTime(c.CreatedAt), c.SHA256, c.Model,
			c.Rows, c.Label1, c.Label0, c.TrainedSeq, cv, c.State.String()).Scan(&c.ID)
	})
}

// Candidates lists every candidate, newest first, without model bytes.
func (db *DB) Candidates(ctx context.Context) ([]moderation.ModelCandidate, error) {
	sqlDB, err := db.r.DB()
	if err != nil {
		return nil, err
	}
	rows, err := sqlDB.QueryContext(ctx, `SELECT `+candidateColumns+` FROM model_candidates ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("candidates: %w", err)
	}
	defer rows.Close()
	var out []moderation.ModelCandidate
	for rows.Next() {
		c, err := scanCandidate(rows)
		if err != nil {
			return nil, fmt.Errorf("candidates: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Candidate reads one candidate with its model.
func (db *DB) Candidate(ctx context.Context, id int64) (moderation.ModelCandidate, error) {
	sqlDB, err := db.r.DB()
	if err != nil {
		return moderation.ModelCandidate{}, err
	}
	var model []byte
	c, err := scanCandidate(sqlDB.QueryRowContext(ctx, db.dialect.bind(`SELECT `+candidateColumns+`, model FROM model_candidates WHERE id = ?`), id), &model)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("candidate %d: %w", id, moderation.ErrNotFound)
	}
	c.Model = model
	return c, err
}

// SetCandidateState moves a candidate between states; a promotion retires
// the rule's promoted candidate in the same transaction, so a rule never
// has two.
func (db *DB) SetCandidateState(ctx context.Context, id int64, from []moderation.CandidateState, to moderation.CandidateState, by string, at time.Time) error {
	return db.withWriteTx(ctx, func(tx gorm.ConnPool, ctx context.Context) error {
		var rule, state string
		err := tx.QueryRowContext(ctx, db.dialect.bind(`SELECT rule_id, state FROM model_candidates WHERE id = ?`+db.dialect.forUpdate), id).Scan(&rule, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("candidate %d: %w", id, moderation.ErrNotFound)
		}
		if err != nil {
			return err
		}
		cur, err := moderation.ParseCandidateState(state)
		if err != nil {
			return err
		}
		if !slices.Contains(from, cur) {
			return fmt.Errorf("candidate %d is %s: %w", id, cur, moderation.ErrConflict)
		}
		var seq int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(state_seq), 0) + 1 FROM model_candidates`).Scan(&seq); err != nil {
			return err
		}
		if to == moderation.CandidatePromoted {
			if _, err := tx.ExecContext(ctx, db.dialect.bind(`UPDATE model_candidates SET state = ?, state_seq = ? WHERE rule_id = ? AND state = ?`),
				moderation.CandidateRetired.String(), seq, rule, moderation.CandidatePromoted.String()); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, db.dialect.bind(`UPDATE model_candidates SET state = ?, state_seq = ?, promoted_by = ?, promoted_at = ? WHERE id = ?`),
				to.String(), seq, by, moderation.TruncateTime(at), id)
			return err
		}
		_, err = tx.ExecContext(ctx, db.dialect.bind(`UPDATE model_candidates SET state = ?, state_seq = ? WHERE id = ?`), to.String(), seq, id)
		return err
	})
}

// CandidatesStamp is the number of candidates and the last state change:
// it moves on every insert and every change of state.
func (db *DB) CandidatesStamp(ctx context.Context) (string, error) {
	sqlDB, err := db.r.DB()
	if err != nil {
		return "", err
	}
	var n, seq int64
	if err := sqlDB.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(state_seq), 0) FROM model_candidates`).Scan(&n, &seq); err != nil {
		return "", fmt.Errorf("candidates stamp: %w", err)
	}
	return strconv.FormatInt(n, 10) + "/" + strconv.FormatInt(seq, 10), nil
}
