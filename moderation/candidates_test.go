package moderation_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"vigie/moderation"
)

// rowsSource serves training rows from memory, paged as storage does.
type rowsSource []moderation.TrainingRow

func (s rowsSource) TrainingRows(_ context.Context, after int64, limit int) ([]moderation.TrainingRow, error) {
	var out []moderation.TrainingRow
	for _, r := range s {
		if r.CommentID > after && len(out) < limit {
			out = append(out, r)
		}
	}
	return out, nil
}

func rowsOf(refused, published int) rowsSource {
	var s rowsSource
	for i := range refused + published {
		text := fmt.Sprintf("merci pour cet article numéro %d", i)
		if i < refused {
			text = fmt.Sprintf("espèce de connard numéro %d", i)
		}
		s = append(s, moderation.TrainingRow{CommentID: int64(i + 1), Text: text, Refused: i < refused, Seq: int64(10 + i)})
	}
	return s
}

func TestHumanDecisionIsAModeratorOnAHumanRoute(t *testing.T) {
	for _, tc := range []struct {
		e    moderation.Event
		want bool
	}{
		{moderation.Event{Actor: "moderator:ada", Route: moderation.RouteReview, To: moderation.StatusRefused}, true},
		{moderation.Event{Actor: "moderator:ada", Route: moderation.RouteAppeal, To: moderation.StatusPublished}, true},
		{moderation.Event{Actor: "moderator:ada", Route: moderation.RouteAudit, To: moderation.StatusRefused}, true},
		{moderation.Event{Actor: moderation.ActorSystem, Route: moderation.RouteRules, To: moderation.StatusRefused}, false},
		{moderation.Event{Actor: moderation.ActorSystem, Route: moderation.RouteReview, To: moderation.StatusRefused}, false},
		{moderation.Event{Actor: "moderator:ada", Route: moderation.RouteEdit, To: moderation.StatusRefused}, false},
		{moderation.Event{Actor: "moderator:ada", Route: moderation.RouteUndo, To: moderation.StatusPending}, false},
		{moderation.Event{Actor: moderation.ActorPlatform, Route: moderation.RoutePlatform, To: moderation.StatusWithdrawn}, false},
	} {
		if got := moderation.HumanDecision(tc.e); got != tc.want {
			t.Errorf("%s by %s to %s: %v, want %v", tc.e.Route, tc.e.Actor, tc.e.To, got, tc.want)
		}
	}
}

func TestTrainFromDecisionsNeedsEnoughOfEachOutcome(t *testing.T) {
	_, err := moderation.TrainFromDecisions(context.Background(), rowsOf(200, 30), moderation.TrainCandidate{}, time.Now())
	if !errors.Is(err, moderation.ErrInvalid) || !strings.Contains(err.Error(), "at least 50 of each") {
		t.Fatalf("err = %v, want ErrInvalid saying how many are needed", err)
	}
}

func TestTrainFromDecisionsHoldsOutOneInFive(t *testing.T) {
	src := rowsOf(100, 100)
	tr, err := moderation.TrainFromDecisions(context.Background(), src, moderation.TrainCandidate{Seed: 1}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := tr.Candidate
	if c.Rule != "model.toxic" || c.State != moderation.CandidateShadow || tr.HeldOut != 40 || c.Rows != 160 || c.Label1+c.Label0 != 160 {
		t.Errorf("candidate %+v, held out %d; want model.toxic in shadow on 160 rows, 40 held out", c, tr.HeldOut)
	}
	// Comment 200 (seq 209) is held out: the newest trained on is 199.
	if len(c.Model) == 0 || len(c.SHA256) != 64 || c.TrainedSeq != 208 || c.CV != nil {
		t.Errorf("model %d bytes, sha %q, trained seq %d, cv %v", len(c.Model), c.SHA256, c.TrainedSeq, c.CV)
	}
	again, _ := moderation.TrainFromDecisions(context.Background(), src, moderation.TrainCandidate{Seed: 1}, time.Now())
	if again.Candidate.SHA256 != c.SHA256 {
		t.Errorf("same decisions, same seed, another model: %s vs %s", again.Candidate.SHA256, c.SHA256)
	}
}
