// Package api is Vigie's HTTP adapter: the REST intake and read API, health
// and metrics, and the mounting point of the public pages and moderator UI.
// Handlers are thin: decode, call the domain, encode.
package api

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
)

// Deps is what the HTTP server needs; cmd/vigie wires it.
type Deps struct {
	Service *moderation.Service
	Tokens  *Tokens
	// Accounts signs moderators in; nil leaves the UI and its API closed.
	Accounts     *moderation.Accounts
	Log          *slog.Logger
	MaxBodyBytes int64
	// Ping reports whether the database answers (for /healthz).
	Ping func(context.Context) error
	// Ready reports whether a write can commit (for /readyz).
	Ready func(context.Context) error
	// WriteStats, when set, exports the storage writer's counters.
	WriteStats WriteStats
	// Reporting gives the admin pages the report and the statements of
	// reasons; zero leaves them out.
	Reporting Reporting
	// RulesAdmin lets the admin page try candidate rules.
	RulesAdmin RulesAdmin
	// Models shows admins the candidate models trained from the
	// moderators' decisions; nil leaves the page out.
	Models ModelsAdmin
	// Platform shows admins the actions owed to the pages (the outbox);
	// nil leaves the page out.
	Platform PlatformAdmin
	// Mount adds more routes (the public pages) to the router.
	Mount []func(gin.IRouter)
	// Facebook mounts the Facebook webhook (/webhooks/facebook) and the
	// inbox and outbox gauges; nil leaves them out.
	Facebook *FacebookDeps
	// Limits are the request rates answered 429 beyond (zero: none).
	Limits Limits
	// TrustedProxies are the addresses or CIDRs whose X-Forwarded-For is
	// believed for the client address, and X-Forwarded-Proto for its
	// scheme; none by default, so a client cannot pick the address its
	// limits are counted against, nor pass plain HTTP off as HTTPS.
	TrustedProxies []string
	// Metrics say where /metrics is served and who may read it
	// (metrics_access.go).
	Metrics MetricsOptions
}

// Server holds the router and its dependencies.
type Server struct {
	svc        *moderation.Service
	tokens     *Tokens
	accounts   *moderation.Accounts
	platform   PlatformAdmin
	log        *slog.Logger
	maxBody    int64
	ping       func(context.Context) error
	ready      func(context.Context) error
	metrics    *metrics
	engine     *gin.Engine
	ui         uiPages
	reporting  Reporting
	rulesAdmin RulesAdmin
	models     ModelsAdmin
	limits     *limiters
	// proxies may say the client's scheme (X-Forwarded-Proto), as gin
	// lets them say its address.
	proxies proxies
}

func init() { gin.SetMode(gin.ReleaseMode) }

// New builds the HTTP handler.
func New(d Deps) *Server {
	s := &Server{svc: d.Service, tokens: d.Tokens, accounts: d.Accounts, platform: d.Platform, log: d.Log, maxBody: d.MaxBodyBytes, ping: d.Ping, ready: d.Ready, metrics: newMetrics(d.WriteStats), ui: parseUI(), reporting: d.Reporting, rulesAdmin: d.RulesAdmin}
	s.models = d.Models
	s.limits = newLimiters(d.Limits, s.metrics.reg)
	s.metrics.configure(d.Metrics)
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.svc != nil {
		s.metrics.reg.MustRegister(newQueueCollector(s.svc))
	}
	if s.tokens == nil {
		s.tokens = NewTokens(nil)
	}
	if s.maxBody <= 0 {
		s.maxBody = 1 << 20
	}
	r := gin.New()
	r.HandleMethodNotAllowed = true
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil { // config.Validate checks them first
		s.log.Error("server.trusted_proxies refused; no proxy is trusted", "err", err)
		_ = r.SetTrustedProxies(nil)
	} else if s.proxies, err = parseProxies(d.TrustedProxies); err != nil {
		s.log.Error("server.trusted_proxies refused; no proxy is trusted", "err", err)
		_ = r.SetTrustedProxies(nil)
	}
	r.Use(requestIDs(), s.accessLog(), s.recovery(), securityHeaders(), s.rateLimits(), s.authenticate())
	r.NoRoute(func(c *gin.Context) {
		s.abort(c, &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such route"})
	})
	r.NoMethod(func(c *gin.Context) {
		s.abort(c, &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Message: "method not allowed on this route"})
	})

	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	s.mountMetrics(r, d.Metrics)

	v1 := r.Group("/api/v1", s.jsonBodies())
	{
		authed := v1.Group("", s.requireToken(ScopeIntake), s.limitIntake())
		authed.POST("/comments", s.handle(s.postComment))
	}
	v1.GET("/comments/:id", s.intakeOrUser(ScopeRead, moderation.PermRead), s.handle(s.getComment))
	s.mountModeration(r)
	if d.Facebook != nil {
		s.mountFacebook(r, *d.Facebook)
	}
	for _, m := range d.Mount {
		m(r)
	}
	s.engine = r
	return s
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }

func (s *Server) healthz(c *gin.Context) {
	if s.ping != nil {
		if err := s.ping(c.Request.Context()); err != nil {
			s.log.Error("health check failed", "err", err)
			c.Header("Retry-After", "5")
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "database": "down"})
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "ruleset_version": s.svc.Rules().Version()})
}

// readyz says whether this instance can take traffic: a write commits. A
// load balancer stops sending intake here while it is 503.
func (s *Server) readyz(c *gin.Context) {
	if s.ready != nil {
		if err := s.ready(c.Request.Context()); err != nil {
			s.log.Error("readiness check failed", "err", err)
			c.Header("Retry-After", "5")
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "database": "cannot commit"})
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
