package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
	"vigie/rules"
)

// intakeRequest is the body of POST /api/v1/comments.
type intakeRequest struct {
	Source     string     `json:"source"`
	ExternalID string     `json:"external_id"`
	Text       *string    `json:"text"`
	Author     authorJSON `json:"author"`
	ThreadID   string     `json:"thread_id"`
	ParentID   string     `json:"parent_id"`
	CreatedAt  *time.Time `json:"created_at"`
}

type authorJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type intakeResponse struct {
	ID      int64         `json:"id"`
	Status  string        `json:"status"`
	Verdict rules.Verdict `json:"verdict"`
}

// readBody reads at most max bytes; a larger body is a 413 whatever its
// Content-Length claims.
func readBody(c *gin.Context, max int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, max))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
				Message: "request body is larger than " + strconv.FormatInt(max, 10) + " bytes"}
		}
		return nil, &Error{Status: http.StatusBadRequest, Code: "bad_body", Message: "could not read the request body"}
	}
	return body, nil
}

// decodeJSON decodes exactly one JSON object, rejecting invalid UTF-8 first:
// encoding/json would silently turn it into U+FFFD and we would store a text
// that nobody wrote.
func decodeJSON(body []byte, v any) error {
	if err := CheckJSONText(body); err != nil {
		return &Error{Status: http.StatusBadRequest, Code: "invalid_utf8", Message: "request body: " + err.Error()}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return &Error{Status: http.StatusBadRequest, Code: "malformed_json", Message: "request body has data after the JSON object"}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &Error{Status: http.StatusBadRequest, Code: "malformed_json", Message: "request body has data after the JSON object"}
	}
	return nil
}

// CheckJSONText refuses JSON text whose strings would not decode to the
// characters sent: invalid UTF-8, or a \uXXXX escape of a lone surrogate
// (encoding/json turns both into U+FFFD without a word). Every JSON intake
// (HTTP, import, classify) calls it before decoding.
func CheckJSONText(b []byte) error {
	if !utf8.Valid(b) {
		return errors.New("not valid UTF-8")
	}
	if HasLoneSurrogate(b) {
		return errors.New(`an unpaired surrogate escape (such as \ud800) is not a character`)
	}
	return nil
}

// HasLoneSurrogate reports whether a JSON text has a \uXXXX escape of a
// UTF-16 surrogate that is not the first half of a pair followed by its
// second half. encoding/json decodes such an escape to U+FFFD without a
// word, which would store a character the sender never wrote. Outside
// strings a backslash is a JSON syntax error, left to the decoder.
func HasLoneSurrogate(b []byte) bool {
	in := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			in = !in
		case c == '\\' && in && i+1 < len(b):
			if b[i+1] != 'u' {
				i++ // a one-letter escape, \" and \\ included
				continue
			}
			r, ok := hex4(b, i+2)
			switch {
			case !ok:
				i++ // malformed: the decoder will say so
			case r >= 0xdc00 && r <= 0xdfff:
				return true // a second half with no first
			case r >= 0xd800 && r < 0xdc00:
				if i+11 < len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
					if r2, ok := hex4(b, i+8); ok && r2 >= 0xdc00 && r2 <= 0xdfff {
						i += 11
						continue
					}
				}
				return true // a first half with no second
			default:
				i += 5
			}
		}
	}
	return false
}

// hex4 reads four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var timeErr *time.ParseError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return &Error{Status: http.StatusBadRequest, Code: "malformed_json", Message: "request body must be one JSON object"}
	case errors.As(err, &typeErr):
		return &Error{Status: http.StatusBadRequest, Code: "invalid", Field: typeErr.Field,
			Message: typeErr.Field + " must be a JSON " + jsonKind(typeErr.Type.Kind().String())}
	case errors.As(err, &timeErr):
		return &Error{Status: http.StatusBadRequest, Code: "invalid", Field: "created_at",
			Message: "created_at must be an RFC 3339 time such as 2026-11-27T10:00:00Z"}
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &Error{Status: http.StatusBadRequest, Code: "malformed_json", Message: "request body is not a valid JSON object"}
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		f = strings.Trim(f, `"`)
		return &Error{Status: http.StatusBadRequest, Code: "invalid", Field: f, Message: "unknown field " + f}
	}
	return &Error{Status: http.StatusBadRequest, Code: "malformed_json", Message: "request body is not a valid JSON object"}
}

