package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vigie/moderation"
)

// callIn calls the JSON API with a token and an Accept-Language.
func (s *testServer) callIn(t *testing.T, token, lang, method, path string, body any) response {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", lang)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := response{Status: resp.StatusCode, Raw: b}
	if err := json.Unmarshal(b, &r.Body); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, b)
	}
	return r
}

// Criticism of the post with an insult in it is never refused by the
// rules: it waits in review, flagged. Refusing it without a reason is
// refused (JSON API and form, in French and in English) and changes
// nothing; with a reason it is refused and the reason is the event's
// note. The report's criticism line counts it, with no automated refusal.
func TestCriticismRefusalNeedsAReason(t *testing.T) {
	t.Parallel()
	eachStore(t, testCriticismRefusalNeedsAReason)
}

func testCriticismRefusalNeedsAReason(t *testing.T, s *testServer) {
	mod := s.loginAs(t, "mod", moderation.RoleModerator)
	token := s.personalToken(t, "mod")
	cases := []struct {
		lang, text, reason, wantMsg string
	}{
		{"fr", "Votre infographie est fausse : la loi ne dit pas ça, corrigez-la, bande de connards.",
			"insulte envers les autres lecteurs", "écrivez le motif du refus"},
		{"en", "Your chart is wrong, the law doesn't say that, correct it, you fucking idiots.",
			"insults aimed at other readers", "write the reason for refusing it"},
	}
	for i, tc := range cases {
		t.Run(tc.lang, func(t *testing.T) {
			apiID := s.intakeAs(t, fmt.Sprintf("crit-api-%d", i), tc.text, "pending")
			formID := s.intakeAs(t, fmt.Sprintf("crit-form-%d", i), tc.text+" ", "pending")
			g := s.call(t, "GET", fmt.Sprintf("/api/v1/comments/%d", apiID), testToken, nil)
			if v, _ := g.Body["verdict"].(map[string]any); v == nil || fmt.Sprint(v["protected"]) != "[criticism]" || v["action"] != "review" {
				t.Fatalf("verdict %v, want review with protected [criticism]", g.Body["verdict"])
			}
			before := s.eventCount(t)

			// JSON API: no reason, a blank one, criticism as the reason.
			path := fmt.Sprintf("/api/v1/comments/%d/decision", apiID)
			for _, body := range []map[string]any{
				{"action": "refuse", "category": "insult"},
				{"action": "refuse", "category": "insult", "note": "   "},
			} {
				r := s.callIn(t, token, tc.lang, "POST", path, body)
				wantError(t, r, http.StatusBadRequest, "invalid")
				if e := r.Body["error"].(map[string]any); e["field"] != "note" || !strings.Contains(e["message"].(string), tc.wantMsg) {
					t.Errorf("error %v, want field note and a message in %s containing %q", e, tc.lang, tc.wantMsg)
				}
			}
			r := s.callIn(t, token, tc.lang, "POST", path, map[string]any{"action": "refuse", "category": "criticism", "note": "critique"})
			wantError(t, r, http.StatusBadRequest, "invalid")
			if e := r.Body["error"].(map[string]any); e["field"] != "category" {
				t.Errorf("criticism as the reason: error %v, want field category", e)
			}

			// The form, without JavaScript: the page asks for the reason...
			page := mod.get(fmt.Sprintf("/moderation/comments/%d?lang=%s", formID, tc.lang))
			if page.Status != http.StatusOK || !strings.Contains(page.Body, `id="refuse-reason" maxlength="2000" required`) ||
				!strings.Contains(page.Body, `id="criticism-flag"`) || !strings.Contains(page.Body, "formnovalidate") {
				t.Fatalf("review page: status %d, want the flag and a required reason field: %.2000s", page.Status, page.Body)
			}
			// ...and the server refuses the form sent without one.
			p := mod.submit(fmt.Sprintf("/moderation/comments/%d/decision", formID), url.Values{"action": {"refuse"}, "category": {"insult"}})
			if p.Status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(p.Body), tc.wantMsg) {
				t.Errorf("form without a reason: status %d, want 400 with %q: %.600s", p.Status, tc.wantMsg, p.Body)
			}
			if n := s.eventCount(t); n != before {
				t.Fatalf("refusals without a reason wrote %d event(s)", n-before)
			}
			for _, id := range []int64{apiID, formID} {
				if c := s.comment(t, id); c.Status != moderation.StatusPending {
					t.Fatalf("comment %d is %s after refusals without a reason, want pending", id, c.Status)
				}
			}

			// With the reason: refused, the reason is the event's note.
			if r := s.callIn(t, token, tc.lang, "POST", path, map[string]any{"action": "refuse", "category": "insult", "note": tc.reason}); r.Status != http.StatusOK {
				t.Fatalf("refusal with a reason: status %d: %s", r.Status, r.Raw)
			}
			p = mod.submit(fmt.Sprintf("/moderation/comments/%d/decision", formID), url.Values{"action": {"refuse"}, "category": {"insult"}, "note": {tc.reason}})
			if p.Status != http.StatusSeeOther {
				t.Fatalf("form with a reason: status %d: %.600s", p.Status, p.Body)
			}
			for _, id := range []int64{apiID, formID} {
				evs := s.events(t, id)
				last := evs[len(evs)-1]
				if last.To != moderation.StatusRefused || last.Note != tc.reason || last.Category != "insult" || last.Automation == moderation.AutomationFull {
					t.Errorf("comment %d: last event %s by %s, note %q, category %q; want refused by a person with the reason", id, last.To, last.Actor, last.Note, last.Category)
				}
			}
		})
	}
	// Plain criticism is published; publishing a flagged comment needs no reason.
	s.intakeAs(t, "crit-plain-fr", "Votre infographie est fausse : la loi ne dit pas ça, corrigez-la.", "published")
	s.intakeAs(t, "crit-plain-en", "Your infographic is wrong: the law doesn't say that, please correct it.", "published")
	pub := s.intakeAs(t, "crit-pub", "Le ministère nous ment, bande de connards.", "pending")
	if r := s.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/decision", pub), token, map[string]any{"action": "publish"}); r.Status != http.StatusOK {
		t.Fatalf("publishing a flagged comment: status %d: %s", r.Status, r.Raw)
	}

	rep := s.report(t)
	c := rep.Criticism
	if c.Received != 7 || c.Refused != 4 || c.Published != 3 || c.RefusedAutomatically != 0 || c.Pending != 0 {
		t.Errorf("criticism line %+v, want 7 received, 3 published, 4 refused, none automatically", c)
	}
	if c.Published+c.Refused+c.Pending+c.Withdrawn != c.Received {
		t.Errorf("criticism line does not add up: %+v", c)
	}
}

