package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"vigie/moderation"
)

// TestFailedPlatformActionsAlertAdminsAndCanBeRetried: an action that failed
// with an alert (an expired page token) puts a banner on every admin page
// and is listed with its error; retrying puts it back to do. Moderators see
// neither.
func TestFailedPlatformActionsAlertAdminsAndCanBeRetried(t *testing.T) {
	s := newServerWith(t, storageSQLite(t), serverOptions{Pages: moderation.PagePolicy{"api:test": {Refuse: moderation.ActionHide}}})
	id := s.intakeAs(t, "p1", refusedText(1), "refused")
	ctx := context.Background()
	now := s.Clock.Now().Add(time.Minute)
	items, err := s.DB.ClaimOutbox(ctx, "w", now, now.Add(time.Minute), 10)
	if err != nil || len(items) != 1 || items[0].CommentID != id {
		t.Fatalf("owed actions: %+v %v; want the refusal's hide", items, err)
	}
	fail := moderation.OutboxResult{State: moderation.OutboxFailed, Error: "facebook hide: code 190 <b>token expired</b>", Alert: true}
	if err := s.DB.FinishOutbox(ctx, items[0].ID, "w", fail, now); err != nil {
		t.Fatal(err)
	}

	admin := s.loginAs(t, "ada", moderation.RoleAdmin)
	queue := admin.get("/moderation/")
	if !strings.Contains(queue.Body, `class="banner-alert"`) || !strings.Contains(queue.Body, `href="/moderation/admin/platform"`) {
		t.Errorf("no alert banner on an admin's queue page")
	}
	p := admin.get("/moderation/admin/platform")
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "&lt;b&gt;token expired&lt;/b&gt;") || !strings.Contains(p.Body, fmt.Sprintf("#%d", id)) {
		t.Fatalf("platform page: status %d, the failed action and its escaped error not shown:\n%s", p.Status, p.Body)
	}
	mod := s.loginAs(t, "mo", moderation.RoleModerator)
	if strings.Contains(mod.get("/moderation/").Body, "banner-alert") {
		t.Errorf("a moderator sees the admin alert")
	}
	if r := mod.get("/moderation/admin/platform"); r.Status != http.StatusForbidden {
		t.Errorf("a moderator opens the platform page: %d", r.Status)
	}
	if r := admin.submit(fmt.Sprintf("/moderation/admin/platform/%d/retry", items[0].ID), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("retry: %d %s", r.Status, r.Body)
	}
	st, err := s.DB.OutboxStats(ctx)
	if err != nil || st.Failed != 0 || st.Alerts != 0 || st.Pending != 1 {
		t.Errorf("after retry: %+v %v; want the action pending again", st, err)
	}
	if strings.Contains(admin.get("/moderation/").Body, "banner-alert") {
		t.Errorf("the banner stays after the retry")
	}
}
