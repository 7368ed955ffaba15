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

// TestPurgedCommentHistory: after a retention purge the comment's history,
// in the API and in the moderator UI, ends with "purged (retention)", its
// status unchanged.
func TestPurgedCommentHistory(t *testing.T) {
	s := newTestServer(t)
	id, status := s.intake(t, "p1", publishedText(1), "Camille")
	n, err := s.DB.PurgeWith(context.Background(), testEpoch.Add(time.Hour), moderation.RetentionPurge("180d", ""))
	if err != nil || n != 1 {
		t.Fatalf("PurgeWith = %d, %v", n, err)
	}
	r := s.call(t, "GET", fmt.Sprintf("/api/v1/comments/%d", id), testToken, nil)
	if r.Status != http.StatusOK || r.Body["purged"] != true {
		t.Fatalf("GET comment: %d %s", r.Status, r.Raw)
	}
	evs := r.Body["events"].([]any)
	last := evs[len(evs)-1].(map[string]any)
	if len(evs) != 2 || last["route"] != "purge" || last["summary"] != "purged (retention)" ||
		last["from"] != status || last["to"] != status || last["note"] != "retention 180d" {
		t.Fatalf("events after a purge: %s", r.Raw)
	}
	for lang, want := range map[string]string{"en": "purged (retention)", "fr": "purgé (conservation)"} {
		b := s.loginAs(t, "mod-"+lang, moderation.RoleModerator)
		p := b.get(fmt.Sprintf("/moderation/comments/%d?lang=%s", id, lang))
		if p.Status != http.StatusOK || !strings.Contains(p.Body, want) {
			t.Errorf("%s review page: %d, want %q in the history", lang, p.Status, want)
		}
	}
}
