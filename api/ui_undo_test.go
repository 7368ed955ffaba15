package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vigie/moderation"
)

// TestFormDecisionOffersUndoWithoutJavaScript: a decision made with the
// form comes back with a button that takes it back, so the u key's undo is
// there for those without the script too; the button is a real reversal.
func TestFormDecisionOffersUndoWithoutJavaScript(t *testing.T) {
	s := newTestServer(t)
	id := s.intakeAs(t, "u1", pendingText(1), "pending")
	b := s.loginAs(t, "mona", moderation.RoleModerator)
	p := b.submit(fmt.Sprintf("/moderation/comments/%d/decision", id), url.Values{"action": {"publish"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("decision: status %d: %s", p.Status, p.Body)
	}
	next := b.get(p.Location())
	form := fmt.Sprintf(`action="/moderation/comments/%d/undo"`, id)
	if !strings.Contains(next.Body, form) {
		t.Fatalf("the page after the decision (%s) offers no undo form for #%d", p.Location(), id)
	}
	if u := b.submit(fmt.Sprintf("/moderation/comments/%d/undo", id), nil); u.Status != http.StatusSeeOther {
		t.Fatalf("undo: status %d: %s", u.Status, u.Body)
	}
	evs := s.events(t, id)
	if last := evs[len(evs)-1]; last.Route != moderation.RouteUndo || last.To != moderation.StatusPending {
		t.Errorf("last event %s → %s by %s, want an undo back to pending", last.From, last.To, last.Route)
	}
	// A made-up or foreign ?undo= shows a button at most; the domain
	// refuses to undo what is not the user's own recent decision.
	if r := b.submit(fmt.Sprintf("/moderation/comments/%d/undo", id), nil); r.Status == http.StatusSeeOther {
		t.Errorf("a second undo of the same decision went through")
	}
}
