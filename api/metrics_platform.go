package api

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"vigie/moderation"
)

// InboxCounts counts the platform inbox's deliveries (storage.DB does).
type InboxCounts interface {
	InboxStats(ctx context.Context) (pending, failed int64, err error)
}

// OutboxCounts summarises the actions owed to platforms (storage.DB does).
type OutboxCounts interface {
	OutboxStats(ctx context.Context) (moderation.OutboxStats, error)
}

// platformCollector reads the inbox and the outbox once per scrape: what
// waits to be applied, what waits to be done on the page, and what failed
// for good, an expired page token above all (the alerts).
type platformCollector struct {
	inbox  InboxCounts
	outbox OutboxCounts
	now    func() time.Time

	inboxPending, inboxFailed                         *prometheus.Desc
	outboxPending, outboxFailed, outboxAlerts, oldest *prometheus.Desc
}

func newPlatformCollector(inbox InboxCounts, outbox OutboxCounts) *platformCollector {
	return &platformCollector{
		inbox: inbox, outbox: outbox, now: time.Now,
		inboxPending: prometheus.NewDesc("vigie_inbox_pending", "Webhook deliveries stored and not yet applied.", nil, nil),
		inboxFailed:  prometheus.NewDesc("vigie_inbox_failed", "Webhook deliveries that could not be read, kept for a person to look at.", nil, nil),
		outboxPending: prometheus.NewDesc("vigie_outbox_pending",
			"Actions owed to a platform (hide, unhide, delete) not yet confirmed.", nil, nil),
		outboxFailed: prometheus.NewDesc("vigie_outbox_failed",
			"Actions owed to a platform given up on (a permanent error, or too many attempts).", nil, nil),
		outboxAlerts: prometheus.NewDesc("vigie_outbox_alerts",
			"Failed actions an admin must act on (an expired or revoked page token).", nil, nil),
		oldest: prometheus.NewDesc("vigie_outbox_oldest_pending_age_seconds",
			"Age of the oldest action owed to a platform (0 when none).", nil, nil),
	}
}

func (p *platformCollector) Describe(ch chan<- *prometheus.Desc) {
	if p.inbox != nil {
		ch <- p.inboxPending
		ch <- p.inboxFailed
	}
	if p.outbox != nil {
		ch <- p.outboxPending
		ch <- p.outboxFailed
		ch <- p.outboxAlerts
		ch <- p.oldest
	}
}

func (p *platformCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
	}
	if p.inbox != nil {
		if pending, failed, err := p.inbox.InboxStats(ctx); err != nil {
			ch <- prometheus.NewInvalidMetric(p.inboxPending, err)
		} else {
			gauge(p.inboxPending, float64(pending))
			gauge(p.inboxFailed, float64(failed))
		}
	}
	if p.outbox != nil {
		st, err := p.outbox.OutboxStats(ctx)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(p.outboxPending, err)
			return
		}
		age := 0.0
		if !st.OldestPending.IsZero() {
			age = max(p.now().Sub(st.OldestPending).Seconds(), 0)
		}
		gauge(p.outboxPending, float64(st.Pending))
		gauge(p.outboxFailed, float64(st.Failed))
		gauge(p.outboxAlerts, float64(st.Alerts))
		gauge(p.oldest, age)
	}
}
