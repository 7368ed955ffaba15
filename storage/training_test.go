package storage

import (
	"context"
	"testing"
	"time"

	"vigie/moderation"
)

// TestTrainingRowsAreHumanDecisionsOnly: the labels are the last word of
// a person; a comment only the rules decided is no label, an appeal that
// reinstates a moderator's refusal makes the label 0, and so does an
// appeal reinstating a refusal by the rules.
func TestTrainingRowsAreHumanDecisionsOnly(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		svc, db, _ := queueService(t, cfg, 0)
		published, refused := intakeDecided(t, svc, 4) // the rules alone
		ids := intakePending(t, svc, 3)
		review := func(id int64, action string) {
			t.Helper()
			if _, err := svc.Review(ctx, "moderator:mo", moderation.ReviewDecision{CommentID: id, Action: action, Category: "insult"}); err != nil {
				t.Fatal(err)
			}
		}
		reinstate := func(id int64) {
			t.Helper()
			a, err := svc.OpenAppeal(ctx, id, moderation.ActorAuthor, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.DecideAppeal(ctx, "moderator:ada", a.ID, moderation.Reinstate, ""); err != nil {
				t.Fatal(err)
			}
		}
		review(ids[0], moderation.Refuse)
		review(ids[1], moderation.Publish)
		review(ids[2], moderation.Refuse)
		reinstate(ids[2])     // a human refusal reinstated on appeal: 0
		reinstate(refused[1]) // the rules' refusal reinstated by a person: 0
		want := map[int64]int{ids[0]: 1, ids[1]: 0, ids[2]: 0, refused[1]: 0}

		rows, err := moderation.LoadTraining(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]int{}
		for _, r := range rows {
			got[r.CommentID] = r.Label()
			if r.Text == "" || r.Seq == 0 || r.DecidedAt.IsZero() {
				t.Errorf("row %+v lacks its text, event or time", r)
			}
		}
		for _, id := range append(published, refused[0]) {
			if _, ok := got[id]; ok {
				t.Errorf("comment %d, decided by the rules only, is a training row", id)
			}
		}
		if len(got) != len(want) {
			t.Errorf("rows %v, want %v", got, want)
		}
		for id, l := range want {
			if g, ok := got[id]; !ok || g != l {
				t.Errorf("comment %d: label %d (present %v), want %d", id, g, ok, l)
			}
		}
		// Pages walk past comments that are not rows.
		page, err := db.TrainingRows(ctx, 0, 1)
		if err != nil || len(page) != 1 {
			t.Fatalf("first page: %+v %v", page, err)
		}
		if page[0].CommentID != rows[0].CommentID {
			t.Errorf("first page starts at %d, want %d", page[0].CommentID, rows[0].CommentID)
		}
	})
}

func TestCandidatesPromoteRetire(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		db := openDB(t, cfg)
		at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		stamp := func() string {
			t.Helper()
			s, err := db.CandidatesStamp(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		s0 := stamp()
		var cs [2]moderation.ModelCandidate
		for i := range cs {
			cs[i] = moderation.ModelCandidate{Rule: "model.toxic", CreatedAt: at, SHA256: "ab", Model: []byte{1, 2, byte(i)},
				Rows: 900, Label1: 450, Label0: 450, TrainedSeq: 77, CV: &moderation.CVFigures{Folds: 5, AUC: 0.91}}
			if err := db.CreateCandidate(ctx, &cs[i]); err != nil {
				t.Fatal(err)
			}
		}
		s1 := stamp()
		if s1 == s0 {
			t.Errorf("stamp unchanged by new candidates: %s", s1)
		}
		list, err := db.Candidates(ctx)
		if err != nil || len(list) != 2 || list[0].ID != cs[1].ID || list[0].State != moderation.CandidateShadow || list[0].Model != nil {
			t.Fatalf("list: %+v %v; want the newest first, in shadow, without bytes", list, err)
		}
		if list[1].CV == nil || list[1].CV.AUC != 0.91 || list[1].Rows != 900 || !list[1].CreatedAt.Equal(at) {
			t.Errorf("read back %+v", list[1])
		}
		if err := moderation.PromoteCandidate(ctx, db, cs[0].ID, "moderator:ada", at); err != nil {
			t.Fatal(err)
		}
		s2 := stamp()
		if s2 == s1 {
			t.Errorf("stamp unchanged by a promotion")
		}
		if err := moderation.PromoteCandidate(ctx, db, cs[1].ID, "moderator:bob", at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		c0, _ := db.Candidate(ctx, cs[0].ID)
		c1, err := db.Candidate(ctx, cs[1].ID)
		if err != nil || c0.State != moderation.CandidateRetired || c1.State != moderation.CandidatePromoted ||
			c1.PromotedBy != "moderator:bob" || !c1.PromotedAt.Equal(at.Add(time.Hour)) || string(c1.Model) != string([]byte{1, 2, 1}) {
			t.Fatalf("after the second promotion: %+v / %+v %v; want one promoted, who and when recorded", c0, c1, err)
		}
		wantErr(t, moderation.PromoteCandidate(ctx, db, cs[1].ID, "moderator:bob", at), moderation.ErrConflict)
		wantErr(t, moderation.RetireCandidate(ctx, db, 999, at), moderation.ErrNotFound)
		if err := moderation.RetireCandidate(ctx, db, cs[1].ID, at); err != nil {
			t.Fatal(err)
		}
		wantErr(t, moderation.RetireCandidate(ctx, db, cs[1].ID, at), moderation.ErrConflict)
		swaps, err := moderation.ModelSwaps(ctx, db)
		if err != nil || len(swaps) != 0 {
			t.Errorf("swaps with every candidate retired: %+v %v", swaps, err)
		}
	})
}
