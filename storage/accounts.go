package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"vigie/moderation"
)

var _ moderation.AccountStore = (*DB)(nil)

const userColumns = `id, name, role, password_hash, disabled, created_at, updated_at`

func scanUser(sc interface{ Scan(...any) error }) (moderation.User, error) {
	var u moderation.User
	var role string
	var disabled int64
	if err := sc.Scan(&u.ID, &u.Name, &role, &u.PasswordHash, &disabled, &u.CreatedAt, &u.UpdatedAt); err != nil {
		return u, err
	}
	u.Disabled, u.CreatedAt, u.UpdatedAt = disabled != 0, u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	var err error
	u.Role, err = moderation.ParseRole(role)
	return u, err
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// CreateUser stores a new account; a taken name is a conflict.
func (db *DB) CreateUser(ctx context.Context, u *moderation.User) error {
	q := db.dialect.bind(`INSERT INTO users (name, role, password_hash, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`)
	err := db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		return c.QueryRowContext(ctx, q, u.Name, u.Role.String(), u.PasswordHash, boolInt(u.Disabled),
			moderation.TruncateTime(u.CreatedAt), moderation.TruncateTime(u.UpdatedAt)).Scan(&u.ID)
	})
	if uniqueViolation(err) {
		return fmt.Errorf("user %s exists: %w", u.Name, moderation.ErrConflict)
	}
	return err
}

// UpdateUser writes an account's role, password hash and disabled flag.
func (db *DB) UpdateUser(ctx context.Context, u moderation.User) error {
	q := db.dialect.bind(`UPDATE users SET role = ?, password_hash = ?, disabled = ?, updated_at = ? WHERE id = ?`)
	return db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		res, err := c.ExecContext(ctx, q, u.Role.String(), u.PasswordHash, boolInt(u.Disabled), moderation.TruncateTime(u.UpdatedAt), u.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("user %d: %w", u.ID, moderation.ErrNotFound)
		}
		return nil
	})
}

func (db *DB) userWhere(ctx context.Context, cond string, arg any) (moderation.User, error) {
	sqlDB, err := db.r.DB()
	if err != nil {
		return moderation.User{}, err
	}
	u, err := scanUser(sqlDB.QueryRowContext(ctx, db.dialect.bind(`SELECT `+userColumns+` FROM users WHERE `+cond), arg))
	if errors.Is(err, sql.ErrNoRows) {
		// The caller names the user; this says only what is wrong.
		return u, fmt.Errorf("no such user: %w", moderation.ErrNotFound)
	}
	return u, err
}

// UserByName returns an account by its name.
func (db *DB) UserByName(ctx context.Context, name string) (moderation.User, error) {
	return db.userWhere(ctx, `name = ?`, name)
}

// UserByID returns an account by its id.
func (db *DB) UserByID(ctx context.Context, id int64) (moderation.User, error) {
	return db.userWhere(ctx, `id = ?`, id)
}

// Users lists every account by name.
func (db *DB) Users(ctx context.Context) ([]moderation.User, error) {
	sqlDB, err := db.r.DB()
	if err != nil {
		return nil, err
	}
	rows, err := sqlDB.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	defer rows.Close()
	var out []moderation.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CreateSession stores a signed-in session, and drops expired ones on the
// way so the table does not grow forever.
func (db *DB) CreateSession(ctx context.Context, s moderation.Session) error {
	ins := db.dialect.bind(`INSERT INTO sessions (digest, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`)
	del := db.dialect.bind(`DELETE FROM sessions WHERE expires_at < ?`)
	return db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		if _, err := c.ExecContext(ctx, del, moderation.TruncateTime(s.CreatedAt)); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, ins, s.Digest, s.UserID, s.CSRF, moderation.TruncateTime(s.CreatedAt), moderation.TruncateTime(s.ExpiresAt))
		return err
	})
}

// SessionByDigest returns a live session.
func (db *DB) SessionByDigest(ctx context.Context, digest string, now time.Time) (moderation.Session, error) {
	sqlDB, err := db.r.DB()
	if err != nil {
		return moderation.Session{}, err
	}
	var s moderation.Session
	err = sqlDB.QueryRowContext(ctx, db.dialect.bind(`SELECT digest, user_id, csrf, created_at, expires_at FROM sessions
		WHERE digest = ? AND expires_at > ?`), digest, moderation.TruncateTime(now)).
		Scan(&s.Digest, &s.UserID, &s.CSRF, &s.CreatedAt, &s.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("session: %w", moderation.ErrNotFound)
	}
	s.CreatedAt, s.ExpiresAt = s.CreatedAt.UTC(), s.ExpiresAt.UTC()
	return s, err
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, digest string) error {
	return db.exec(ctx, `DELETE FROM sessions WHERE digest = ?`, digest)
}

// DeleteSessions ends every session of a user.
func (db *DB) DeleteSessions(ctx context.Context, userID int64) error {
	return db.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
}

func (db *DB) exec(ctx context.Context, q string, args ...any) error {
	q = db.dialect.bind(q)
	return db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		_, err := c.ExecContext(ctx, q, args...)
		return err
	})
}

// CreateToken stores a personal API token's digest, unless the user is
// disabled: read under the user's row lock (PostgreSQL; SQLite's writes
// are serial), so a token cannot slip in while the account is disabled.
func (db *DB) CreateToken(ctx context.Context, t *moderation.APIToken) error {
	user := db.dialect.bind(`SELECT disabled FROM users WHERE id = ?` + db.dialect.forUpdate)
	q := db.dialect.bind(`INSERT INTO api_tokens (user_id, digest, label, created_at) VALUES (?, ?, ?, ?) RETURNING id`)
	return db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		var disabled int64
		switch err := c.QueryRowContext(ctx, user, t.UserID).Scan(&disabled); {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("token: no such user: %w", moderation.ErrNotFound)
		case err != nil:
			return err
		case disabled != 0:
			return fmt.Errorf("token: the account is disabled: %w", moderation.ErrForbidden)
		}
		return c.QueryRowContext(ctx, q, t.UserID, t.Digest, t.Label, moderation.TruncateTime(t.CreatedAt)).Scan(&t.ID)
	})
}

// TokenByDigest returns a personal token that is not revoked.
func (db *DB) TokenByDigest(ctx context.Context, digest string) (moderation.APIToken, error) {
	sqlDB, err := db.r.DB()
	if err != nil {
		return moderation.APIToken{}, err
	}
	var t moderation.APIToken
	err = sqlDB.QueryRowContext(ctx, db.dialect.bind(`SELECT id, user_id, digest, label, created_at FROM api_tokens
		WHERE digest = ? AND revoked_at IS NULL`), digest).
		Scan(&t.ID, &t.UserID, &t.Digest, &t.Label, &t.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("token: %w", moderation.ErrNotFound)
	}
	return t, err
}
