package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"vigie/moderation"
)

// migration is one numbered schema step. Steps are plain SQL, never derived
// from the gorm models: a step must mean the same thing forever, whatever
// the models become later. Type placeholders ({{id}}, {{int}}, {{time}},
// {{blob}}, {{json}}) are filled in by the dialect; statements that differ
// more than that go in sqlite or postgres.
type migration struct {
	version    int
	name       string
	statements []string // for every dialect
	sqlite     []string
	postgres   []string
}

func (m migration) statementsFor(d dialect) []string {
	switch d.name {
	case "sqlite":
		return slices.Concat(m.statements, m.sqlite)
	case "postgres":
		return slices.Concat(m.statements, m.postgres)
	}
	return m.statements
}

// chainedEventColumns are the columns a hash covers (plus the hash itself):
// no UPDATE may name them. A purge erases only text and verdict.
const chainedEventColumns = `seq, comment_id, at, actor, from_status, to_status, route, automation,
	category, rule_ids, ruleset_version, note, source, language, text_digest, author_digest,
	prev_hash, hash`

// migrations is append-only: never edit a released step, add a new one.
// Later tables (review queue claims, outbox, users) come as steps 2, 3…
var migrations = []migration{
	{version: 1, name: "comments, events and the chain head", statements: []string{
		`CREATE TABLE comments (
			id {{id}},
			source TEXT NOT NULL,
			external_id TEXT NOT NULL,
			thread_id TEXT NOT NULL DEFAULT '',
			parent_id TEXT NOT NULL DEFAULT '',
			author_id TEXT NOT NULL DEFAULT '',
			author_name TEXT NOT NULL DEFAULT '',
			text TEXT NOT NULL DEFAULT '',
			language TEXT NOT NULL DEFAULT '',
			status TEXT NOT NULL,
			category TEXT NOT NULL DEFAULT '',
			verdict {{json}},
			created_at {{time}} NOT NULL,
			received_at {{time}} NOT NULL,
			updated_at {{time}} NOT NULL,
			salt {{blob}},
			purged_at {{time}},
			CONSTRAINT comments_source_external_id UNIQUE (source, external_id)
		)`,
		`CREATE INDEX comments_received_at ON comments (received_at)`,
		`CREATE INDEX comments_status ON comments (status)`,
		// Chained columns first, then the snapshot (text, verdict), which a
		// purge may erase. rule_ids is a JSON array.
		`CREATE TABLE events (
			seq {{int}} PRIMARY KEY,
			comment_id {{int}} NOT NULL REFERENCES comments (id),
			at {{time}} NOT NULL,
			actor TEXT NOT NULL,
			from_status TEXT NOT NULL,
			to_status TEXT NOT NULL,
			route TEXT NOT NULL,
			automation TEXT NOT NULL,
			category TEXT NOT NULL DEFAULT '',
			rule_ids TEXT NOT NULL DEFAULT '',
			ruleset_version TEXT NOT NULL DEFAULT '',
			note TEXT NOT NULL DEFAULT '',
			source TEXT NOT NULL,
			language TEXT NOT NULL DEFAULT '',
			text_digest TEXT NOT NULL,
			author_digest TEXT NOT NULL,
			prev_hash TEXT NOT NULL,
			hash TEXT NOT NULL,
			text TEXT,
			verdict {{json}}
		)`,
		`CREATE INDEX events_comment_id ON events (comment_id, seq)`,
		`CREATE INDEX events_at ON events (at)`,
		// One row, always: the last sequence number and hash. Writers lock
		// it to append, which keeps the chain a single line across
		// instances.
		`CREATE TABLE chain_head (
			id {{int}} PRIMARY KEY CHECK (id = 1),
			seq {{int}} NOT NULL,
			hash TEXT NOT NULL
		)`,
		`INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '` + moderation.GenesisHash + `')`,
	}},
	// The hash chain detects a rewritten log; these triggers keep Vigie's
	// own code (and careless hands in a SQL shell) from rewriting it at all.
	// Whoever drops them can still edit rows: that is what verify is for.
	{version: 2, name: "events are append-only", sqlite: []string{
		`CREATE TRIGGER events_no_delete BEFORE DELETE ON events
		BEGIN SELECT RAISE(ABORT, 'events are append-only'); END`,
		`CREATE TRIGGER events_no_update BEFORE UPDATE OF ` + chainedEventColumns + ` ON events
		BEGIN SELECT RAISE(ABORT, 'events are append-only: only their text and verdict snapshots may be erased'); END`,
	}, postgres: []string{
		`CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			RAISE EXCEPTION 'events are append-only: only their text and verdict snapshots may be erased';
		END $$`,
		`CREATE TRIGGER events_no_delete BEFORE DELETE ON events
		FOR EACH ROW EXECUTE FUNCTION events_append_only()`,
		`CREATE TRIGGER events_no_update BEFORE UPDATE OF ` + chainedEventColumns + ` ON events
		FOR EACH ROW EXECUTE FUNCTION events_append_only()`,
		`CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
		FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()`,
	}},
	// Version 3 is the accounts step (users, sessions, personal tokens).
	//
	// The review queue, blind audits, appeals and the platform outbox. None
	// of these rows is chained: they are work lists whose every outcome is
	// an event. review_items mirrors the pending comments, with what the
	// queue sorts and filters on, so a page of the queue reads one index.
	{version: 4, name: "review queue, audits, appeals and outbox", statements: []string{
		`CREATE TABLE review_items (
			comment_id {{int}} PRIMARY KEY REFERENCES comments (id),
			priority DOUBLE PRECISION NOT NULL,
			score DOUBLE PRECISION NOT NULL DEFAULT 0,
			category TEXT NOT NULL DEFAULT '',
			language TEXT NOT NULL DEFAULT '',
			source TEXT NOT NULL,
			reason TEXT NOT NULL DEFAULT '',
			fingerprint TEXT NOT NULL DEFAULT '',
			received_at {{time}} NOT NULL,
			holder TEXT NOT NULL DEFAULT '',
			lease_until {{time}}
		)`,
		`CREATE INDEX review_items_order ON review_items (priority DESC, received_at, comment_id)`,
		// A filtered page reads its own rows in queue order. Through the
		// order index alone, a category with few pending comments meant
		// reading the whole queue: 450 ms a page at 100,000 pending.
		`CREATE INDEX review_items_category ON review_items (category, priority DESC, received_at, comment_id)`,
		`CREATE INDEX review_items_language ON review_items (language, priority DESC, received_at, comment_id)`,
		`CREATE INDEX review_items_source ON review_items (source, priority DESC, received_at, comment_id)`,
		`CREATE INDEX review_items_reason ON review_items (reason, priority DESC, received_at, comment_id)`,
		`CREATE INDEX review_items_fingerprint ON review_items (fingerprint)`,
		`CREATE INDEX review_items_lease ON review_items (lease_until)`,
		// The oldest pending comment, shown on every page of the queue.
		`CREATE INDEX review_items_received ON review_items (received_at)`,
		// One author's comments: the author's history and pending comments.
		`CREATE INDEX comments_author ON comments (source, author_id)`,
		`CREATE TABLE audits (
			id {{id}},
			comment_id {{int}} NOT NULL REFERENCES comments (id),
			event_seq {{int}} NOT NULL,
			sampled_at {{time}} NOT NULL,
			state TEXT NOT NULL DEFAULT 'open',
			holder TEXT NOT NULL DEFAULT '',
			lease_until {{time}},
			decided_by TEXT NOT NULL DEFAULT '',
			decided_at {{time}},
			decision_seq {{int}}
		)`,
		`CREATE INDEX audits_state ON audits (state, id)`,
		`CREATE INDEX audits_comment ON audits (comment_id)`,
		`CREATE TABLE appeals (
			id {{id}},
			comment_id {{int}} NOT NULL REFERENCES comments (id),
			opened_at {{time}} NOT NULL,
			opened_by TEXT NOT NULL,
			statement TEXT NOT NULL DEFAULT '',
			state TEXT NOT NULL DEFAULT 'open',
			decided_by TEXT NOT NULL DEFAULT '',
			decided_at {{time}},
			decision_seq {{int}}
		)`,
		`CREATE INDEX appeals_state ON appeals (state, id)`,
		// At most one open appeal per comment: a second is a conflict.
		`CREATE UNIQUE INDEX appeals_one_open ON appeals (comment_id) WHERE state = 'open'`,
		`CREATE TABLE outbox (
			id {{id}},
			comment_id {{int}} NOT NULL REFERENCES comments (id),
			event_seq {{int}} NOT NULL,
			source TEXT NOT NULL,
			external_id TEXT NOT NULL,
			action TEXT NOT NULL,
			state TEXT NOT NULL DEFAULT 'pending',
			attempts {{int}} NOT NULL DEFAULT 0,
			next_at {{time}} NOT NULL,
			last_error TEXT NOT NULL DEFAULT '',
			holder TEXT NOT NULL DEFAULT '',
			lease_until {{time}},
			created_at {{time}} NOT NULL,
			updated_at {{time}} NOT NULL
		)`,
		`CREATE INDEX outbox_due ON outbox (state, next_at, id)`,
	}},
	{version: 5, name: "accounts, sessions and personal tokens", statements: []string{
		`CREATE TABLE users (
			id {{id}},
			name TEXT NOT NULL,
			role TEXT NOT NULL,
			password_hash TEXT NOT NULL,
			disabled {{int}} NOT NULL DEFAULT 0,
			created_at {{time}} NOT NULL,
			updated_at {{time}} NOT NULL,
			CONSTRAINT users_name UNIQUE (name)
		)`,
		// Only digests of the cookie and API tokens are stored: a copy of
		// the database opens no session.
		`CREATE TABLE sessions (
			digest TEXT PRIMARY KEY,
			user_id {{int}} NOT NULL REFERENCES users (id),
			csrf TEXT NOT NULL,
			created_at {{time}} NOT NULL,
			expires_at {{time}} NOT NULL
		)`,
		`CREATE INDEX sessions_user ON sessions (user_id)`,
		`CREATE INDEX sessions_expiry ON sessions (expires_at)`,
		`CREATE TABLE api_tokens (
			id {{id}},
			user_id {{int}} NOT NULL REFERENCES users (id),
			digest TEXT NOT NULL,
			label TEXT NOT NULL DEFAULT '',
			created_at {{time}} NOT NULL,
			CONSTRAINT api_tokens_digest UNIQUE (digest)
		)`,
	}},
	// The platform connector: raw webhook deliveries committed before the
	// platform gets its 200 (bodies kept byte for byte: their signature
	// covers those bytes), the admin alert of an owed action that retrying
	// cannot fix, and removals that arrived before the comment they remove.
	{version: 6, name: "platform inbox, outbox alerts, removals", statements: []string{
		`ALTER TABLE outbox ADD COLUMN alert {{int}} NOT NULL DEFAULT 0`,
		// A comment's oldest pending action goes first: claims look for an
		// older one of the same comment.
		`CREATE INDEX outbox_comment_pending ON outbox (comment_id, id) WHERE state = 'pending'`,
		`CREATE TABLE inbox (
			id {{id}},
			platform TEXT NOT NULL,
			received_at {{time}} NOT NULL,
			body {{blob}} NOT NULL,
			state TEXT NOT NULL DEFAULT 'pending',
			attempts {{int}} NOT NULL DEFAULT 0,
			next_at {{time}} NOT NULL,
			last_error TEXT NOT NULL DEFAULT '',
			holder TEXT NOT NULL DEFAULT '',
			lease_until {{time}},
			updated_at {{time}} NOT NULL
		)`,
		`CREATE INDEX inbox_due ON inbox (state, next_at, id)`,
		`CREATE TABLE platform_removals (
			source TEXT NOT NULL,
			external_id TEXT NOT NULL,
			removed_at {{time}} NOT NULL,
			PRIMARY KEY (source, external_id)
		)`,
	}},
	migration7, // model candidates (candidates.go)
	migration8,
	migration9,  // events of a page: crisis mode (crisis.go)
	migration10, // personal tokens revoked (tokens.go)
}

