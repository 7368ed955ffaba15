package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"vigie/rules"
)

// runEval measures the rules on a labelled CSV (text,label[,lang,category]).
// A bad row is named on stderr with its line and skipped; the report says
// how many were.
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
	for _, s := range rep.Skipped {
		fmt.Fprintf(env.Stderr, "%s:%d: skipped: %s\n", fs.Arg(0), s.Line, s.Reason)
	}
	return rep.WriteText(env.Stdout)
}

// runRules is `vigie rules check [FILE]`: validate a rules file, or the
// configured ruleset when no file is given. Every problem of the file is
// printed, one per line ("file:line: message"), in one run.
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
			return listProblems(env, err)
		}
		fmt.Fprintf(env.Stdout, "ok: %s\n", fs.Arg(0))
		return nil
	}
	_, rs, err := configRules(env, *cfgPath)
	if err != nil {
		return listProblems(env, err)
	}
	fmt.Fprintf(env.Stdout, "ok: ruleset %s (%d categories)\n", rs.Version(), len(rs.Categories()))
	return nil
}

// listProblems prints the problems of rules files, one per line as
// rules.FileError writes them, and returns their count as the command's
// error; other errors pass through.
func listProblems(env *Env, err error) error {
	var fe *rules.FileError
	if !errors.As(err, &fe) {
		return err
	}
	msg := err.Error()
	fmt.Fprintln(env.Stderr, msg)
	if n := strings.Count(msg, "\n") + 1; n > 1 {
		return fmt.Errorf("%d problems", n)
	}
	return errors.New("1 problem")
}
