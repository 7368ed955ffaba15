package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics uses its own registry so tests can build many servers in one
// process without colliding on the global one.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	intake   *prometheus.CounterVec
	access   metricsAccess  // metrics_access.go
	timing   *timingMetrics // metrics_timing.go
}

// scrapeTimeout bounds the database reads of one scrape.
const scrapeTimeout = 2 * time.Second

// WriteStats are the storage writer's counters, exported so rows per commit
// (requests ÷ commits) can be watched.
type WriteStats func() (requests, commits int64)

func newMetrics(ws WriteStats) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "vigie_http_request_duration_seconds",
		Help:    "HTTP requests by route and status.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"method", "route", "code"})
	m.intake = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vigie_intake_comments_total",
		Help: "Comments taken in, by kind of source (api, facebook, …) and resulting status (duplicate for a repeat delivery).",
	}, []string{"source_kind", "status"})
	if ws != nil {
		m.reg.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "vigie_storage_write_requests_total",
				Help: "Writes (intakes, transitions) answered from a committed transaction.",
			}, func() float64 { r, _ := ws(); return float64(r) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "vigie_storage_commits_total",
				Help: "Transactions committed by the group-commit writer.",
			}, func() float64 { _, c := ws(); return float64(c) }),
		)
	}
	m.timing = newTimingMetrics(m.reg)
	m.reg.MustRegister(m.requests, m.intake,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(method, route string, code int, d time.Duration) {
	m.requests.WithLabelValues(methodLabel(method), route, strconv.Itoa(code)).Observe(d.Seconds())
}

// countIntake counts one intake answer. The source's kind (what comes
// before the colon) is the label, never the full source: pages and API
// clients are many, kinds are few.
func (m *metrics) countIntake(source, status string) {
	m.intake.WithLabelValues(sourceKindLabel(source), status).Inc()
}

// sourceKindLabel keeps the label to the kinds Vigie writes; anything else
// (a new kind not yet listed) is "other".
func sourceKindLabel(source string) string {
	kind, _, _ := strings.Cut(source, ":")
	switch kind {
	case "api", "facebook", "import":
		return kind
	}
	return "other"
}

// methodLabel keeps the label's values to the methods HTTP defines: a
// made-up method would otherwise add a series per request, and anyone can
// send one without a token.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// CountFunc exports a counter that f reads (a total kept elsewhere, such
// as the checkpoint loop's in cmd/vigie), with constant labels.
func (s *Server) CountFunc(name, help string, labels map[string]string, f func() float64) {
	s.metrics.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels}, f))
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
