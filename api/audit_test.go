package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"vigie/moderation"
	"vigie/moderation/i18n"
	"vigie/reports"
)

// The audit rate is the share of automated decisions, publications and
// refusals alike, that enter the blind-audit queue: all at 1, none at 0.
// Comments sent to review and human decisions are not automated ones.
func TestAuditRateSamplesAutomatedDecisions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rate float64
		want int
	}{{1, 2}, {0, 0}} {
		t.Run(fmt.Sprint("rate ", tc.rate), func(t *testing.T) {
			s := newServerWith(t, storageSQLite(t), serverOptions{AuditRate: tc.rate})
			s.addUser(t, "mod", moderation.RoleModerator)
			token := s.personalToken(t, "mod")
			published := s.intakeAs(t, "1", publishedText(1), "published")
			refused := s.intakeAs(t, "2", refusedText(2), "refused")
			pending := s.intakeAs(t, "3", pendingText(3), "pending")
			if r := s.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/decision", pending), token, map[string]any{"action": "publish"}); r.Status != http.StatusOK {
				t.Fatalf("decision: status %d: %s", r.Status, r.Raw)
			}
			r := s.call(t, "GET", "/api/v1/audits?state=any", token, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("audits: status %d: %s", r.Status, r.Raw)
			}
			var got []int64
			for _, a := range r.Body["audits"].([]any) {
				got = append(got, int64(a.(map[string]any)["comment_id"].(float64)))
			}
			slices.Sort(got)
			want := []int64{published, refused}[:tc.want]
			if !slices.Equal(got, want) {
				t.Errorf("audited comments %v, want %v", got, want)
			}
		})
	}
}

// auditFields is all an open audit may show: what the moderator judges,
// nothing of what the rules decided.
var auditFields = []string{"id", "comment_id", "sampled_at", "state", "claimed_by", "text", "language", "source"}

// The audit is blind: neither the JSON nor the page shows the automated
// status, category, rules or matches until the moderator has decided; the
// decision's answer then reveals them.
func TestAuditIsBlindUntilDecided(t *testing.T) {
	t.Parallel()
	s := newServerWith(t, storageSQLite(t), serverOptions{AuditRate: 1})
	mod := s.loginAs(t, "mod", moderation.RoleModerator)
	token := s.personalToken(t, "mod")
	in := s.call(t, "POST", "/api/v1/comments", testToken, map[string]any{"source": "api:test", "external_id": "1", "text": refusedText(1)})
	v := in.Body["verdict"].(map[string]any)
	if in.Body["status"] != "refused" || v["category"] != "insult" {
		t.Fatalf("intake: %s, want refused as insult", in.Raw)
	}
	rule := v["matches"].([]any)[0].(map[string]any)["rule"].(string)

	claim := s.call(t, "POST", "/api/v1/audits/claim", token, nil)
	list := s.call(t, "GET", "/api/v1/audits", token, nil)
	for name, r := range map[string]response{"claim": claim, "list": list} {
		if r.Status != http.StatusOK {
			t.Fatalf("%s: status %d: %s", name, r.Status, r.Raw)
		}
		for _, leak := range []string{rule, `"refused"`, `"insult"`, "verdict", "matches"} {
			if strings.Contains(string(r.Raw), leak) {
				t.Errorf("%s reveals %s before the decision: %s", name, leak, r.Raw)
			}
		}
	}
	a := list.Body["audits"].([]any)[0].(map[string]any)
	for k := range a {
		if !slices.Contains(auditFields, k) {
			t.Errorf("open audit shows %q (= %v); it may show only %v", k, a[k], auditFields)
		}
	}
	id := int64(a["id"].(float64))

	auditPage := fmt.Sprintf("/moderation/audits/%d?lang=en", id)
	revealed := []string{rule, "<mark", i18n.T("en", "audit_machine"), i18n.T("en", "status_refused"), "(insult)"}
	p := mod.get(auditPage)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "connard") {
		t.Fatalf("audit page: status %d, want 200 with the text: %.500s", p.Status, p.Body)
	}
	for _, leak := range append(revealed, " selected") {
		if strings.Contains(p.Body, leak) {
			t.Errorf("audit page reveals %q before the decision", leak)
		}
	}

	r := mod.api("POST", fmt.Sprintf("/api/v1/audits/%d/decision", id), map[string]any{"action": "publish"}, mod.csrf)
	if r.Status != http.StatusOK || r.Body["overturned"] != true {
		t.Fatalf("decision: status %d, overturned %v, want 200 and true: %s", r.Status, r.Body["overturned"], r.Raw)
	}
	got := r.Body["audit"].(map[string]any)
	auto, _ := got["automated_decision"].(map[string]any)
	if auto == nil || auto["to"] != "refused" || auto["category"] != "insult" || !slices.Contains(auto["rule_ids"].([]any), any(rule)) {
		t.Errorf("decision answer reveals %v, want the automated refusal as insult by %s", auto, rule)
	}
	if d, _ := got["decision"].(map[string]any); d == nil || d["to"] != "published" || d["route"] != "audit" {
		t.Errorf("decision answer shows %v as the moderator's decision, want published by route audit", d)
	}
	p = mod.get(auditPage)
	for _, want := range revealed {
		if !strings.Contains(p.Body, want) {
			t.Errorf("decided audit page does not show %q", want)
		}
	}
}

