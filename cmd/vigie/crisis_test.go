package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode"

	"vigie/moderation"
)

// vigie crisis status prints what the log holds, which may be forged or
// older than the domain's checks: a reason with a newline, a tab, an
// escape sequence, a C1 CSI, a bidi override or an invalid byte (0xff is
// tabwriter's escape) keeps to its row and cell, escaped and visible.
func TestCrisisStatusEscapesWhatTheLogHolds(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	periods := []moderation.CrisisPeriod{
		{Page: "111", Start: at, StartSeq: 4, StartedBy: "cli", Reason: "attentat\nfaux\tcellule\x1b[2J\u009b31m\u202etxet\xff fin"},
		{Page: moderation.AllPages, Start: at.Add(time.Hour), StartSeq: 9, StartedBy: "moderator:2", Reason: "calme"},
	}
	var b bytes.Buffer
	writeCrisisStatus(&b, periods)
	out := b.String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want a header and one row per period:\n%s", len(lines), out)
	}
	for _, r := range out {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar) {
			t.Errorf("the table prints %U:\n%q", r, out)
		}
	}
	if want := `attentat\nfaux\tcellule\x1b[2J\u009b31m\u202etxet\xff fin`; !strings.HasSuffix(lines[1], want) {
		t.Errorf("row = %q, want it to end with the escaped reason %q", lines[1], want)
	}
	if !strings.HasPrefix(lines[2], "*") || !strings.HasSuffix(lines[2], "calme") {
		t.Errorf("second row = %q", lines[2])
	}
}
