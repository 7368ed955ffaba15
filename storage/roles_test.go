package storage

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/storage/storagetest"
)

// TestServerRoleCannotTouchTheTriggers: migrations run as the schema's
// owner; the server, running as a role given GrantServerRole, takes
// comments, decides and purges, but cannot drop or disable the
// append-only triggers, delete or rewrite an event, or create anything.
func TestServerRoleCannotTouchTheTriggers(t *testing.T) {
	ownerDSN, serverDSN, role := storagetest.PostgresRoles(t)
	ctx := context.Background()

	owner, err := Open(ctx, Config{Driver: "postgres", DSN: ownerDSN}, nil)
	if err != nil {
		t.Fatalf("open as the owner (migrations): %v", err)
	}
	if err := owner.GrantServerRole(ctx, role); err != nil {
		t.Fatal(err)
	}
	if err := owner.GrantServerRole(ctx, "x; DROP TABLE events"); err == nil || !strings.Contains(err.Error(), "plain role name") {
		t.Fatalf("a role name with SQL in it: %v", err)
	}
	owner.Close()

	db := openDB(t, Config{Driver: "postgres", DSN: serverDSN})
	c, _ := mustIntake(t, db, 1, moderation.StatusPending)
	if err := db.Transition(ctx, decision(c, moderation.StatusPending, moderation.StatusRefused, t0.Add(time.Hour)), nil, moderation.Effects{}); err != nil {
		t.Fatalf("a decision as the server's role: %v", err)
	}
	mustIntake(t, db, 2, moderation.StatusPublished)
	if n, err := db.Purge(ctx, t0.Add(24*time.Hour)); err != nil || n != 2 {
		t.Fatalf("a purge as the server's role: %d, %v", n, err)
	}
	mustVerify(t, db, 5) // and its 2 purge events

	for _, attack := range []string{
		`DROP TRIGGER events_no_delete ON events`,
		`DROP TRIGGER events_no_update ON events`,
		`ALTER TABLE events DISABLE TRIGGER ALL`,
		`ALTER TABLE events DISABLE TRIGGER events_no_update`,
		`DROP FUNCTION events_append_only() CASCADE`,
		`DELETE FROM events WHERE seq = 3`,
		`TRUNCATE events`,
		`UPDATE events SET note = 'rewritten' WHERE seq = 1`,
		`UPDATE events SET hash = 'x' WHERE seq = 1`,
		`CREATE TABLE shadow_log (x int)`,
		`DELETE FROM schema_migrations`,
	} {
		if err := db.w.Exec(attack).Error; err == nil {
			t.Errorf("the server's role could run %q", attack)
		} else if !strings.Contains(err.Error(), "must be owner") && !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("%q failed for another reason than privileges: %v", attack, err)
		}
	}
	mustVerify(t, db, 5)
}

// TestServerRoleAsksForTheOwnerWhenAStepIsPending: a binary with a step the
// database lacks, started as the server's role, says who must migrate.
func TestServerRoleAsksForTheOwnerWhenAStepIsPending(t *testing.T) {
	ownerDSN, serverDSN, role := storagetest.PostgresRoles(t)
	ctx := context.Background()
	owner, err := Open(ctx, Config{Driver: "postgres", DSN: ownerDSN}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := owner.GrantServerRole(ctx, role); err != nil {
		t.Fatal(err)
	}
	// As if this binary were one step ahead of the database.
	if err := owner.w.Exec(`DELETE FROM schema_migrations WHERE version = ?`, schemaVersion()).Error; err != nil {
		t.Fatal(err)
	}
	owner.Close()
	_, err = Open(ctx, Config{Driver: "postgres", DSN: serverDSN}, nil)
	if err == nil || !strings.Contains(err.Error(), "vigie migrate") {
		t.Fatalf("got %v, want an error naming `vigie migrate`", err)
	}
}

// TestSchemaStatusAndNewerSchema: the status lists every step; a schema
// newer than the binary is refused, with what to do.
func TestSchemaStatusAndNewerSchema(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		db := openDB(t, cfg)
		st, err := db.SchemaStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Database != st.Binary || len(st.Applied) != len(migrations) || st.Applied[0].Name == "" || st.Applied[0].AppliedAt.IsZero() {
			t.Fatalf("status %+v", st)
		}
		if err := db.w.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, CURRENT_TIMESTAMP)`, schemaVersion()+1).Error; err != nil {
			t.Fatal(err)
		}
		st, _ = db.SchemaStatus(ctx)
		if st.Database != schemaVersion()+1 || !strings.Contains(st.Applied[len(st.Applied)-1].Name, "unknown") {
			t.Errorf("status after a newer step: %+v", st)
		}
		_, err = Open(ctx, cfg, nil)
		if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
			t.Fatalf("open on a newer schema: %v", err)
		}
	})
}

// TestBackupIsAConsistentCopy: the SQLite backup, taken while the store is
// open, opens as a database whose chain verifies with every event; it does
// not overwrite a file; PostgreSQL names pg_dump instead.
func TestBackupIsAConsistentCopy(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, sqliteConfig(t))
	for i := range 20 {
		mustIntake(t, db, i, moderation.StatusPublished)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, path); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("a second backup onto the first: %v", err)
	}
	cp := openDB(t, Config{Driver: "sqlite", DSN: path})
	mustVerify(t, cp, 20)

	pg := openDB(t, postgresConfig(t))
	if err := pg.Backup(ctx, filepath.Join(t.TempDir(), "x")); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup on PostgreSQL: %v", err)
	}
}
