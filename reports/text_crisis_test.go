package reports_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"vigie/moderation"
	"vigie/moderation/i18n"
	"vigie/reports"
)

// hostileReason has what must not reach a terminal as it is: a newline and
// a tab that would forge a line and a cell, an escape sequence, a bidi
// override and isolate, a zero-width space, a line separator, a NUL and an
// invalid byte. The domain refuses the controls in a new switch; a log
// written before that check, or forged, may still hold them.
const hostileReason = "attentat\n  reçus\t999\x1b[2J\u202etxet\u2066x\u2069\u200b\u2028\x00\xff fin"

// crisisReport is a report over a history with two crisis periods: one on
// page "a", stopped, with a hostile reason; one on every page, ongoing.
func crisisReport(t *testing.T, reason string) *reports.Report {
	t.Helper()
	pageOf := func(s string) string {
		if s == "facebook:1001" {
			return "a"
		}
		return "b"
	}
	start := t0.Add(4 * 24 * time.Hour)
	src := crisisHistory(1, []moderation.Event{
		crisisSwitch("a", true, start, reason),
		crisisSwitch("a", false, start.Add(9*24*time.Hour), "retour au calme \u202e"),
		crisisSwitch(moderation.AllPages, true, start.Add(20*24*time.Hour), "toutes les pages"),
	})
	ix, err := reports.Recompute(context.Background(), src, reports.Options{PageOf: pageOf})
	if err != nil {
		t.Fatal(err)
	}
	p := reports.Period{From: t0, To: t0.Add(90 * 24 * time.Hour), Kind: "custom", Label: "all"}
	rep, err := ix.Report(p, reports.ReportOptions{Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Crises) != 2 || rep.Crises[0].Figures.Received == 0 || rep.Crises[0].Figures.Refused == 0 {
		t.Fatalf("the history gives no crisis figures to check: %+v", rep.Crises)
	}
	return rep
}

// cellsRe splits a line of the text report into its cells: tabwriter pads
// them with at least two spaces.
var cellsRe = regexp.MustCompile(`\S(?:\S| \S)*`)

// crisisSection returns the lines of the text report's crisis section, one
// period after the other (split at blank lines); nil when the section is
// absent.
func crisisSection(text, title string) [][]string {
	_, after, ok := strings.Cut(text, "\n"+title+"\n")
	if !ok {
		return nil
	}
	var periods [][]string
	var cur []string
	for _, l := range strings.Split(strings.TrimRight(after, "\n"), "\n") {
		if l == "" {
			periods, cur = append(periods, cur), nil
			continue
		}
		cur = append(cur, l)
	}
	return append(periods, cur)
}

// TestTextCrisisSection: the text report has a crisis section when the
// report has crisis periods, with each period's figures equal to the
// JSON's; its hostile reason is shown escaped, adds no line nor cell, and
// no control, format (bidi, zero-width) or separator character reaches the
// output. Without a crisis the section is absent.
func TestTextCrisisSection(t *testing.T) {
	rep := crisisReport(t, hostileReason)
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Crises []struct {
			Page    string     `json:"page"`
			Start   time.Time  `json:"start"`
			Stop    *time.Time `json:"stop"`
			Figures struct {
				Received, Published, Refused, Pending, Withdrawn int64
				WronglyRemoved                                   int64 `json:"wrongly_removed"`
				RefusedByReason                                  []struct {
					Category        string  `json:"category"`
					Refused         int64   `json:"refused"`
					ShareOfReceived float64 `json:"share_of_received"`
				} `json:"refused_by_reason"`
				TimeToDecision struct {
					Decisions     int64  `json:"decisions"`
					MedianSeconds *int64 `json:"median_seconds"`
					P90Seconds    *int64 `json:"p90_seconds"`
				} `json:"time_to_decision"`
			} `json:"figures"`
		} `json:"crises"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	plain := crisisReport(t, "attentat")
	// Each escape is visible, and so is the text around it.
	wantReasons := []string{`attentat\n  reçus\t999\x1b[2J\u202etxet\u2066x\u2069\u200b\u2028\x00\xff fin → retour au calme \u202e`, "toutes les pages"}
	for _, lang := range []string{"fr", "en"} {
		T := func(key string) string { return i18n.T(lang, key) }
		L := func(key string) string { return T("rep_" + key) }
		colon := i18n.Colon(lang)
		var b, pb bytes.Buffer
		if err := rep.WriteText(&b, lang); err != nil {
			t.Fatal(err)
		}
		if err := plain.WriteText(&pb, lang); err != nil {
			t.Fatal(err)
		}
		text := b.String()
		for _, r := range text {
			if r != '\n' && (unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) || r == unicode.ReplacementChar) {
				t.Errorf("%s: the text report prints %U", lang, r)
			}
		}
		if got, want := strings.Count(text, "\n"), strings.Count(pb.String(), "\n"); got != want {
			t.Errorf("%s: the hostile reason changed the line count: %d lines, %d with a plain reason:\n%s", lang, got, want, text)
		}
		periods := crisisSection(text, T("pub_crises"))
		if len(periods) != len(doc.Crises) {
			t.Fatalf("%s: %d periods in the text, %d in the JSON:\n%s", lang, len(periods), len(doc.Crises), text)
		}
		for i, c := range doc.Crises {
			page := c.Page
			if page == "*" {
				page = T("crisis_all_pages")
			}
			stop := T("pub_crisis_ongoing")
			if c.Stop != nil {
				stop = c.Stop.Format(time.RFC3339)
			}
			f := c.Figures
			want := [][]string{
				{T("crisis_page") + colon, page},
				{T("pub_crisis_start") + colon, c.Start.Format(time.RFC3339)},
				{T("pub_crisis_stop") + colon, stop},
				nil, // the reason, below
				{L("received"), fmt.Sprint(f.Received)},
				{L("published"), fmt.Sprint(f.Published)},
				{L("refused"), fmt.Sprint(f.Refused)},
			}
			for _, rs := range f.RefusedByReason {
				want = append(want, []string{rs.Category, fmt.Sprint(rs.Refused), i18n.Percent(lang, rs.ShareOfReceived, 1)})
			}
			want = append(want, []string{L("pending"), fmt.Sprint(f.Pending)}, []string{L("withdrawn"), fmt.Sprint(f.Withdrawn)},
				[]string{L("wrong"), fmt.Sprint(f.WronglyRemoved)})
			ttd := f.TimeToDecision
			if ttd.MedianSeconds != nil {
				want = append(want, []string{L("ttd"), fmt.Sprintf("%s %s, %s %s", L("median"), i18n.Duration(lang, time.Duration(*ttd.MedianSeconds)*time.Second),
					L("p90"), i18n.Duration(lang, time.Duration(*ttd.P90Seconds)*time.Second)), fmt.Sprintf("(%s = %d)", L("n"), ttd.Decisions)})
			} else {
				want = append(want, []string{L("ttd"), L("na")})
			}
			got := periods[i]
			if len(got) != len(want) {
				t.Errorf("%s: period %d has %d lines, want %d:\n%q", lang, i, len(got), len(want), got)
				continue
			}
			for j := range want {
				if cells := cellsRe.FindAllString(got[j], -1); want[j] != nil && strings.Join(cells, "|") != strings.Join(want[j], "|") {
					t.Errorf("%s: period %d line %d = %q, want %q (as the JSON)", lang, i, j, got[j], want[j])
				}
			}
			label, reason, _ := strings.Cut(strings.TrimSpace(got[3]), "  ")
			if label != T("crisis_reason")+colon || strings.TrimSpace(reason) != wantReasons[i] {
				t.Errorf("%s: period %d reason line = %q, want %s then %q", lang, i, got[3], T("crisis_reason")+colon, wantReasons[i])
			}
		}
		if !strings.Contains(pb.String(), "attentat → retour au calme \\u202e\n") {
			t.Errorf("%s: a plain reason is not shown as it is:\n%s", lang, pb.String())
		}
	}

	// A report of the same history without a crisis switch has no section,
	// and the text does not change with the section's code.
	ix, err := reports.Recompute(context.Background(), crisisHistory(1, nil), reports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	none, err := ix.Report(reports.Period{From: t0, To: t0.Add(90 * 24 * time.Hour), Kind: "custom", Label: "all"}, reports.ReportOptions{Now: t0})
	if err != nil || len(none.Crises) != 0 {
		t.Fatalf("report without a crisis: %v, %+v", err, none.Crises)
	}
	for _, lang := range []string{"fr", "en"} {
		var b bytes.Buffer
		if err := none.WriteText(&b, lang); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), i18n.T(lang, "pub_crises")) || strings.Contains(b.String(), i18n.T(lang, "crisis_reason")) {
			t.Errorf("%s: a report without a crisis shows a crisis section:\n%s", lang, b.String())
		}
	}
}