// The same correction posted by four authors: every copy is flagged, the
// later ones wait in review together, and none is refused without a
// reason — not by the rules, not by a group decision.
func TestCriticismCampaignIsReviewedNeverRefused(t *testing.T) {
	t.Parallel()
	eachStore(t, testCriticismCampaignIsReviewedNeverRefused)
}

func testCriticismCampaignIsReviewedNeverRefused(t *testing.T, s *testServer) {
	mod := s.loginAs(t, "mod", moderation.RoleModerator)
	text := "Votre infographie est fausse : la loi ne dit pas ça, corrigez-la."
	token := s.personalToken(t, "mod")
	want := []string{"published", "published", "pending", "pending"}
	var pending []int64
	for i, st := range want {
		id := s.intakeAs(t, fmt.Sprintf("camp-%d", i), text, st)
		if st == "pending" {
			pending = append(pending, id)
		}
	}
	it, err := s.DB.ReviewItem(t.Context(), pending[0])
	if err != nil {
		t.Fatal(err)
	}
	q := mod.get("/moderation/?lang=en")
	if q.Status != http.StatusOK || strings.Count(q.Body, `class="tag criticism"`) != 2 {
		t.Errorf("queue: status %d, want a criticism badge on each of the 2 copies: %.1500s", q.Status, q.Body)
	}
	before := s.eventCount(t)
	r := s.call(t, "POST", "/api/v1/queue/decisions", token, map[string]any{"fingerprint": it.Fingerprint, "action": "refuse", "category": "repeated"})
	if r.Status != http.StatusOK || r.Body["decided"] != float64(0) {
		t.Fatalf("bulk refusal without a reason: status %d, decided %v, want 200 and 0: %s", r.Status, r.Body["decided"], r.Raw)
	}
	for _, x := range r.Body["results"].([]any) {
		if e, _ := x.(map[string]any)["error"].(map[string]any); e == nil || e["field"] != "note" {
			t.Errorf("bulk result %v, want an error on the note", x)
		}
	}
	p := mod.submit("/moderation/groups/"+it.Fingerprint+"/decision", url.Values{"action": {"refuse"}, "category": {"repeated"}})
	if p.Status != http.StatusBadRequest {
		t.Errorf("group form without a reason: status %d, want 400", p.Status)
	}
	if n := s.eventCount(t); n != before {
		t.Fatalf("refusals without a reason wrote %d event(s)", n-before)
	}
	p = mod.submit("/moderation/groups/"+it.Fingerprint+"/decision", url.Values{"action": {"refuse"}, "category": {"repeated"}, "note": {"campagne coordonnée"}})
	if p.Status != http.StatusSeeOther || !strings.Contains(p.Location(), "n=2&failed=0") {
		t.Fatalf("group form with a reason: status %d to %q", p.Status, p.Location())
	}
	rep := s.report(t)
	if rep.Campaigns.Copies.Received != 2 || rep.Campaigns.Copies.Refused != 2 || rep.Criticism.Received != 4 || rep.Criticism.RefusedAutomatically != 0 {
		t.Errorf("campaigns %+v, criticism %+v; want 2 copies refused, 4 criticism, none refused automatically", rep.Campaigns.Copies, rep.Criticism)
	}
}
