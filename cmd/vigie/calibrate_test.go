package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"vigie/rules"
)

// forumData is labelled forum comments from the shared data (outside the
// repository).
const forumData = "../../../shared/data/train/forum_fr.csv"

var pasteLine = regexp.MustCompile(`(?m)^    thresholds: \{refuse: ([0-9.]+), review: ([0-9.]+)\}$`)

// tableRow returns the four rates of one row of the table, as printed.
func tableRow(t *testing.T, out, name string) []string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 6 && strings.Join(f[:2], " ") == name || len(f) == 7 && strings.Join(f[:3], " ") == name {
			return f[len(f)-4:]
		}
	}
	t.Fatalf("no %q row in:\n%s", name, out)
	return nil
}

// The thresholds printed, pasted into a model rule, give the rates the
// table printed for rules and model together.
func TestCalibratePrintsThresholdsThatGiveItsRates(t *testing.T) {
	cfg, _ := testConfig(t)
	data := filepath.Join("testdata", "calibrate.csv")
	code, out, stderr := run(t, "", "calibrate", "--config", cfg, "--data", data, "--review-share", "0.1")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"model.toxic calibrated on 45 comments (15 label 1, 30 label 0)",
		"targets: at most 1.0% of label 0 refused, 10.0% sent to review", "label 0 refused", "In the rules file, under the rule model.toxic:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	m := pasteLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no thresholds line to paste:\n%s", out)
	}
	// The same rule under another id, with the pasted thresholds, in place
	// of the default one.
	pack := filepath.Join(t.TempDir(), "site.yaml")
	rule := fmt.Sprintf("version: 1\nname: site\nrules:\n  - id: model.site\n    kind: model\n    category: insult\n    model: builtin:default\n%s\n", m[0])
	if err := os.WriteFile(pack, []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	s := rules.DefaultSettings()
	s.Packs = append(s.Packs, pack)
	s.Disable = []string{"model.toxic"}
	rs, err := rules.Load(s, rules.Options{Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatalf("the pasted line does not load: %v", err)
	}
	f, err := os.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := rules.ReadExamples(f, data)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var n [2]int
	var refused, reviewed [2]int
	for _, e := range ex {
		a := rs.Classify(rules.Input{Text: e.Text, Source: "eval"}, nil).Action
		n[e.Label]++
		refused[e.Label] += b2i(a == rules.ActionRefuse)
		reviewed[e.Label] += b2i(a == rules.ActionReview)
	}
	p := func(k, n int) string { return strconv.FormatFloat(100*float64(k)/float64(n), 'f', 1, 64) + "%" }
	want := []string{p(refused[0], n[0]), p(reviewed[0], n[0]), p(refused[1], n[1]), p(refused[1]+reviewed[1], n[1])}
	if got := tableRow(t, out, "rules + model"); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rules + model: printed %v, the pasted thresholds give %v\n%s", got, want, out)
	}
	if refused[0] > 0 || float64(reviewed[0]) > 0.1*float64(n[0]) {
		t.Errorf("label 0: %d refused, %d reviewed of %d: over the targets", refused[0], reviewed[0], n[0])
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// On the forum comments the targets hold for rules and model together.
func TestCalibrateOnForumComments(t *testing.T) {
	if _, err := os.Stat(forumData); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("labelled data missing in CI: %v", err)
		}
		t.Skipf("labelled data not found (%v): it lives in /work/shared/data", err)
	}
	cfg, _ := testConfig(t)
	code, out, stderr := run(t, "", "calibrate", "--config", cfg, "--data", forumData)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(out, "calibrated on 499 comments (279 label 1, 220 label 0)") || pasteLine.FindString(out) == "" {
		t.Errorf("output:\n%s", out)
	}
	both := tableRow(t, out, "rules + model")
	rate := func(s string) float64 {
		v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if err != nil {
			t.Fatalf("rate %q: %v", s, err)
		}
		return v
	}
	if rate(both[0]) > 1 || rate(both[1]) > 15 {
		t.Errorf("rules + model: %s of label 0 refused, %s reviewed; targets 1%% and 15%%\n%s", both[0], both[1], out)
	}
}

func TestCalibrateErrors(t *testing.T) {
	cfg, _ := testConfig(t)
	dir := t.TempDir()
	onlyToxic := filepath.Join(dir, "toxic.csv")
	if err := os.WriteFile(onlyToxic, []byte("text,label\nsale con,1\nespèce d'abruti,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badLabel := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(badLabel, []byte("text,label\nbonjour,peut-être\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join("testdata", "calibrate.csv")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{}, 2, "usage: vigie calibrate --data"},
		{[]string{"--data", data, "--refuse-share", "1.5"}, 2, "--refuse-share, --review-share: the refuse and review shares are between 0 and 1"},
		{[]string{"--data", data, "--review-share", "-0.1"}, 2, "between 0 and 1"},
		{[]string{"--data", data, "--refuse-share", "0.5", "--review-share", "0.6"}, 2, "add up to more than 1"},
		{[]string{"--data", data, "--rule", "model.toxik"}, 1, `no rule "model.toxik" in the configured rules (did you mean "model.toxic"?)`},
		{[]string{"--data", data, "--rule", "fr.insult"}, 1, `rule "fr.insult" is of kind words, not model`},
		{[]string{"--data", onlyToxic}, 1, "no label-0 comment"},
		{[]string{"--data", badLabel}, 1, `bad.csv:2: label "peut-être": want 0 or 1`},
		{[]string{"--data", filepath.Join(dir, "missing.csv")}, 1, "missing.csv"},
	}
	for _, tc := range tests {
		args := append([]string{"calibrate", "--config", cfg}, tc.args...)
		code, out, stderr := run(t, "", args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
		if code != 0 && strings.Contains(out, "thresholds: {") {
			t.Errorf("%v: failed but printed thresholds to paste:\n%s", tc.args, out)
		}
	}
}
