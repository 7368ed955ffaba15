package api

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"vigie/moderation"
)

// timingMetrics are the histograms the domain and the storage writer fill
// through hooks cmd/vigie wires (Server.ClassifyObserver and
// Server.BatchObserver): neither moderation nor storage imports prometheus.
type timingMetrics struct {
	classify, language   prometheus.Histogram
	batchRows, commitDur prometheus.Histogram
}

// classifyBuckets span the rules' work on one comment: a few microseconds
// for a short text, tens of milliseconds for a long one with a model.
var classifyBuckets = []float64{5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2}

func newTimingMetrics(reg prometheus.Registerer) *timingMetrics {
	t := &timingMetrics{
		classify: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "vigie_classify_duration_seconds",
			Help:    "Time the rules took to judge one comment (intake and platform edits).",
			Buckets: classifyBuckets,
		}),
		language: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "vigie_language_detection_duration_seconds",
			Help: "Time language detection took within classify, for comments it ran on (rules.language_detection).",
			// A microsecond or two for a short comment: finer at the bottom.
			Buckets: append([]float64{1e-6, 2.5e-6}, classifyBuckets...),
		}),
		batchRows: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "vigie_storage_batch_rows",
			Help: "Write requests committed together in one transaction by the group-commit writer.",
			// Up to 8 times the default database.batch_max (128).
			Buckets: prometheus.ExponentialBuckets(1, 2, 11),
		}),
		commitDur: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "vigie_storage_commit_duration_seconds",
			Help:    "Time one group-commit transaction took, from its start to its commit.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
	}
	reg.MustRegister(t.classify, t.language, t.batchRows, t.commitDur)
	return t
}

var _ moderation.Observer = (*timingMetrics)(nil)

// ObserveClassify records one comment's classify time, and its language
// detection's when detection ran (a zero means it was off).
func (t *timingMetrics) ObserveClassify(total, lang time.Duration) {
	t.classify.Observe(total.Seconds())
	if lang > 0 {
		t.language.Observe(lang.Seconds())
	}
}

// observeBatch records one committed writer transaction.
func (t *timingMetrics) observeBatch(requests int, d time.Duration) {
	t.batchRows.Observe(float64(requests))
	t.commitDur.Observe(d.Seconds())
}

// ClassifyObserver fills the classify and language-detection histograms;
// cmd/vigie hands it to moderation.Service.SetObserver.
func (s *Server) ClassifyObserver() moderation.Observer { return s.metrics.timing }

// BatchObserver fills the writer's batch-size and commit-time histograms;
// cmd/vigie hands it to storage.DB.SetBatchObserver.
func (s *Server) BatchObserver() func(requests int, d time.Duration) {
	return s.metrics.timing.observeBatch
}
