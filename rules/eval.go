package rules

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// EvalReport is the outcome of running the rules over a labelled CSV.
type EvalReport struct {
	RulesetVersion string
	Overall        EvalStats
	// Categories holds one line per value of the CSV's category column
	// (empty when the file has none), sorted by name.
	Categories []EvalStats
	// Skipped lists the rows left out of the figures, in file order.
	Skipped []EvalSkip
}

// EvalSkip is a row Eval could not use: its line in the file (where the
// row starts) and why.
type EvalSkip struct {
	Line   int
	Reason string
}

// EvalStats counts one group of rows. "Flagged" means refused or sent to
// review.
type EvalStats struct {
	Name      string
	Rows      int
	Positives int // label 1: should not be published
	Refused   int
	RefusedTP int // refused and label 1
	Flagged   int
	FlaggedTP int // flagged and label 1
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Negatives is the number of rows that should be published.
func (s EvalStats) Negatives() int { return s.Rows - s.Positives }

// RefusePrecision, RefuseRecall and RefuseFalseRemoval measure refusals
// only; FalseRemoval is the share of publishable rows that were refused.
func (s EvalStats) RefusePrecision() float64    { return ratio(s.RefusedTP, s.Refused) }
func (s EvalStats) RefuseRecall() float64       { return ratio(s.RefusedTP, s.Positives) }
func (s EvalStats) RefuseFalseRemoval() float64 { return ratio(s.Refused-s.RefusedTP, s.Negatives()) }

// FlagPrecision, FlagRecall and FlagFalseRate count "refused or review".
func (s EvalStats) FlagPrecision() float64 { return ratio(s.FlaggedTP, s.Flagged) }
func (s EvalStats) FlagRecall() float64    { return ratio(s.FlaggedTP, s.Positives) }
func (s EvalStats) FlagFalseRate() float64 { return ratio(s.Flagged-s.FlaggedTP, s.Negatives()) }

// RefusedShare and FlaggedShare are shares of all rows of the group, the
// figures used for groups where every row has the same label.
func (s EvalStats) RefusedShare() float64 { return ratio(s.Refused, s.Rows) }
func (s EvalStats) FlaggedShare() float64 { return ratio(s.Flagged, s.Rows) }

func (s *EvalStats) add(label bool, a Action) {
	s.Rows++
	if label {
		s.Positives++
	}
	if a == ActionRefuse {
		s.Refused++
		if label {
			s.RefusedTP++
		}
	}
	if a == ActionRefuse || a == ActionReview {
		s.Flagged++
		if label {
			s.FlaggedTP++
		}
	}
}

// Eval runs rs over a CSV of text,label[,lang,category] (label 1 = should
// not be published). A header row is recognised by its "label" column.
// History rules do not fire (each row is judged alone). A bad row (too few
// fields, a label other than 0 or 1, broken CSV quoting) is skipped and
// listed in Skipped with its line: one typo must not void a long run. The
// error is only for a reader that fails.
func Eval(r io.Reader, rs *Ruleset) (*EvalReport, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	textCol, labelCol, catCol := 0, 1, 3
	rep := &EvalReport{RulesetVersion: rs.Version(), Overall: EvalStats{Name: "overall"}}
	cats := map[string]*EvalStats{}
	for first := true; ; first = false {
		offset := cr.InputOffset()
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			rep.Skipped = append(rep.Skipped, EvalSkip{Line: pe.StartLine, Reason: pe.Err.Error()})
			if cr.InputOffset() == offset {
				break // nothing more can be read
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("eval: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if first && hasCol(rec, "label") {
			textCol, labelCol, catCol = colIndex(rec, "text", 0), colIndex(rec, "label", 1), colIndex(rec, "category", 3)
			continue
		}
		if len(rec) <= max(textCol, labelCol) {
			rep.Skipped = append(rep.Skipped, EvalSkip{Line: line, Reason: fmt.Sprintf("want text,label[,lang,category], got %d field(s)", len(rec))})
			continue
		}
		var label bool
		switch strings.TrimSpace(rec[labelCol]) {
		case "1":
			label = true
		case "0":
		default:
			rep.Skipped = append(rep.Skipped, EvalSkip{Line: line, Reason: fmt.Sprintf("label %q: want 0 or 1", rec[labelCol])})
			continue
		}
		v := rs.Classify(Input{Text: rec[textCol], Source: "eval"}, nil)
		rep.Overall.add(label, v.Action)
		if catCol < len(rec) && rec[catCol] != "" {
			c := rec[catCol]
			if cats[c] == nil {
				cats[c] = &EvalStats{Name: c}
			}
			cats[c].add(label, v.Action)
		}
	}
	for _, s := range cats {
		rep.Categories = append(rep.Categories, *s)
	}
	sort.Slice(rep.Categories, func(i, j int) bool { return rep.Categories[i].Name < rep.Categories[j].Name })
	return rep, nil
}

func hasCol(rec []string, name string) bool { return colIndex(rec, name, -1) >= 0 }

func colIndex(rec []string, name string, def int) int {
	for i, c := range rec {
		if strings.EqualFold(strings.TrimSpace(c), name) {
			return i
		}
	}
	return def
}

// Group sums the categories whose name ends with suffix (e.g. "_nh").
func (e *EvalReport) Group(suffix string) EvalStats {
	g := EvalStats{Name: "*" + suffix}
	for _, c := range e.Categories {
		if strings.HasSuffix(c.Name, suffix) {
			g.Rows += c.Rows
			g.Positives += c.Positives
			g.Refused += c.Refused
			g.RefusedTP += c.RefusedTP
			g.Flagged += c.Flagged
			g.FlaggedTP += c.FlaggedTP
		}
	}
	return g
}

// WriteText prints precision, recall and false-removal rate, overall and
// per category, for "refused" and for "refused or sent to review".
func (e *EvalReport) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "ruleset %s\n", e.RulesetVersion)
	fmt.Fprintln(tw, "category\trows\tbad\trefused\tprecision\trecall\tfalse removal\tflagged\tprecision\trecall\tfalse flag\t")
	rows := append([]EvalStats{e.Overall}, e.Categories...)
	if len(e.Categories) > 0 {
		rows = append(rows, e.Group("_h"), e.Group("_nh"))
	}
	for _, s := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t\n", s.Name, s.Rows, s.Positives,
			s.Refused, pct(s.RefusedTP, s.Refused), pct(s.RefusedTP, s.Positives), pct(s.Refused-s.RefusedTP, s.Negatives()),
			s.Flagged, pct(s.FlaggedTP, s.Flagged), pct(s.FlaggedTP, s.Positives), pct(s.Flagged-s.FlaggedTP, s.Negatives()))
	}
	if n := len(e.Skipped); n > 0 {
		fmt.Fprintf(tw, "\nskipped %d bad row(s), not counted above: lines %s\n", n, skippedLines(e.Skipped))
	}
	fmt.Fprintln(tw, "\nrefused: automated refusals only; flagged: refused or sent to review.")
	fmt.Fprintln(tw, "false removal: share of rows labelled 0 (should be published) that were refused; '-' when undefined.")
	return tw.Flush()
}

// skippedLines lists the lines of the skipped rows, the first 20.
func skippedLines(sk []EvalSkip) string {
	var ls []string
	for i, s := range sk {
		if i == 20 {
			ls = append(ls, fmt.Sprintf("and %d more", len(sk)-i))
			break
		}
		ls = append(ls, strconv.Itoa(s.Line))
	}
	return strings.Join(ls, ", ")
}

func pct(a, b int) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
}
