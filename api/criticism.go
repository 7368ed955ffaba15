package api

import (
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
	"vigie/moderation/i18n"
)

// Refusing a comment flagged as criticism needs a reason (moderation,
// criticism.go). The domain's error has an i18n key: a moderator reads it
// in their language, on a page of the UI as in an API answer.

// localized gives a domain error that has an i18n message its text in the
// reader's language (Accept-Language, then the UI's language cookie), with
// the status, code and field of the domain error; other errors go through
// unchanged.
func (s *Server) localized(c *gin.Context, err error) error {
	key := moderation.MessageKey(err)
	if key == "" {
		return err
	}
	status, d := describe(err)
	return &Error{Status: status, Code: d.Code, Field: d.Field, Message: i18n.T(s.readerLang(c), key)}
}

// readerLang is the reader's language without touching the cookie (an API
// call must not set one).
func (s *Server) readerLang(c *gin.Context) string {
	remembered, _ := c.Cookie(langCookie)
	return i18n.Negotiate(c.GetHeader("Accept-Language"), "", remembered)
}

// protectedRow reports whether a queue row's comment is flagged as
// criticism, for the badge and the reason field.
func protectedRow(cm moderation.Comment) bool { return len(cm.Protected()) > 0 }

// groupNeedsReason is the domain's rule applied to a group decision before
// any copy is decided, so that a refusal without a reason leaves every copy
// as it was rather than deciding the unflagged ones alone.
func groupNeedsReason(entries []moderation.QueueEntry, ids []int64, d moderation.ReviewDecision) error {
	if d.Action != moderation.Refuse || strings.TrimSpace(d.Note) != "" {
		return nil
	}
	for _, e := range entries {
		if slices.Contains(ids, e.Item.CommentID) && protectedRow(e.Comment) {
			return moderation.ErrReasonRequired
		}
	}
	return nil
}
