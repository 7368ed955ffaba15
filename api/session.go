package api

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
)

// Who is asking: a signed-in browser (session cookie, CSRF token on every
// change) or a script with a personal token (Bearer, no CSRF: a browser
// never sends it on its own).

const (
	sessionCookie = "vigie_session"
	userKey       = "vigie_user"
	sessionKey    = "vigie_session"
)

// authenticate finds the user of the request, if any, and checks the CSRF
// token of a change made with a session cookie. It never refuses a request
// for lacking a user: requireUser does.
func (s *Server) authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := s.capForm(c); err != nil {
			s.fail(c, err)
			return
		}
		if s.accounts == nil {
			c.Next()
			return
		}
		ctx := c.Request.Context()
		if tok, ok := bearer(c); ok {
			u, err := s.accounts.TokenUser(ctx, tok)
			if err != nil && !errors.Is(err, moderation.ErrUnauthorized) {
				s.fail(c, err)
				return
			}
			if err == nil {
				c.Set(userKey, u)
			}
			c.Next()
			return
		}
		cookie, err := c.Cookie(sessionCookie)
		if err != nil || cookie == "" {
			c.Next()
			return
		}
		sess, u, err := s.accounts.SessionUser(ctx, cookie)
		switch {
		case errors.Is(err, moderation.ErrUnauthorized):
			c.Next()
			return
		case err != nil:
			s.fail(c, err)
			return
		}
		if !safeMethod(c.Request.Method) && !validCSRF(c, sess.CSRF) {
			s.fail(c, &Error{Status: http.StatusForbidden, Code: "csrf", Message: "the form is out of date or did not come from this site; reload the page"})
			return
		}
		c.Set(userKey, u)
		c.Set(sessionKey, sess)
		c.Next()
	}
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// validCSRF compares the request's token (form field or header) with the
// session's, in constant time.
func validCSRF(c *gin.Context, want string) bool {
	got := c.GetHeader("X-CSRF-Token")
	if got == "" && strings.HasPrefix(c.ContentType(), "application/x-www-form-urlencoded") {
		got = c.PostForm("csrf")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func bearer(c *gin.Context) (string, bool) { return bearerToken(c.GetHeader("Authorization")) }

// bearerToken reads an Authorization header's Bearer token: the one
// reading for the API and a separate /metrics listener alike.
func bearerToken(authorization string) (string, bool) {
	tok, ok := strings.CutPrefix(authorization, "Bearer ")
	return strings.TrimSpace(tok), ok
}

// requireUser lets through a user who has p. Without a user: 401 under
// /api, the login page elsewhere; with a user lacking p: 403.
func (s *Server) requireUser(p moderation.Permission) gin.HandlerFunc {
	return func(c *gin.Context) {
		u, ok := userOf(c)
		switch {
		case !ok && !isAPI(c) && safeMethod(c.Request.Method):
			c.Redirect(http.StatusSeeOther, "/moderation/login?next="+urlQueryEscape(c.Request.URL.RequestURI()))
			c.Abort()
		case !ok:
			s.fail(c, &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "sign in, or send a personal API token as Bearer"})
		case !u.Can(p):
			s.fail(c, &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "your role does not allow this"})
		default:
			c.Next()
		}
	}
}

// userOf returns the request's user, if it has one.
func userOf(c *gin.Context) (moderation.User, bool) {
	v, ok := c.Get(userKey)
	if !ok {
		return moderation.User{}, false
	}
	u, ok := v.(moderation.User)
	return u, ok
}

// currentUser is the user of a route behind requireUser.
func currentUser(c *gin.Context) moderation.User {
	u, _ := userOf(c)
	return u
}

// can reports whether the request's user has p.
func can(c *gin.Context, p moderation.Permission) bool {
	u, ok := userOf(c)
	return ok && u.Can(p)
}

// csrfToken is the session's CSRF token for the page's forms.
func csrfToken(c *gin.Context) string {
	if v, ok := c.Get(sessionKey); ok {
		return v.(moderation.Session).CSRF
	}
	return ""
}

func isAPI(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, "/api/") }

// fail answers an error as JSON under /api and as a page elsewhere: the
// one adapter every guard and handler goes through.
func (s *Server) fail(c *gin.Context, err error) {
	var te *moderation.ThrottledError
	if errors.As(err, &te) {
		c.Header("Retry-After", retryAfter(te.RetryAfter))
		err = &Error{Status: http.StatusTooManyRequests, Code: "too_many_requests", Message: te.Error()}
	}
	if isAPI(c) {
		s.abort(c, err)
		return
	}
	s.uiError(c, err)
}

// intakeOrUser lets through an API token carrying scope (a source acting
// for its author: an appeal, reading back a comment it sent; the handler
// checks the comment's source with sourceAllowed) or a user who has p.
func (s *Server) intakeOrUser(scope string, p moderation.Permission) gin.HandlerFunc {
	user := s.requireUser(p)
	return func(c *gin.Context) {
		if _, ok := userOf(c); !ok {
			if tok, ok := bearer(c); ok {
				if g, ok := s.tokens.Lookup(tok); ok {
					if !g.Can(scope) {
						s.abort(c, scopeMissing(scope))
						return
					}
					c.Set(grantKey, g)
					c.Next()
					return
				}
			}
		}
		user(c)
	}
}

// capForm bounds the body of a page's form (server.max_body_bytes, as the
// JSON API does) and reads it now: the CSRF check and the handlers read
// forms, and without a cap a 10 MB form would be read whole into memory.
// The JSON API and the webhook read their bodies with caps of their own.
func (s *Server) capForm(c *gin.Context) error {
	if safeMethod(c.Request.Method) || isAPI(c) || strings.HasPrefix(c.Request.URL.Path, "/webhooks/") {
		return nil
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.maxBody)
	if err := c.Request.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: "the form is too large"}
		}
		return &Error{Status: http.StatusBadRequest, Code: "bad_form", Message: "the form could not be read"}
	}
	return nil
}
