package moderation

import (
	"errors"
	"slices"
)

// Criticism is protected: the rules never refuse a comment flagged by a
// protect rule (rules/protect.go: it says the post is wrong, asks for a
// correction or a source, or criticises the page owner), and a person who
// refuses one must say why. In 2015 such comments were deleted without a
// word; the reason a moderator writes goes into the chained event's note,
// so the refusal can be read and contested later.

// ErrReasonRequired is the error of a refusal of a flagged comment without
// a note. It is an ErrInvalid on the field "note" (HTTP 400); adapters
// show it in the reader's language with the i18n key ReasonRequiredKey.
var ErrReasonRequired = &FieldError{Kind: ErrInvalid, Field: "note",
	Message: "this comment criticises the post or the page owner: a refusal needs its reason in the note"}

// ErrNotAReason is the error of a refusal that gives the protected
// category itself (criticism) as its reason: criticism is never one.
var ErrNotAReason = &FieldError{Kind: ErrInvalid, Field: "category",
	Message: "criticism is not a reason to refuse: choose the rule of the policy the comment breaks"}

// The i18n keys of the two errors above.
const (
	ReasonRequiredKey = "err_reason_required"
	NotAReasonKey     = "err_criticism_not_reason"
)

// MessageKey is the i18n key of an error's message, or "" when it has
// none (adapters then show the error's own text).
func MessageKey(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrReasonRequired):
		return ReasonRequiredKey
	case errors.Is(err, ErrNotAReason):
		return NotAReasonKey
	}
	return ""
}

// Protected lists the protected categories of the comment's verdict
// (criticism), empty when it has none.
func (c *Comment) Protected() []string {
	if c.Verdict == nil {
		return nil
	}
	return c.Verdict.Protected
}

// checkProtectedRefusal holds a person's new refusal of a flagged comment
// to the rule: a reason in the note, and a reason other than the
// criticism itself. The rules' own verdicts (intake, edits) and the
// platform's news are not a person's choice; a refusal upheld (appeal
// rejected, audit confirmed) keeps the reason already given.
func checkProtectedRefusal(c *Comment, d Decision) error {
	if d.To != StatusRefused || c.Status == StatusRefused || len(c.Protected()) == 0 {
		return nil
	}
	switch d.Route {
	case RouteRules, RouteEdit, RoutePlatform:
		return nil
	}
	if !hasVisible(d.Note) { // a note of zero-width characters says nothing either
		return ErrReasonRequired
	}
	if slices.Contains(c.Protected(), d.Category) {
		return ErrNotAReason
	}
	return nil
}
