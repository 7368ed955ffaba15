package moderation_test

import (
	"errors"
	"testing"
	"time"

	"vigie/moderation"
)

// A purge keeps the status, whatever it is, and changes none.
func TestPurgeChangesNoStatus(t *testing.T) {
	all := []moderation.Status{0, moderation.StatusPending, moderation.StatusPublished, moderation.StatusRefused, moderation.StatusWithdrawn}
	for _, from := range all {
		for _, to := range all {
			err := moderation.CheckChange(from, to, moderation.RoutePurge)
			want := from == to && from != 0
			if (err == nil) != want {
				t.Errorf("purge %s → %s: %v, want allowed %v", from, to, err, want)
			}
			if err != nil && !errors.Is(err, moderation.ErrInvalidTransition) {
				t.Errorf("purge %s → %s: %v, want ErrInvalidTransition", from, to, err)
			}
		}
	}
	if r, err := moderation.ParseRoute("purge"); err != nil || r != moderation.RoutePurge || !r.Valid() || r.Confirms() {
		t.Errorf("route purge: %v %v valid %v confirms %v", r, err, r.Valid(), r.Confirms())
	}
}

func TestPurgeEvent(t *testing.T) {
	c := moderation.Comment{ID: 7, Status: moderation.StatusRefused, Category: "insult", Source: "api:x", Language: "fr"}
	at := time.Date(2026, 1, 2, 3, 4, 5, 6789, time.FixedZone("X", 3600))
	e := moderation.PurgeEvent(&c, at, moderation.RetentionPurge("180d", ""))
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	if !e.IsPurge() || e.From != c.Status || e.To != c.Status || e.Actor != moderation.ActorSystem ||
		e.Note != "retention 180d" || e.Category != "insult" || e.Source != "api:x" || e.TextDigest != "" ||
		e.AuthorDigest != "" || !e.At.Equal(moderation.TruncateTime(at)) {
		t.Errorf("PurgeEvent = %+v", e)
	}
	if got := moderation.RetentionPurge("30d", "vigie purge").Note; got != "retention 30d (vigie purge)" {
		t.Errorf("note %q", got)
	}
}
