package storage

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/moderation"
	"vigie/rules"
)

func TestTransition(t *testing.T) {
	const (
		pending   = moderation.StatusPending
		published = moderation.StatusPublished
		refused   = moderation.StatusRefused
		withdrawn = moderation.StatusWithdrawn
	)
	tests := []struct {
		name       string
		stored     moderation.Status // the comment's status at intake
		from, to   moderation.Status // what the event claims
		missing    bool              // the event names a comment that does not exist
		wantErr    error
		wantStatus moderation.Status
	}{
		{name: "moderator publishes a pending comment", stored: pending, from: pending, to: published, wantStatus: published},
		{name: "moderator refuses a pending comment", stored: pending, from: pending, to: refused, wantStatus: refused},
		{name: "appeal reinstates a refused comment", stored: refused, from: refused, to: published, wantStatus: published},
		{name: "author withdraws a published comment", stored: published, from: published, to: withdrawn, wantStatus: withdrawn},
		{name: "published cannot go back to pending", stored: published, from: published, to: pending, wantErr: moderation.ErrInvalidTransition, wantStatus: published},
		{name: "refused cannot go to pending", stored: refused, from: refused, to: pending, wantErr: moderation.ErrInvalidTransition, wantStatus: refused},
		{name: "stale from status is a conflict", stored: published, from: pending, to: refused, wantErr: moderation.ErrConflict, wantStatus: published},
		{name: "unknown comment is not found", stored: pending, from: pending, to: published, missing: true, wantErr: moderation.ErrNotFound, wantStatus: pending},
	}
	forEachDriver(t, func(t *testing.T, cfg Config) {
		db := openDB(t, cfg)
		ctx := context.Background()
		events := int64(0)
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c, _ := mustIntake(t, db, i, tt.stored)
				events++
				e := decision(c, tt.from, tt.to, t0.Add(time.Hour))
				if tt.missing {
					e.CommentID = 1 << 40
				}
				err := db.Transition(ctx, e, nil, moderation.Effects{})
				wantErr(t, err, tt.wantErr)
				got, err := db.Comment(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != tt.wantStatus {
					t.Errorf("status is %s, want %s", got.Status, tt.wantStatus)
				}
				evs, err := db.Events(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				wantEvents := 1
				if tt.wantErr == nil {
					wantEvents, events = 2, events+1
					if e.Seq != events || e.Hash == "" {
						t.Errorf("event sealed as seq %d hash %q, want seq %d", e.Seq, e.Hash, events)
					}
					if !got.UpdatedAt.Equal(e.At) || got.Category != e.Category {
						t.Errorf("comment updated_at %s category %q, want %s %q", got.UpdatedAt, got.Category, e.At, e.Category)
					}
				}
				if len(evs) != wantEvents {
					t.Fatalf("%d events, want %d", len(evs), wantEvents)
				}
				if tt.wantErr == nil {
					if diff := cmp.Diff(*e, evs[1]); diff != "" {
						t.Errorf("event read back (-want +got):\n%s", diff)
					}
				}
			})
		}
		mustVerify(t, db, events)
	})
}

// An edit that breaks the rules: the comment is refused and its text,
// language and verdict are replaced together with the status.
func TestTransitionAppliesPatch(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		db := openDB(t, cfg)
		ctx := context.Background()
		c, _ := mustIntake(t, db, 1, moderation.StatusPublished)
		text, lang := "edited: you are an idiot", "en"
		v := &rules.Verdict{Action: rules.ActionRefuse, Category: "insult", Language: lang, RulesetVersion: "en-2",
			Matches: []rules.Match{{Rule: "insult.idiot", Category: "insult", Start: 19, End: 24, Text: "idiot"}}}
		e := decision(c, moderation.StatusPublished, moderation.StatusRefused, t0.Add(time.Hour))
		e.Route, e.Actor, e.Automation, e.Category, e.Text, e.Verdict = moderation.RouteEdit, moderation.ActorSystem, moderation.AutomationFull, "insult", text, v
		e.TextDigest = moderation.Digest(c.Salt, text)
		if err := db.Transition(ctx, e, &moderation.Patch{Text: &text, Verdict: v, Language: &lang}, moderation.Effects{}); err != nil {
			t.Fatal(err)
		}
		got, err := db.Comment(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := *c
		want.Text, want.Language, want.Verdict, want.Status, want.Category, want.UpdatedAt = text, lang, v, moderation.StatusRefused, "insult", e.At
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("comment after the edit (-want +got):\n%s", diff)
		}
		// The first event keeps the snapshot of what was judged then.
		evs, err := db.Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if evs[0].Text != c.Text || evs[1].Text != text {
			t.Errorf("snapshots %q, %q; want %q, %q", evs[0].Text, evs[1].Text, c.Text, text)
		}
		mustVerify(t, db, 2)
	})
}
