package facebook

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"vigie/moderation"
)

const sourcePrefix = "facebook:"

// Source is the moderation source of a page's comments: "facebook:<page id>".
func Source(pageID string) string { return sourcePrefix + pageID }

// PageIDOf reads the page id back from a comment's source, for the outbox
// worker that must pick the page's token.
func PageIDOf(source string) (pageID string, ok bool) {
	pageID, ok = strings.CutPrefix(source, sourcePrefix)
	if !ok || !validID(pageID) {
		return "", false
	}
	return pageID, true
}

// maxIDLen bounds an id; Meta's are two numbers joined by "_".
const maxIDLen = 128

// validID reports whether s can be a Graph object id. Ids go into request
// paths, so only letters, digits and "_" pass: no "/", "..", "?" or "%".
func validID(s string) bool {
	if s == "" || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && c != '_' {
			return false
		}
	}
	return true
}

// ThreadID is the thread a comment belongs to: its post.
func (c Change) ThreadID() string { return c.PostID }

// ParentCommentID is the comment a reply answers, or "" for a top-level
// comment, whose parent_id is the post itself.
func (c Change) ParentCommentID() string {
	if c.ParentID == c.PostID {
		return ""
	}
	return c.ParentID
}

// DedupKey identifies a change across Meta's retries, which may resend it
// with only entry.time changed: the comment, the verb, created_time and a
// hash of the message. Two edits of one comment differ in their message;
// hide, unhide and hide again differ in their verb or time.
func DedupKey(c Change) string {
	var unix int64
	if !c.CreatedTime.IsZero() {
		unix = c.CreatedTime.Unix()
	}
	sum := sha256.Sum256([]byte(c.Message))
	return c.CommentID + "|" + string(c.Verb) + "|" + strconv.FormatInt(unix, 10) + "|" + hex.EncodeToString(sum[:16])
}

// ToNewComment is the intake of an add or edited change (an edit of a
// comment Vigie has not seen is an intake too). On other verbs From and
// CreatedTime describe the action, not the comment, so Author and CreatedAt
// are left empty; a remove has no text and will not validate, as it should
// not be taken in.
func ToNewComment(c Change) moderation.NewComment {
	n := moderation.NewComment{
		Source:     Source(c.PageID),
		ExternalID: c.CommentID,
		Text:       c.Message,
		ThreadID:   c.ThreadID(),
		ParentID:   c.ParentCommentID(),
	}
	if c.Verb == VerbAdd || c.Verb == VerbEdited {
		n.Author = c.From
		n.CreatedAt = c.CreatedTime
	}
	return n
}
