package api

import (
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// jsonBodies refuses a JSON API request whose body is declared as anything
// but JSON (415). The body would be decoded as JSON anyway; the check is
// there so that a proxy, a log or a WAF that goes by the declared type
// sees what the server reads, and a form post from another site (which a
// browser may send without a preflight) never reaches a handler.
func (s *Server) jsonBodies() gin.HandlerFunc {
	return func(c *gin.Context) {
		r := c.Request
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch:
		default:
			c.Next()
			return
		}
		if r.ContentLength == 0 {
			c.Next() // nothing to read: POST …/claim and the like
			return
		}
		if !isJSONType(r.Header.Get("Content-Type")) {
			c.Header("Accept", "application/json")
			s.abort(c, &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Field: "Content-Type",
				Message: "the body must be sent as application/json"})
			return
		}
		c.Next()
	}
}

// isJSONType accepts application/json and application/…+json, with
// parameters (charset=utf-8).
func isJSONType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}
