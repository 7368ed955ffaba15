package api

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/api/httperr"
	"vigie/moderation/i18n"
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

// rateLimits applies the per-address limits before anything else looks at
// the request (a wrong token would otherwise cost a database lookup): the
// failure bucket first, then the bucket of the route (login, public
// report, appeal, webhook). Health checks are never limited: a load
// balancer behind one address must keep seeing this instance.
func (s *Server) rateLimits() gin.HandlerFunc {
	return func(c *gin.Context) {
		route := c.FullPath()
		if route == "/healthz" || route == "/readyz" {
			c.Next()
			return
		}
		addr := addressKey(c.ClientIP())
		if blocked, wait := s.limits.failures.blocked(addr); blocked {
			s.rateLimited(c, classAuthFailures, wait)
			return
		}
		class, set := s.limits.byAddress(c.Request.Method, route)
		if set != nil {
			if ok, wait := set.allow(addr); !ok {
				s.rateLimited(c, class, wait)
				return
			}
		}
		c.Next()
		if c.Writer.Status() == http.StatusUnauthorized {
			s.limits.failures.spend(addr)
		}
	}
}

// byAddress is the per-address bucket set of a route, if it has one.
func (ls *limiters) byAddress(method, route string) (string, *buckets) {
	switch {
	case method == http.MethodPost && route == "/moderation/login":
		return classLogin, ls.login
	case route == "/transparency" || strings.HasPrefix(route, "/transparency.") ||
		strings.HasPrefix(route, "/transparency/") || route == "/api/v1/report":
		return classPublic, ls.public
	case method == http.MethodPost && route == "/api/v1/comments/:id/appeal":
		return classAppeal, ls.appeal
	case method == http.MethodPost && route == "/webhooks/facebook":
		return classWebhook, ls.webhook
	}
	return "", nil
}

// limitIntake applies the per-token intake limit. It sits after the token
// check, so only accepted tokens get a bucket; the key is the token's
// digest, never the token.
func (s *Server) limitIntake() gin.HandlerFunc {
	return func(c *gin.Context) {
		g, _ := grantOf(c) // requireToken ran first: the grant is set
		if ok, wait := s.limits.intake.allow(g.limitKey); !ok {
			s.rateLimited(c, classIntake, wait)
			return
		}
		c.Next()
	}
}

// rateLimited answers 429 with Retry-After in whole seconds (rounded up):
// a page in the reader's language on the HTML routes, the API's JSON
// error everywhere else.
func (s *Server) rateLimited(c *gin.Context, class string, wait time.Duration) {
	s.limits.limited.WithLabelValues(class).Inc()
	secs := retryAfter(wait)
	c.Header("Retry-After", secs)
	c.Header("Cache-Control", "no-store")
	if !wantsPage(c) {
		s.abort(c, &Error{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Message: "too many requests; retry after " + secs + " s"})
		return
	}
	var remembered string
	if strings.HasPrefix(c.FullPath(), "/moderation/") {
		remembered, _ = c.Cookie(langCookie)
	}
	lang := i18n.Negotiate(c.GetHeader("Accept-Language"), c.Query("lang"), remembered)
	n, _ := strconv.Atoi(secs)
	var buf bytes.Buffer
	err := rateLimitedPage.Execute(&buf, rateLimitedView{Lang: lang, Title: i18n.T(lang, "rate_limited"),
		Message: fmt.Sprintf(i18n.T(lang, "rate_limited_wait"), n), IDLabel: i18n.T(lang, "request_id"), RequestID: requestID(c)})
	if err != nil {
		s.abort(c, fmt.Errorf("render rate limit page: %w", err))
		return
	}
	c.Header("Content-Language", lang)
	c.Data(http.StatusTooManyRequests, "text/html; charset=utf-8", buf.Bytes())
	c.Abort()
}

// wantsPage tells the routes a person reads in a browser from those a
// program reads.
func wantsPage(c *gin.Context) bool {
	route := c.FullPath()
	return !isAPI(c) && (route == "/" || route == "/transparency" || strings.HasPrefix(route, "/moderation/"))
}

type rateLimitedView struct {
	Lang, Title, Message, IDLabel, RequestID string
}

// rateLimitedPage is deliberately bare: it must cost nothing to send (no
// layout, no queue counts, no database) and load nothing.
var rateLimitedPage = template.Must(template.New("rate_limited").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Title}}</title></head>
<body>
<h1>{{.Title}}</h1>
<p role="alert">{{.Message}}</p>
{{with .RequestID}}<p>{{$.IDLabel}} <code>{{.}}</code></p>{{end}}
</body>
</html>
`))
