package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"vigie/rules"
)

const calibrateUsage = "usage: vigie calibrate --data FILE.csv[,FILE…] (or --from-db) [--rule model.toxic] [--refuse-share 0.01] [--review-share 0.15] [--config config.yaml]"

// runCalibrate is `vigie calibrate`: choose the two thresholds of a model
// rule for what the site can afford — at most --refuse-share of the
// ordinary comments (label 0) refused and --review-share sent to review,
// by the configured rules and the model together — from labelled
// comments, and print them with the rates they give and the line to
// paste into the rule.
func runCalibrate(ctx context.Context, env *Env, args []string) error {
	fs, cfgPath := flags(env, "calibrate")
	data := fs.String("data", "", "labelled CSV files (text,label[,lang,category]), comma-separated")
	ruleID := fs.String("rule", "model.toxic", "the model rule to calibrate (the other rules run as configured)")
	refuse := fs.Float64("refuse-share", 0.01, "at most this share of label-0 comments refused, rules and model together")
	review := fs.Float64("review-share", 0.15, "at most this share of label-0 comments sent to review, rules and model together")
	fromDB := fs.Bool("from-db", false, "calibrate on the moderators' decisions in the database instead of --data (train_db.go)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*data == "") == !*fromDB || fs.NArg() > 0 {
		return &usageError{calibrateUsage}
	}
	targets := rules.CalibrateOptions{RefuseShare: *refuse, ReviewShare: *review}
	if err := targets.Validate(); err != nil {
		return &usageError{"--refuse-share, --review-share: " + err.Error()}
	}
	var rs *rules.Ruleset
	var examples []rules.Example
	var source string
	var err error
	if *fromDB {
		rs, examples, source, err = calibrationFromDB(ctx, env, *cfgPath, *ruleID)
	} else if _, rs, err = configRules(env, *cfgPath); err == nil {
		examples, source, err = calibrationExamples(*data)
	}
	if err != nil {
		return err
	}
	rows, err := rs.ScoreExamples(*ruleID, examples)
	if err != nil {
		return err
	}
	cal, err := rules.Calibrate(rows, targets)
	if err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	writeCalibration(env.Stdout, *ruleID, source, targets, cal)
	if cal.Refuse == 0 && cal.Review == 0 {
		return errors.New("the other rules already use up both budgets on these comments: no threshold lets the model act within them (raise the shares, or change the rules)")
	}
	return nil
}

// calibrationExamples reads the labelled comments to calibrate on, and
// names where they come from. It is the one place that knows: stored
// human decisions can take its place.
func calibrationExamples(data string) ([]rules.Example, string, error) {
	var ex []rules.Example
	names := strings.Split(data, ",")
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return nil, "", err
		}
		e, err := rules.ReadExamples(f, name)
		f.Close()
		if err != nil {
			return nil, "", err
		}
		ex = append(ex, e...)
	}
	return ex, strings.Join(names, ", "), nil
}

// writeCalibration prints the thresholds, a table of rates and the line
// to paste into the rule.
func writeCalibration(w io.Writer, ruleID, source string, o rules.CalibrateOptions, c rules.Calibration) {
	fmt.Fprintf(w, "%s calibrated on %d comments (%d label 1, %d label 0) from %s\n", ruleID, c.Label0+c.Label1, c.Label1, c.Label0, source)
	fmt.Fprintf(w, "targets: at most %s of label 0 refused, %s sent to review (rules and model together)\n", percent(o.RefuseShare), percent(o.ReviewShare))
	refuse := "never"
	if c.Refuse > 0 {
		refuse = "≥ " + threshold(c.Refuse)
	}
	review := "never"
	if c.Review > 0 && c.Review != c.Refuse {
		review = "≥ " + threshold(c.Review)
	}
	fmt.Fprintf(w, "thresholds: refuse %s, review %s\n\n", refuse, review)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tlabel 0 refused\tlabel 0 to review\tlabel 1 refused\tlabel 1 caught\t")
	for _, r := range []struct {
		name string
		r    rules.Rates
	}{{"rules alone", c.Rules}, {"model alone", c.Model}, {"rules + model", c.Combined}} {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", r.name, percent(r.r.Refused0), percent(r.r.Reviewed0), percent(r.r.Refused1), percent(r.r.Caught1))
	}
	tw.Flush()
	fmt.Fprintf(w, "\n(caught: refused or sent to review)\nIn the rules file, under the rule %s:\n", ruleID)
	fmt.Fprintf(w, "    thresholds: {refuse: %s, review: %s}\n", threshold(c.Refuse), threshold(c.Review))
}

// threshold writes a threshold as a rule takes it: the shortest decimal
// that reads back as the same number (Calibrate's are on a 0.0001 grid).
func threshold(t float64) string { return strconv.FormatFloat(t, 'f', -1, 64) }

func percent(x float64) string {
	if x != x { // NaN: no comment of that label
		return "–"
	}
	return strconv.FormatFloat(100*x, 'f', 1, 64) + "%"
}
