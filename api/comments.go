package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/api/intake"
	"vigie/rules"
)

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

// decodeJSON decodes exactly one JSON object strictly (intake.DecodeStrict)
// and turns a refusal into a 400 naming the field.
func decodeJSON(body []byte, v any) error {
	return httpInputError(intake.DecodeStrict(body, v))
}

// httpInputError gives an intake refusal its HTTP status.
func httpInputError(err error) error {
	var ie *intake.Error
	if errors.As(err, &ie) {
		return &Error{Status: http.StatusBadRequest, Code: ie.Code, Field: ie.Field, Message: ie.Message}
	}
	return err
}

func (s *Server) postComment(c *gin.Context) error {
	body, err := readBody(c, s.maxBody)
	if err != nil {
		return err
	}
	n, err := intake.Decode(body)
	if err != nil {
		return httpInputError(err)
	}
	n.Canonical()
	if err := sourceAllowed(c, n.Source, "source"); err != nil {
		return err
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
	s.metrics.countIntake(n.Source, label)
	out := intakeResponse{ID: res.Comment.ID, Status: res.Comment.Status.String(), Verdict: res.Verdict}
	if body, ok := out.appendJSON(make([]byte, 0, 512)); ok {
		c.Data(code, jsonContentType, body)
		return nil
	}
	c.JSON(code, out)
	return nil
}

// jsonContentType is what gin's c.JSON sends.
const jsonContentType = "application/json; charset=utf-8"

// appendJSON appends the answer as json.Marshal writes it, without
// reflection: it is written on every intake. ok is false when json.Marshal
// would fail, and c.JSON then answers as it always has.
func (r *intakeResponse) appendJSON(dst []byte) ([]byte, bool) {
	dst = append(dst, `{"id":`...)
	dst = strconv.AppendInt(dst, r.ID, 10)
	dst = append(dst, `,"status":`...)
	dst = rules.AppendJSONString(dst, r.Status)
	dst = append(dst, `,"verdict":`...)
	dst, err := r.Verdict.AppendJSON(dst)
	return append(dst, '}'), err == nil
}

// commentJSON is the answer of GET /api/v1/comments/{id}.
type commentJSON struct {
	ID         int64          `json:"id"`
	Source     string         `json:"source"`
	ExternalID string         `json:"external_id"`
	ThreadID   string         `json:"thread_id,omitempty"`
	ParentID   string         `json:"parent_id,omitempty"`
	Author     intake.Author  `json:"author"`
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
	// Summary says in words what an event that is no decision did:
	// "purged (retention)" for a purge.
	Summary  string `json:"summary,omitempty"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

func (s *Server) getComment(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return &Error{Status: http.StatusBadRequest, Code: "invalid", Field: "id", Message: "id must be a positive integer"}
	}
	if err := s.checkComment(c, id); err != nil { // scope.go: another page's comment
		return err
	}
	ctx := c.Request.Context()
	if _, ok := userOf(c); ok {
		// A moderator could otherwise read the verdict of a comment in an
		// open blind audit here; the source's own token reads its comment.
		if a, open, err := s.svc.InBlindAudit(ctx, id); err != nil {
			return err
		} else if open {
			return &Error{Status: http.StatusConflict, Code: "blind_audit",
				Message: fmt.Sprintf("comment %d is in blind audit %d: decide the audit first", id, a.ID)}
		}
	}
	cm, err := s.svc.Store().Comment(ctx, id)
	if err != nil {
		return err
	}
	if err := sourceAllowed(c, cm.Source, ""); err != nil {
		return err
	}
	evs, err := s.svc.Store().Events(ctx, id)
	if err != nil {
		return err
	}
	out := commentJSON{
		ID: cm.ID, Source: cm.Source, ExternalID: cm.ExternalID, ThreadID: cm.ThreadID, ParentID: cm.ParentID,
		Author: intake.Author{ID: cm.Author.ID, Name: cm.Author.Name}, Text: cm.Text, Language: cm.Language,
		Status: cm.Status.String(), Category: cm.Category, CreatedAt: cm.CreatedAt, ReceivedAt: cm.ReceivedAt,
		Purged: !cm.PurgedAt.IsZero(), Verdict: cm.Verdict, Events: make([]eventJSON, 0, len(evs)),
	}
	for _, e := range evs {
		out.Events = append(out.Events, toEventJSON(e))
	}
	c.JSON(http.StatusOK, out)
	return nil
}
