package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"time"

	"vigie/moderation"
	"vigie/reports"
)

// periodFlags adds --period, --from and --to; the returned func reads them
// once parsed (the default is this month).
func periodFlags(fs *flag.FlagSet) func(*time.Location) (reports.Period, error) {
	period := fs.String("period", "", "2026-11, 2026-Q4 or 2026 (default: this month)")
	from := fs.String("from", "", "first day, YYYY-MM-DD")
	to := fs.String("to", "", "day after the last, YYYY-MM-DD")
	return func(loc *time.Location) (reports.Period, error) { return readPeriod(*period, *from, *to, loc) }
}

func readPeriod(period, from, to string, loc *time.Location) (reports.Period, error) {
	if (from == "") != (to == "") {
		return reports.Period{}, &usageError{"--from and --to go together (YYYY-MM-DD, --to exclusive)"}
	}
	return reports.ReadPeriod(period, from, to, loc, time.Now())
}

// openForPeriod opens the app and reads the period in its time zone.
func openForPeriod(ctx context.Context, env *Env, cfgPath string, period func(*time.Location) (reports.Period, error)) (*App, reports.Period, error) {
	app, err := openApp(ctx, env, cfgPath)
	if err != nil {
		return nil, reports.Period{}, err
	}
	p, err := period(app.Config.location())
	if err != nil {
		app.Close()
		return nil, reports.Period{}, err
	}
	return app, p, nil
}

// runReport prints the transparency figures for a period.
func runReport(ctx context.Context, env *Env, args []string) error {
	fs, cfgPath := flags(env, "report")
	period := periodFlags(fs)
	format := fs.String("format", "text", "text, json or csv")
	lang := fs.String("lang", "fr", "language of the text format: fr or en")
	pageID := fs.String("page", "", "one page's figures (an id that `vigie pages` lists); default all pages")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" && *format != "csv" {
		return &usageError{fmt.Sprintf("--format: %q is not text, json or csv", *format)}
	}
	app, p, err := openForPeriod(ctx, env, *cfgPath, period)
	if err != nil {
		return err
	}
	defer app.Close()
	o := reports.ReportOptions{Policy: policyOf(app.Service.Rules()), Now: time.Now()}
	if *pageID != "" {
		pg, ok := app.Service.Pages().Get(*pageID)
		if !ok {
			return &usageError{fmt.Sprintf("--page: no page %q (`vigie pages` lists them)", *pageID)}
		}
		o.Page, o.PageName = pg.ID, pg.Name
	}
	ix, err := reports.Recompute(ctx, app.DB, app.reportOptions())
	if err != nil {
		return err
	}
	r, err := ix.Report(p, o)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(env.Stdout)
	defer out.Flush()
	switch *format {
	case "json":
		return r.WriteJSON(out)
	case "csv":
		return r.WriteCSV(out)
	}
	return r.WriteText(out, *lang)
}

// runExport is `vigie export sor`: statements of reasons, one per refusal.
func runExport(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "sor" {
		return &usageError{"usage: vigie export sor --from YYYY-MM-DD --to YYYY-MM-DD [--format ndjson|csv]"}
	}
	fs, cfgPath := flags(env, "export sor")
	period := periodFlags(fs)
	format := fs.String("format", "ndjson", "ndjson or csv")
	lang := fs.String("lang", "fr", "language of decision_facts: fr or en")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *format != "ndjson" && *format != "csv" {
		return &usageError{fmt.Sprintf("--format: %q is not ndjson or csv", *format)}
	}
	app, p, err := openForPeriod(ctx, env, *cfgPath, period)
	if err != nil {
		return err
	}
	defer app.Close()
	out := bufio.NewWriter(env.Stdout)
	defer out.Flush()
	return reports.WriteSOR(ctx, out, *format, app.DB, p.From, p.To, policyOf(app.Service.Rules()), app.sorOptions(*lang))
}

// sorOptions are the statements' settings from the config and VIGIE_SOR_KEY.
func (a *App) sorOptions(lang string) reports.SOROptions {
	opts := reports.SOROptions{TerritorialScope: a.Config.Reports.TerritorialScope, Language: lang, Location: a.Config.location()}
	if key := a.getenv("VIGIE_SOR_KEY"); key != "" {
		// Stable puids across exports (a re-export is recognised as the
		// same statements), still opaque without the key.
		opts.PUIDKey = []byte(key)
	}
	if a.Config.Reports.Visibility == "removed" {
		opts.Visibility = "DECISION_VISIBILITY_CONTENT_REMOVED"
	}
	return opts
}

// runPurge erases comment text and author identity of old comments.
func runPurge(ctx context.Context, env *Env, args []string) error {
	fs, cfgPath := flags(env, "purge")
	older := fs.String("older-than", "", "age, e.g. 180d (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	age, err := ParseAge(*older)
	if err != nil || age <= 0 {
		return &usageError{"usage: vigie purge --older-than 180d"}
	}
	app, err := openApp(ctx, env, *cfgPath)
	if err != nil {
		return err
	}
	defer app.Close()
	n, err := app.DB.PurgeWith(ctx, time.Now().Add(-age), moderation.RetentionPurge(*older, "vigie purge"))
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "purged %d comments received before %s (text and author erased, one purge event each; figures unchanged)\n",
		n, time.Now().Add(-age).UTC().Format(time.RFC3339))
	return nil
}

// verifyReport recomputes the figures from the whole log and checks that
// they reconcile; the index refuses any event inconsistent with the one
// before it for the same comment.
func verifyReport(ctx context.Context, env *Env, app *App) error {
	ix, err := reports.Recompute(ctx, app.DB, reports.Options{Location: app.Config.location()})
	if err != nil {
		return &verifyFailed{fmt.Errorf("report counts: %w", err)}
	}
	from := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	p, err := reports.CustomPeriod(from.Format("2006-01-02"), time.Now().AddDate(0, 0, 2).Format("2006-01-02"), app.Config.location())
	if err != nil {
		return err
	}
	r, err := ix.Report(p, reports.ReportOptions{Policy: policyOf(app.Service.Rules()), Now: time.Now()})
	if err != nil {
		return err
	}
	t := r.Cohort.Totals
	if t.Published+t.Refused+t.Pending+t.Withdrawn != t.Received {
		return &verifyFailed{fmt.Errorf("counts do not reconcile: %d published + %d refused + %d pending + %d withdrawn ≠ %d received",
			t.Published, t.Refused, t.Pending, t.Withdrawn, t.Received)}
	}
	fmt.Fprintf(env.Stdout, "ok: counts recomputed from the log: %d received, %d published, %d refused, %d pending, %d withdrawn, %d wrongly removed\n",
		t.Received, t.Published, t.Refused, t.Pending, t.Withdrawn, t.WronglyRemoved)
	return nil
}
