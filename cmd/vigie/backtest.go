package main

import (
	"context"
	"fmt"
	"io"
	"sort"
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
	if err := parse(fs, args); err != nil {
		return err
	}
	if *packs == "" {
		return &usageError{"usage: vigie backtest --rules FILE[,FILE…] [--since YYYY-MM-DD] [--config config.yaml]"}
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
	bt := newBacktest(app.Service.Rules(), cand, *samples)
	var after int64
	for {
		cs, err := app.DB.Comments(ctx, after, 2000)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			break
		}
		after = cs[len(cs)-1].ID
		for _, c := range cs {
			if c.ReceivedAt.Before(from) || !c.PurgedAt.IsZero() {
				continue
			}
			evs, err := app.DB.Events(ctx, c.ID)
			if err != nil {
				return err
			}
			bt.add(c, evs)
		}
	}
	bt.write(env.Stdout)
	return nil
}

// backtest tallies one replay. Each ruleset keeps its own recent history,
// fed in receipt order, so flood and repeated-post rules replay faithfully.
type backtest struct {
	current, cand         *rules.Ruleset
	curRecent, candRecent *moderation.Recent
	samples               int
	total                 int
	changes               map[[2]moderation.Status][]string
	counts                map[[2]moderation.Status]int
	human                 [2]confusion // current, candidate
}

// confusion counts refusals against the moderators' final word.
type confusion struct{ tp, fp, fn, tn int }

func (c *confusion) add(machineRefuses, humanRefused bool) {
	switch {
	case machineRefuses && humanRefused:
		c.tp++
	case machineRefuses:
		c.fp++
	case humanRefused:
		c.fn++
	default:
		c.tn++
	}
}

func newBacktest(cur, cand *rules.Ruleset, samples int) *backtest {
	w := func(rs *rules.Ruleset) *moderation.Recent {
		a, b := rs.Windows()
		return moderation.NewRecent(max(a, b))
	}
	return &backtest{current: cur, cand: cand, curRecent: w(cur), candRecent: w(cand), samples: samples,
		changes: map[[2]moderation.Status][]string{}, counts: map[[2]moderation.Status]int{}}
}

func (bt *backtest) add(c moderation.Comment, evs []moderation.Event) {
	key := moderation.AuthorKey(c.Source, c.Author.ID)
	in := rules.Input{Text: c.Text, Source: c.Source, AuthorKey: key, At: c.ReceivedAt}
	cur := bt.current.Classify(in, bt.curRecent)
	was := moderation.StatusFor(cur.Action)
	v := bt.cand.Classify(in, bt.candRecent)
	would := moderation.StatusFor(v.Action)
	bt.curRecent.Add(c.ReceivedAt, key, cur.Fingerprint)
	bt.candRecent.Add(c.ReceivedAt, key, v.Fingerprint)
	bt.total++
	if was != would {
		k := [2]moderation.Status{was, would}
		bt.counts[k]++
		if len(bt.changes[k]) < bt.samples {
			bt.changes[k] = append(bt.changes[k], fmt.Sprintf("#%d %s %s", c.ID, quoteShort(c.Text, 80), matchedRules(v)))
		}
	}
	// The moderators' final word: the last status set by a person.
	var humanStatus moderation.Status
	for _, e := range evs {
		if e.Automation != moderation.AutomationFull && (e.To == moderation.StatusPublished || e.To == moderation.StatusRefused) {
			humanStatus = e.To
		}
	}
	if humanStatus != 0 {
		refused := humanStatus == moderation.StatusRefused
		bt.human[0].add(was == moderation.StatusRefused, refused)
		bt.human[1].add(would == moderation.StatusRefused, refused)
	}
}

func matchedRules(v rules.Verdict) string {
	var ids []string
	for _, m := range v.Matches {
		ids = append(ids, m.Rule)
	}
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

func (bt *backtest) write(w io.Writer) {
	fmt.Fprintf(w, "Backtest: %d stored comments replayed (ruleset %s → candidate %s)\n\n", bt.total, bt.current.Version(), bt.cand.Version())
	changed := 0
	keys := make([][2]moderation.Status, 0, len(bt.counts))
	for k, n := range bt.counts {
		keys = append(keys, k)
		changed += n
	}
	sort.Slice(keys, func(i, j int) bool { return bt.counts[keys[i]] > bt.counts[keys[j]] })
	fmt.Fprintf(w, "Would change status: %d of %d (%.1f%%)\n", changed, bt.total, pct(changed, bt.total))
	for _, k := range keys {
		fmt.Fprintf(w, "  %-9s → %-9s %6d\n", k[0], k[1], bt.counts[k])
		for _, s := range bt.changes[k] {
			fmt.Fprintf(w, "      %s\n", s)
		}
	}
	n := bt.human[0].tp + bt.human[0].fp + bt.human[0].fn + bt.human[0].tn
	fmt.Fprintf(w, "\nAgreement with human decisions (%d comments a moderator decided):\n", n)
	if n == 0 {
		fmt.Fprintln(w, "  none yet: no comment has a human decision")
		return
	}
	fmt.Fprintf(w, "  %-10s %9s %9s %9s\n", "", "agreement", "precision", "recall")
	for i, name := range []string{"current", "candidate"} {
		c := bt.human[i]
		fmt.Fprintf(w, "  %-10s %8.1f%% %8.1f%% %8.1f%%\n", name,
			pct(c.tp+c.tn, n), pct(c.tp, c.tp+c.fp), pct(c.tp, c.tp+c.fn))
	}
	fmt.Fprintln(w, "  (precision: share of the rules' refusals that moderators also refused; recall: share of moderators' refusals the rules refuse)")
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}
