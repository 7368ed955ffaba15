package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vigie/api"
	"vigie/moderation"
)

// A change made with the session cookie but without the session's CSRF
// token is what another site can make a signed-in browser send: refused,
// and nothing changes.
func TestChangeWithoutCSRFTokenIsRefused(t *testing.T) {
	eachStore(t, testChangeWithoutCSRFTokenIsRefused)
}

func testChangeWithoutCSRFTokenIsRefused(t *testing.T, s *testServer) {
	mod := s.loginAs(t, "mod", moderation.RoleModerator)
	other := s.loginAs(t, "other", moderation.RoleModerator)
	id := s.intakeAs(t, "1", pendingText(1), "pending")
	decision := fmt.Sprintf("/moderation/comments/%d/decision", id)
	apiDecision := fmt.Sprintf("/api/v1/comments/%d/decision", id)
	refuse := url.Values{"action": {"refuse"}, "category": {"personal_data"}}
	before := s.eventCount(t)

	forms := []struct {
		name string
		path string
		form url.Values
	}{
		{"form without a token", decision, refuse},
		{"form with a wrong token", decision, url.Values{"action": {"refuse"}, "category": {"personal_data"}, "csrf": {"forged"}}},
		{"form with another session's token", decision, url.Values{"action": {"refuse"}, "category": {"personal_data"}, "csrf": {other.csrf}}},
		{"form with the token in the query string", decision + "?csrf=" + url.QueryEscape(mod.csrf), refuse},
		{"claim without a token", "/moderation/queue/claim", url.Values{}},
	}
	for _, tc := range forms {
		t.Run(tc.name, func(t *testing.T) {
			if p := mod.postForm(tc.path, tc.form); p.Status != http.StatusForbidden {
				t.Errorf("status %d, want 403: %.300s", p.Status, p.Body)
			}
		})
	}
	calls := []struct {
		name string
		path string
		csrf string
	}{
		{"JSON without a token", apiDecision, ""},
		{"JSON with a wrong token", apiDecision, "forged"},
		{"JSON with another session's token", apiDecision, other.csrf},
		{"JSON bulk decision without a token", "/api/v1/queue/decisions", ""},
		{"JSON claim without a token", "/api/v1/queue/claim", ""},
	}
	for _, tc := range calls {
		t.Run(tc.name, func(t *testing.T) {
			r := mod.api("POST", tc.path, map[string]any{"action": "refuse", "category": "personal_data", "comment_ids": []int64{id}}, tc.csrf)
			wantError(t, r, http.StatusForbidden, "csrf")
		})
	}
	if c := s.comment(t, id); c.Status != moderation.StatusPending {
		t.Fatalf("comment is %s after refused changes, want pending", c.Status)
	}
	if n := s.eventCount(t); n != before {
		t.Fatalf("%d events after refused changes, want %d", n, before)
	}
	if it, err := s.DB.ReviewItem(t.Context(), id); err != nil || it.Holder != "" {
		t.Fatalf("review item %+v (%v), want it unclaimed", it, err)
	}
	// The same form with the session's token goes through.
	if p := mod.submit(decision, refuse); p.Status != http.StatusSeeOther {
		t.Fatalf("with the token: status %d, want 303: %.300s", p.Status, p.Body)
	}
	if c := s.comment(t, id); c.Status != moderation.StatusRefused {
		t.Fatalf("with the token: comment is %s, want refused", c.Status)
	}
}

