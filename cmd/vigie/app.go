package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"vigie/moderation"
	"vigie/rules"
	"vigie/storage"
)

// App is the wired system: configuration, logger, database, rules, pipeline.
type App struct {
	Config  Config
	Log     *slog.Logger
	DB      *storage.DB
	Service *moderation.Service
	// Accounts are the moderators' accounts, sessions and tokens.
	Accounts *moderation.Accounts
	getenv   func(string) string
}

// loadConfig reads the config and builds the logger.
func loadConfig(env *Env, path string) (Config, *slog.Logger, error) {
	cfg, err := LoadConfig(path, env.Getenv)
	if err != nil {
		return Config{}, nil, err
	}
	return cfg, newLogger(env, cfg.Log), nil
}

func newLogger(env *Env, lc LogConfig) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(lc.Level))
	opts := &slog.HandlerOptions{Level: level}
	if lc.Format == "json" {
		return slog.New(slog.NewJSONHandler(env.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(env.Stderr, opts))
}

// loadRules compiles the configured ruleset.
func loadRules(cfg Config) (*rules.Ruleset, error) {
	rs, err := rules.Load(cfg.Rules, rules.Options{Languages: cfg.Languages, BaseDir: cfg.dir})
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return rs, nil
}

// openApp wires everything that needs the database.
func openApp(ctx context.Context, env *Env, path string) (*App, error) {
	cfg, log, err := loadConfig(env, path)
	if err != nil {
		return nil, err
	}
	rs, err := loadRules(cfg)
	if err != nil {
		return nil, err
	}
	wait := cfg.Database.BatchWait
	if wait == 0 {
		wait = -1 // storage reads a negative wait as "one commit per comment"
	}
	db, err := storage.Open(ctx, storage.Config{
		Driver: cfg.Database.Driver, DSN: cfg.databaseDSN(),
		BatchMax: cfg.Database.BatchMax, BatchWait: wait,
	}, log)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	svc := moderation.NewService(db, rs, moderation.Options{
		Limits:    moderation.Limits{MaxTextBytes: cfg.Intake.MaxTextBytes, HistoryMax: cfg.Intake.HistoryMax},
		AuditRate: cfg.Reports.AuditRate, Lease: cfg.Review.Lease,
		Platform: platformPolicy(cfg),
	})
	app := &App{Config: cfg, Log: log, DB: db, Service: svc, Accounts: moderation.NewAccounts(db, nil), getenv: env.Getenv}
	if err := app.applyPages(ctx, cfg); err != nil { // pages.go
		db.Close()
		return nil, err
	}
	if err := svc.SyncCrisis(ctx); err != nil { // crisis.go: the switches in force
		db.Close()
		return nil, err
	}
	return app, nil
}

// openCommand parses a command's flags and opens the app: the common start
// of every command that needs the database.
func openCommand(ctx context.Context, env *Env, fs *flag.FlagSet, cfgPath *string, args []string) (*App, error) {
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	return openApp(ctx, env, *cfgPath)
}

// configRules loads the config and compiles its rules: what the commands
// that need no database start with.
func configRules(env *Env, cfgPath string) (Config, *rules.Ruleset, error) {
	cfg, _, err := loadConfig(env, cfgPath)
	if err != nil {
		return Config{}, nil, err
	}
	rs, err := loadRules(cfg)
	return cfg, rs, err
}

// Close drains and closes the database.
func (a *App) Close() error { return a.DB.Close() }

// databaseDSN resolves a SQLite path from the config file's folder.
func (c *Config) databaseDSN() string {
	if c.Database.Driver == "sqlite" {
		return c.Path(c.Database.DSN)
	}
	return c.Database.DSN
}

// platformPolicy is what decisions owe the configured pages; nil when no
// page is configured (no decision owes anything).
func platformPolicy(cfg Config) moderation.PlatformPolicy {
	if !cfg.Facebook.Enabled() {
		return nil
	}
	return cfg.Facebook.Policy()
}