// An audit that overturns the machine moves the report's estimated
// automated error rate; one that confirms it is counted in the sample.
func TestAuditOverturnMovesTheEstimatedErrorRate(t *testing.T) {
	t.Parallel()
	eachStoreWith(t, serverOptions{AuditRate: 1}, testAuditOverturnMovesTheEstimatedErrorRate)
}

func testAuditOverturnMovesTheEstimatedErrorRate(t *testing.T, s *testServer) {
	s.addUser(t, "mod", moderation.RoleModerator)
	token := s.personalToken(t, "mod")
	confirmed := s.intakeAs(t, "1", refusedText(1), "refused")
	overturned := s.intakeAs(t, "2", refusedText(2), "refused")
	audits := map[int64]int64{} // comment → audit
	for _, a := range s.call(t, "GET", "/api/v1/audits", token, nil).Body["audits"].([]any) {
		a := a.(map[string]any)
		audits[int64(a["comment_id"].(float64))] = int64(a["id"].(float64))
	}
	estimate := func() reports.Estimate { return s.report(t).Rates.AutomatedErrorEstimated }
	decide := func(comment int64, action string, wantOverturned bool) {
		t.Helper()
		r := s.call(t, "POST", fmt.Sprintf("/api/v1/audits/%d/decision", audits[comment]), token, map[string]any{"action": action})
		if r.Status != http.StatusOK || r.Body["overturned"] != wantOverturned {
			t.Fatalf("audit of %d, %s: status %d, overturned %v, want 200 and %v: %s", comment, action, r.Status, r.Body["overturned"], wantOverturned, r.Raw)
		}
	}

	if e := estimate(); e.SampleSize != 0 || e.Value != nil {
		t.Fatalf("before any audit: sample %d, value %v; want 0 and none", e.SampleSize, e.Value)
	}
	decide(confirmed, "refuse", false)
	after1 := estimate()
	if after1.SampleSize != 1 || after1.Overturned != 0 || after1.Value == nil || *after1.Value != 0 {
		t.Fatalf("after a confirmation: %d of %d, value %v; want 0 of 1, value 0", after1.Overturned, after1.SampleSize, after1.Value)
	}
	decide(overturned, "publish", true)
	after2 := estimate()
	if after2.SampleSize != 2 || after2.Overturned != 1 || after2.Value == nil || *after2.Value != 0.5 {
		t.Fatalf("after an overturn: %d of %d, value %v; want 1 of 2, value 0.5", after2.Overturned, after2.SampleSize, after2.Value)
	}
	if *after2.Low <= *after1.Low || *after2.Low >= 0.5 || *after2.High <= 0.5 {
		t.Errorf("interval [%v, %v] after the overturn (was [%v, %v]), want it to move up around 0.5", *after2.Low, *after2.High, *after1.Low, *after1.High)
	}
	if c := s.comment(t, overturned); c.Status != moderation.StatusPublished {
		t.Errorf("overturned comment is %s, want published", c.Status)
	}
	// An audit is decided once: a second answer changes nothing.
	path := fmt.Sprintf("/api/v1/audits/%d/decision", audits[overturned])
	wantError(t, s.call(t, "POST", path, token, map[string]any{"action": "refuse", "category": "insult"}), http.StatusConflict, "conflict")
	if e := estimate(); e.SampleSize != 2 || e.Overturned != 1 {
		t.Errorf("after a second answer: %d of %d, want 1 of 2", e.Overturned, e.SampleSize)
	}
}

// A refusal appealed by its author (through the source's intake token)
// and reinstated by a moderator counts as wrongly removed.
func TestReinstatedAppealCountsAsWronglyRemoved(t *testing.T) {
	t.Parallel()
	eachStore(t, testReinstatedAppealCountsAsWronglyRemoved)
}