// A viewer reads; every way to decide answers 403, by session and by
// personal token alike.
func TestViewerCannotDecide(t *testing.T) {
	s := newServerWith(t, storageSQLite(t), serverOptions{AuditRate: 1})
	viewer := s.loginAs(t, "viewer", moderation.RoleViewer)
	token := s.personalToken(t, "viewer")
	pending := s.intakeAs(t, "1", pendingText(1), "pending")
	refused := s.intakeAs(t, "2", refusedText(2), "refused")
	appeal, err := s.Svc.OpenAppeal(t.Context(), refused, moderation.ActorAuthor, "")
	if err != nil {
		t.Fatal(err)
	}
	audits, err := s.Svc.Audits(t.Context(), moderation.AuditFilter{})
	if err != nil || len(audits) == 0 {
		t.Fatalf("audits %v (%v), want one", audits, err)
	}
	before := s.eventCount(t)

	decide := map[string]any{"action": "refuse", "category": "personal_data"}
	calls := []struct {
		path string
		body any
	}{
		{fmt.Sprintf("/api/v1/comments/%d/decision", pending), decide},
		{"/api/v1/queue/decisions", map[string]any{"action": "publish", "comment_ids": []int64{pending}}},
		{"/api/v1/queue/claim", map[string]any{}},
		{fmt.Sprintf("/api/v1/comments/%d/reexamine", refused), map[string]any{"action": "reinstate"}},
		{fmt.Sprintf("/api/v1/appeals/%d/decision", appeal.ID), map[string]any{"action": "reinstate"}},
		{fmt.Sprintf("/api/v1/audits/%d/decision", audits[0].ID), map[string]any{"action": "publish"}},
	}
	for _, tc := range calls {
		t.Run("session "+tc.path, func(t *testing.T) {
			wantError(t, viewer.api("POST", tc.path, tc.body, viewer.csrf), http.StatusForbidden, "forbidden")
		})
		t.Run("token "+tc.path, func(t *testing.T) {
			wantError(t, s.call(t, "POST", tc.path, token, tc.body), http.StatusForbidden, "forbidden")
		})
	}
	t.Run("form", func(t *testing.T) {
		p := viewer.submit(fmt.Sprintf("/moderation/comments/%d/decision", pending), url.Values{"action": {"publish"}})
		if p.Status != http.StatusForbidden {
			t.Errorf("status %d, want 403: %.300s", p.Status, p.Body)
		}
	})
	if c := s.comment(t, pending); c.Status != moderation.StatusPending {
		t.Errorf("comment is %s, want pending", c.Status)
	}
	if n := s.eventCount(t); n != before {
		t.Errorf("%d events, want %d", n, before)
	}
	// Reading is what a viewer is for.
	if r := s.call(t, "GET", "/api/v1/queue", token, nil); r.Status != http.StatusOK {
		t.Errorf("viewer reading the queue: status %d, want 200: %s", r.Status, r.Raw)
	}
}

