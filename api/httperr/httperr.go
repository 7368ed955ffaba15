// Package httperr is the one mapping from Vigie's errors to HTTP: the status
// of each domain sentinel, the JSON body every error answer has, and what a
// client may be told. The JSON API and the HTML pages both start from
// Describe, so a 409 means the same thing whichever way it is shown.
//
// It imports no web framework: adapters (gin handlers in api and
// api/public) write the answer themselves.
package httperr

import (
	"errors"
	"net/http"

	"vigie/moderation"
)

// RequestIDKey is where the request-id middleware stores a request's id in
// the request context (gin's c.Set), so every adapter quotes the same id.
const RequestIDKey = "request_id"

// InternalMessage replaces the details of any 5xx: they go to the log, and
// the client gets the request id to quote instead.
const InternalMessage = "internal error; quote the request id when reporting it"

// Error is an error with an HTTP meaning that a handler can return directly,
// for failures that belong to the transport (a body too large, bad JSON, no
// such route) rather than to the domain.
type Error struct {
	Status  int
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Body is the one JSON shape of every error answer:
// {"error":{"code","message","field","request_id"}}.
type Body struct {
	Error Detail `json:"error"`
}

// Detail is what a client is told about an error.
type Detail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// StatusOf is the only table from domain errors to HTTP statuses and codes.
func StatusOf(err error) (int, string) {
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

// Describe turns any error into its status and what the client may see: an
// *Error as it is, a domain error by StatusOf with the field it names, and
// any 5xx with InternalMessage in place of its details. The caller adds the
// request id and logs 5xx errors in full.
func Describe(err error) (int, Detail) {
	var he *Error
	if errors.As(err, &he) {
		return he.Status, Detail{Code: he.Code, Message: he.Message, Field: he.Field}
	}
	status, code := StatusOf(err)
	d := Detail{Code: code, Message: err.Error()}
	var fe *moderation.FieldError
	if errors.As(err, &fe) {
		d.Field, d.Message = fe.Field, fe.Message
	}
	if status >= 500 {
		d.Message = InternalMessage
	}
	return status, d
}
