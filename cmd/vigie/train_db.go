package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"time"

	"vigie/moderation"
	"vigie/rules"
)

// trainParams are the choices of one training from the database.
type trainParams struct {
	rule string
	seed uint64
	c    float64
	cv   int
	// onlyIfNew: train only when moderators decided at least
	// moderation.MinDecisionsPerLabel comments since the newest candidate
	// of the rule was trained (the schedule); otherwise return a zero
	// candidate and no error.
	onlyIfNew bool
}

// candidate is what the domain trains with these choices.
func (p trainParams) candidate() moderation.TrainCandidate {
	return moderation.TrainCandidate{Rule: p.rule, Seed: p.seed, C: p.c, CVFolds: p.cv}
}

// trainFromDB is `vigie train --from-db`: with --out, a model file; without,
// a candidate stored in the database, in shadow until an admin promotes it.
func trainFromDB(ctx context.Context, env *Env, cfgPath, out string, p trainParams) error {
	app, err := openApp(ctx, env, cfgPath)
	if err != nil {
		return err
	}
	defer app.Close()
	tr, err := moderation.TrainFromDecisions(ctx, app.DB, p.candidate(), time.Now())
	if err != nil {
		return err
	}
	c := tr.Candidate
	fmt.Fprintf(env.Stdout, "human decisions: %d for training (%d refused, %d published), %d held out to measure agreement\n", c.Rows, c.Label1, c.Label0, tr.HeldOut)
	if tr.CV != nil {
		writeCV(env.Stdout, *tr.CV)
	}
	if out != "" {
		if err := os.WriteFile(out, c.Model, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "wrote %s: %d bytes, sha256 %x\n", out, len(c.Model), sha256.Sum256(c.Model))
		return nil
	}
	if err := app.DB.CreateCandidate(ctx, &c); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "candidate %d stored for %s (sha256 %s): it runs in shadow as %s; `vigie backtest --candidate %d` measures it, `vigie model promote %d` puts it in force\n",
		c.ID, c.Rule, c.SHA256[:12], c.ShadowID(), c.ID, c.ID)
	return nil
}

// trainStored trains and stores a candidate for a running server.
func trainStored(ctx context.Context, app *App, p trainParams) (moderation.ModelCandidate, error) {
	if p.onlyIfNew {
		cs, err := app.DB.Candidates(ctx)
		if err != nil {
			return moderation.ModelCandidate{}, err
		}
		var since int64
		for _, c := range cs {
			if c.Rule == p.rule {
				since = max(since, c.TrainedSeq)
			}
		}
		rows, err := moderation.LoadTraining(ctx, app.DB)
		if err != nil {
			return moderation.ModelCandidate{}, err
		}
		fresh := 0
		for _, r := range rows {
			if r.Seq > since {
				fresh++
			}
		}
		if fresh < moderation.MinDecisionsPerLabel {
			return moderation.ModelCandidate{}, nil
		}
	}
	tr, err := moderation.TrainFromDecisions(ctx, app.DB, p.candidate(), time.Now())
	if err != nil {
		return moderation.ModelCandidate{}, err
	}
	c := tr.Candidate
	if err := app.DB.CreateCandidate(ctx, &c); err != nil {
		return c, err
	}
	return c, nil
}

// calibrationFromDB is what `vigie calibrate --from-db` calibrates on: the
// running rules (with the models in force) and the moderators' decisions.
// When the rule runs a promoted candidate, only the decisions it was not
// trained on count: thresholds chosen on its own training rows would be
// too bold.
func calibrationFromDB(ctx context.Context, env *Env, cfgPath, ruleID string) (*rules.Ruleset, []rules.Example, string, error) {
	app, err := openApp(ctx, env, cfgPath)
	if err != nil {
		return nil, nil, "", err
	}
	defer app.Close()
	rs, err := app.rulesWithModels(ctx, app.Config)
	if err != nil {
		return nil, nil, "", err
	}
	rows, err := moderation.LoadTraining(ctx, app.DB)
	if err != nil {
		return nil, nil, "", err
	}
	cs, err := app.DB.Candidates(ctx)
	if err != nil {
		return nil, nil, "", err
	}
	trained := int64(-1)
	for _, c := range cs {
		if c.Rule == ruleID && c.State == moderation.CandidatePromoted {
			trained = c.TrainedSeq
		}
	}
	source := fmt.Sprintf("human decisions in the database (%d)", len(rows))
	if trained >= 0 {
		var unseen []moderation.TrainingRow
		for _, r := range rows {
			if moderation.HeldOut(r) || r.Seq > trained {
				unseen = append(unseen, r)
			}
		}
		rows = unseen
		source = fmt.Sprintf("human decisions in the database that the promoted model was not trained on (%d)", len(rows))
	}
	if len(rows) == 0 {
		return nil, nil, "", moderation.Errorf(moderation.ErrInvalid, "decisions", "no human decision to calibrate on yet")
	}
	return rs, moderation.Examples(rows), source, nil
}
