package intake

import (
	"time"

	"vigie/moderation"
)

// Comment is the JSON shape of one comment coming in: the body of POST
// /api/v1/comments and one line of a `vigie import` file.
type Comment struct {
	Source     string     `json:"source"`
	ExternalID string     `json:"external_id"`
	Text       *string    `json:"text"`
	Author     Author     `json:"author"`
	ThreadID   string     `json:"thread_id"`
	ParentID   string     `json:"parent_id"`
	CreatedAt  *time.Time `json:"created_at"`
}

// Author is the comment's author as the source names them.
type Author struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Decode reads one comment. text is required (an empty string is a
// comment; a missing one is a mistake); source and external_id are left
// for the caller to require or default, and the domain validates the rest.
func Decode(body []byte) (moderation.NewComment, error) {
	if n, ok := decodeFast(body); ok {
		return n, nil
	}
	return decodeGeneral(body)
}

// decodeGeneral is Decode through DecodeStrict: every body decodeFast
// leaves, refusals included.
func decodeGeneral(body []byte) (moderation.NewComment, error) {
	var in Comment
	if err := DecodeStrict(body, &in); err != nil {
		return moderation.NewComment{}, err
	}
	if in.Text == nil {
		return moderation.NewComment{}, &Error{Code: CodeInvalid, Field: "text", Message: "text is required"}
	}
	n := moderation.NewComment{
		Source: in.Source, ExternalID: in.ExternalID, Text: *in.Text,
		Author:   moderation.Author{ID: in.Author.ID, Name: in.Author.Name},
		ThreadID: in.ThreadID, ParentID: in.ParentID,
	}
	if in.CreatedAt != nil {
		n.CreatedAt = *in.CreatedAt
	}
	return n, nil
}
