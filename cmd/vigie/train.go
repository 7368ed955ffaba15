package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"vigie/rules"
)

// runTrain is `vigie train --data FILE.csv[,FILE…] --out model.vmodel`:
// train a text model for a rule of kind model; with --cv K, print K-fold
// cross-validated figures on the data instead of (or as well as) writing.
// With --from-db it learns from the moderators' decisions instead
// (train_db.go).
func runTrain(ctx context.Context, env *Env, args []string) error {
	fs, cfgPath := flags(env, "train")
	fromDB := fs.Bool("from-db", false, "train on the moderators' decisions in the database; without --out, store a candidate that runs in shadow")
	rule := fs.String("rule", "model.toxic", "with --from-db: the model rule the candidate is for")
	data := fs.String("data", "", "labelled CSV files (text,label[,lang,category]), comma-separated")
	out := fs.String("out", "", "model file to write")
	seed := fs.Uint64("seed", 1, "seed of the cross-validation folds")
	cv := fs.Int("cv", 0, "print K-fold cross-validated figures (0: none)")
	withRules := fs.Bool("with-rules", false, "with --cv: also measure the default rule packs (without their model) combined with the model")
	c := fs.Float64("c", 10, "inverse strength of the L2 penalty (as scikit-learn's C)")
	rows := fs.Int("rows", 0, "with --cv: train each fold on at most this many rows (learning curve)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *fromDB {
		if *data != "" || fs.NArg() > 0 {
			return &usageError{"usage: vigie train --from-db [--out model.vmodel] [--cv 5] [--seed 1] [--rule model.toxic] [--config config.yaml]"}
		}
		return trainFromDB(ctx, env, *cfgPath, *out, trainParams{rule: *rule, seed: *seed, c: *c, cv: *cv})
	}
	if *data == "" || (*out == "" && *cv == 0) || fs.NArg() > 0 {
		return &usageError{"usage: vigie train --data FILE.csv[,FILE…] (--out model.vmodel | --cv 5) [--seed 1] [--rows N]\n   or: vigie train --from-db [--out model.vmodel] [--cv 5] [--config config.yaml]"}
	}
	var ex []rules.Example
	for _, name := range strings.Split(*data, ",") {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		e, err := rules.ReadExamples(f, name)
		f.Close()
		if err != nil {
			return err
		}
		ex = append(ex, e...)
	}
	opts := rules.TrainOptions{Seed: *seed, C: *c}
	if *cv != 0 {
		cvo := rules.CVOptions{Folds: *cv, MaxTrainRows: *rows}
		if *withRules {
			// The default packs' model was trained on the shared training
			// data: measuring it on held-out rows of that data would leak.
			s := rules.DefaultSettings()
			s.Disable = append(s.Disable, "model.toxic")
			rs, err := rules.Load(s, rules.Options{Languages: []string{"fr", "en"}})
			if err != nil {
				return err
			}
			cvo.Rules = rs
		}
		rep, err := rules.CrossValidate(ex, opts, cvo)
		if err != nil {
			return err
		}
		writeCV(env.Stdout, rep)
	}
	if *out == "" {
		return nil
	}
	model, err := rules.TrainModel(ex, opts)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, model, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %d rows, %d bytes, sha256 %x\n", *out, len(ex), len(model), sha256.Sum256(model))
	return nil
}

func writeCV(w io.Writer, r rules.CVReport) {
	fmt.Fprintf(w, "%d-fold cross-validation: %d rows (%d label 1, %d label 0)\n", len(r.FoldAUC), r.Rows, r.Label1, r.Label0)
	fmt.Fprintf(w, "AUC %.3f (pooled); per fold", r.AUC)
	for _, a := range r.FoldAUC {
		fmt.Fprintf(w, " %.3f", a)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "thresholds chosen inside each fold (≤1% of label 0 refused, ≤15% sent to review):")
	for i, t := range r.Thresholds {
		fmt.Fprintf(w, "  fold %d: refuse ≥ %.3f, review ≥ %.3f\n", i+1, t[0], t[1])
	}
	fmt.Fprintf(w, "label 0: %.1f%% refused, %.1f%% sent to review\n", 100*r.Refuse0, 100*r.Review0)
	fmt.Fprintf(w, "label 1: %.1f%% refused, %.1f%% caught (refused or sent to review)\n", 100*r.Refuse1, 100*r.Caught1)
	if !math.IsNaN(r.BothCaught1) && r.BothCaught1+r.RulesCaught1 > 0 {
		fmt.Fprintf(w, "rules alone: label 0 %.1f%% refused, %.1f%% sent to review; label 1 %.1f%% caught\n", 100*r.RulesRefuse0, 100*r.RulesReview0, 100*r.RulesCaught1)
		fmt.Fprintf(w, "rules + model: label 0 %.1f%% refused, %.1f%% sent to review; label 1 %.1f%% caught\n", 100*r.BothRefuse0, 100*r.BothReview0, 100*r.BothCaught1)
	}
}
