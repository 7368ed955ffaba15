package api

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
)

// Error is an error with an HTTP meaning that a handler can return directly,
// for failures that belong to the transport (a body too large, bad JSON).
type Error struct {
	Status  int
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// errorBody is the one JSON shape of every API error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// statusOf is the only table from domain errors to HTTP statuses.
func statusOf(err error) (int, string) {
	switch {
	case errors.Is(err, moderation.ErrInvalid):
		return http.StatusBadRequest, "invalid"
	case errors.Is(err, moderation.ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, moderation.ErrInvalidTransition), errors.Is(err, moderation.ErrConflict):
		return http.StatusConflict, "conflict"
	case errors.Is(err, moderation.ErrUnauthorized):
		return http.StatusUnauthorized, "unauthorized"
	case errors.Is(err, moderation.ErrForbidden):
		return http.StatusForbidden, "forbidden"
	case errors.Is(err, moderation.ErrUnavailable):
		return http.StatusServiceUnavailable, "unavailable"
	}
	return http.StatusInternalServerError, "internal"
}

// describe turns any error into what the client may see. 5xx details stay in
// the log; the client gets a short message and the request id to quote.
func describe(err error) (int, errorDetail) {
	var he *Error
	if errors.As(err, &he) {
		return he.Status, errorDetail{Code: he.Code, Message: he.Message, Field: he.Field}
	}
	status, code := statusOf(err)
	d := errorDetail{Code: code, Message: err.Error()}
	var fe *moderation.FieldError
	if errors.As(err, &fe) {
		d.Field, d.Message = fe.Field, fe.Message
	}
	if status >= 500 {
		d.Message = "internal error; quote the request id when reporting it"
	}
	return status, d
}

// handle adapts a handler that returns an error into a gin handler that
// answers JSON errors.
func (s *Server) handle(fn func(*gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			s.abort(c, err)
		}
	}
}

// abort writes err as the JSON error answer.
func (s *Server) abort(c *gin.Context, err error) {
	status, d := describe(err)
	d.RequestID = requestID(c)
	if status >= 500 {
		s.log.Error("request failed", "request_id", d.RequestID, "path", c.FullPath(), "err", err)
	}
	if status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="vigie"`)
	}
	c.AbortWithStatusJSON(status, errorBody{Error: d})
}

// logLevel keeps expected client errors out of the error level.
func logLevel(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}