// A moderator decides but manages no account and exports no statements
// of reasons; an admin does both.
func TestModeratorCannotManageUsers(t *testing.T) {
	sor := api.Reporting{ExportSOR: fakeSOR}
	s := newServerWith(t, storageSQLite(t), serverOptions{Reporting: sor})
	admin := s.loginAs(t, "admin", moderation.RoleAdmin)
	mod := s.loginAs(t, "mod", moderation.RoleModerator)
	token := s.personalToken(t, "mod")

	forms := []struct {
		path string
		form url.Values
	}{
		{"/moderation/admin/users", url.Values{"name": {"mallory"}, "role": {"admin"}, "password": {passwordOf("mallory")}}},
		{"/moderation/admin/users/mod/role", url.Values{"role": {"admin"}}},
		{"/moderation/admin/users/admin/password", url.Values{"password": {"taken-over-pw"}}},
		{"/moderation/admin/users/admin/disable", nil},
		{"/moderation/admin/users/admin/enable", nil},
		{"/moderation/admin/rules/check", url.Values{"rules": {"version: 1"}}},
	}
	for _, tc := range forms {
		t.Run("POST "+tc.path, func(t *testing.T) {
			if p := mod.submit(tc.path, tc.form); p.Status != http.StatusForbidden {
				t.Errorf("status %d, want 403: %.300s", p.Status, p.Body)
			}
		})
	}
	for _, path := range []string{"/moderation/admin/users", "/moderation/admin/rules"} {
		t.Run("GET "+path, func(t *testing.T) {
			if p := mod.get(path); p.Status != http.StatusForbidden {
				t.Errorf("status %d, want 403", p.Status)
			}
		})
	}
	t.Run("SOR export by session", func(t *testing.T) {
		wantError(t, mod.api("GET", "/api/v1/export/sor", nil, ""), http.StatusForbidden, "forbidden")
	})
	t.Run("SOR export by token", func(t *testing.T) {
		wantError(t, s.call(t, "GET", "/api/v1/export/sor", token, nil), http.StatusForbidden, "forbidden")
	})

	us, err := s.Accounts.Users(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, u := range us {
		got[u.Name] = fmt.Sprintf("%s disabled=%v", u.Role, u.Disabled)
	}
	want := map[string]string{"admin": "admin disabled=false", "mod": "moderator disabled=false"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("accounts after the refused changes: got %v, want %v", got, want)
	}
	s.login(t, "admin", passwordOf("admin")) // the password is unchanged

	// The admin may.
	if p := admin.get("/moderation/admin/users"); p.Status != http.StatusOK || !strings.Contains(p.Body, "mod") {
		t.Errorf("admin: users page status %d, want 200 listing mod", p.Status)
	}
	if r := admin.api("GET", "/api/v1/export/sor", nil, ""); r.Status != http.StatusOK || string(r.Raw) != "{}\n" {
		t.Errorf("admin: SOR export %d %q, want 200 with the export", r.Status, r.Raw)
	}
}

// Disabling an account ends its sessions and revokes its personal tokens
// at once; enabling it again brings back neither the old session nor the
// old token: a new token works.
func TestDisabledAccountStopsAtOnce(t *testing.T) { eachStore(t, testDisabledAccountStopsAtOnce) }

func testDisabledAccountStopsAtOnce(t *testing.T, s *testServer) {
	admin := s.loginAs(t, "admin", moderation.RoleAdmin)
	mod := s.loginAs(t, "mod", moderation.RoleModerator)
	token := s.personalToken(t, "mod")
	if r := s.call(t, "GET", "/api/v1/queue", token, nil); r.Status != http.StatusOK {
		t.Fatalf("token before: status %d, want 200", r.Status)
	}
	if p := admin.submit("/moderation/admin/users/mod/disable", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("disable: status %d, want 303: %.300s", p.Status, p.Body)
	}
	wantSignedOut := func(when string) {
		t.Helper()
		if p := mod.get("/moderation/"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/moderation/login") {
			t.Errorf("%s: queue page %d to %q, want 303 to the login", when, p.Status, p.Location())
		}
		wantError(t, mod.api("GET", "/api/v1/queue", nil, ""), http.StatusUnauthorized, "unauthorized")
		wantError(t, mod.api("POST", "/api/v1/queue/claim", map[string]any{}, mod.csrf), http.StatusUnauthorized, "unauthorized")
	}
	wantSignedOut("disabled")
	wantError(t, s.call(t, "GET", "/api/v1/queue", token, nil), http.StatusUnauthorized, "unauthorized")
	if b := s.newBrowser(t); b.submitLogin("mod", passwordOf("mod"), "").Status != http.StatusUnauthorized {
		t.Errorf("a disabled account signed in")
	}

	if p := admin.submit("/moderation/admin/users/mod/enable", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("enable: status %d, want 303: %.300s", p.Status, p.Body)
	}
	wantSignedOut("enabled again")
	wantError(t, s.call(t, "GET", "/api/v1/queue", token, nil), http.StatusUnauthorized, "unauthorized")
	s.login(t, "mod", passwordOf("mod")) // a new sign-in works
	fresh := s.personalToken(t, "mod")
	if r := s.call(t, "GET", "/api/v1/queue", fresh, nil); r.Status != http.StatusOK {
		t.Errorf("a new token after enabling: status %d, want 200: %.300s", r.Status, r.Raw)
	}
}

// An intake token (a source's) posts comments, reads one back and opens an
// appeal; it is nobody's account and decides nothing.
func TestIntakeTokenOnlyPostsReadsAndAppeals(t *testing.T) {
	s := newTestServer(t)
	pending := s.intakeAs(t, "1", pendingText(1), "pending")
	refused := s.intakeAs(t, "2", refusedText(2), "refused")
	if r := s.call(t, "GET", fmt.Sprintf("/api/v1/comments/%d", pending), testToken, nil); r.Status != http.StatusOK {
		t.Errorf("read back: status %d, want 200", r.Status)
	}
	r := s.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/appeal", refused), testToken, map[string]any{"statement": "Ce n'était pas une insulte."})
	if r.Status != http.StatusCreated {
		t.Fatalf("appeal: status %d, want 201: %s", r.Status, r.Raw)
	}
	appeal := int64(r.Body["appeal"].(map[string]any)["id"].(float64))
	before := s.eventCount(t)
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/queue", nil},
		{"GET", "/api/v1/audits", nil},
		{"GET", "/api/v1/appeals", nil},
		{"POST", "/api/v1/queue/claim", map[string]any{}},
		{"POST", fmt.Sprintf("/api/v1/comments/%d/decision", pending), map[string]any{"action": "publish"}},
		{"POST", fmt.Sprintf("/api/v1/appeals/%d/decision", appeal), map[string]any{"action": "reinstate"}},
		{"GET", "/api/v1/export/sor", nil},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			wantError(t, s.call(t, tc.method, tc.path, testToken, tc.body), http.StatusUnauthorized, "unauthorized")
		})
	}
	if n := s.eventCount(t); n != before {
		t.Errorf("%d events, want %d", n, before)
	}
}
