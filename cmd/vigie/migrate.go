package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"vigie/storage"
)

// openStore opens the configured database alone (applying pending
// migrations): what migrate and backup need, without compiling the rules.
func openStore(ctx context.Context, env *Env, cfgPath string) (*storage.DB, Config, error) {
	cfg, log, err := loadConfig(env, cfgPath)
	if err != nil {
		return nil, cfg, err
	}
	db, err := storage.Open(ctx, storage.Config{Driver: cfg.Database.Driver, DSN: cfg.databaseDSN(), BatchWait: -1}, log)
	if err != nil {
		return nil, cfg, fmt.Errorf("database: %w", err)
	}
	return db, cfg, nil
}

// runMigrate is `vigie migrate [--grant ROLE]`: apply the pending schema
// steps and print the schema's version and history. `vigie serve` migrates
// on start too; this is for deployments where the server's PostgreSQL role
// may not change the schema: run it as the owner (VIGIE_DATABASE_DSN with
// the owner's user), with --grant naming the server's role. A binary older
// than the schema refuses to run.
func runMigrate(ctx context.Context, env *Env, args []string) error {
	fs, cfgPath := flags(env, "migrate")
	grant := fs.String("grant", "", "PostgreSQL: give this role what `vigie serve` needs, and not the right to alter the schema or its triggers")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{"usage: vigie migrate [--grant ROLE] [--config config.yaml]"}
	}
	db, _, err := openStore(ctx, env, *cfgPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if *grant != "" {
		if err := db.GrantServerRole(ctx, *grant); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "granted %s: read and write the data, insert events, update only their erasable snapshots; no DDL, no trigger changes\n", *grant)
	}
	st, err := db.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "schema version %d (this binary: %d)\n", st.Database, st.Binary)
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	for _, m := range st.Applied {
		fmt.Fprintf(w, "  %d\t%s\t%s\n", m.Version, m.AppliedAt.UTC().Format(time.RFC3339), m.Name)
	}
	return w.Flush()
}

// runBackup is `vigie backup FILE`: a consistent copy of the SQLite
// database while the server runs (for PostgreSQL: the pg_dump command).
func runBackup(ctx context.Context, env *Env, args []string) error {
	fs, cfgPath := flags(env, "backup")
	if len(args) > 1 && !strings.HasPrefix(args[0], "-") {
		args = append(args[1:len(args):len(args)], args[0]) // vigie backup FILE --config …
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &usageError{"usage: vigie backup FILE [--config config.yaml]"}
	}
	db, _, err := openStore(ctx, env, *cfgPath)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backed up to %s in %s; check it with: vigie verify (VIGIE_DATABASE_DSN=%s)\n", fs.Arg(0), time.Since(start).Round(time.Millisecond), fs.Arg(0))
	return nil
}