func testReinstatedAppealCountsAsWronglyRemoved(t *testing.T, s *testServer) {
	s.addUser(t, "mod", moderation.RoleModerator)
	token := s.personalToken(t, "mod")
	id := s.intakeAs(t, "1", refusedText(1), "refused")
	if h := s.report(t).Headline; h.Refused != 1 || h.WronglyRemoved != 0 {
		t.Fatalf("before: refused %d, wrongly removed %d; want 1 and 0", h.Refused, h.WronglyRemoved)
	}
	r := s.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/appeal", id), testToken, map[string]any{"statement": "Je citais quelqu'un."})
	if r.Status != http.StatusCreated {
		t.Fatalf("appeal: status %d, want 201: %s", r.Status, r.Raw)
	}
	appeal := r.Body["appeal"].(map[string]any)
	if appeal["opened_by"] != moderation.ActorAuthor || appeal["state"] != "open" {
		t.Errorf("appeal %v, want open, by the author", appeal)
	}
	path := fmt.Sprintf("/api/v1/appeals/%d/decision", int64(appeal["id"].(float64)))
	r = s.call(t, "POST", path, token, map[string]any{"action": "reinstate", "note": "citation"})
	if r.Status != http.StatusOK {
		t.Fatalf("reinstate: status %d, want 200: %s", r.Status, r.Raw)
	}
	if e := r.Body["event"].(map[string]any); e["route"] != "appeal" || e["from"] != "refused" || e["to"] != "published" {
		t.Errorf("event %v, want refused→published by route appeal", e)
	}
	wantError(t, s.call(t, "POST", path, token, map[string]any{"action": "uphold"}), http.StatusConflict, "conflict")

	rep := s.report(t)
	got := []int64{rep.Headline.WronglyRemoved, rep.Cohort.Totals.WronglyRemovedAppeal, rep.Activity.Totals.ReinstatedAppeal, rep.Activity.Totals.Appeals}
	if want := []int64{1, 1, 1, 1}; !slices.Equal(got, want) {
		t.Errorf("wrongly removed, of which by appeal, reinstated by appeal, appeals: got %v, want %v", got, want)
	}
}

// TestCommentInAnOpenAuditIsNotShownElsewhere: the comment's own page and
// its JSON would show the automated decision the audit samples; while the
// audit is open they send the moderator to it (page) or answer 409 (API).
// The source's intake token still reads its comment, and once the audit is
// decided everything is shown.
func TestCommentInAnOpenAuditIsNotShownElsewhere(t *testing.T) {
	s := newServerWith(t, storageSQLite(t), serverOptions{AuditRate: 1})
	mod := s.loginAs(t, "mod", moderation.RoleModerator)
	token := s.personalToken(t, "mod")
	id := s.intakeAs(t, "b1", refusedText(1), "refused")
	path := fmt.Sprintf("/api/v1/comments/%d", id)

	p := mod.get(fmt.Sprintf("/moderation/comments/%d", id))
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/moderation/audits/") {
		t.Fatalf("comment page during the audit: %d → %q, want a redirect to the audit", p.Status, p.Location())
	}
	if r := s.call(t, "GET", path, token, nil); r.Status != http.StatusConflict || strings.Contains(string(r.Raw), "insult") {
		t.Errorf("JSON during the audit: %d %s, want 409 without the verdict", r.Status, r.Raw)
	}
	if r := s.call(t, "GET", path, testToken, nil); r.Status != http.StatusOK {
		t.Errorf("the source's own token: %d, want 200", r.Status)
	}
	audit := mod.get(p.Location())
	if audit.Status != http.StatusOK || strings.Contains(audit.Body, "<mark") {
		t.Errorf("the audit page: %d, shows a mark: %v", audit.Status, strings.Contains(audit.Body, "<mark"))
	}
	claim := s.call(t, "POST", "/api/v1/audits/claim", token, nil)
	aid := int64(claim.Body["audit"].(map[string]any)["id"].(float64))
	if r := s.call(t, "POST", fmt.Sprintf("/api/v1/audits/%d/decision", aid), token, map[string]any{"action": "refuse", "category": "insult"}); r.Status != http.StatusOK {
		t.Fatalf("audit decision: %d %s", r.Status, r.Raw)
	}
	if p := mod.get(fmt.Sprintf("/moderation/comments/%d", id)); p.Status != http.StatusOK {
		t.Errorf("comment page after the audit: %d, want 200", p.Status)
	}
	if r := s.call(t, "GET", path, token, nil); r.Status != http.StatusOK {
		t.Errorf("JSON after the audit: %d, want 200", r.Status)
	}
}
