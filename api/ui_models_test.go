package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/moderation/i18n"
)

// fakeModels is a ModelsAdmin over a list, recording promotions.
type fakeModels struct {
	mu       sync.Mutex
	list     []moderation.ModelCandidate
	promoted []string // "id by actor"
	retired  []int64
}

func (f *fakeModels) Candidates(context.Context) ([]moderation.ModelCandidate, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]moderation.ModelCandidate(nil), f.list...), nil
}

func (f *fakeModels) Agreement(context.Context, int64) ([2]moderation.Agreement, error) {
	return [2]moderation.Agreement{{TP: 10, TN: 70, FN: 20}, {TP: 25, TN: 68, FN: 5, FP: 2}}, nil
}

func (f *fakeModels) Promote(_ context.Context, id int64, actor string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.list {
		if f.list[i].ID == id {
			f.list[i].State, f.list[i].PromotedBy, f.list[i].PromotedAt = moderation.CandidatePromoted, actor, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
			f.promoted = append(f.promoted, actor)
			return nil
		}
	}
	return moderation.ErrNotFound
}

func (f *fakeModels) Retire(_ context.Context, id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.retired = append(f.retired, id)
	return nil
}

// TestPromoteButtonIsForAdminsWithCSRF: the models page lists a candidate
// with its figures and agreement; only an admin's confirmed form with its
// CSRF token promotes it, and the page then says who promoted it.
func TestPromoteButtonIsForAdminsWithCSRF(t *testing.T) {
	fm := &fakeModels{list: []moderation.ModelCandidate{{ID: 3, Rule: "model.toxic", SHA256: "0123456789abcdef", Rows: 800, Label1: 390, Label0: 410,
		CV: &moderation.CVFigures{Folds: 5, AUC: 0.912, Caught1: 0.6, Refuse0: 0.01}, State: moderation.CandidateShadow, CreatedAt: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}}}
	s := newServerWith(t, storageSQLite(t), serverOptions{Models: fm})
	admin := s.loginAs(t, "ada", moderation.RoleAdmin)
	mod := s.loginAs(t, "mo", moderation.RoleModerator)

	p := admin.get("/moderation/admin/models")
	for _, want := range []string{"#3", "model.toxic", "800", "AUC 0.912", "/moderation/admin/models/3/promote", `name="confirm"`} {
		if p.Status != http.StatusOK || !strings.Contains(p.Body, want) {
			t.Fatalf("models page: status %d, %q missing:\n%s", p.Status, want, p.Body)
		}
	}
	if !strings.Contains(p.Body, "25.0%") && !strings.Contains(p.Body, "93.0%") {
		t.Errorf("the candidate's agreement is not shown:\n%s", p.Body)
	}
	if r := admin.get("/moderation/admin/rules"); !strings.Contains(r.Body, `href="/moderation/admin/models"`) {
		t.Errorf("the rules page does not link to the models")
	}

	confirm := url.Values{"confirm": {"yes"}}
	if r := mod.get("/moderation/admin/models"); r.Status != http.StatusForbidden {
		t.Errorf("a moderator opens the models page: %d", r.Status)
	}
	if r := mod.submit("/moderation/admin/models/3/promote", confirm); r.Status != http.StatusForbidden {
		t.Errorf("a moderator promotes: %d", r.Status)
	}
	if r := admin.postForm("/moderation/admin/models/3/promote", confirm); r.Status != http.StatusForbidden {
		t.Errorf("an admin's promotion without CSRF token: %d, want 403", r.Status)
	}
	if r := admin.submit("/moderation/admin/models/3/promote", nil); r.Status != http.StatusBadRequest {
		t.Errorf("a promotion not confirmed: %d, want 400", r.Status)
	}
	if len(fm.promoted) != 0 {
		t.Fatalf("promoted by a refused request: %v", fm.promoted)
	}
	if r := admin.submit("/moderation/admin/models/3/promote", confirm); r.Status != http.StatusSeeOther {
		t.Fatalf("admin's promotion: %d %s", r.Status, r.Body)
	}
	if len(fm.promoted) != 1 || fm.promoted[0] != "moderator:ada" {
		t.Errorf("promotions recorded: %v, want one by moderator:ada", fm.promoted)
	}
	// The redirect's message shows; a made-up one shows nothing.
	if p := admin.get("/moderation/admin/models?msg=model_promoted&lang=en"); !strings.Contains(p.Body, i18n.T("en", "msg_model_promoted")) {
		t.Errorf("after promotion the page does not say so:\n%s", p.Body)
	}
	if p := admin.get("/moderation/admin/models?msg=%3Cb%3Ex&lang=en"); strings.Contains(p.Body, `class="flash"`) {
		t.Errorf("a made-up msg is shown:\n%s", p.Body)
	}
	if p := admin.get("/moderation/admin/models"); !strings.Contains(p.Body, "moderator:ada") || strings.Contains(p.Body, "/models/3/promote") {
		t.Errorf("after promotion the page does not say who, or still offers to promote:\n%s", p.Body)
	}
	if r := admin.submit("/moderation/admin/models/3/retire", confirm); r.Status != http.StatusSeeOther || len(fm.retired) != 1 {
		t.Errorf("retire: %d, retired %v", r.Status, fm.retired)
	}
}
