package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// result is what one run measured.
type result struct {
	workers int // -1: the server's default
	// steady phase
	sent, errors       int
	p50, p90, p99, max time.Duration
	late               time.Duration // the latest a delivery left after its schedule (all clients busy)
	backlog            float64       // most deliveries waiting in the inbox at one scrape
	catchUp            time.Duration // from the last answer until the inbox was empty
	steadyCPU          float64       // server cores over the steady phase
	// burst phase
	burstComments int
	burstDrain    time.Duration // from the first post until the inbox was empty
	burstCPU      float64       // server cores over the burst
	counted       int           // comments in the public report at the end
}

func (r result) burstPerSec() float64 {
	if r.burstDrain == 0 {
		return 0
	}
	return float64(r.burstComments) / r.burstDrain.Seconds()
}

type driver struct {
	srv     *server
	client  *http.Client
	clients int
}

func newDriver(srv *server, clients int) *driver {
	return &driver{srv: srv, clients: clients,
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}}
}

// send posts one delivery and returns its answer time, or an error for
// anything but a 200.
func (d *driver) send(ctx context.Context, dl delivery) (time.Duration, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", "http://"+d.srv.addr+"/webhooks/facebook", bytes.NewReader(dl.body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", dl.signature)
	t0 := time.Now()
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	return time.Since(t0), nil
}

// steady sends the deliveries on a fixed schedule (perSec a second) from a
// pool of clients, watching the inbox meanwhile, then waits until it is
// empty.
func (d *driver) steady(ctx context.Context, ds []delivery, perSec float64, res *result) error {
	var (
		lats   = make([][]time.Duration, d.clients)
		errs   atomic.Int64
		late   atomic.Int64
		jobs   = make(chan int)
		wg     sync.WaitGroup
		start  = time.Now()
		cpu0   = d.srv.cpuTime()
		peak   float64
		stopMx = make(chan struct{})
		mxDone = make(chan struct{})
	)
	go func() { // the inbox's backlog, every 100 ms
		defer close(mxDone)
		for {
			if m, err := d.srv.metrics(d.client); err == nil {
				peak = max(peak, m["vigie_inbox_pending"])
			}
			select {
			case <-stopMx:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	for w := range d.clients {
		wg.Go(func() {
			for i := range jobs {
				due := start.Add(time.Duration(float64(i) / perSec * float64(time.Second)))
				if l := time.Since(due); l > time.Duration(late.Load()) {
					late.Store(int64(l))
				}
				lat, err := d.send(ctx, ds[i])
				if err != nil {
					errs.Add(1)
					continue
				}
				lats[w] = append(lats[w], lat)
			}
		})
	}
	for i := range ds {
		due := start.Add(time.Duration(float64(i) / perSec * float64(time.Second)))
		select {
		case <-ctx.Done():
		case <-time.After(time.Until(due)):
		}
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	last := time.Now()
	close(stopMx)
	<-mxDone
	if err := d.waitInboxEmpty(ctx); err != nil {
		return err
	}
	res.catchUp = time.Since(last)
	res.steadyCPU = (d.srv.cpuTime() - cpu0).Seconds() / time.Since(start).Seconds()
	res.sent, res.errors, res.late, res.backlog = len(ds), int(errs.Load()), time.Duration(late.Load()), peak
	all := slices.Concat(lats...)
	slices.Sort(all)
	if len(all) > 0 {
		q := func(p float64) time.Duration { return all[int(p*float64(len(all)-1))] }
		res.p50, res.p90, res.p99, res.max = q(0.50), q(0.90), q(0.99), all[len(all)-1]
	}
	return ctx.Err()
}

// burst posts the deliveries as fast as the clients can and times the
// workers until the inbox is empty.
func (d *driver) burst(ctx context.Context, ds []delivery, res *result) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	cpu0, start := d.srv.cpuTime(), time.Now()
	for range d.clients {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(ds)) && ctx.Err() == nil; i = next.Add(1) - 1 {
				if _, err := d.send(ctx, ds[i]); err != nil {
					firstErr.CompareAndSwap(nil, err)
				}
			}
		})
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return fmt.Errorf("burst: %w", err)
	}
	if err := d.waitInboxEmpty(ctx); err != nil {
		return err
	}
	res.burstDrain = time.Since(start)
	res.burstCPU = (d.srv.cpuTime() - cpu0).Seconds() / res.burstDrain.Seconds()
	res.burstComments = 0
	for _, dl := range ds {
		res.burstComments += dl.changes
	}
	return nil
}

// waitInboxEmpty polls /metrics until no delivery waits; a failed one is
// an error (every delivery here is well formed).
func (d *driver) waitInboxEmpty(ctx context.Context) error {
	for {
		m, err := d.srv.metrics(d.client)
		if err != nil {
			return err
		}
		if m["vigie_inbox_failed"] != 0 {
			return fmt.Errorf("%v deliveries failed:\n%s", m["vigie_inbox_failed"], d.srv.tail(10))
		}
		if m["vigie_inbox_pending"] == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("inbox not empty (%v pending): %w\n%s", m["vigie_inbox_pending"], ctx.Err(), d.srv.tail(10))
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// reportedReceived waits for the public report (which follows the log every
// few seconds) to count want comments: every change applied, none twice.
func (d *driver) reportedReceived(ctx context.Context, want int) (int, error) {
	got := -1
	for ctx.Err() == nil {
		resp, err := d.client.Get("http://" + d.srv.addr + "/api/v1/report")
		if err != nil {
			return got, err
		}
		var r struct {
			Headline struct{ Received int } `json:"headline"`
		}
		err = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if err != nil {
			return got, fmt.Errorf("report: %w", err)
		}
		if got = r.Headline.Received; got == want {
			return got, nil
		}
		if got > want {
			return got, fmt.Errorf("the report counts %d comments, %d were sent", got, want)
		}
		time.Sleep(250 * time.Millisecond)
	}
	return got, fmt.Errorf("the report counts %d comments, want %d: %w", got, want, ctx.Err())
}
