package storage

import (
	"context"
	"time"

	"gorm.io/gorm"

	"vigie/moderation"
)

// migration10 records the revocation of personal tokens: disabling an
// account revokes them (moderation.Accounts.SetDisabled), so enabling it
// again does not bring them back. The rows stay, with when.
var migration10 = migration{version: 10, name: "personal tokens revoked", statements: []string{
	`ALTER TABLE api_tokens ADD COLUMN revoked_at {{time}}`,
	`CREATE INDEX api_tokens_user ON api_tokens (user_id)`,
}}

// RevokeTokens marks the user's live personal tokens revoked at at.
func (db *DB) RevokeTokens(ctx context.Context, userID int64, at time.Time) (int, error) {
	q := db.dialect.bind(`UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`)
	var n int64
	err := db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		res, err := c.ExecContext(ctx, q, moderation.TruncateTime(at), userID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
