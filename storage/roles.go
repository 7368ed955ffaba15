package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// SchemaStatus is what `vigie migrate` prints: the database's schema
// version, this binary's, and each applied step.
type SchemaStatus struct {
	Database, Binary int
	Applied          []AppliedMigration
}

// AppliedMigration is one row of schema_migrations.
type AppliedMigration struct {
	Version   int
	Name      string
	AppliedAt time.Time
}

// SchemaStatus reads the applied migrations.
func (db *DB) SchemaStatus(ctx context.Context) (SchemaStatus, error) {
	st := SchemaStatus{Binary: schemaVersion()}
	var rows []struct {
		Version   int
		AppliedAt time.Time
	}
	if err := db.r.WithContext(ctx).Raw(`SELECT version, applied_at FROM schema_migrations ORDER BY version`).Scan(&rows).Error; err != nil {
		return st, fmt.Errorf("schema status: %w", err)
	}
	for _, r := range rows {
		name := "(unknown to this binary)"
		for _, m := range migrations {
			if m.version == r.Version {
				name = m.name
			}
		}
		st.Applied = append(st.Applied, AppliedMigration{Version: r.Version, Name: name, AppliedAt: r.AppliedAt})
		st.Database = max(st.Database, r.Version)
	}
	return st, nil
}

// currentVersion is the database's schema version; an error when it has no
// schema_migrations table yet.
func currentVersion(ctx context.Context, w *gorm.DB) (int, error) {
	var v int
	err := w.WithContext(ctx).Raw(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v).Error
	return v, err
}

var roleName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// GrantServerRole gives a PostgreSQL role what `vigie serve` needs and no
// more, so that the server can run as a role that does not own the schema.
// Only an owner may ALTER a table or DROP and DISABLE its triggers, so the
// append-only triggers on events hold against the server's own account:
// it may insert events and read them, and update only the snapshot
// columns a purge erases, never the chained ones, and never delete one.
// Run it as the owner after each upgrade (`vigie migrate --grant ROLE`):
// tables added by later migrations need their grants too.
func (db *DB) GrantServerRole(ctx context.Context, role string) error {
	if db.dialect.name != "postgres" {
		return errors.New("grant: roles exist on PostgreSQL only (a SQLite file is protected by its file permissions)")
	}
	if !roleName.MatchString(role) {
		return fmt.Errorf("grant: %q is not a plain role name (lower case letters, digits, _)", role)
	}
	var schema string
	if err := db.w.WithContext(ctx).Raw(`SELECT current_schema()`).Scan(&schema).Error; err != nil {
		return fmt.Errorf("grant: %w", err)
	}
	var cols []string
	if err := db.w.WithContext(ctx).Raw(`SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = 'events' ORDER BY ordinal_position`).Scan(&cols).Error; err != nil {
		return fmt.Errorf("grant: %w", err)
	}
	chained := strings.Split(strings.Join(strings.Fields(chainedEventColumns), ""), ",")
	var snapshot []string
	for _, c := range cols {
		if c != "id" && !slices.Contains(chained, c) {
			snapshot = append(snapshot, c)
		}
	}
	q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	stmts := []string{
		`GRANT USAGE ON SCHEMA ` + q(schema) + ` TO ` + role,
		`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ` + q(schema) + ` TO ` + role,
		`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ` + q(schema) + ` TO ` + role,
		// The log and its schema: narrower than the rest.
		`REVOKE ALL ON events, chain_head, schema_migrations FROM ` + role,
		`GRANT SELECT, INSERT ON events TO ` + role,
		`GRANT SELECT, UPDATE ON chain_head TO ` + role,
		`GRANT SELECT ON schema_migrations TO ` + role,
	}
	if len(snapshot) > 0 {
		stmts = append(stmts, `GRANT UPDATE (`+strings.Join(snapshot, ", ")+`) ON events TO `+role)
	}
	return db.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, s := range stmts {
			if err := tx.Exec(s).Error; err != nil {
				return fmt.Errorf("grant: %s: %w", firstLine(s), err)
			}
		}
		return nil
	})
}

// Backup writes a consistent copy of a SQLite database to path while the
// server runs: VACUUM INTO reads in one transaction, so the copy is the
// database at one instant, and compacted. The file must not exist. For
// PostgreSQL it is an error naming the command to use.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect.name != "sqlite" {
		return errors.New("backup: on PostgreSQL use pg_dump --format=custom --file=FILE DBNAME (see README, Deployment)")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	// On one connection of the read pool, so the writer goes on: VACUUM
	// INTO only reads this database, but SQLite counts it as a write,
	// which the pool's query_only forbids; lifted for this statement only.
	return db.r.WithContext(ctx).Connection(func(c *gorm.DB) error {
		if err := c.Exec(`PRAGMA query_only = 0`).Error; err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		defer c.Exec(`PRAGMA query_only = 1`)
		if err := c.Exec(`VACUUM INTO ?`, path).Error; err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		return nil
	})
}
