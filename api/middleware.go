package api

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/api/httperr"
)

const requestIDKey = httperr.RequestIDKey

var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestIDs gives every request an id, reusing a well-formed X-Request-Id
// from a proxy so one id follows a request across systems.
func requestIDs() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-Id")
		if !safeRequestID.MatchString(id) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set(requestIDKey, id)
		c.Header("X-Request-Id", id)
		c.Next()
	}
}

func requestID(c *gin.Context) string { return c.GetString(requestIDKey) }

// accessLog writes one structured line per request. It never logs bodies,
// query strings or headers: they may carry comment text or tokens.
func (s *Server) accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		s.log.Log(c.Request.Context(), logLevel(status), "request",
			"request_id", requestID(c), "method", methodLabel(c.Request.Method), "route", route,
			"status", status, "bytes", c.Writer.Size(), "duration_ms", float64(time.Since(start).Microseconds())/1000)
		s.metrics.observe(c.Request.Method, route, status, time.Since(start))
	}
}

// recovery turns a panic into a logged 500 with the request id.
func (s *Server) recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				s.abort(c, fmt.Errorf("panic: %v", r))
			}
		}()
		c.Next()
	}
}

// securityHeaders: comment text is hostile wherever it is shown; a strict
// policy is the second line of defence behind html/template's escaping.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		c.Next()
	}
}
