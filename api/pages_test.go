package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vigie/moderation"
	"vigie/rules"
)

// setPages puts pages in force with their rules compiled over settings, as
// `vigie serve` does at start and on reload.
func setPages(t testing.TB, svc *moderation.Service, settings rules.Settings, list []moderation.Page) {
	t.Helper()
	pages, err := moderation.NewPages(list, "Default")
	if err != nil {
		t.Fatal(err)
	}
	compiled := map[string]moderation.PageRules{}
	for _, pg := range pages.List() {
		if pg.Rules.Empty() {
			continue
		}
		rs, err := rules.Load(pg.Rules.Apply(settings), rules.Options{Languages: []string{"fr", "en"}})
		if err != nil {
			t.Fatal(err)
		}
		compiled[pg.ID] = moderation.PageRules{Normal: rs}
	}
	svc.SetPages(pages, compiled)
}

// twoPages: page A with the default rules (refuse at a score of 1, review
// at 0.5), moderated by alice; page B, stricter (refuse at 0.4, review at
// 0.2), moderated by bob.
func twoPages() serverOptions {
	refuse, review := 0.4, 0.2
	return serverOptions{PageList: []moderation.Page{
		{ID: "a", Name: "Page A", Platform: "api", Sources: []string{"api:a"}, Moderators: []string{"alice"}},
		{ID: "b", Name: "Page <B>", Platform: "api", Sources: []string{"api:b"}, Moderators: []string{"bob"},
			Rules: moderation.RuleOverrides{Thresholds: moderation.ThresholdOverrides{Refuse: &refuse, Review: &review}}},
	}}
}

func (s *testServer) intakeOn(t *testing.T, source, ext, text string) (int64, string) {
	t.Helper()
	r := s.call(t, "POST", "/api/v1/comments", testToken, map[string]any{"source": source, "external_id": ext,
		"text": text, "author": map[string]any{"id": "author-" + ext, "name": "author " + ext}})
	if r.Status != http.StatusCreated {
		t.Fatalf("intake %s on %s: status %d: %s", ext, source, r.Status, r.Raw)
	}
	return int64(r.Body["id"].(float64)), r.Body["status"].(string)
}

// Acceptance 1: the same comment gets each page's verdict; a moderator of
// page A gets 403 on page B's comment (API and UI) and never sees it in the
// queue, its counts or a claim; B's moderator decides it.
func TestPagesRulesAndScope(t *testing.T) {
	t.Parallel()
	eachStoreWith(t, twoPages(), testPagesRulesAndScope)
}

