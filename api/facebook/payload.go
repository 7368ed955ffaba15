package facebook

import (
	"encoding/json"
	"time"
	"unicode/utf8"

	"vigie/moderation"
)

// Verb is what happened to a comment. The zero value means unset.
type Verb string

// The comment verbs of a feed change. Reactions use "edit", never "edited".
const (
	VerbAdd    Verb = "add"
	VerbEdited Verb = "edited"
	VerbRemove Verb = "remove"
	VerbHide   Verb = "hide"
	VerbUnhide Verb = "unhide"
)

func (v Verb) String() string { return string(v) }

func (v Verb) valid() bool {
	switch v {
	case VerbAdd, VerbEdited, VerbRemove, VerbHide, VerbUnhide:
		return true
	}
	return false
}

// IgnoreReason says why a change of a delivery was left out; its value is
// fit for a log field or a metric label.
type IgnoreReason string

const (
	IgnoredOtherField  IgnoreReason = "other_field"  // a field other than feed
	IgnoredReaction    IgnoreReason = "reaction"     // item "reaction"
	IgnoredPost        IgnoreReason = "post"         // status, photo, video, share, post
	IgnoredOtherItem   IgnoreReason = "other_item"   // any other item (like, event, ...)
	IgnoredUnknownVerb IgnoreReason = "unknown_verb" // a comment verb we do not know
	IgnoredPageComment IgnoreReason = "page_comment" // written by the Page itself
	IgnoredMalformed   IgnoreReason = "malformed"    // a value we cannot read, or no comment id
)

// Delivery is what one webhook POST carries, flattened: the comment changes
// to act on, in delivery order, and how many changes were left out and why.
type Delivery struct {
	Changes []Change
	Ignored map[IgnoreReason]int
}

// Change is one change to one comment on one page.
type Change struct {
	PageID    string
	Verb      Verb
	CommentID string // "<post object>_<comment>"
	PostID    string // "<page>_<post object>"
	ParentID  string // as sent: the post id for a top-level comment, else the parent comment's id
	// From is the author on add and edited. On hide and unhide it is whoever
	// acted, the Page itself in what has been observed, and on remove often
	// only an id: see ByPage.
	From    moderation.Author
	Message string // absent on remove
	// CreatedTime is when the comment was made on add; on hide and unhide it
	// is about when the hide happened (observed, one capture only).
	CreatedTime time.Time
	IsHidden    *bool // only when Meta says
	HasMedia    bool  // a photo or video came with the comment: Message may be empty
}

type wireDelivery struct {
	Object string      `json:"object"`
	Entry  []wireEntry `json:"entry"`
}

// wireEntry is one page's part of a delivery; its time is when Meta sent it
// and is deliberately not read (duplicates differ in it).
type wireEntry struct {
	ID      wireID `json:"id"`
	Changes []struct {
		Field string          `json:"field"`
		Value json.RawMessage `json:"value"`
	} `json:"changes"`
}

// wireValue is the value of a feed change. Unknown fields are ignored: Meta
// adds fields without notice.
type wireValue struct {
	Item        string          `json:"item"`
	Verb        string          `json:"verb"`
	CommentID   wireID          `json:"comment_id"`
	PostID      wireID          `json:"post_id"`
	ParentID    wireID          `json:"parent_id"`
	From        wireFrom        `json:"from"`
	Message     string          `json:"message"`
	CreatedTime wireTime        `json:"created_time"`
	IsHidden    *bool           `json:"is_hidden"`
	Photo       json.RawMessage `json:"photo"`
	Video       json.RawMessage `json:"video"`
}

// ParseDelivery reads a webhook delivery and keeps the comment changes of
// the feed field. The body must be valid UTF-8 JSON for object "page": Go's
// decoder would silently turn invalid UTF-8 into U+FFFD, which would put
// text Meta never sent into a moderation decision, so it is refused first.
//
// One change that cannot be read is counted as malformed and skipped rather
// than failing the delivery: the other changes (up to a thousand) are good,
// and the caller keeps the raw delivery anyway. Errors wrap
// moderation.ErrInvalid.
func ParseDelivery(body []byte) (Delivery, error) {
	if !utf8.Valid(body) {
		return Delivery{}, moderation.Errorf(moderation.ErrInvalid, "body", "delivery is not valid UTF-8")
	}
	var w wireDelivery
	if err := json.Unmarshal(body, &w); err != nil {
		return Delivery{}, moderation.Errorf(moderation.ErrInvalid, "body", "delivery is not the JSON expected: %v", err)
	}
	if w.Object != "page" {
		return Delivery{}, moderation.Errorf(moderation.ErrInvalid, "object", "object is %q, want \"page\"", w.Object)
	}
	d := Delivery{Ignored: map[IgnoreReason]int{}}
	for _, e := range w.Entry {
		for _, ch := range e.Changes {
			c, reason := readChange(string(e.ID), ch.Field, ch.Value)
			if reason != "" {
				d.Ignored[reason]++
				continue
			}
			d.Changes = append(d.Changes, c)
		}
	}
	return d, nil
}

// readChange turns one change into a Change, or says why it is ignored.
func readChange(pageID, field string, raw json.RawMessage) (Change, IgnoreReason) {
	if field != "feed" {
		return Change{}, IgnoredOtherField
	}
	var v wireValue
	if err := json.Unmarshal(raw, &v); err != nil {
		return Change{}, IgnoredMalformed
	}
	switch v.Item {
	case "comment":
	case "reaction":
		return Change{}, IgnoredReaction
	case "status", "photo", "video", "share", "post":
		return Change{}, IgnoredPost
	default:
		return Change{}, IgnoredOtherItem
	}
	c := Change{
		PageID:      pageID,
		Verb:        Verb(v.Verb),
		CommentID:   string(v.CommentID),
		PostID:      string(v.PostID),
		ParentID:    string(v.ParentID),
		From:        moderation.Author{ID: string(v.From.ID), Name: v.From.Name},
		Message:     v.Message,
		CreatedTime: time.Time(v.CreatedTime),
		IsHidden:    v.IsHidden,
		HasMedia:    len(v.Photo) > 0 || len(v.Video) > 0,
	}
	switch {
	case !c.Verb.valid():
		return Change{}, IgnoredUnknownVerb
	case !validID(pageID) || !validID(c.CommentID) || !optionalID(c.PostID) || !optionalID(c.ParentID):
		// These ids go into Graph API paths later: refuse them at the door.
		return Change{}, IgnoredMalformed
	case c.ByPage() && (c.Verb == VerbAdd || c.Verb == VerbEdited):
		// The Page's own comments (our replies among them) are not moderated.
		// Only add and edited say who wrote the comment: on hide and unhide
		// From is whoever acted, which is the Page for every hide done on
		// Facebook, and those must reach the caller.
		return Change{}, IgnoredPageComment
	}
	return c, ""
}

func optionalID(s string) bool { return s == "" || validID(s) }

// ByPage reports whether the change comes from the Page itself: on add and
// edited, a comment the Page wrote; on hide, unhide and remove, an action
// taken as the Page (by Vigie or by someone using the Page on Facebook).
func (c Change) ByPage() bool { return c.From.ID != "" && c.From.ID == c.PageID }