// migration8 chains the verdict snapshot (events.verdict_digest, hashed
// when not empty: older events keep their hash) and keeps the signed
// checkpoints of the chain head. Self-contained: it names only what
// migrations 1 and 2 created.
var migration8 = migration{version: 8, name: "verdict digests and chain checkpoints", statements: []string{
	`ALTER TABLE events ADD COLUMN verdict_digest TEXT NOT NULL DEFAULT ''`,
	// One checkpoint per head: instances that sign the same head at once
	// keep the first.
	`CREATE TABLE checkpoints (
		seq {{int}} PRIMARY KEY,
		hash TEXT NOT NULL,
		signed_at {{time}} NOT NULL,
		key_id TEXT NOT NULL,
		signature TEXT NOT NULL
	)`,
}, sqlite: []string{
	`DROP TRIGGER events_no_update`,
	`CREATE TRIGGER events_no_update BEFORE UPDATE OF ` + chainedEventColumnsV8 + ` ON events
	BEGIN SELECT RAISE(ABORT, 'events are append-only: only their text and verdict snapshots may be erased'); END`,
	`CREATE TRIGGER checkpoints_append_only BEFORE UPDATE ON checkpoints
	BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END`,
}, postgres: []string{
	`DROP TRIGGER events_no_update ON events`,
	`CREATE TRIGGER events_no_update BEFORE UPDATE OF ` + chainedEventColumnsV8 + ` ON events
	FOR EACH ROW EXECUTE FUNCTION events_append_only()`,
	`CREATE TRIGGER checkpoints_append_only BEFORE UPDATE ON checkpoints
	FOR EACH ROW EXECUTE FUNCTION events_append_only()`,
}}

