package rules

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// devData is the labelled development data, outside the repository.
const devData = "../../shared/data/dev"

func openDev(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(devData, name))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("dev data missing in CI: %v", err)
		}
		t.Skipf("dev data not found (%v); it lives in /work/shared/data/dev", err)
	}
	return f
}

// TestEvalDevTargets holds the rules to the project's targets on the
// HateCheck data: the project's targets are non-hateful rows (categories
// ending _nh) at most 2% refused and hateful ones (_h) at least 60% refused
// or sent to review. The floors here are tighter (1.5%, 70%) to hold the
// measured 0.7-0.9% and 78-79% with a little room: a change that loses real
// ground fails. Most of the refused _nh rows are abuse of individuals ("Tu
// es une pourriture", "You are scum", target_indiv_nh), non-hateful for
// HateCheck but insults under the product's policy (testdata/README.md).
func TestEvalDevTargets(t *testing.T) {
	rs := loadDefault(t)
	for _, name := range []string{"mhc_fr.csv", "hatecheck_en.csv"} {
		t.Run(name, func(t *testing.T) {
			f := openDev(t, name)
			defer f.Close()
			rep, err := Eval(f, rs)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			rep.WriteText(&buf)
			t.Logf("\n%s", buf.String())
			if nh := rep.Group("_nh"); nh.RefusedShare() > 0.015 {
				t.Errorf("_nh rows refused: got %.1f%% (%d/%d), want <= 1.5%%", 100*nh.RefusedShare(), nh.Refused, nh.Rows)
			}
			if h := rep.Group("_h"); h.FlaggedShare() < 0.70 {
				t.Errorf("_h rows refused or reviewed: got %.1f%% (%d/%d), want >= 70%%", 100*h.FlaggedShare(), h.Flagged, h.Rows)
			}
		})
	}
}

func loadDefault(t testing.TB) *Ruleset {
	t.Helper()
	rs, err := Load(DefaultSettings(), Options{Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}
