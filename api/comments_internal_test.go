package api

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"vigie/rules"
)

// The intake answer is written by hand (appendJSON); it must stay the bytes
// c.JSON wrote. rules' tests cover the verdict field by field.
func TestIntakeResponseJSONIsEncodingJSONs(t *testing.T) {
	verdicts := []rules.Verdict{
		{Action: rules.ActionPublish, Score: 0, Language: "fr", RulesetVersion: "2026-11-27"},
		{Action: rules.ActionRefuse, Category: "insult", Score: 0.95, Language: "en", RulesetVersion: "v<2>&",
			Matches: []rules.Match{{Rule: "insult.fr", Category: "insult", Start: 3, End: 12, Text: "imbéciles \u2028 \"x\""},
				{Rule: "s", Category: "spam", Start: 0, End: 1, Text: "\xff", Shadow: true}},
			Protected: []string{"criticism"}, ModelRule: "model.tox", ModelScore: 1e-7, Fingerprint: "abc"},
		{Action: rules.ActionReview, Category: "contact", Score: 0.5, Matches: []rules.Match{}, Protected: []string{}},
	}
	for _, v := range verdicts {
		for _, status := range []string{"published", "pending", "refused", "odd \"<status>\""} {
			r := intakeResponse{ID: 1 << 40, Status: status, Verdict: v}
			want, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := r.appendJSON(nil)
			if !ok || !bytes.Equal(got, want) {
				t.Errorf("appendJSON = %s (ok %v)\nwant %s", got, ok, want)
			}
		}
	}
	r := intakeResponse{ID: 1, Status: "published", Verdict: rules.Verdict{Action: rules.ActionPublish, Score: math.NaN()}}
	if _, ok := r.appendJSON(nil); ok {
		t.Errorf("appendJSON of a NaN score ok, want it left to c.JSON")
	}
}
