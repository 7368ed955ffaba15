package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

// MetricsOptions say where /metrics is served and who may read it. The
// series name no comment and no person, but queue depth, intake rates and
// latencies tell an outsider how the service is doing: an operator can keep
// them on a private address or behind a token.
type MetricsOptions struct {
	// Elsewhere leaves /metrics off the main router: the caller serves
	// MetricsHandler on its own address (server.metrics_addr).
	Elsewhere bool
	// Token, when set, is required as "Authorization: Bearer <token>". Only
	// its SHA-256 digest is kept, compared in constant time.
	Token string
	// ChainHead reads the last sequence number of the event log (nil
	// leaves vigie_chain_head_seq out).
	ChainHead func(ctx context.Context) (int64, error)
	// Log, when set, is read for vigie_decisions_total
	// (metrics_decisions.go).
	Log EventLog
}

// metricsAccess checks a scrape's token against a digest.
type metricsAccess struct {
	digest []byte // nil: no token required
}

func newMetricsAccess(token string) metricsAccess {
	if token == "" {
		return metricsAccess{}
	}
	d := sha256.Sum256([]byte(token))
	return metricsAccess{digest: d[:]}
}

func (a metricsAccess) allowed(r *http.Request) bool {
	if a.digest == nil {
		return true
	}
	tok, ok := bearerToken(r.Header.Get("Authorization"))
	if !ok {
		return false
	}
	d := sha256.Sum256([]byte(tok))
	return subtle.ConstantTimeCompare(d[:], a.digest) == 1
}

// guard answers 401 to a scrape without the token.
func (a metricsAccess) guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.allowed(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics: a Bearer token is required", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// configure applies the options: the token, the decisions counter and the
// chain head gauge.
func (m *metrics) configure(o MetricsOptions) {
	m.access = newMetricsAccess(o.Token)
	if o.Log != nil {
		m.reg.MustRegister(newDecisionsCollector(o.Log))
	}
	if o.ChainHead != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "vigie_chain_head_seq",
			Help: "Sequence number of the last event of the hash-chained log.",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
			defer cancel()
			seq, err := o.ChainHead(ctx)
			if err != nil {
				return -1 // a read error shows as -1, never as a head gone back
			}
			return float64(seq)
		}))
	}
}

// MetricsHandler serves the Prometheus text format, behind the token when
// one is set: what a separate metrics listener serves.
func (s *Server) MetricsHandler() http.Handler { return s.metrics.access.guard(s.metrics.handler()) }

// mountMetrics adds /metrics to the main router unless it is served
// elsewhere.
func (s *Server) mountMetrics(r gin.IRouter, o MetricsOptions) {
	if !o.Elsewhere {
		r.GET("/metrics", gin.WrapH(s.MetricsHandler()))
	}
}
