package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/rules"
)

// reviewRepeats is a rules pack that sends repeated posts to review
// instead of refusing them: the 2015 case, where people must look at the
// copies before they go.
const reviewRepeats = `version: 1
name: test-review-repeats
rules:
  - id: test.repeated
    kind: repeated
    category: repeated
    action: review
    min_authors: 2
    min_words: 4
    window: 24h
`

// repeatsGoToReview is the server option that loads reviewRepeats in place
// of the core pack's refusing rule.
func repeatsGoToReview(t *testing.T) serverOptions {
	path := filepath.Join(t.TempDir(), "review-repeats.yaml")
	if err := os.WriteFile(path, []byte(reviewRepeats), 0o600); err != nil {
		t.Fatal(err)
	}
	return serverOptions{Rules: func(s *rules.Settings) {
		s.Packs = append(s.Packs, path)
		s.Disable = append(s.Disable, "core.repeated")
		s.Repeated.MinAuthors = 2
	}}
}

// postCopies posts text by n+1 authors: the first copy is published (it
// repeats nothing yet), the next n wait in review. It returns those n and
// their common fingerprint.
func postCopies(t *testing.T, s *testServer, tag, text string, n int) (first int64, ids []int64, fingerprint string) {
	t.Helper()
	first = s.intakeAs(t, tag+"-0", text, "published")
	for i := 1; i <= n; i++ {
		ids = append(ids, s.intakeAs(t, fmt.Sprintf("%s-%d", tag, i), text, "pending"))
	}
	it, err := s.DB.ReviewItem(t.Context(), ids[0])
	if err != nil || it.Fingerprint == "" {
		t.Fatalf("review item %+v (%v), want a fingerprint", it, err)
	}
	return first, ids, it.Fingerprint
}

// Ten copies of one text by ten authors are decided in one action, by the
// JSON API or by the group page's form; each copy gets its own event.
func TestCopiesOfOneTextAreDecidedTogether(t *testing.T) {
	t.Parallel()
	eachStoreWith(t, repeatsGoToReview(t), testCopiesOfOneTextAreDecidedTogether)
}

func testCopiesOfOneTextAreDecidedTogether(t *testing.T, s *testServer) {
	mod := s.loginAs(t, "mod", moderation.RoleModerator)
	token := s.personalToken(t, "mod")
	bulk := func(action, category string) func(t *testing.T, fp string) {
		return func(t *testing.T, fp string) {
			// These copies criticise the page owner (flagged criticism):
			// a refusal needs its reason.
			r := s.call(t, "POST", "/api/v1/queue/decisions", token, map[string]any{"fingerprint": fp, "action": action, "category": category, "note": "campagne coordonnée"})
			if r.Status != http.StatusOK || r.Body["decided"] != float64(10) {
				t.Fatalf("bulk decision: status %d, decided %v, want 200 and 10: %s", r.Status, r.Body["decided"], r.Raw)
			}
		}
	}
	form := func(action, category string) func(t *testing.T, fp string) {
		return func(t *testing.T, fp string) {
			g := mod.get("/moderation/groups/" + fp)
			if n := strings.Count(g.Body, `name="id"`); g.Status != http.StatusOK || n != 10 {
				t.Fatalf("group page: status %d with %d copies, want 200 with 10", g.Status, n)
			}
			p := mod.submit("/moderation/groups/"+fp+"/decision", url.Values{"action": {action}, "category": {category}, "note": {"campagne coordonnée"}})
			if p.Status != http.StatusSeeOther || !strings.Contains(p.Location(), "n=10&failed=0") {
				t.Fatalf("group form: status %d to %q, want 303 with n=10&failed=0", p.Status, p.Location())
			}
		}
	}
	cases := []struct {
		name    string
		text    string
		decide  func(t *testing.T, fingerprint string)
		to, cat string // the decision event's status and category
	}{
		{"JSON API refuses", "Le gouvernement ment sur les chiffres du chômage, partagez ce message partout !",
			bulk("refuse", "repeated"), "refused", "repeated"},
		{"group form refuses", "Les chiffres officiels sont faux, diffusez ce texte à tous vos contacts !",
			form("refuse", "repeated"), "refused", "repeated"},
		// The form's select always sends a category (the first one,
		// "insult", unless changed): a publication must not keep it.
		{"group form publishes", "Ce ministère cache la vérité aux citoyens, faites circuler ce message vite !",
			form("publish", "insult"), "published", ""},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			first, ids, fp := postCopies(t, s, fmt.Sprint("copy", i), tc.text, 10)
			tc.decide(t, fp)
			seqs := map[float64]int64{}
			for _, id := range ids {
				g := s.call(t, "GET", fmt.Sprintf("/api/v1/comments/%d", id), token, nil)
				evs, _ := g.Body["events"].([]any)
				if g.Body["status"] != tc.to || len(evs) != 2 {
					t.Fatalf("copy %d: status %v with %d events, want %s with 2: %s", id, g.Body["status"], len(evs), tc.to, g.Raw)
				}
				e := evs[1].(map[string]any)
				cat, _ := e["category"].(string) // left out when empty
				if e["route"] != "review" || e["from"] != "pending" || e["to"] != tc.to || cat != tc.cat || e["actor"] != "moderator:mod" {
					t.Errorf("copy %d: decision event %v, want pending→%s, route review, category %q, by moderator:mod", id, e, tc.to, tc.cat)
				}
				seq := e["seq"].(float64)
				if other, dup := seqs[seq]; dup {
					t.Errorf("copies %d and %d share event %v, want one event each", other, id, seq)
				}
				seqs[seq] = id
			}
			if c := s.comment(t, first); c.Status != moderation.StatusPublished || len(s.events(t, first)) != 1 {
				t.Errorf("the published first copy was touched: %s", c.Status)
			}
			if r := s.call(t, "GET", "/api/v1/queue?fingerprint="+fp, token, nil); len(r.Body["items"].([]any)) != 0 {
				t.Errorf("copies still queued after the decision: %s", r.Raw)
			}
		})
	}
}

