package moderation

import (
	"errors"
	"testing"

	"vigie/rules"
)

// TestInvisibleReasonIsNoReason: a refusal of a flagged comment whose
// note holds only spaces or zero-width characters has no reason, as a
// comment of such characters has no text (hasVisible).
func TestInvisibleReasonIsNoReason(t *testing.T) {
	c := &Comment{Status: StatusPending, Verdict: &rules.Verdict{Protected: []string{"criticism"}}}
	refuse := func(note string) Decision {
		return Decision{To: StatusRefused, Route: RouteReview, Category: "insult", Note: note}
	}
	for _, note := range []string{"", "   ", "\u200b\u200b", "\ufeff", " \u2060 "} {
		if err := checkProtectedRefusal(c, refuse(note)); !errors.Is(err, ErrReasonRequired) {
			t.Errorf("note %q: %v, want ErrReasonRequired", note, err)
		}
	}
	if err := checkProtectedRefusal(c, refuse("insulte directe envers une personne")); err != nil {
		t.Errorf("a real reason: %v", err)
	}
}
