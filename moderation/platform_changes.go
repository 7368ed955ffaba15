package moderation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vigie/rules"
)

// What a platform tells us about a comment it hosts after it arrived: its
// author edited it, deleted it, or someone hid or unhid it on the page.
// Each is idempotent (the same change told twice changes nothing the second
// time), since platforms deliver at least once and out of order.

// ChangeResult says what a platform change did.
type ChangeResult struct {
	Comment Comment
	Event   Event
	// Changed is false when the change was already applied (a repeated
	// delivery) or had nothing to act on (a withdrawn comment).
	Changed bool
}

// Edit judges an edited text again: editing is a classic way to slip past
// moderation. A published comment whose new text breaks the rules is
// refused (route edit); a refused one whose text is now clean is published
// (an edit, not a wrongful removal); a pending one is decided if the new
// text is clear, or stays in the queue with its new text. Every other case
// records the new text with an event that keeps the status. An unknown
// comment is ErrNotFound: the caller takes it in as new (the edit arrived
// before its add).
func (s *Service) Edit(ctx context.Context, source, externalID, text string) (ChangeResult, error) {
	var r ChangeResult
	var err error
	for range conflictRetries {
		// A conflict: the comment changed meanwhile (the same edit applied
		// by another worker, a moderator's decision): judge again on what
		// is there now.
		if r, err = s.edit(ctx, source, externalID, text); !errors.Is(err, ErrConflict) {
			break
		}
	}
	return r, err
}

// conflictRetries bounds how often a platform change is judged again
// because the comment changed under it; a few changes racing on one
// comment settle in two or three.
const conflictRetries = 5

func (s *Service) edit(ctx context.Context, source, externalID, text string) (ChangeResult, error) {
	c, last, err := s.commentAndLastSeq(ctx, source, externalID)
	if err != nil {
		return ChangeResult{}, fmt.Errorf("edit %s/%s: %w", source, externalID, err)
	}
	n := NewComment{Source: source, ExternalID: externalID, Text: text, Author: c.Author}
	if err := n.Validate(s.limits); err != nil {
		return ChangeResult{}, err
	}
	if c.Status == StatusWithdrawn || c.Text == text || !c.PurgedAt.IsZero() {
		return ChangeResult{Comment: c}, nil
	}
	now := TruncateTime(s.clock.Now())
	v := s.classify(s.rulesForSource(source), rules.Input{Text: text, Source: source, AuthorKey: AuthorKey(source, c.Author.ID), At: now})
	c.Text = text
	e := s.verdictEvent(&c, c.Status, RouteEdit, ActorAuthor, &v, now)
	e.CommentID = c.ID
	e.To = editOutcome(c.Status, StatusFor(v.Action))
	if e.To == StatusPublished {
		e.Category = ""
	} else if e.Category == "" {
		e.Category = c.Category // a refusal kept keeps its reason
	}
	if e.To == StatusRefused && e.Category == "" {
		e.To = c.Status // a verdict with no reason cannot refuse
	}
	if err := e.Validate(); err != nil {
		return ChangeResult{}, fmt.Errorf("edit %d: %w", c.ID, err)
	}
	fx := Effects{Actions: s.actionsFor(&c, e), LastSeq: last}
	patch := &Patch{Text: &text, Verdict: &v, Language: &v.Language}
	if err := s.store.Transition(ctx, e, patch, fx); err != nil {
		return ChangeResult{}, fmt.Errorf("edit %d: %w", c.ID, err)
	}
	c.Status, c.Verdict, c.Language = e.To, &v, v.Language
	return ChangeResult{Comment: c, Event: *e, Changed: true}, nil
}

// commentAndLastSeq reads a comment by its source id and the seq of its
// last event, the events first: a change that lands between the two reads
// then shows in the comment, and the transition's LastSeq guard catches
// one that lands after.
func (s *Service) commentAndLastSeq(ctx context.Context, source, externalID string) (Comment, int64, error) {
	c, err := s.store.CommentBySource(ctx, source, externalID)
	if err != nil {
		return Comment{}, 0, err
	}
	evs, err := s.store.Events(ctx, c.ID)
	if err != nil {
		return Comment{}, 0, err
	}
	if c, err = s.store.Comment(ctx, c.ID); err != nil {
		return Comment{}, 0, err
	}
	return c, lastSeq(evs), nil
}

