package api

import (
	"context"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"vigie/moderation"
)

// EventLog is the log as the decisions counter reads it (storage.DB is one).
type EventLog interface {
	Head(ctx context.Context) (seq int64, hash string, err error)
	// EventsAfterLean returns up to limit events after a sequence number,
	// without their snapshots.
	EventsAfterLean(ctx context.Context, after int64, limit int) ([]moderation.Event, error)
}

// decisionsCollector counts the decisions of the log by action and route,
// reading at each scrape only the events appended since the last one. It
// starts at the head the first scrape finds, as any counter starts at zero
// with its process; since it reads the log, on several instances over one
// database each counts every instance's decisions (sum them with max(),
// not sum()).
type decisionsCollector struct {
	log  EventLog
	desc *prometheus.Desc

	mu      sync.Mutex
	started bool
	after   int64
	counts  map[[2]string]float64
}

// decisionsPage bounds the events one scrape reads; the rest wait for the
// next scrape.
const decisionsPage, decisionsPages = 5000, 20

func newDecisionsCollector(log EventLog) *decisionsCollector {
	return &decisionsCollector{log: log, counts: map[[2]string]float64{},
		desc: prometheus.NewDesc("vigie_decisions_total",
			"Decisions recorded in the event log since this process started, by action (publish, refuse, review, withdraw, confirm: a decision that kept the status) and route (rules, review, appeal, audit…). Purges are no decision and are not counted.",
			[]string{"action", "route"}, nil)}
}

func (d *decisionsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- d.desc }

func (d *decisionsCollector) Collect(ch chan<- prometheus.Metric) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if err := d.catchUp(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(d.desc, err)
		return
	}
	for k, v := range d.counts {
		ch <- prometheus.MustNewConstMetric(d.desc, prometheus.CounterValue, v, k[0], k[1])
	}
}

func (d *decisionsCollector) catchUp(ctx context.Context) error {
	if !d.started {
		seq, _, err := d.log.Head(ctx)
		if err != nil {
			return err
		}
		d.after, d.started = seq, true
	}
	for range decisionsPages {
		evs, err := d.log.EventsAfterLean(ctx, d.after, decisionsPage)
		if err != nil {
			return err
		}
		for i := range evs {
			if a := decisionAction(&evs[i]); a != "" {
				d.counts[[2]string{a, evs[i].Route.String()}]++
			}
			d.after = evs[i].Seq
		}
		if len(evs) < decisionsPage {
			return nil
		}
	}
	return nil
}

// decisionAction names what an event decided, "" for an event that is no
// decision (a purge, a page's crisis event).
func decisionAction(e *moderation.Event) string {
	if e.IsPurge() || e.CommentID == 0 || e.Route == moderation.RouteCrisis {
		return ""
	}
	if e.From == e.To {
		return "confirm"
	}
	switch e.To {
	case moderation.StatusPublished:
		return moderation.Publish
	case moderation.StatusRefused:
		return moderation.Refuse
	case moderation.StatusPending:
		return "review"
	case moderation.StatusWithdrawn:
		return "withdraw"
	}
	return "" // unreachable for a checked event
}
