package reports_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/reports"
	"vigie/reports/reportstest"
)

// TestStatementsOfReasonsFromAnyPolicy: whatever the policy says (a
// KEYWORD_OTHER specification, a dsa_category the database does not know,
// a law without its text, labels and descriptions past the field limits)
// and whatever the refusal carries (no category, one missing from the
// policy), every statement passes ValidateSOR.
func TestStatementsOfReasonsFromAnyPolicy(t *testing.T) {
	long := strings.Repeat("é", 3000)
	pol := reports.Policy{Categories: []reports.Category{
		{ID: "other", Label: map[string]string{"en": "Other"}, Description: map[string]string{"en": "Other reasons."},
			DSACategory: "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", Ground: "terms", Keywords: []string{"KEYWORD_OTHER"}},
		{ID: "made_up", Label: map[string]string{"en": "Made up"}, Description: map[string]string{"en": "x"},
			DSACategory: "STATEMENT_CATEGORY_RUDENESS", Ground: "terms", Keywords: []string{"hate speech"}},
		{ID: "law", Label: map[string]string{"en": long}, Description: map[string]string{"en": long},
			DSACategory: "ILLEGAL_OR_HARMFUL_SPEECH", Ground: "law", LegalGround: long},
		{ID: "law_no_text", Label: map[string]string{"fr": "Loi"}, Description: map[string]string{"fr": "Interdit par la loi."},
			DSACategory: "STATEMENT_CATEGORY_VIOLENCE", Ground: "law"},
	}}
	src := &reportstest.Source{}
	prev := moderation.GenesisHash
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	for i, cat := range []string{"other", "made_up", "law", "law_no_text", "", "gone_from_policy"} {
		e := moderation.Event{CommentID: int64(i + 1), At: at, Actor: moderation.ActorSystem, To: moderation.StatusRefused,
			Route: moderation.RouteRules, Automation: moderation.AutomationFull, Category: cat, Source: "api:test", Language: "fr"}
		e.Seal(int64(i+1), prev)
		prev = e.Hash
		src.Events = append(src.Events, e)
	}
	for _, lang := range []string{"en", "fr"} {
		var b bytes.Buffer
		if err := reports.WriteSOR(context.Background(), &b, "ndjson", src, at.AddDate(0, 0, -1), at.AddDate(0, 0, 1), pol,
			reports.SOROptions{Language: lang}); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(b.String()), "\n")
		if len(lines) != len(src.Events) {
			t.Fatalf("%d statements, want %d", len(lines), len(src.Events))
		}
		for i, l := range lines {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatal(err)
			}
			if err := reports.ValidateSOR(m); err != nil {
				t.Errorf("%s, refusal in category %q: %v", lang, src.Events[i].Category, err)
			}
		}
	}
}
