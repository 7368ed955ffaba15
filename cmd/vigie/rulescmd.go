package main

import (
	"context"
	"fmt"
	"os"

	"vigie/rules"
)

// runEval measures the rules on a labelled CSV (text,label[,lang,category]).
func runEval(_ context.Context, env *Env, args []string) error {
	fs, cfgPath := flags(env, "eval")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &usageError{"usage: vigie eval [--config config.yaml] FILE.csv"}
	}
	_, rs, err := configRules(env, *cfgPath)
	if err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := rules.Eval(f, rs)
	if err != nil {
		return err
	}
	return rep.WriteText(env.Stdout)
}

// runRules is `vigie rules check [FILE]`: validate a rules file, or the
// configured ruleset when no file is given.
func runRules(_ context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "check" {
		return &usageError{"usage: vigie rules check [--config config.yaml] [FILE]"}
	}
	fs, cfgPath := flags(env, "rules check")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return &usageError{"usage: vigie rules check [--config config.yaml] [FILE]"}
	}
	if fs.NArg() == 1 {
		if err := rules.Check(fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "ok: %s\n", fs.Arg(0))
		return nil
	}
	_, rs, err := configRules(env, *cfgPath)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "ok: ruleset %s (%d categories)\n", rs.Version(), len(rs.Categories()))
	return nil
}
