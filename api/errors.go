package api

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"vigie/api/httperr"
)

// Error is an error with an HTTP meaning that a handler can return directly,
// for failures that belong to the transport (a body too large, bad JSON).
// It is httperr's type, so api and api/public answer it alike.
type Error = httperr.Error

// describe turns any error into what the client may see, from the one
// table in api/httperr: 5xx details stay in the log, the client gets a
// short message and the request id to quote.
func describe(err error) (int, httperr.Detail) { return httperr.Describe(err) }

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
	c.AbortWithStatusJSON(status, httperr.Body{Error: d})
}

// logLevel keeps expected client errors out of the error level.
func logLevel(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}
