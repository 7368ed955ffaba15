package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"text/tabwriter"
	"time"

	"vigie/moderation"
	"vigie/reports"
)

// crisisPoll is how often `vigie serve` reads the crisis switches made by
// another process (the command line, another server): a read of the
// partial index events_crisis, so cheap enough to run often — a crisis is
// when minutes count.
const crisisPoll = time.Second

// runCrisis is `vigie crisis start|stop --page P --reason "…"` and
// `vigie crisis status`.
func runCrisis(ctx context.Context, env *Env, args []string) error {
	const usage = `usage: vigie crisis start|stop --page PAGE|--all --reason "…" [--config config.yaml]
       vigie crisis status [--config config.yaml]`
	if len(args) == 0 {
		return &usageError{usage}
	}
	sub := args[0]
	fs, cfgPath := flags(env, "crisis "+sub)
	page := fs.String("page", "", "the page id (see `vigie pages`)")
	all := fs.Bool("all", false, "every page at once")
	reason := fs.String("reason", "", "why: recorded in the chain and published in the report")
	switch sub {
	case "start", "stop", "status":
	default:
		return &usageError{usage}
	}
	app, err := openCommand(ctx, env, fs, cfgPath, args[1:])
	if err != nil {
		return err
	}
	defer app.Close()
	if fs.NArg() != 0 {
		return &usageError{usage}
	}
	if sub == "status" {
		writeCrisisStatus(env.Stdout, app.Service.Crisis().Periods())
		return nil
	}
	id := *page
	switch {
	case *all && id != "":
		return &usageError{"give --page or --all, not both"}
	case *all:
		id = moderation.AllPages
	case id == "":
		return &usageError{"give the page: --page PAGE (or --all)\n" + usage}
	}
	e, err := app.Service.SwitchCrisis(ctx, moderation.CrisisSwitch{Page: id, Start: sub == "start", Actor: moderation.ActorCLI, Reason: *reason})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "crisis %s on %s at %s (event %d): %s\n", e.Category, crisisName(id), e.At.Format(time.RFC3339), e.Seq, e.Note)
	return nil
}

func crisisName(page string) string {
	if page == moderation.AllPages {
		return "all pages"
	}
	return "page " + page
}

func writeCrisisStatus(w io.Writer, periods []moderation.CrisisPeriod) {
	if len(periods) == 0 {
		fmt.Fprintln(w, "no crisis was ever declared")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "page\tstate\tstart\tstop\tby\treason")
	for _, p := range periods {
		state, stop := "ongoing", "-"
		if !p.Ongoing() {
			state, stop = "ended", p.Stop.Format(time.RFC3339)
		}
		// What the log holds is hostile input: escaped, it keeps its row and cell.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", reports.Printable(p.Page), state, p.Start.Format(time.RFC3339), stop,
			reports.Printable(p.StartedBy), reports.Printable(p.Reason))
	}
	tw.Flush()
}

// watchCrisis keeps the crisis state current while the server runs.
func watchCrisis(ctx context.Context, app *App) {
	every(ctx, crisisPoll, func() {
		if err := app.Service.SyncCrisis(ctx); err != nil && ctx.Err() == nil {
			app.Log.Warn("crisis state not refreshed; the last one known stays", "err", err)
		}
	})
}

// startCrisis runs watchCrisis; the returned func stops it and waits.
func startCrisis(ctx context.Context, app *App) func() {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { watchCrisis(ctx, app) })
	return func() { cancel(); wg.Wait() }
}
