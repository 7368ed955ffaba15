package rules

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/tabwriter"
)

// TestRealisticCorpora runs the default rules over the hand-written civic
// comments of testdata/realistic_{fr,en}.csv (policy and label rules in
// testdata/README.md). Unlike the HateCheck templates, these are the
// comments the product exists for: heated but legitimate criticism must
// never be refused, and abuse, threats, doxxing, slurs and spam must be
// refused or reviewed.
//
//   - no row of a category ending _nh is refused (maxWrongfulRefusals);
//   - at least 80% of the rows of categories ending _h are refused or
//     sent to review.
func TestRealisticCorpora(t *testing.T) {
	const maxWrongfulRefusals = 0
	rs := loadDefault(t)
	for _, name := range []string{"realistic_fr.csv", "realistic_en.csv"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Eval(f, rs)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("\n%s", actionTable(rep))

			// The rows behind the figures, for whoever has to fix them.
			rows := readRows(t, path)
			var wrongful, missed []string
			for _, r := range rows {
				v := rs.Classify(Input{Text: r.text, Source: "eval"}, nil)
				switch {
				case strings.HasSuffix(r.category, "_nh") && v.Action == ActionRefuse:
					wrongful = append(wrongful, fmt.Sprintf("%s %q: %s", r.category, r.text, matchList(v)))
				case strings.HasSuffix(r.category, "_h") && v.Action == ActionPublish:
					missed = append(missed, fmt.Sprintf("%s %q", r.category, r.text))
				}
			}
			if len(missed) > 0 {
				t.Logf("published although labelled 1 (%d):\n  %s", len(missed), strings.Join(missed, "\n  "))
			}
			if nh := rep.Group("_nh"); nh.Refused > maxWrongfulRefusals {
				t.Errorf("_nh rows refused: %d of %d, want <= %d:\n  %s", nh.Refused, nh.Rows, maxWrongfulRefusals, strings.Join(wrongful, "\n  "))
			}
			if h := rep.Group("_h"); h.FlaggedShare() < 0.80 {
				t.Errorf("_h rows refused or reviewed: %.1f%% (%d/%d), want >= 80%%", 100*h.FlaggedShare(), h.Flagged, h.Rows)
			}
		})
	}
}

type labelledRow struct{ text, category string }

func readRows(t *testing.T, path string) []labelledRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []labelledRow
	for _, r := range recs[1:] {
		out = append(out, labelledRow{text: r[0], category: r[3]})
	}
	return out
}

func matchList(v Verdict) string {
	var ms []string
	for _, m := range v.Matches {
		ms = append(ms, fmt.Sprintf("%s[%s]", m.Rule, m.Text))
	}
	return strings.Join(ms, " ")
}

// actionTable prints refused / review / published per category.
func actionTable(rep *EvalReport) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "category\trows\trefused\treview\tpublished\t")
	rows := append(append([]EvalStats{}, rep.Categories...), rep.Group("_h"), rep.Group("_nh"))
	for _, s := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\n", s.Name, s.Rows, s.Refused, s.Flagged-s.Refused, s.Rows-s.Flagged)
	}
	tw.Flush()
	return b.String()
}
