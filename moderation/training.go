package moderation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"vigie/rules"
)

// TrainingRow is one comment a person had the last word on: its text and
// that word. Only people's decisions teach a model: a label copied from
// the rules would teach the model the rules' own mistakes.
type TrainingRow struct {
	CommentID int64
	Text      string
	Language  string
	Refused   bool      // the final human outcome: refused (label 1) or published (0)
	Seq       int64     // the event of that decision
	DecidedAt time.Time // when it was taken
}

// Label is the training label: 1 should not be published.
func (r TrainingRow) Label() int {
	if r.Refused {
		return 1
	}
	return 0
}

// humanRoutes are the routes on which a person decides a comment: the
// review queue, an appeal, a blind audit, a moderator's own re-review.
var humanRoutes = []Route{RouteReview, RouteAppeal, RouteAudit, RouteRecheck}

// HumanRoutes lists the routes whose decisions are training labels.
func HumanRoutes() []Route { return append([]Route(nil), humanRoutes...) }

// HumanDecision says whether an event is a person's decision that can be a
// label: a human route, taken by a moderator (never the system), to
// published or refused.
func HumanDecision(e Event) bool {
	if !strings.HasPrefix(e.Actor, "moderator:") || (e.To != StatusPublished && e.To != StatusRefused) {
		return false
	}
	for _, r := range humanRoutes {
		if e.Route == r {
			return true
		}
	}
	return false
}

// TrainingSource gives, for every comment whose last publish-or-refuse
// event is a human decision (HumanDecision), that decision with the text,
// in comment id order, skipping purged comments. A comment the rules
// decided last (or only) is not a row.
type TrainingSource interface {
	TrainingRows(ctx context.Context, afterID int64, limit int) ([]TrainingRow, error)
}

// LoadTraining reads every training row.
func LoadTraining(ctx context.Context, src TrainingSource) ([]TrainingRow, error) {
	var out []TrainingRow
	var after int64
	for {
		rows, err := src.TrainingRows(ctx, after, 5000)
		if err != nil {
			return nil, fmt.Errorf("training rows: %w", err)
		}
		if len(rows) == 0 {
			return out, nil
		}
		out = append(out, rows...)
		after = rows[len(rows)-1].CommentID
	}
}

// HeldOut says whether a row is kept out of a candidate's training, so the
// rules page can measure agreement on decisions the candidate never saw:
// one comment in five, by id, the same split every time.
func HeldOut(r TrainingRow) bool { return r.CommentID%5 == 0 }

// Examples turns rows into training examples.
func Examples(rows []TrainingRow) []rules.Example {
	ex := make([]rules.Example, len(rows))
	for i, r := range rows {
		ex[i] = rules.Example{Text: r.Text, Label: r.Label()}
	}
	return ex
}

// CountLabels counts rows refused (label 1) and published (label 0).
func CountLabels(rows []TrainingRow) (label1, label0 int) {
	for _, r := range rows {
		if r.Refused {
			label1++
		} else {
			label0++
		}
	}
	return label1, label0
}
