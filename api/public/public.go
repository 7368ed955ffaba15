// Package public serves what anyone may read: the landing page, the
// transparency report as an HTML page (French and English, no JavaScript,
// no external assets), the same figures as JSON and CSV, and the report
// API. Its strings are in moderation/i18n (keys pub_*), its errors go
// through api/httperr.
package public

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
	"vigie/reports"
)

// Settings are the page's configuration.
type Settings struct {
	// AuditRate is the share of automated decisions sampled for blind
	// audit (reports.audit_rate), stated in the method section; 0 omits it.
	AuditRate float64
}

// Deps is what the public pages need.
type Deps struct {
	Index *reports.Index
	// Source, when set, is synced into Index before each report so every
	// instance serves the figures up to the latest committed event.
	Source   reports.EventSource
	Policy   func() reports.Policy // the policy in force (rules reload safe)
	Clock    moderation.Clock      // nil: system clock
	Settings Settings
	Log      *slog.Logger // nil: slog.Default()
	// Checkpoints, when set, lists the signed chain heads at
	// /transparency/checkpoints and puts the latest in the report JSON;
	// CheckpointKey is their base64 public key.
	Checkpoints   CheckpointSource
	CheckpointKey string
	// Pages lists the configured pages (pages.go): each has its report at
	// /transparency/p/{id}; nil or empty: the report is the only one.
	Pages func() []reports.PageInfo

	// onBuild, when set, is called at each report built rather than taken
	// from the cache (tests count builds with it).
	onBuild func()
}

type handler struct {
	Deps
	tmpl  *template.Template
	cache *reportCache
}

// Register mounts GET / (the landing page), /transparency,
// /transparency.json, /transparency.csv and /api/v1/report on r. Templates
// are parsed here, once.
func Register(r gin.IRouter, d Deps) {
	if d.Clock == nil {
		d.Clock = moderation.SystemClock{}
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Policy == nil {
		d.Policy = func() reports.Policy { return reports.Policy{} }
	}
	h := &handler{Deps: d, tmpl: parseTemplates(), cache: newReportCache(reportCacheSize, d.onBuild)}
	for _, route := range []struct {
		path string
		h    gin.HandlerFunc
	}{{"/", h.home}, {"/transparency", h.page}, {"/transparency.json", h.json}, {"/transparency.csv", h.csv}, {"/api/v1/report", h.json},
		{"/transparency/checkpoints", h.checkpoints}, {"/transparency/p/:page", h.perPage}} {
		r.GET(route.path, route.h)
		r.HEAD(route.path, route.h) // link checkers and caches ask HEAD first
	}
}

// report syncs the index and computes the figures for the request's period,
// or takes them from the cache when the index has not moved since.
func (h *handler) report(c *gin.Context, pg *reports.PageInfo) (*reports.Report, reports.Period, error) {
	p, err := periodFromQuery(c, h.Index.Location(), h.Clock.Now())
	if err != nil {
		return nil, p, err
	}
	if h.Source != nil {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 5*time.Second)
		defer cancel()
		if _, err := h.Index.SyncIfIdle(ctx, h.Source); err != nil {
			// Serve what we have: the page says "data as of", so stale
			// figures are labelled, never silently wrong.
			h.Log.Error("transparency: sync failed", "err", err)
		}
	}
	r, err := h.cache.get(h.Index, p, reportOptions(h.Policy(), h.Clock.Now(), pg))
	return r, p, err
}

// periodFromQuery reads ?period= (2026, 2026-Q4, 2026-11) or ?from=&to=
// (dates, to exclusive); with neither it is the current month.
func periodFromQuery(c *gin.Context, loc *time.Location, now time.Time) (reports.Period, error) {
	return reports.ReadPeriod(c.Query("period"), c.Query("from"), c.Query("to"), loc, now)
}

func (h *handler) json(c *gin.Context) { h.jsonFor(c, nil) }

func (h *handler) jsonFor(c *gin.Context, pg *reports.PageInfo) {
	r, _, err := h.report(c, pg)
	if err != nil {
		h.failJSON(c, err)
		return
	}
	if cp := h.latestCheckpoint(c); cp != nil {
		withCP := *r // r may be shared (cached): set the field on a copy
		withCP.Checkpoint = cp
		r = &withCP
	}
	c.Header("Content-Type", "application/json; charset=utf-8")
	c.Header("Cache-Control", "public, max-age=60")
	c.Header("Access-Control-Allow-Origin", "*")
	c.Status(http.StatusOK)
	if err := r.WriteJSON(c.Writer); err != nil {
		h.Log.Warn("transparency: write json", "err", err)
	}
}

func (h *handler) csv(c *gin.Context) { h.csvFor(c, nil) }

func (h *handler) csvFor(c *gin.Context, pg *reports.PageInfo) {
	r, p, err := h.report(c, pg)
	if err != nil {
		h.failJSON(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="vigie-transparency-`+fileLabel(p.Label)+`.csv"`)
	c.Header("Cache-Control", "public, max-age=60")
	c.Status(http.StatusOK)
	if err := r.WriteCSV(c.Writer); err != nil {
		h.Log.Warn("transparency: write csv", "err", err)
	}
}

func fileLabel(s string) string {
	return strings.NewReplacer("/", "_", " ", "_").Replace(s)
}

// langOf picks the page language: ?lang=, then the Accept-Language entry
// for French or English with the highest weight (the first of equals; q=0
// means "not this one"), then French.
func langOf(c *gin.Context) string {
	switch q := c.Query("lang"); q {
	case "fr", "en":
		return q
	}
	best, bestQ := "fr", 0
	for _, part := range strings.Split(c.GetHeader("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		lang := strings.ToLower(strings.TrimSpace(tag))
		lang, _, _ = strings.Cut(lang, "-")
		if lang != "fr" && lang != "en" {
			continue
		}
		q, ok := 1000, true
		for _, p := range strings.Split(params, ";") {
			if v, found := strings.CutPrefix(strings.TrimSpace(p), "q="); found {
				q, ok = qvalue(v)
			}
		}
		if ok && q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

// qvalue reads an RFC 9110 weight ("0", "0.8", "1.000") in thousandths.
func qvalue(s string) (int, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if (whole != "0" && whole != "1") || len(frac) > 3 {
		return 0, false
	}
	q := 0
	for i := range 3 {
		d := byte('0')
		if i < len(frac) {
			d = frac[i]
		}
		if d < '0' || d > '9' {
			return 0, false
		}
		q = q*10 + int(d-'0')
	}
	if whole == "1" {
		if q != 0 {
			return 0, false
		}
		q = 1000
	}
	return q, true
}
