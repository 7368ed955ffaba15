package storage

import (
	"context"
	"fmt"
	"testing"
	"time"

	"vigie/moderation"
)

// intakeDecided takes in comments the rules decide on their own: half
// published, half refused.
func intakeDecided(t *testing.T, svc *moderation.Service, n int) (published, refused []int64) {
	t.Helper()
	for i := range n {
		text := fmt.Sprintf("Merci pour l'article numéro %d, très clair.", i)
		if i%2 == 1 {
			text = fmt.Sprintf("Tu es un connard, numéro %d.", i)
		}
		res, err := svc.Intake(context.Background(), moderation.NewComment{Source: "api:test", ExternalID: fmt.Sprint("d", i), Text: text})
		if err != nil {
			t.Fatal(err)
		}
		switch res.Comment.Status {
		case moderation.StatusPublished:
			published = append(published, res.Comment.ID)
		case moderation.StatusRefused:
			refused = append(refused, res.Comment.ID)
		default:
			t.Fatalf("%q went to %s; the test needs the rules to decide", text, res.Comment.Status)
		}
	}
	return published, refused
}

func TestAuditRateSamplesAutomatedDecisions(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		svc, _, _ := queueService(t, cfg, 1)
		intakeDecided(t, svc, 10)
		intakePending(t, svc, 3) // not automated decisions: never audited
		audits, err := svc.Audits(ctx, moderation.AuditFilter{State: moderation.AuditOpen})
		if err != nil || len(audits) != 10 {
			t.Fatalf("rate 1: %d open audits, %v; want 10", len(audits), err)
		}
		cfg2 := cfg
		if cfg.Driver == "sqlite" {
			cfg2 = sqliteConfig(t)
		} else {
			cfg2 = postgresConfig(t)
		}
		svc, _, _ = queueService(t, cfg2, 0)
		intakeDecided(t, svc, 10)
		if audits, err := svc.Audits(ctx, moderation.AuditFilter{}); err != nil || len(audits) != 0 {
			t.Fatalf("rate 0: %d audits, %v; want none", len(audits), err)
		}
	})
}

func TestAuditConfirmsOrOverturns(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		svc, db, _ := queueService(t, cfg, 1)
		published, refused := intakeDecided(t, svc, 4)
		byComment := map[int64]int64{}
		audits, _ := svc.Audits(ctx, moderation.AuditFilter{})
		for _, a := range audits {
			byComment[a.CommentID] = a.ID
		}
		a, err := svc.ClaimAudit(ctx, "moderator:1")
		if err != nil || a.State != moderation.AuditOpen {
			t.Fatalf("claim audit: %+v, %v", a, err)
		}
		if _, err := svc.ClaimAudit(ctx, "moderator:2"); err != nil {
			t.Fatalf("a second moderator gets another audit: %v", err)
		}
		// Confirm a publication, overturn a refusal.
		// A claimed audit is its holder's to decide.
		_, err = svc.DecideAudit(ctx, "moderator:3", a.ID, moderation.Publish, "", "")
		wantErr(t, err, moderation.ErrConflict)
		out, err := svc.DecideAudit(ctx, "moderator:1", byComment[published[0]], moderation.Publish, "", "")
		if err != nil || out.Overturned || out.Event.From != out.Event.To {
			t.Fatalf("confirm: %+v, %v", out, err)
		}
		out, err = svc.DecideAudit(ctx, "moderator:2", byComment[refused[0]], moderation.Publish, "", "not an insult here")
		if err != nil || !out.Overturned || out.Event.Route != moderation.RouteAudit {
			t.Fatalf("overturn: %+v, %v", out, err)
		}
		_, err = svc.DecideAudit(ctx, "moderator:3", byComment[refused[0]], moderation.Refuse, "insult", "")
		wantErr(t, err, moderation.ErrConflict)
		counts, err := svc.CountAudits(ctx)
		if err != nil || counts[moderation.AuditConfirmed] != 1 || counts[moderation.AuditOverturned] != 1 || counts[moderation.AuditOpen] != 2 {
			t.Fatalf("audit counts %v, %v", counts, err)
		}
		mustVerify(t, db, 6)
	})
}

func TestAppealReinstatesOrUpholds(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		svc, db, _ := queueService(t, cfg, 0)
		published, refused := intakeDecided(t, svc, 4)
		_, err := svc.OpenAppeal(ctx, published[0], moderation.ActorAuthor, "")
		wantErr(t, err, moderation.ErrConflict) // only a refusal can be appealed
		a, err := svc.OpenAppeal(ctx, refused[0], moderation.ActorAuthor, "Je citais l'insulte pour la dénoncer.")
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.OpenAppeal(ctx, refused[0], moderation.ActorAuthor, "encore")
		wantErr(t, err, moderation.ErrConflict)
		e, err := svc.DecideAppeal(ctx, "moderator:1", a.ID, moderation.Reinstate, "quoted")
		if err != nil || e.Route != moderation.RouteAppeal || e.To != moderation.StatusPublished {
			t.Fatalf("reinstate: %+v, %v", e, err)
		}
		_, err = svc.DecideAppeal(ctx, "moderator:2", a.ID, moderation.Uphold, "")
		wantErr(t, err, moderation.ErrConflict)
		b, err := svc.OpenAppeal(ctx, refused[1], "moderator:2", "")
		if err != nil {
			t.Fatal(err)
		}
		if e, err := svc.DecideAppeal(ctx, "moderator:1", b.ID, moderation.Uphold, ""); err != nil || e.From != e.To {
			t.Fatalf("uphold: %+v, %v", e, err)
		}
		got, _ := svc.GetAppeal(ctx, a.ID)
		if got.State != moderation.AppealReinstated || got.DecisionSeq != e.Seq {
			t.Fatalf("appeal after reinstatement: %+v", got)
		}
		mustVerify(t, db, 6)
	})
}

func TestUndoPutsTheCommentBackInTheQueue(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		svc, db, clock := queueService(t, cfg, 0)
		ids := intakePending(t, svc, 2)
		if _, err := svc.Review(ctx, "moderator:1", moderation.ReviewDecision{CommentID: ids[0], Action: moderation.Refuse, Category: "personal_data"}); err != nil {
			t.Fatal(err)
		}
		_, err := svc.Undo(ctx, "moderator:2", ids[0], "")
		wantErr(t, err, moderation.ErrConflict) // not their decision
		e, err := svc.Undo(ctx, "moderator:1", ids[0], "")
		if err != nil || e.Route != moderation.RouteUndo || e.To != moderation.StatusPending {
			t.Fatalf("undo: %+v, %v", e, err)
		}
		if _, err := db.ReviewItem(ctx, ids[0]); err != nil {
			t.Fatalf("undone comment is not back in the queue: %v", err)
		}
		if _, err := svc.Review(ctx, "moderator:1", moderation.ReviewDecision{CommentID: ids[1], Action: moderation.Publish}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(moderation.UndoWindow + time.Second)
		_, err = svc.Undo(ctx, "moderator:1", ids[1], "")
		wantErr(t, err, moderation.ErrConflict) // too late
		mustVerify(t, db, 5)
	})
}
