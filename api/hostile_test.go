package api_test

import (
	"fmt"
	"strings"
	"testing"

	"vigie/moderation"
)

// The review, appeal and audit endpoints decode their bodies as strictly
// as intake: malformed JSON, unknown fields, invalid UTF-8 and oversize
// bodies answer 400 or 413 in the one error shape, and write nothing.
func TestModerationEndpointsRejectHostileInput(t *testing.T) {
	t.Parallel()
	eachStoreWith(t, serverOptions{AuditRate: 1}, testModerationEndpointsRejectHostileInput)
}

func testModerationEndpointsRejectHostileInput(t *testing.T, s *testServer) {
	s.addUser(t, "mod", moderation.RoleModerator)
	token := s.personalToken(t, "mod")
	pending := s.intakeAs(t, "1", pendingText(1), "pending")
	refused := s.intakeAs(t, "2", refusedText(2), "refused")
	appealed := s.intakeAs(t, "3", refusedText(3), "refused")
	appeal, err := s.Svc.OpenAppeal(t.Context(), appealed, moderation.ActorAuthor, "")
	if err != nil {
		t.Fatal(err)
	}
	audits, err := s.Svc.Audits(t.Context(), moderation.AuditFilter{State: moderation.AuditOpen})
	if err != nil || len(audits) == 0 {
		t.Fatalf("audits %v (%v), want some open", audits, err)
	}
	endpoints := []string{
		fmt.Sprintf("/api/v1/comments/%d/decision", pending),
		"/api/v1/queue/decisions",
		"/api/v1/queue/claim",
		"/api/v1/queue/release",
		fmt.Sprintf("/api/v1/comments/%d/reexamine", refused),
		fmt.Sprintf("/api/v1/comments/%d/appeal", refused),
		fmt.Sprintf("/api/v1/appeals/%d/decision", appeal.ID),
		fmt.Sprintf("/api/v1/audits/%d/decision", audits[0].ID),
	}
	bodies := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"malformed JSON", `{"action":"publish",`, 400, "malformed_json"},
		{"not an object", `["publish"]`, 400, "malformed_json"},
		{"trailing data", `{}{}`, 400, "malformed_json"},
		{"unknown field", `{"action":"publish","comment_id":1,"verdict":"x"}`, 400, "invalid"},
		{"invalid UTF-8", "{\"action\":\"publish\",\"note\":\"caf\xe9\"}", 400, "invalid_utf8"},
		{"lone surrogate escape", `{"action":"publish","note":"\ud800"}`, 400, "invalid_utf8"},
		{"wrong type", `{"action":1}`, 400, "invalid"},
		{"2 MiB body", `{"action":"publish","note":"` + strings.Repeat("a", 2<<20) + `"}`, 413, "too_large"},
	}
	events := s.eventCount(t)
	for _, ep := range endpoints {
		for _, b := range bodies {
			t.Run(ep+" "+b.name, func(t *testing.T) {
				wantError(t, s.do(t, "POST", ep, token, []byte(b.body)), b.status, b.code)
			})
		}
	}

	if n := s.eventCount(t); n != events {
		t.Errorf("%d events after refused requests, want %d", n, events)
	}
	for id, want := range map[int64]moderation.Status{pending: moderation.StatusPending, refused: moderation.StatusRefused, appealed: moderation.StatusRefused} {
		if c := s.comment(t, id); c.Status != want {
			t.Errorf("comment %d is %s, want %s", id, c.Status, want)
		}
	}
	if it, err := s.DB.ReviewItem(t.Context(), pending); err != nil || it.Holder != "" {
		t.Errorf("review item %+v (%v), want it unclaimed", it, err)
	}
	as, err := s.Svc.Appeals(t.Context(), moderation.AppealFilter{})
	if err != nil || len(as) != 1 || as[0].State != moderation.AppealOpen {
		t.Errorf("appeals %+v (%v), want the one open appeal only", as, err)
	}
	if a, err := s.Svc.GetAudit(t.Context(), audits[0].ID); err != nil || a.State != moderation.AuditOpen {
		t.Errorf("audit %+v (%v), want it still open", a, err)
	}
}