// A decision on a comment that is no longer pending, or that another
// moderator holds, is a conflict and changes nothing.
func TestDecisionOnDecidedOrClaimedCommentConflicts(t *testing.T) {
	t.Parallel()
	eachStoreWith(t, serverOptions{Lease: time.Minute}, testDecisionOnDecidedOrClaimedCommentConflicts)
}

func testDecisionOnDecidedOrClaimedCommentConflicts(t *testing.T, s *testServer) {
	s.addUser(t, "ana", moderation.RoleModerator)
	ana := s.personalToken(t, "ana")
	bob := s.loginAs(t, "bob", moderation.RoleModerator)
	bobToken := s.personalToken(t, "bob")
	published := s.intakeAs(t, "1", publishedText(1), "published")
	decided := s.intakeAs(t, "2", pendingText(2), "pending")
	claimed := s.intakeAs(t, "3", pendingText(3), "pending")
	if r := s.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/decision", decided), ana, map[string]any{"action": "publish"}); r.Status != http.StatusOK {
		t.Fatalf("first decision: status %d: %s", r.Status, r.Raw)
	}
	if r := s.call(t, "POST", "/api/v1/queue/claim", ana, map[string]any{"comment_ids": []int64{claimed}}); r.Status != http.StatusOK {
		t.Fatalf("claim: status %d: %s", r.Status, r.Raw)
	}
	refuse := map[string]any{"action": "refuse", "category": "personal_data"}
	cases := []struct {
		name string
		id   int64
		want moderation.Status
	}{
		{"published by the rules", published, moderation.StatusPublished},
		{"already decided", decided, moderation.StatusPublished},
		{"claimed by another moderator", claimed, moderation.StatusPending},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.events(t, tc.id))
			wantError(t, s.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/decision", tc.id), bobToken, refuse), http.StatusConflict, "conflict")
			wantError(t, bob.api("POST", fmt.Sprintf("/api/v1/comments/%d/decision", tc.id), refuse, bob.csrf), http.StatusConflict, "conflict")
			p := bob.submit(fmt.Sprintf("/moderation/comments/%d/decision", tc.id), url.Values{"action": {"refuse"}, "category": {"personal_data"}})
			if p.Status != http.StatusConflict {
				t.Errorf("form: status %d, want 409", p.Status)
			}
			if c := s.comment(t, tc.id); c.Status != tc.want {
				t.Errorf("status %s after the conflicts, want %s", c.Status, tc.want)
			}
			if n := len(s.events(t, tc.id)); n != before {
				t.Errorf("%d events after the conflicts, want %d", n, before)
			}
		})
	}
	// In a bulk decision the held comment fails alone.
	free := s.intakeAs(t, "4", pendingText(4), "pending")
	r := s.call(t, "POST", "/api/v1/queue/decisions", bobToken, map[string]any{"comment_ids": []int64{claimed, free}, "action": "publish"})
	res, _ := r.Body["results"].([]any)
	if r.Status != http.StatusOK || r.Body["decided"] != float64(1) || len(res) != 2 {
		t.Fatalf("bulk: status %d, decided %v, want 200 and 1: %s", r.Status, r.Body["decided"], r.Raw)
	}
	if e, _ := res[0].(map[string]any)["error"].(map[string]any); e == nil || e["code"] != "conflict" {
		t.Errorf("bulk result for the held comment: %v, want a conflict", res[0])
	}
	if c := s.comment(t, claimed); c.Status != moderation.StatusPending {
		t.Errorf("held comment is %s after the bulk decision, want pending", c.Status)
	}
	if it, err := s.DB.ReviewItem(t.Context(), claimed); err != nil || it.Holder != "moderator:ana" {
		t.Errorf("claim after the conflicts: %+v (%v), want still ana's", it, err)
	}
	// Once the lease has run out the comment is anybody's again.
	s.Clock.Advance(time.Minute + time.Second)
	if r := s.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/decision", claimed), bobToken, refuse); r.Status != http.StatusOK {
		t.Errorf("after the lease: status %d, want 200: %s", r.Status, r.Raw)
	}
}