// jsonKind names a Go kind the way a JSON client thinks of it.
func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	case "bool":
		return "boolean"
	case "ptr":
		return "value of the documented type"
	}
	return "number"
}

func (s *Server) postComment(c *gin.Context) error {
	body, err := readBody(c, s.maxBody)
	if err != nil {
		return err
	}
	var req intakeRequest
	if err := decodeJSON(body, &req); err != nil {
		return err
	}
	if req.Text == nil {
		return moderation.Errorf(moderation.ErrInvalid, "text", "text is required")
	}
	n := moderation.NewComment{
		Source: req.Source, ExternalID: req.ExternalID, Text: *req.Text,
		Author:   moderation.Author{ID: req.Author.ID, Name: req.Author.Name},
		ThreadID: req.ThreadID, ParentID: req.ParentID,
	}
	if req.CreatedAt != nil {
		n.CreatedAt = *req.CreatedAt
	}
	res, err := s.svc.Intake(c.Request.Context(), n)
	if err != nil {
		return err
	}
	code := http.StatusCreated
	label := res.Comment.Status.String()
	if !res.Created {
		code, label = http.StatusOK, "duplicate"
	}
	s.metrics.intake.WithLabelValues(label).Inc()
	c.JSON(code, intakeResponse{ID: res.Comment.ID, Status: res.Comment.Status.String(), Verdict: res.Verdict})
	return nil
}

// commentJSON is the answer of GET /api/v1/comments/{id}.
type commentJSON struct {
	ID         int64          `json:"id"`
	Source     string         `json:"source"`
	ExternalID string         `json:"external_id"`
	ThreadID   string         `json:"thread_id,omitempty"`
	ParentID   string         `json:"parent_id,omitempty"`
	Author     authorJSON     `json:"author"`
	Text       string         `json:"text"`
	Language   string         `json:"language"`
	Status     string         `json:"status"`
	Category   string         `json:"category,omitempty"`
	CreatedAt  time.Time      `json:"created_at"`
	ReceivedAt time.Time      `json:"received_at"`
	Purged     bool           `json:"purged"`
	Verdict    *rules.Verdict `json:"verdict"`
	Events     []eventJSON    `json:"events"`
}

type eventJSON struct {
	Seq            int64     `json:"seq"`
	At             time.Time `json:"at"`
	Actor          string    `json:"actor"`
	From           string    `json:"from"`
	To             string    `json:"to"`
	Route          string    `json:"route"`
	Automation     string    `json:"automation"`
	Category       string    `json:"category,omitempty"`
	RuleIDs        []string  `json:"rule_ids"`
	RulesetVersion string    `json:"ruleset_version,omitempty"`
	Note           string    `json:"note,omitempty"`
	PrevHash       string    `json:"prev_hash"`
	Hash           string    `json:"hash"`
}

func (s *Server) getComment(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return &Error{Status: http.StatusBadRequest, Code: "invalid", Field: "id", Message: "id must be a positive integer"}
	}
	ctx := c.Request.Context()
	cm, err := s.svc.Store().Comment(ctx, id)
	if err != nil {
		return err
	}
	evs, err := s.svc.Store().Events(ctx, id)
	if err != nil {
		return err
	}
	out := commentJSON{
		ID: cm.ID, Source: cm.Source, ExternalID: cm.ExternalID, ThreadID: cm.ThreadID, ParentID: cm.ParentID,
		Author: authorJSON{ID: cm.Author.ID, Name: cm.Author.Name}, Text: cm.Text, Language: cm.Language,
		Status: cm.Status.String(), Category: cm.Category, CreatedAt: cm.CreatedAt, ReceivedAt: cm.ReceivedAt,
		Purged: !cm.PurgedAt.IsZero(), Verdict: cm.Verdict, Events: make([]eventJSON, 0, len(evs)),
	}
	for _, e := range evs {
		out.Events = append(out.Events, toEventJSON(e))
	}
	c.JSON(http.StatusOK, out)
	return nil
}