// editOutcome is the status an edited comment moves to, given what the
// rules now say. A person's decision is not overruled toward leniency by an
// edit that is merely borderline: only a clear verdict moves it.
func editOutcome(from, verdict Status) Status {
	switch {
	case verdict == StatusRefused && from != StatusRefused:
		return StatusRefused
	case verdict == StatusPublished && from != StatusPublished:
		return StatusPublished
	}
	return from
}

// Withdraw records that the author deleted the comment on the platform. An
// unknown comment is ErrNotFound; a withdrawn one is left as it is.
func (s *Service) Withdraw(ctx context.Context, source, externalID string) (ChangeResult, error) {
	c, err := s.store.CommentBySource(ctx, source, externalID)
	if err != nil {
		return ChangeResult{}, fmt.Errorf("withdraw %s/%s: %w", source, externalID, err)
	}
	if c.Status == StatusWithdrawn {
		return ChangeResult{Comment: c}, nil
	}
	e, err := s.Decide(ctx, Decision{CommentID: c.ID, From: c.Status, To: StatusWithdrawn, Actor: ActorPlatform,
		Route: RoutePlatform, Automation: AutomationNone, Note: "deleted on the platform"})
	if errors.Is(err, ErrConflict) {
		return s.Withdraw(ctx, source, externalID) // decided meanwhile: withdraw what is there now
	}
	if err != nil {
		return ChangeResult{}, err
	}
	c.Status = StatusWithdrawn
	return ChangeResult{Comment: c, Event: e, Changed: true}, nil
}

// PlatformVisibility records that someone hid or unhid the comment on the
// platform itself, outside Vigie: an event that keeps the status (it is
// not our decision and no figure counts it) so the log shows what happened
// on the page. A platform telling us of our own action is left out by the
// caller (the page's own changes are ignored).
func (s *Service) PlatformVisibility(ctx context.Context, source, externalID string, hidden bool, at time.Time) (ChangeResult, error) {
	var r ChangeResult
	var err error
	for range conflictRetries {
		if r, err = s.platformVisibility(ctx, source, externalID, hidden, at); !errors.Is(err, ErrConflict) {
			break
		}
	}
	return r, err
}

func (s *Service) platformVisibility(ctx context.Context, source, externalID string, hidden bool, at time.Time) (ChangeResult, error) {
	c, err := s.store.CommentBySource(ctx, source, externalID)
	if err != nil {
		return ChangeResult{}, fmt.Errorf("visibility %s/%s: %w", source, externalID, err)
	}
	if c.Status == StatusWithdrawn {
		return ChangeResult{Comment: c}, nil
	}
	note := "unhidden on the platform, outside Vigie"
	if hidden {
		note = "hidden on the platform, outside Vigie"
	}
	if !at.IsZero() {
		note += " at " + at.UTC().Format(time.RFC3339)
	}
	// The same news delivered twice is recorded once: the note, with the
	// platform's time, identifies it among the comment's few events.
	evs, err := s.store.Events(ctx, c.ID)
	if err != nil {
		return ChangeResult{}, fmt.Errorf("visibility %d: %w", c.ID, err)
	}
	for _, e := range evs {
		if e.Route == RoutePlatform && e.Note == note {
			return ChangeResult{Comment: c, Event: e}, nil
		}
	}
	// The events were read after the comment: guarding on the last one
	// makes two workers applying two copies of this news at once write
	// it once (the second one's guard fails, and its next try finds the
	// note).
	e, err := s.decide(ctx, Decision{CommentID: c.ID, From: c.Status, To: c.Status, Actor: ActorPlatform,
		Route: RoutePlatform, Automation: AutomationNone, Category: c.Category, Note: note}, Effects{LastSeq: lastSeq(evs)})
	if err != nil {
		return ChangeResult{}, err
	}
	return ChangeResult{Comment: c, Event: e, Changed: true}, nil
}

func lastSeq(evs []Event) int64 {
	if len(evs) == 0 {
		return 0
	}
	return evs[len(evs)-1].Seq
}