// Undo takes back one's own decision within the window, through an event
// of route undo; later, or someone else's, it is a conflict.
func TestUndoWithinTheWindowOnly(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	s.addUser(t, "ana", moderation.RoleModerator)
	s.addUser(t, "bob", moderation.RoleModerator)
	ana, bob := s.personalToken(t, "ana"), s.personalToken(t, "bob")
	refuse := map[string]any{"action": "refuse", "category": "personal_data"}

	id := s.intakeAs(t, "1", pendingText(1), "pending")
	path := fmt.Sprintf("/api/v1/comments/%d", id)
	if r := s.call(t, "POST", path+"/decision", ana, refuse); r.Status != http.StatusOK {
		t.Fatalf("decision: status %d: %s", r.Status, r.Raw)
	}
	wantError(t, s.call(t, "POST", path+"/undo", bob, nil), http.StatusConflict, "conflict")
	s.Clock.Advance(moderation.UndoWindow)
	r := s.call(t, "POST", path+"/undo", ana, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("undo within the window: status %d, want 200: %s", r.Status, r.Raw)
	}
	e := r.Body["event"].(map[string]any)
	if e["route"] != "undo" || e["from"] != "refused" || e["to"] != "pending" || e["actor"] != "moderator:ana" {
		t.Errorf("undo event %v, want refused→pending, route undo, by ana", e)
	}
	if c := s.comment(t, id); c.Status != moderation.StatusPending {
		t.Errorf("after undo: %s, want pending", c.Status)
	}
	if q := s.call(t, "GET", "/api/v1/queue", ana, nil); !strings.Contains(string(q.Raw), fmt.Sprintf(`"comment_id":%d,`, id)) {
		t.Errorf("after undo the comment is not in the queue: %s", q.Raw)
	}

	if r := s.call(t, "POST", path+"/decision", ana, refuse); r.Status != http.StatusOK {
		t.Fatalf("second decision: status %d: %s", r.Status, r.Raw)
	}
	s.Clock.Advance(moderation.UndoWindow + time.Second)
	before := s.eventCount(t)
	wantError(t, s.call(t, "POST", path+"/undo", ana, nil), http.StatusConflict, "conflict")
	if c := s.comment(t, id); c.Status != moderation.StatusRefused || s.eventCount(t) != before {
		t.Errorf("after a late undo: %s with %d events, want refused with %d", c.Status, s.eventCount(t), before)
	}
}
