package storage

import (
	"context"
	"testing"

	"vigie/moderation"
)

func TestMigrationsAreIdempotentOnReopen(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		db, err := Open(ctx, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		c, e := newComment(1, moderation.StatusPublished)
		if _, err := db.Intake(ctx, c, e, moderation.Effects{}); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			db = openDB(t, cfg)
		}
		var versions []int
		if err := db.r.Raw(`SELECT version FROM schema_migrations ORDER BY version`).Scan(&versions).Error; err != nil {
			t.Fatal(err)
		}
		if len(versions) != len(migrations) || versions[len(versions)-1] != schemaVersion() {
			t.Errorf("schema_migrations holds %v, want one row per step up to %d", versions, schemaVersion())
		}
		if got, err := db.Comment(ctx, c.ID); err != nil || got.Text != c.Text {
			t.Errorf("comment after reopen = %+v, %v", got, err)
		}
		mustVerify(t, db, 1)
	})
}

// A database migrated by a newer Vigie must not be written by an older one.
func TestOpenRefusesANewerSchema(t *testing.T) {
	cfg := sqliteConfig(t)
	db := openDB(t, cfg)
	if err := db.w.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, CURRENT_TIMESTAMP)`, schemaVersion()+1).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), cfg, nil); err == nil {
		t.Fatal("Open accepted a schema newer than the binary")
	} else {
		wantErr(t, err, moderation.ErrUnavailable)
	}
}

func TestOpenRejectsBadConfig(t *testing.T) {
	tests := []Config{
		{Driver: "mysql", DSN: "x"},
		{Driver: "sqlite", DSN: ":memory:"},
		{Driver: "sqlite", DSN: ""},
		{Driver: "postgres", DSN: ""},
	}
	for _, cfg := range tests {
		if db, err := Open(context.Background(), cfg, nil); err == nil {
			db.Close()
			t.Errorf("Open(%+v) succeeded, want an error", cfg)
		}
	}
}