func testPagesRulesAndScope(t *testing.T, s *testServer) {
	// Personal data and a call to write scores 0.5: review on A, refusal on B.
	text := pendingText(1)
	idA, onA := s.intakeOn(t, "api:a", "a-1", text)
	refusedB, onB := s.intakeOn(t, "api:b", "b-1", text)
	if onA != "pending" || onB != "refused" {
		t.Fatalf("same text: page A %s, page B %s; want pending (refuse at 1) and refused (refuse at 0.4)", onA, onB)
	}
	// A phone number alone scores 0.2: review on B.
	idB, st := s.intakeOn(t, "api:b", "b-2", "Appelez le 06 12 34 56 78")
	if st != "pending" {
		t.Fatalf("page B: phone number %s, want pending", st)
	}
	if r := s.call(t, "GET", fmt.Sprintf("/api/v1/comments/%d", refusedB), testToken, nil); r.Status != http.StatusOK {
		t.Fatalf("the intake token (all sources) reads B's comment: %d", r.Status)
	}

	alice := s.loginAs(t, "alice", moderation.RoleModerator)
	aliceTok := s.personalToken(t, "alice")
	s.addUser(t, "bob", moderation.RoleModerator)
	bobTok := s.personalToken(t, "bob")
	s.addUser(t, "carol", moderation.RoleModerator) // on no page: pages without moderators only
	carolTok := s.personalToken(t, "carol")
	s.addUser(t, "root", moderation.RoleAdmin)
	rootTok := s.personalToken(t, "root")

	queueIDs := func(tok string) (ids []int64, depth float64) {
		t.Helper()
		r := s.call(t, "GET", "/api/v1/queue", tok, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("queue: %d %s", r.Status, r.Raw)
		}
		for _, it := range r.Body["items"].([]any) {
			ids = append(ids, int64(it.(map[string]any)["comment_id"].(float64)))
		}
		return ids, r.Body["stats"].(map[string]any)["depth"].(float64)
	}
	if ids, depth := queueIDs(aliceTok); fmt.Sprint(ids) != fmt.Sprint([]int64{idA}) || depth != 1 {
		t.Errorf("alice's queue: %v depth %v, want [%d] depth 1", ids, depth, idA)
	}
	if ids, depth := queueIDs(bobTok); fmt.Sprint(ids) != fmt.Sprint([]int64{idB}) || depth != 1 {
		t.Errorf("bob's queue: %v depth %v, want [%d] depth 1", ids, depth, idB)
	}
	if ids, depth := queueIDs(carolTok); len(ids) != 0 || depth != 0 {
		t.Errorf("carol (on no page, both pages have moderators) sees %v depth %v, want nothing", ids, depth)
	}
	if ids, depth := queueIDs(rootTok); len(ids) != 2 || depth != 2 {
		t.Errorf("admin sees %v depth %v, want both", ids, depth)
	}

	// API: every way to reach B's comment by id is 403 for alice.
	b := fmt.Sprint(idB)
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/comments/" + b, nil},
		{"POST", "/api/v1/comments/" + b + "/decision", map[string]any{"action": "publish"}},
		{"POST", "/api/v1/comments/" + b + "/reexamine", map[string]any{"action": "publish"}},
		{"POST", "/api/v1/comments/" + b + "/undo", nil},
		{"POST", "/api/v1/comments/" + b + "/appeal", map[string]any{"statement": "x"}},
		{"POST", "/api/v1/queue/claim", map[string]any{"comment_ids": []int64{idB}}},
		{"POST", "/api/v1/queue/decisions", map[string]any{"comment_ids": []int64{idB}, "action": "publish"}},
	} {
		r := s.call(t, c.method, c.path, aliceTok, c.body)
		if r.Status != http.StatusForbidden {
			t.Errorf("alice %s %s: status %d, want 403: %s", c.method, c.path, r.Status, r.Raw)
		}
	}
	// A claim of the next comment gives alice hers, then nothing: never B's.
	r := s.call(t, "POST", "/api/v1/queue/claim", aliceTok, map[string]any{})
	if r.Status != http.StatusOK || int64(r.Body["item"].(map[string]any)["comment_id"].(float64)) != idA {
		t.Fatalf("alice's claim: %d %s, want comment %d", r.Status, r.Raw, idA)
	}
	if r := s.call(t, "POST", "/api/v1/queue/claim", aliceTok, map[string]any{}); r.Status != http.StatusNotFound {
		t.Errorf("alice's second claim: %d %s, want 404 (B's comment is not hers)", r.Status, r.Raw)
	}

	// UI: the comment page and the decision form are 403, in her language;
	// the queue page does not link it.
	if p := alice.get("/moderation/comments/" + b + "?lang=en"); p.Status != http.StatusForbidden || !strings.Contains(p.Body, "page you do not moderate") {
		t.Errorf("alice's UI on B's comment: %d, want 403 with the reason in English", p.Status)
	}
	if p := alice.submit("/moderation/comments/"+b+"/decision", url.Values{"action": {"publish"}}); p.Status != http.StatusForbidden {
		t.Errorf("alice's UI decision on B's comment: %d, want 403", p.Status)
	}
	q := alice.get("/moderation/")
	if q.Status != http.StatusOK || strings.Contains(q.Body, "/moderation/comments/"+b) || !strings.Contains(q.Body, fmt.Sprintf("/moderation/comments/%d", idA)) {
		t.Errorf("alice's queue page: %d; lists B's comment or misses hers", q.Status)
	}
	if r := s.call(t, "GET", fmt.Sprintf("/api/v1/comments/%d", refusedB), aliceTok, nil); r.Status != http.StatusForbidden {
		t.Errorf("alice reads B's refused comment: %d, want 403", r.Status)
	}
	if got := s.comment(t, idB).Status; got != moderation.StatusPending {
		t.Fatalf("B's comment is %s after alice's attempts, want pending", got)
	}

	// B's moderator decides it.
	if r := s.call(t, "POST", "/api/v1/comments/"+b+"/decision", bobTok, map[string]any{"action": "publish"}); r.Status != http.StatusOK {
		t.Fatalf("bob's decision: %d %s", r.Status, r.Raw)
	}
}

// A group of copies spanning two pages: each moderator decides only the
// copies of their page.
func TestPagesGroupSpanningPages(t *testing.T) {
	t.Parallel()
	o := repeatsGoToReview(t)
	o.PageList = twoPages().PageList
	eachStoreWith(t, o, testPagesGroupSpanningPages)
}

func testPagesGroupSpanningPages(t *testing.T, s *testServer) {
	text := "Signez la pétition contre ce projet de loi scélérat dès aujourd'hui"
	var ids = map[string][]int64{}
	for i := range 6 {
		src := []string{"api:a", "api:b"}[i%2]
		id, st := s.intakeOn(t, src, fmt.Sprintf("g-%d", i), text)
		if st == "pending" {
			ids[src] = append(ids[src], id)
		}
	}
	if len(ids["api:a"]) == 0 || len(ids["api:b"]) == 0 {
		t.Fatalf("pending copies by page %v: want some on both", ids)
	}
	it, err := s.DB.ReviewItem(t.Context(), ids["api:a"][0])
	if err != nil {
		t.Fatal(err)
	}
	s.addUser(t, "alice", moderation.RoleModerator)
	r := s.call(t, "POST", "/api/v1/queue/decisions", s.personalToken(t, "alice"), map[string]any{"fingerprint": it.Fingerprint, "action": "publish"})
	if r.Status != http.StatusOK || r.Body["decided"] != float64(len(ids["api:a"])) {
		t.Fatalf("alice's group decision: %d %s, want %d decided", r.Status, r.Raw, len(ids["api:a"]))
	}
	for _, id := range ids["api:b"] {
		if st := s.comment(t, id).Status; st != moderation.StatusPending {
			t.Errorf("page B's copy %d is %s after page A's moderator decided the group, want pending", id, st)
		}
	}
}