// chainedEventColumnsV8 adds the verdict digest to the chained columns.
const chainedEventColumnsV8 = chainedEventColumns + `, verdict_digest`

// schemaVersion is the version this binary expects.
func schemaVersion() int { return migrations[len(migrations)-1].version }

// migrate applies the pending steps, each in its own transaction together
// with its schema_migrations row, so a step is either wholly applied or not.
func migrate(ctx context.Context, w *gorm.DB, d dialect, log *slog.Logger) error {
	// Up to date: nothing to create. The server may run as a PostgreSQL
	// role that may not create anything (GrantServerRole); only a pending
	// step needs the owner.
	if v, err := currentVersion(ctx, w); err == nil && v >= schemaVersion() {
		return newerSchema(v)
	}
	for _, m := range migrations {
		applied, err := applyMigration(ctx, w, d, m)
		if err != nil {
			if needsOwner(err) {
				err = fmt.Errorf("%w (run `vigie migrate` as the schema's owner, then `--grant` this role)", err)
			}
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
		if applied {
			log.Info("migration applied", "version", m.version, "name", m.name)
		}
	}
	// A database migrated by a newer binary may hold data this one would
	// misread; refuse rather than guess.
	var newest int
	if err := w.WithContext(ctx).Raw(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&newest).Error; err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	return newerSchema(newest)
}

// needsOwner reports whether PostgreSQL refused a migration for want of a
// privilege (42501) or of a schema the role may use (3F000): by error
// code, never by message.
func needsOwner(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "42501" || pe.Code == "3F000")
}

