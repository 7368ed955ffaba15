package moderation

import (
	"context"
	"fmt"
	"time"
)

// AppealState is where an appeal against a refusal stands.
type AppealState int8

const (
	AppealOpen       AppealState = iota + 1 // waiting for a moderator
	AppealUpheld                            // the refusal stands
	AppealReinstated                        // the comment was published: wrongly removed
	AppealSuperseded                        // the comment changed otherwise first
)

var appealStateNames = [...]string{"", "open", "upheld", "reinstated", "superseded"}

func (s AppealState) String() string {
	if s < 0 || int(s) >= len(appealStateNames) {
		return fmt.Sprintf("appeal(%d)", int8(s))
	}
	return appealStateNames[s]
}

// ParseAppealState reads a state name.
func ParseAppealState(v string) (AppealState, error) {
	for i, n := range appealStateNames {
		if i > 0 && n == v {
			return AppealState(i), nil
		}
	}
	return 0, Errorf(ErrInvalid, "state", "unknown appeal state %q", v)
}

// Appeal is a request to look again at a refused comment, made by its
// author (through the source's token) or by a moderator.
type Appeal struct {
	ID        int64
	CommentID int64
	OpenedAt  time.Time
	OpenedBy  string // "author" (through a source token) or "moderator:<id>"
	// Statement is what the appellant wrote; a moderator reads it, it is
	// never published and a purge of the comment erases it.
	Statement   string
	State       AppealState
	DecidedBy   string
	DecidedAt   time.Time
	DecisionSeq int64
}

// AppealFilter selects appeals.
type AppealFilter struct {
	State     AppealState // 0: any
	CommentID int64       // 0: any
	AfterID   int64
	Limit     int
}

// AppealStore is what appeals need from persistence. Opening one writes no
// event (the comment's status does not change); its decision is an event
// that closes it through Effects.AppealID.
type AppealStore interface {
	// OpenAppeal stores a new open appeal and sets a.ID; a comment that has
	// one open already is ErrConflict.
	OpenAppeal(ctx context.Context, a *Appeal) error
	Appeal(ctx context.Context, id int64) (Appeal, error)
	Appeals(ctx context.Context, f AppealFilter) ([]Appeal, error)
}

// maxStatementBytes bounds an appellant's statement.
const maxStatementBytes = 4000

// OpenAppeal records an appeal against a refusal. The comment must be
// refused now; a second open appeal on it is ErrConflict.
func (s *Service) OpenAppeal(ctx context.Context, commentID int64, by, statement string) (Appeal, error) {
	switch {
	case by == "" || !printable(by):
		return Appeal{}, Errorf(ErrInvalid, "by", "who appeals must be named")
	case !printable(stripNewlines(statement)) || len(statement) > maxStatementBytes:
		return Appeal{}, Errorf(ErrInvalid, "statement", "statement must be printable UTF-8 of at most %d bytes", maxStatementBytes)
	}
	c, err := s.store.Comment(ctx, commentID)
	if err != nil {
		return Appeal{}, fmt.Errorf("appeal %d: %w", commentID, err)
	}
	if c.Status != StatusRefused {
		return Appeal{}, fmt.Errorf("appeal %d: only a refused comment can be appealed (it is %s): %w", commentID, c.Status, ErrConflict)
	}
	a := Appeal{CommentID: commentID, OpenedAt: TruncateTime(s.clock.Now()), OpenedBy: by, Statement: statement, State: AppealOpen}
	if err := s.store.OpenAppeal(ctx, &a); err != nil {
		return Appeal{}, fmt.Errorf("appeal %d: %w", commentID, err)
	}
	return a, nil
}

// Appeal outcomes a moderator chooses.
const (
	Uphold    = "uphold"
	Reinstate = "reinstate"
)

// DecideAppeal closes an open appeal: uphold keeps the refusal (an event
// that changes no status, so the appeal is counted), reinstate publishes
// the comment, which the report counts as wrongly removed.
func (s *Service) DecideAppeal(ctx context.Context, actor string, appealID int64, action, note string) (Event, error) {
	a, err := s.store.Appeal(ctx, appealID)
	if err != nil {
		return Event{}, fmt.Errorf("appeal %d: %w", appealID, err)
	}
	if a.State != AppealOpen {
		return Event{}, fmt.Errorf("appeal %d is %s: %w", appealID, a.State, ErrConflict)
	}
	var to Status
	switch action {
	case Uphold:
		to = StatusRefused
	case Reinstate:
		to = StatusPublished
	default:
		return Event{}, Errorf(ErrInvalid, "action", "action must be %q or %q", Uphold, Reinstate)
	}
	d := Decision{CommentID: a.CommentID, From: StatusRefused, To: to, Actor: actor, Route: RouteAppeal,
		Automation: AutomationNone, Note: note}
	return s.decide(ctx, d, Effects{AppealID: appealID})
}

// Appeals lists appeals.
func (s *Service) Appeals(ctx context.Context, f AppealFilter) ([]Appeal, error) {
	return s.store.Appeals(ctx, f)
}

// GetAppeal returns one appeal.
func (s *Service) GetAppeal(ctx context.Context, id int64) (Appeal, error) {
	return s.store.Appeal(ctx, id)
}

// Reexamine is a moderator's own second look at a decided comment: a
// refused one published is reinstated (route review: wrongly removed, found
// by our own review); a published one refused later needs a reason (route
// report).
func (s *Service) Reexamine(ctx context.Context, actor string, commentID int64, action, category, note string) (Event, error) {
	d := Decision{CommentID: commentID, Actor: actor, Automation: AutomationNone, Category: category, Note: note}
	switch action {
	case Reinstate, Publish:
		d.From, d.To, d.Route = StatusRefused, StatusPublished, RouteReview
	case Refuse:
		d.From, d.To, d.Route = StatusPublished, StatusRefused, RouteReport
	default:
		return Event{}, Errorf(ErrInvalid, "action", "action must be %q or %q", Reinstate, Refuse)
	}
	return s.decide(ctx, d, Effects{})
}

func stripNewlines(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == '\n' || c == '\r' || c == '\t' {
			b[i] = ' '
		}
	}
	return string(b)
}
