package reports_test

import (
	"bytes"
	"context"
	"encoding/json"
	mathrand "math/rand"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/reports"
)

// hashRe matches the chain's hashes, which depend on per-comment random
// salts and so differ between runs; golden files hold a placeholder.
var hashRe = regexp.MustCompile(`[0-9a-f]{64}`)

// headSeqRe matches the head's sequence number, which a purge moves: it
// records one event per purged comment.
var headSeqRe = regexp.MustCompile(`(last_seq\D{1,4}|#)\d+`)

// withoutHead masks the chain head: what a purge may change.
func withoutHead(b []byte) string {
	return string(headSeqRe.ReplaceAll(hashRe.ReplaceAll(b, []byte("<hash>")), []byte("${1}<seq>")))
}

func buildReports(t *testing.T, s *seeded) map[string][]byte {
	t.Helper()
	ix, err := reports.Recompute(context.Background(), s.store, reports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, label := range []string{"2026-11", "2026-12"} {
		p, _ := reports.ParsePeriod(label, time.UTC)
		r, err := ix.Report(p, reports.ReportOptions{Policy: s.policy, Now: s.clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		checkReconciles(t, label, r)
		var j, c, txt bytes.Buffer
		if err := r.WriteJSON(&j); err != nil {
			t.Fatal(err)
		}
		if err := r.WriteCSV(&c); err != nil {
			t.Fatal(err)
		}
		if err := r.WriteText(&txt, "fr"); err != nil {
			t.Fatal(err)
		}
		out["report-"+label+".json"], out["report-"+label+".csv"], out["report-"+label+".fr.txt"] = j.Bytes(), c.Bytes(), txt.Bytes()
	}
	from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	// Random puids from a fixed stream, so the golden file is stable.
	opts := reports.SOROptions{Rand: mathrand.New(mathrand.NewSource(1))}
	for _, f := range []string{"ndjson", "csv"} {
		var b bytes.Buffer
		if err := reports.WriteSOR(context.Background(), &b, f, s.store, from, to, s.policy, opts); err != nil {
			t.Fatal(err)
		}
		out["sor."+f] = b.Bytes()
	}
	return out
}

// TestGoldenScriptedHistory: a month of moderation through the real domain
// gives exactly the expected JSON, CSV, text and statements of reasons; a
// purge of personal data changes none of them; none of them contains a
// comment text, an author's name or id, or a platform comment id.
func TestGoldenScriptedHistory(t *testing.T) {
	s := seedHistory(t)
	before := buildReports(t, s)
	for name, b := range before {
		checkGolden(t, name, hashRe.ReplaceAll(b, []byte("<head-hash>")))
		for _, secret := range append(append([]string{}, s.texts...), s.private...) {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s contains personal data %q", name, secret)
			}
		}
	}
	n, err := s.store.Purge(context.Background(), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || n == 0 {
		t.Fatalf("purge: %d, %v", n, err)
	}
	after := buildReports(t, s)
	for name := range before {
		// The purge events move the head; no figure moves.
		if d := cmp.Diff(withoutHead(before[name]), withoutHead(after[name])); d != "" {
			t.Errorf("%s changed after a purge:\n%s", name, d)
		}
		if !strings.HasPrefix(name, "sor.") && bytes.Equal(before[name], after[name]) { // statements show no head
			t.Errorf("%s: the head did not move after a purge of %d comments (no purge event?)", name, n)
		}
	}
}

// TestStatementsOfReasonsValid: every exported statement passes ValidateSOR,
// and the validator rejects broken ones.
func TestStatementsOfReasonsValid(t *testing.T) {
	s := seedHistory(t)
	var b bytes.Buffer
	err := reports.WriteSOR(context.Background(), &b, "ndjson", s.store, time.Time{}, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), s.policy, reports.SOROptions{})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d statements, want one per refusal (6):\n%s", len(lines), b.String())
	}
	var good map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if err := reports.ValidateSOR(m); err != nil {
			t.Errorf("%v\n%s", err, l)
		}
		good = m
	}
	breaks := map[string]func(m map[string]any){
		"no puid":        func(m map[string]any) { delete(m, "puid") },
		"puid charset":   func(m map[string]any) { m["puid"] = "comment/42" },
		"puid too long":  func(m map[string]any) { m["puid"] = strings.Repeat("a", 501) },
		"visibility":     func(m map[string]any) { m["decision_visibility"] = []any{"HIDDEN"} },
		"ground":         func(m map[string]any) { m["decision_ground"] = "DECISION_GROUND_RUDE" },
		"category":       func(m map[string]any) { m["category"] = "STATEMENT_CATEGORY_RUDENESS" },
		"date format":    func(m map[string]any) { m["application_date"] = "03/11/2026" },
		"lowercase lang": func(m map[string]any) { m["content_language"] = "fr" },
		"facts too long": func(m map[string]any) { m["decision_facts"] = strings.Repeat("x", 5001) },
		"automated":      func(m map[string]any) { m["automated_decision"] = "AUTOMATED_DECISION_SOMETIMES" },
		"detection":      func(m map[string]any) { m["automated_detection"] = "yes" },
		"source type":    func(m map[string]any) { delete(m, "source_type") },
		"territory":      func(m map[string]any) { m["territorial_scope"] = []any{"US"} },
		"content type":   func(m map[string]any) { m["content_type"] = []any{} },
		"explanation": func(m map[string]any) {
			delete(m, "incompatible_content_explanation")
			delete(m, "illegal_content_explanation")
		},
		"end before start": func(m map[string]any) { m["end_date_visibility_restriction"] = "2000-01-01" },
	}
	for name, brk := range breaks {
		m := map[string]any{}
		for k, v := range good {
			m[k] = v
		}
		brk(m)
		if err := reports.ValidateSOR(m); err == nil {
			t.Errorf("%s: accepted a broken statement", name)
		}
	}
}
