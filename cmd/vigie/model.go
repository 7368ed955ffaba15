package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"vigie/api"
	"vigie/moderation"
	"vigie/rules"
)

// modelPoll is how often `vigie serve` looks for a candidate promoted,
// retired or added by another process on the same database.
const modelPoll = 5 * time.Second

// runModel is `vigie model list|promote ID|retire ID`: the candidates that
// `vigie train --from-db` stored, and putting one in force. A running
// `vigie serve` on the same database picks a change up within modelPoll.
func runModel(ctx context.Context, env *Env, args []string) error {
	usage := &usageError{"usage: vigie model list | promote ID | retire ID [--config config.yaml]"}
	if len(args) == 0 {
		return usage
	}
	sub, rest := args[0], args[1:]
	fs, cfgPath := flags(env, "model "+sub)
	by := fs.String("by", "moderator:cli", "who promotes, as recorded")
	var id int64
	switch sub {
	case "list":
	case "promote", "retire":
		// The id comes first (flags stop at the first other word).
		var n int64
		var err error
		if len(rest) > 0 {
			n, err = strconv.ParseInt(rest[0], 10, 64)
		}
		if len(rest) == 0 || err != nil || n <= 0 {
			return usage
		}
		id, rest = n, rest[1:]
	default:
		return usage
	}
	if err := parse(fs, rest); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usage
	}
	app, err := openApp(ctx, env, *cfgPath)
	if err != nil {
		return err
	}
	defer app.Close()
	switch sub {
	case "promote":
		err = moderation.PromoteCandidate(ctx, app.DB, id, *by, time.Now())
	case "retire":
		err = moderation.RetireCandidate(ctx, app.DB, id, time.Now())
	}
	if err != nil {
		return err
	}
	if sub != "list" {
		fmt.Fprintf(env.Stdout, "candidate %d %sd; running servers pick it up within %s\n", id, sub, modelPoll)
	}
	cs, err := app.DB.Candidates(ctx)
	if err != nil {
		return err
	}
	writeCandidates(env.Stdout, cs)
	return nil
}

func writeCandidates(w io.Writer, cs []moderation.ModelCandidate) {
	if len(cs) == 0 {
		fmt.Fprintln(w, "no candidate model: `vigie train --from-db` trains one from the moderators' decisions")
		return
	}
	fmt.Fprintf(w, "%4s  %-12s %-9s %-20s %6s %6s %6s  %-12s %s\n", "id", "rule", "state", "created", "rows", "refus.", "publ.", "sha256", "cv / promoted")
	for _, c := range cs {
		extra := ""
		if c.CV != nil {
			extra = fmt.Sprintf("AUC %.3f, label 1 caught %.1f%%, label 0 refused %.1f%%", c.CV.AUC, 100*c.CV.Caught1, 100*c.CV.Refuse0)
		}
		if c.State == moderation.CandidatePromoted {
			extra += fmt.Sprintf(" promoted by %s at %s", c.PromotedBy, c.PromotedAt.Format(time.RFC3339))
		}
		fmt.Fprintf(w, "%4d  %-12s %-9s %-20s %6d %6d %6d  %-12s %s\n", c.ID, c.Rule, c.State, c.CreatedAt.Format(time.RFC3339),
			c.Rows, c.Label1, c.Label0, c.SHA256[:min(12, len(c.SHA256))], extra)
	}
}

// rulesWithModels compiles the configured rules with the stored
// candidates: promoted models in force, the newest shadow one recorded.
func (a *App) rulesWithModels(ctx context.Context, cfg Config, extra ...rules.ModelSwap) (*rules.Ruleset, error) {
	swaps, err := moderation.ModelSwaps(ctx, a.DB)
	if err != nil {
		return nil, err
	}
	rs, err := rules.LoadWithModels(cfg.Rules, rules.Options{Languages: cfg.Languages, BaseDir: cfg.dir}, append(swaps, extra...))
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return rs, nil
}

// applyModels puts the stored candidates into the running rules.
func (a *App) applyModels(ctx context.Context) error {
	rs, err := a.rulesWithModels(ctx, a.Config)
	if err != nil {
		return err
	}
	if old := a.Service.Rules().Version(); old != rs.Version() {
		a.Service.SetRules(rs)
		// Pages that override the rules compile their own copy: they
		// take the promoted model too, not at the next SIGHUP.
		if err := a.applyPages(ctx, a.Config); err != nil {
			return err
		}
		a.Log.Info("models applied", "from", old, "to", rs.Version())
	}
	return nil
}

// candidateRuleset is the running rules with candidate id promoted: what
// backtest and the rules page measure it by.
func (a *App) candidateRuleset(ctx context.Context, id int64) (*rules.Ruleset, moderation.ModelCandidate, error) {
	c, err := a.DB.Candidate(ctx, id)
	if err != nil {
		return nil, c, err
	}
	swaps, err := moderation.ModelSwaps(ctx, a.DB)
	if err != nil {
		return nil, c, err
	}
	var keep []rules.ModelSwap
	for _, sw := range swaps {
		if sw.Rule != c.Rule { // the candidate takes its rule's place, alone
			keep = append(keep, sw)
		}
	}
	keep = append(keep, rules.ModelSwap{Rule: c.Rule, Model: c.Model})
	rs, err := rules.LoadWithModels(a.Config.Rules, rules.Options{Languages: a.Config.Languages, BaseDir: a.Config.dir}, keep)
	return rs, c, err
}

