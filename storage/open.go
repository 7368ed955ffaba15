// Package storage keeps Vigie's comments and its hash-chained event log in
// SQLite (the default, one file) or PostgreSQL (several instances). It
// implements moderation.Store; its gorm models stay private and are converted
// to and from the domain types.
//
// Every write goes through one writer goroutine that groups concurrent
// requests into a single transaction (group commit): one fsync then
// acknowledges tens of comments, which is what makes synchronous=FULL
// affordable. Reads use a separate connection pool.
package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"vigie/moderation"
)

// Config says which database to open and how to group writes.
type Config struct {
	Driver string // "sqlite" (default) or "postgres"
	// DSN is a file path for SQLite (its folder is created), a libpq/pgx
	// connection string for PostgreSQL.
	DSN string
	// BatchMax caps the requests committed together (default DefaultBatchMax).
	BatchMax int
	// BatchWait is how long the first request of a batch may wait for
	// others to join it; zero means DefaultBatchWait. Negative turns group
	// commit off (one commit per request), which exists to measure what
	// grouping buys.
	BatchWait time.Duration
	// MaxOpenConns sizes the read pool (default max(4, NumCPU)). Writes
	// have their own small pool.
	MaxOpenConns int
	// Clock stamps purged_at; tests give a fixed one. Default: system clock.
	Clock moderation.Clock
}

// The group commit settings Vigie runs with. 2ms of waiting at most costs
// little latency next to an fsync and fills batches of tens under load.
const (
	DefaultBatchMax  = 128
	DefaultBatchWait = 2 * time.Millisecond
)

// withDefaults fills zero fields.
func (c Config) withDefaults() Config {
	if c.Driver == "" {
		c.Driver = "sqlite"
	}
	if c.BatchMax <= 0 {
		c.BatchMax = DefaultBatchMax
	}
	if c.BatchWait == 0 {
		c.BatchWait = DefaultBatchWait
	}
	if c.MaxOpenConns <= 0 {
		c.MaxOpenConns = max(4, runtime.NumCPU())
	}
	if c.Clock == nil {
		c.Clock = moderation.SystemClock{}
	}
	return c
}

// DB is the store. It is safe for concurrent use.
type DB struct {
	cfg     Config
	dialect dialect
	log     *slog.Logger
	w       *gorm.DB // the write path: one connection on SQLite
	r       *gorm.DB // the read pool (the same pool as w on PostgreSQL)
	writer  *writer

	closeOnce sync.Once
	closeErr  error
}

var _ moderation.Store = (*DB)(nil)

// Open connects, applies pending migrations and starts the writer.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*DB, error) {
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d, err := dialectFor(cfg.Driver)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	w, r, err := d.open(cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", cfg.Driver, err)
	}
	db := &DB{cfg: cfg, dialect: d, log: log.With("component", "storage"), w: w, r: r}
	if err := db.ping(ctx); err != nil {
		db.closePools()
		return nil, fmt.Errorf("open %s: %w", cfg.Driver, err)
	}
	if d.name == "sqlite" {
		// WAL is what lets reads run beside the writer; some file systems
		// (network mounts) refuse it, silently keeping the rollback journal.
		var mode string
		if err := w.WithContext(ctx).Raw("PRAGMA journal_mode").Scan(&mode).Error; err == nil && mode != "wal" {
			db.log.Warn("sqlite is not in WAL mode: reads will wait for writes", "journal_mode", mode)
		}
	}
	if err := migrate(ctx, w, d, db.log); err != nil {
		db.closePools()
		return nil, fmt.Errorf("open %s: %w", cfg.Driver, err)
	}
	if d.name == "sqlite" {
		// Statistics let the planner pick the right index when a queue
		// filter combines a rare value and a common one; without them it
		// may read the whole queue. optimize only analyses what needs it.
		if err := w.WithContext(ctx).Exec("PRAGMA optimize=0x10002").Error; err != nil {
			db.log.Warn("sqlite optimize failed", "err", err)
		}
	}
	db.writer = startWriter(db, cfg.BatchMax, cfg.BatchWait)
	if cfg.BatchWait <= 0 {
		db.log.Warn("group commit is off: one commit per write", "batch_wait", cfg.BatchWait)
	}
	db.log.Info("storage open", "driver", cfg.Driver, "batch_max", cfg.BatchMax, "batch_wait", cfg.BatchWait)
	return db, nil
}

// gormConfig is shared by both dialects. We run our own transactions, so
// gorm's implicit one per Create is pure overhead. gorm's PrepareStmt stays
// off: inside a transaction it prepares every statement again (measured: a
// fifth of the writer's CPU); the drivers cache statements themselves
// (mattn's _stmt_cache_size, pgx's statement cache).
func gormConfig() *gorm.Config {
	return &gorm.Config{
		SkipDefaultTransaction: true,
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return moderation.TruncateTime(time.Now()) },
	}
}

// Close stops accepting writes, commits every request already queued, then
// closes the connections. It is safe to call more than once.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.writer.stop()
		db.closeErr = db.closePools()
		db.log.Info("storage closed")
	})
	return db.closeErr
}

func (db *DB) closePools() error {
	var errs []error
	for _, g := range []*gorm.DB{db.w, db.r} {
		if g != nil {
			errs = append(errs, closeGorm(g))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

// Ping checks both pools and that the writer still accepts work (/healthz).
func (db *DB) Ping(ctx context.Context) error {
	if db.writer.closed() {
		return fmt.Errorf("ping: storage closed: %w", moderation.ErrUnavailable)
	}
	if err := db.ping(ctx); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	return nil
}

func (db *DB) ping(ctx context.Context) error {
	for _, g := range []*gorm.DB{db.w, db.r} {
		s, err := g.DB()
		if err != nil {
			return err
		}
		if err := s.PingContext(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Head returns the sequence number and hash of the last committed event
// (0 and the genesis hash for an empty log): what reports publish.
func (db *DB) Head(ctx context.Context) (seq int64, hash string, err error) {
	var h chainHeadRow
	if err := db.r.WithContext(ctx).Take(&h, chainHeadID).Error; err != nil {
		return 0, "", fmt.Errorf("head: %w", err)
	}
	return h.Seq, h.Hash, nil
}

// WriteStats counts the writer's work since Open, for /metrics and
// benchmarks: Requests/Commits is the mean batch size.
type WriteStats struct {
	Requests int64 // requests answered from a committed transaction
	Commits  int64 // transactions committed
}

// WriteStats returns the writer's counters.
func (db *DB) WriteStats() WriteStats {
	return WriteStats{Requests: db.writer.requests.Load(), Commits: db.writer.commits.Load()}
}

// Ready reports whether a write can commit now (/readyz): it takes the
// write lock and commits an update that changes nothing, so a locked or
// full disk, or a database that refuses writes, shows before intake fails.
// It waits at most two seconds on PostgreSQL; on SQLite a lock held by
// another process is waited for up to the busy timeout (5 s: the driver
// does not cut the wait short), after which it fails.
func (db *DB) Ready(ctx context.Context) error {
	if db.writer.closed() {
		return fmt.Errorf("ready: storage closed: %w", moderation.ErrUnavailable)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	q := `UPDATE schema_migrations SET applied_at = applied_at WHERE version = (SELECT MAX(version) FROM schema_migrations)`
	err := db.withWriteTx(ctx, func(c gorm.ConnPool, ctx context.Context) error {
		_, err := c.ExecContext(ctx, q)
		return err
	})
	if err != nil {
		return fmt.Errorf("ready: cannot commit: %v: %w", err, moderation.ErrUnavailable)
	}
	return nil
}
