package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"vigie/moderation"
	"vigie/rules"
)

// runBacktest replays stored comments through a candidate ruleset and says
// what would change, and how both rulesets agree with the moderators.
func runBacktest(ctx context.Context, env *Env, args []string) error {
	fs, cfgPath := flags(env, "backtest")
	packs := fs.String("rules", "", "candidate rule packs, comma-separated (files or builtin:NAME)")
	since := fs.String("since", "", "only comments received on or after this date (YYYY-MM-DD)")
	samples := fs.Int("samples", 5, "examples shown for each kind of change")
	candidate := fs.Int64("candidate", 0, "a stored candidate model (vigie model list) in place of its rule's model, instead of --rules")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*packs == "") == (*candidate == 0) {
		return &usageError{"usage: vigie backtest (--rules FILE[,FILE…] | --candidate ID) [--since YYYY-MM-DD] [--config config.yaml]"}
	}
	var from time.Time
	if *since != "" {
		t, err := time.Parse("2006-01-02", *since)
		if err != nil {
			return &usageError{fmt.Sprintf("--since: %q is not a date like 2026-11-01", *since)}
		}
		from = t
	}
	app, err := openApp(ctx, env, *cfgPath)
	if err != nil {
		return err
	}
	defer app.Close()
	if *candidate != 0 {
		return backtestCandidate(ctx, env, app, *candidate, from, *samples)
	}
	candSettings := app.Config.Rules
	candSettings.Packs = nil
	for _, p := range strings.Split(*packs, ",") {
		if p = strings.TrimSpace(p); p != "" {
			candSettings.Packs = append(candSettings.Packs, p)
		}
	}
	cand, err := rules.Load(candSettings, rules.Options{Languages: app.Config.Languages, BaseDir: "."})
	if err != nil {
		return fmt.Errorf("candidate rules: %w", err)
	}
	bt, err := moderation.RunBacktest(ctx, app.DB, app.Service.Rules(), cand, from, *samples)
	if err != nil {
		return err
	}
	writeBacktest(env.Stdout, bt)
	return nil
}

func matchedRules(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return "[" + strings.Join(ids, ", ") + "]"
}

func quoteShort(s string, n int) string {
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return fmt.Sprintf("%q", s)
}

// writeBacktest prints a replay for the terminal.
func writeBacktest(w io.Writer, bt *moderation.Backtest) {
	fmt.Fprintf(w, "Backtest: %d stored comments replayed (ruleset %s → candidate %s)\n\n", bt.Total, bt.Current, bt.Candidate)
	changed := 0
	for _, ch := range bt.Changes {
		changed += ch.Count
	}
	fmt.Fprintf(w, "Would change status: %d of %d (%.1f%%)\n", changed, bt.Total, pct(changed, bt.Total))
	for _, ch := range bt.Changes {
		fmt.Fprintf(w, "  %-9s → %-9s %6d\n", ch.From, ch.To, ch.Count)
		for _, s := range ch.Samples {
			fmt.Fprintf(w, "      #%d %s %s\n", s.CommentID, quoteShort(s.Text, 80), matchedRules(s.Rules))
		}
	}
	n := bt.Human[0].N()
	fmt.Fprintf(w, "\nAgreement with human decisions (%d comments a moderator decided):\n", n)
	if n == 0 {
		fmt.Fprintln(w, "  none yet: no comment has a human decision")
		return
	}
	writeAgreement(w, bt.Human)
	fmt.Fprintln(w, "  (precision: share of the rules' refusals that moderators also refused; recall: share of moderators' refusals the rules refuse)")
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}

// writeAgreement prints how the current rules and the candidate agree with
// the moderators, one row each (backtest, and model's held-out decisions).
func writeAgreement(w io.Writer, h [2]moderation.Agreement) {
	n := h[0].N()
	fmt.Fprintf(w, "  %-10s %9s %9s %9s\n", "", "agreement", "precision", "recall")
	for i, name := range []string{"current", "candidate"} {
		c := h[i]
		fmt.Fprintf(w, "  %-10s %8.1f%% %8.1f%% %8.1f%%\n", name,
			pct(c.TP+c.TN, n), pct(c.TP, c.TP+c.FP), pct(c.TP, c.TP+c.FN))
	}
}