// watchModels applies the candidates again whenever another process (or
// the command line) changed them.
func watchModels(ctx context.Context, app *App) {
	last, _ := app.DB.CandidatesStamp(ctx)
	every(ctx, modelPoll, func() {
		stamp, err := app.DB.CandidatesStamp(ctx)
		if err != nil || stamp == last {
			return
		}
		if err := app.applyModels(ctx); err != nil {
			app.Log.Error("model candidates changed but the rules could not take them; the running rules stay", "err", err)
			return
		}
		last = stamp
	})
}

// retrainModels trains a shadow candidate every `rules.model.retrain`,
// when moderators decided enough comments since the newest candidate.
// It never promotes: that is an admin's decision.
func retrainModels(ctx context.Context, app *App, period time.Duration) {
	every(ctx, period, func() {
		c, err := trainStored(ctx, app, trainParams{rule: "model.toxic", seed: 1, c: 10, onlyIfNew: true})
		switch {
		case err != nil:
			app.Log.Warn("scheduled retraining: no new candidate", "err", err)
		case c.ID != 0:
			app.Log.Info("scheduled retraining: new candidate in shadow", "id", c.ID, "rows", c.Rows)
			if err := app.applyModels(ctx); err != nil {
				app.Log.Error("apply models", "err", err)
			}
		}
	})
}

// startModels runs the candidates' poll and, when configured, the
// retraining schedule; the returned func stops them and waits.
func startModels(ctx context.Context, app *App) func() {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { watchModels(ctx, app) })
	if period := time.Duration(app.Config.Rules.Model.Retrain); period > 0 {
		wg.Go(func() { retrainModels(ctx, app, period) })
	}
	return func() { cancel(); wg.Wait() }
}

// backtestCandidate is `vigie backtest --candidate ID`: the running rules
// (with the models in force) against the same with the candidate in its
// rule's place, over the stored comments, then over the decisions the
// candidate was not trained on.
func backtestCandidate(ctx context.Context, env *Env, app *App, id int64, since time.Time, samples int) error {
	if err := app.applyModels(ctx); err != nil {
		return err
	}
	cur := app.Service.Rules()
	cand, c, err := app.candidateRuleset(ctx, id)
	if err != nil {
		return fmt.Errorf("candidate %d: %w", id, err)
	}
	bt, err := moderation.RunBacktest(ctx, app.DB, cur, cand, since, samples)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Candidate %d for %s (%s, %d training rows)\n", c.ID, c.Rule, c.State, c.Rows)
	writeBacktest(env.Stdout, bt)
	held, err := moderation.HoldoutAgreement(ctx, app.DB, c.TrainedSeq, cur, cand)
	if err != nil {
		return err
	}
	writeHoldout(env.Stdout, held)
	return nil
}

// writeHoldout prints agreement on the decisions a candidate never saw.
func writeHoldout(w io.Writer, h [2]moderation.Agreement) {
	n := h[0].N()
	fmt.Fprintf(w, "\nOn the %d human decisions the candidate was not trained on (held out, or taken since):\n", n)
	if n == 0 {
		fmt.Fprintln(w, "  none")
		return
	}
	writeAgreement(w, h) // backtest.go
	fmt.Fprintln(w, "  (here a verdict that refuses or sends to review counts against publication; each text judged alone)")
}

// modelsAdmin is the admin page's view of the candidates; a promotion or
// retirement is applied to this process at once (others poll).
type modelsAdmin struct{ app *App }

var _ api.ModelsAdmin = modelsAdmin{}

func (m modelsAdmin) Candidates(ctx context.Context) ([]moderation.ModelCandidate, error) {
	return m.app.DB.Candidates(ctx)
}

func (m modelsAdmin) Agreement(ctx context.Context, id int64) ([2]moderation.Agreement, error) {
	cand, c, err := m.app.candidateRuleset(ctx, id)
	if err != nil {
		return [2]moderation.Agreement{}, err
	}
	return moderation.HoldoutAgreement(ctx, m.app.DB, c.TrainedSeq, m.app.Service.Rules(), cand)
}

func (m modelsAdmin) Promote(ctx context.Context, id int64, actor string) error {
	if err := moderation.PromoteCandidate(ctx, m.app.DB, id, actor, time.Now()); err != nil {
		return err
	}
	return m.app.applyModels(ctx)
}

func (m modelsAdmin) Retire(ctx context.Context, id int64) error {
	if err := moderation.RetireCandidate(ctx, m.app.DB, id, time.Now()); err != nil {
		return err
	}
	return m.app.applyModels(ctx)
}
