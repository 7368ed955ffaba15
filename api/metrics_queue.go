package api

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"vigie/moderation"
)

// queueCollector reads the review queue once per scrape: depth, claimed
// items and the age of the oldest, what an operator pages on.
type queueCollector struct {
	svc                 *moderation.Service
	depth, claimed, age *prometheus.Desc
}

func newQueueCollector(svc *moderation.Service) *queueCollector {
	return &queueCollector{
		svc:     svc,
		depth:   prometheus.NewDesc("vigie_queue_depth", "Comments waiting for review.", nil, nil),
		claimed: prometheus.NewDesc("vigie_queue_claimed", "Comments of the queue claimed by a moderator now.", nil, nil),
		age:     prometheus.NewDesc("vigie_queue_oldest_age_seconds", "Age of the oldest comment waiting for review (0 when empty).", nil, nil),
	}
}

func (q *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- q.depth
	ch <- q.claimed
	ch <- q.age
}

func (q *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := q.svc.QueueStats(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(q.depth, err)
		return
	}
	age := 0.0
	if !st.Oldest.IsZero() {
		age = q.svc.Now().Sub(st.Oldest).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(q.depth, prometheus.GaugeValue, float64(st.Depth))
	ch <- prometheus.MustNewConstMetric(q.claimed, prometheus.GaugeValue, float64(st.Claimed))
	ch <- prometheus.MustNewConstMetric(q.age, prometheus.GaugeValue, age)
}