// newerSchema refuses a database migrated by a newer binary: it may hold
// data this one would misread.
func newerSchema(v int) error {
	if v > schemaVersion() {
		return fmt.Errorf("database schema version %d is newer than this binary's (%d): run the newer binary: %w", v, schemaVersion(), moderation.ErrUnavailable)
	}
	return nil
}

func applyMigration(ctx context.Context, w *gorm.DB, d dialect, m migration) (applied bool, err error) {
	err = w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if d.migrationLock != "" {
			if err := tx.Exec(d.migrationLock).Error; err != nil {
				return err
			}
		}
		// Inside the locked transaction, so concurrent first starts don't
		// race on creating it.
		if err := tx.Exec(d.ddl.Replace(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version {{int}} PRIMARY KEY,
			applied_at {{time}} NOT NULL
		)`)).Error; err != nil {
			return err
		}
		var n int64
		if err := tx.Raw(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		for _, s := range m.statementsFor(d) {
			if err := tx.Exec(d.ddl.Replace(s)).Error; err != nil {
				return fmt.Errorf("%s: %w", firstLine(s), err)
			}
		}
		applied = true
		return tx.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
			m.version, moderation.TruncateTime(time.Now())).Error
	})
	if err != nil {
		return false, err
	}
	return applied, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSuffix(s, " (")
}
