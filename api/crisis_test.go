package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vigie/moderation"
)

// TestCrisisSwitchIsForAdminsWithCSRFAndConfirmation: the crisis page
// switches a page only for an admin's form with its CSRF token and the
// confirmation ticked; the banner then names the page, since when and why
// on every moderator's page; a second start is a 409 that says why.
func TestCrisisSwitchIsForAdminsWithCSRFAndConfirmation(t *testing.T) {
	s := newServerWith(t, storageSQLite(t), serverOptions{})
	admin := s.loginAs(t, "ada", moderation.RoleAdmin)
	mod := s.loginAs(t, "mo", moderation.RoleModerator)
	start := url.Values{"page": {moderation.DefaultPageID}, "action": {"start"}, "reason": {"Attentat <b>Paris</b>"}, "confirm": {"1"}}

	if r := mod.get("/moderation/admin/crisis"); r.Status != http.StatusForbidden {
		t.Errorf("a moderator opens the crisis page: %d", r.Status)
	}
	if r := mod.submit("/moderation/admin/crisis", start); r.Status != http.StatusForbidden {
		t.Errorf("a moderator switches: %d", r.Status)
	}
	if r := admin.postForm("/moderation/admin/crisis", start); r.Status != http.StatusForbidden {
		t.Errorf("a switch without the CSRF token: %d", r.Status)
	}
	noConfirm := url.Values{"page": start["page"], "action": start["action"], "reason": start["reason"]}
	if r := admin.submit("/moderation/admin/crisis", noConfirm); r.Status != http.StatusBadRequest {
		t.Errorf("a switch without confirmation: %d", r.Status)
	}
	if got := s.Svc.Crisis().Ongoing(); len(got) != 0 {
		t.Fatalf("refused switches started a crisis: %+v", got)
	}
	p := admin.get("/moderation/admin/crisis")
	for _, want := range []string{`name="csrf"`, `name="confirm"`, `value="default"`, `value="start"`} {
		if p.Status != http.StatusOK || !strings.Contains(p.Body, want) {
			t.Fatalf("crisis page: %d, %q missing:\n%.2000s", p.Status, want, p.Body)
		}
	}
	if r := admin.submit("/moderation/admin/crisis", start); r.Status != http.StatusSeeOther {
		t.Fatalf("admin's switch: %d %s", r.Status, r.Body)
	}
	q := mod.get("/moderation/")
	for _, want := range []string{`id="crisis-banner"`, "<code>default</code>", "Attentat &lt;b&gt;Paris&lt;/b&gt;"} {
		if !strings.Contains(q.Body, want) {
			t.Errorf("the moderator's queue: %q missing from the banner", want)
		}
	}
	if r := admin.submit("/moderation/admin/crisis", start); r.Status != http.StatusConflict || !strings.Contains(r.Body, "already on for page default") {
		t.Errorf("second start: %d, want 409 saying why", r.Status)
	}
	evs, err := s.DB.CrisisEvents(t.Context(), 0)
	if err != nil || len(evs) != 1 || evs[0].Actor != "moderator:ada" || evs[0].Note != "Attentat <b>Paris</b>" || evs[0].CommentID != 0 {
		t.Fatalf("crisis events %+v %v", evs, err)
	}

	// The API: admin only, CSRF with a session, 409 when not in crisis.
	body := map[string]string{"action": "stop", "reason": "calme"}
	if r := mod.api("POST", "/api/v1/pages/default/crisis", body, mod.csrf); r.Status != http.StatusForbidden {
		t.Errorf("API stop by a moderator: %d", r.Status)
	}
	if r := admin.api("POST", "/api/v1/pages/default/crisis", body, ""); r.Status != http.StatusForbidden {
		t.Errorf("API stop with a session and no CSRF token: %d", r.Status)
	}
	if r := admin.api("POST", "/api/v1/pages/default/crisis", body, admin.csrf); r.Status != http.StatusCreated {
		t.Fatalf("API stop: %d %s", r.Status, r.Raw)
	}
	r := admin.api("POST", "/api/v1/pages/default/crisis", body, admin.csrf)
	wantError(t, r, http.StatusConflict, "conflict")
	if strings.Contains(mod.get("/moderation/").Body, "crisis-banner") {
		t.Error("the banner stays after the stop")
	}
}
