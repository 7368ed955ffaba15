package api

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
)

// The login form has no session yet to hold its CSRF token: it is a
// double-submit cookie instead (a random value both in a cookie and in the
// form; another site can post the form but cannot read the cookie).
const loginCSRFCookie = "vigie_login"

type loginView struct {
	CSRF  string
	Next  string
	Name  string
	Error string
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// secure tells whether the browser reached us over TLS: directly, or
// through a trusted proxy (server.trusted_proxies) that says so. Anyone
// else's X-Forwarded-Proto is ignored: a client talking plain HTTP could
// otherwise pass for HTTPS. Cookies are marked Secure when it holds.
func (s *Server) secure(c *gin.Context) bool {
	if c.Request.TLS != nil {
		return true
	}
	return s.proxies.trust(c) && strings.EqualFold(c.GetHeader("X-Forwarded-Proto"), "https")
}

func (s *Server) setCookie(c *gin.Context, name, value string, maxAge int, path string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure(c), SameSite: http.SameSiteLaxMode})
}

// safeNext keeps a redirect after login inside the moderator UI.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/moderation/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") ||
		strings.HasPrefix(next, "/moderation/login") {
		return "/moderation/"
	}
	return next
}

// GET /moderation/login
func (s *Server) uiLoginForm(c *gin.Context) error {
	if _, ok := userOf(c); ok {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
		return nil
	}
	s.renderLogin(c, http.StatusOK, loginView{Next: safeNext(c.Query("next"))}, "")
	return nil
}

func (s *Server) renderLogin(c *gin.Context, status int, v loginView, errKey string) {
	tok := moderation.RandomToken()
	s.setCookie(c, loginCSRFCookie, tok, 600, "/moderation/login")
	v.CSRF = tok
	if errKey != "" {
		v.Error = errKey
	}
	s.render(c, status, "login", "", v)
}

// POST /moderation/login
func (s *Server) uiLogin(c *gin.Context) error {
	v := loginView{Next: safeNext(c.PostForm("next")), Name: c.PostForm("name")}
	cookie, _ := c.Cookie(loginCSRFCookie)
	form := c.PostForm("csrf")
	if cookie == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(form)) != 1 {
		s.renderLogin(c, http.StatusForbidden, v, "login_stale")
		return nil
	}
	_, tok, err := s.accounts.Login(c.Request.Context(), v.Name, c.PostForm("password"), c.ClientIP())
	var te *moderation.ThrottledError
	switch {
	case errors.As(err, &te):
		c.Header("Retry-After", retryAfter(te.RetryAfter))
		s.renderLogin(c, http.StatusTooManyRequests, v, "login_throttled")
		return nil
	case errors.Is(err, moderation.ErrUnauthorized):
		s.renderLogin(c, http.StatusUnauthorized, v, "login_wrong")
		return nil
	case err != nil:
		return err
	}
	s.setCookie(c, loginCSRFCookie, "", -1, "/moderation/login")
	s.setCookie(c, sessionCookie, tok, int(moderation.SessionTTL/time.Second), "/")
	c.Redirect(http.StatusSeeOther, v.Next)
	return nil
}

// POST /moderation/logout
func (s *Server) uiLogout(c *gin.Context) error {
	if tok, err := c.Cookie(sessionCookie); err == nil && tok != "" {
		if err := s.accounts.Logout(c.Request.Context(), tok); err != nil {
			return err
		}
	}
	s.setCookie(c, sessionCookie, "", -1, "/")
	c.Redirect(http.StatusSeeOther, "/moderation/login?msg=logged_out")
	return nil
}

func retryAfter(d time.Duration) string {
	return strconv.Itoa(int(max(1, (d+time.Second-1)/time.Second)))
}
