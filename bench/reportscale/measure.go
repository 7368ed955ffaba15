package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/api/public"
	"vigie/moderation"
	"vigie/reports"
	"vigie/rules"
	"vigie/storage"
)

// query is one period as the public page takes it.
type query struct {
	name, q string
}

var queries = []query{
	{"month", "period=2025-06"},
	{"quarter", "period=2025-Q2"},
	{"year", "period=2025"},
	{"custom 3 weeks", "from=2025-03-03&to=2025-03-24"},
}

func period(q query) reports.Period {
	v, _ := urlValues(q.q)
	if s := v["period"]; s != "" {
		p, err := reports.ParsePeriod(s, time.UTC)
		if err != nil {
			panic(err)
		}
		return p
	}
	p, err := reports.CustomPeriod(v["from"], v["to"], time.UTC)
	if err != nil {
		panic(err)
	}
	return p
}

func urlValues(q string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range bytes.Split([]byte(q), []byte("&")) {
		k, v, _ := bytes.Cut(kv, []byte("="))
		out[string(k)] = string(v)
	}
	return out, nil
}

type stats struct{ median, p90, min, max time.Duration }

func summarize(d []time.Duration) stats {
	slices.Sort(d)
	return stats{median: d[len(d)/2], p90: d[min(len(d)-1, len(d)*9/10)], min: d[0], max: d[len(d)-1]}
}

func (s stats) String() string {
	return fmt.Sprintf("median %8s  p90 %8s  min %8s  max %8s", ms(s.median), ms(s.p90), ms(s.min), ms(s.max))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

func timeIt(runs int, f func() error) (stats, error) {
	for range 2 { // warm up
		if err := f(); err != nil {
			return stats{}, err
		}
	}
	d := make([]time.Duration, 0, runs)
	for range runs {
		t := time.Now()
		if err := f(); err != nil {
			return stats{}, err
		}
		d = append(d, time.Since(t))
	}
	return summarize(d), nil
}

// capped shows a store's log only up to max: an index synced through it is
// max events behind, as an instance is when new events arrive.
type capped struct {
	src reports.EventSource
	max int64
}

func (c *capped) EventsAfter(ctx context.Context, after int64, limit int) ([]moderation.Event, error) {
	if after >= c.max {
		return nil, nil
	}
	return c.src.EventsAfter(ctx, after, int(min(int64(limit), c.max-after)))
}

// EventsAfterLean passes the lean read through when the source has one.
func (c *capped) EventsAfterLean(ctx context.Context, after int64, limit int) ([]moderation.Event, error) {
	l, ok := c.src.(interface {
		EventsAfterLean(context.Context, int64, int) ([]moderation.Event, error)
	})
	if !ok {
		return c.EventsAfter(ctx, after, limit)
	}
	if after >= c.max {
		return nil, nil
	}
	return l.EventsAfterLean(ctx, after, int(min(int64(limit), c.max-after)))
}

// fullOnly hides the store's lean read: Sync then reads the log as it did
// before EventsAfterLean existed (every column, snapshots decoded).
type fullOnly struct{ db *storage.DB }

func (f fullOnly) EventsAfter(ctx context.Context, after int64, limit int) ([]moderation.Event, error) {
	return f.db.EventsAfter(ctx, after, limit)
}

func policy() (reports.Policy, error) {
	rs, err := rules.Load(rules.DefaultSettings(), rules.Options{Languages: []string{"fr", "en"}})
	if err != nil {
		return reports.Policy{}, err
	}
	var p reports.Policy
	for _, c := range rs.Categories() {
		p.Categories = append(p.Categories, reports.Category{
			ID: c.ID, Label: c.Label, Description: c.Description, DSACategory: c.DSACategory,
			Ground: c.Ground, LegalGround: c.LegalGround, Keywords: c.Keywords,
		})
	}
	return p, nil
}

func run(ctx context.Context, path string, m marker, runs int, cpuProf, memProf string, full bool) error {
	store, err := storage.Open(ctx, storage.Config{DSN: path}, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	var db reports.EventSource = store
	how := "EventsAfterLean"
	if full {
		db, how = fullOnly{store}, "EventsAfter (every column)"
	}
	pol, err := policy()
	if err != nil {
		return err
	}
	pid := strconv.Itoa(os.Getpid())

	// (a) Cold start: the whole log from SQLite into a new index.
	runtime.GC()
	rss0, _ := procStatus(pid)
	if cpuProf != "" {
		f, err := os.Create(cpuProf)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	t := time.Now()
	ix, err := reports.Recompute(ctx, db, reports.Options{})
	cold := time.Since(t)
	if cpuProf != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return fmt.Errorf("cold sync: %w", err)
	}
	var ms1 runtime.MemStats
	runtime.ReadMemStats(&ms1)
	rssNoGC, peak := procStatus(pid)
	runtime.GC()
	var ms2 runtime.MemStats
	runtime.ReadMemStats(&ms2)
	rss, _ := procStatus(pid)
	h := ix.Head()
	if h.LastSeq != m.HeadSeq || h.Hash != m.HeadHash {
		return fmt.Errorf("index at %d %s, file head %d %s", h.LastSeq, h.Hash, m.HeadSeq, m.HeadHash)
	}
	fmt.Printf("\n(a) cold start, reports.Recompute over %d events from SQLite via %s: %s (%.0f events/s)\n", h.LastSeq, how, cold.Round(time.Millisecond), float64(h.LastSeq)/cold.Seconds())
	fmt.Printf("    allocated during sync %d MB in %d objects, %d GCs\n",
		(ms1.TotalAlloc-ms0.TotalAlloc)>>20, ms1.Mallocs-ms0.Mallocs, ms1.NumGC-ms0.NumGC)
	fmt.Printf("    after: Go heap in use %d MB (live after GC: HeapAlloc %d MB), Sys %d MB; RSS %d MB before GC, %d MB after, peak %d MB (process RSS before the sync: %d MB)\n",
		ms1.HeapInuse>>20, ms2.HeapAlloc>>20, ms2.Sys>>20, rssNoGC, rss, peak, rss0)
	if memProf != "" {
		f, err := os.Create(memProf)
		if err != nil {
			return err
		}
		if err := pprof.WriteHeapProfile(f); err != nil {
			return err
		}
		f.Close()
	}

	// (b) The JSON report in process: Index.Report + WriteJSON.
	now := time.Now()
	fmt.Printf("\n(b) JSON report, Index.Report + WriteJSON (%d runs each, after 2 warm-up runs)\n", runs)
	var buf bytes.Buffer
	for _, q := range queries {
		p := period(q)
		st, err := timeIt(runs, func() error {
			buf.Reset()
			r, err := ix.Report(p, reports.ReportOptions{Policy: pol, Now: now})
			if err != nil {
				return err
			}
			return r.WriteJSON(&buf)
		})
		if err != nil {
			return err
		}
		fmt.Printf("    %-15s %s  %7d bytes\n", q.name, st, buf.Len())
	}

	// (c) Over HTTP: the real api/public handler on loopback, with the
	// store as Source, so every request pays its Sync as in `vigie serve`.
	gin.SetMode(gin.ReleaseMode)
	eng := gin.New()
	public.Register(eng, public.Deps{Index: ix, Source: db, Policy: func() reports.Policy { return pol },
		Settings: public.Settings{AuditRate: 0.02}})
	srv := httptest.NewServer(eng)
	defer srv.Close()
	fmt.Printf("\n(c) over HTTP (httptest server on loopback, real api/public handler, Sync before each report; %d runs each)\n", runs)
	if err := httpRuns(srv.URL, runs); err != nil {
		return err
	}

	// (d) Sync: nothing new, then 1,000 new events.
	st, err := timeIt(max(runs, 200), func() error { return ix.Sync(ctx, db) })
	if err != nil {
		return err
	}
	fmt.Printf("\n(d) Index.Sync with nothing new (%d runs): %s\n", max(runs, 200), st)
	const delta, steps = 1000, 5
	t = time.Now()
	lag := &capped{src: db, max: h.LastSeq - delta*steps}
	ix2, err := reports.Recompute(ctx, lag, reports.Options{})
	if err != nil {
		return err
	}
	cold2 := time.Since(t)
	d := make([]time.Duration, 0, steps)
	for range steps {
		lag.max += delta
		t := time.Now()
		if err := ix2.Sync(ctx, lag); err != nil {
			return err
		}
		d = append(d, time.Since(t))
	}
	if ix2.Head() != ix.Head() {
		return fmt.Errorf("incremental index ended at %+v, not %+v", ix2.Head(), ix.Head())
	}
	fmt.Printf("    Index.Sync of %d new events (%d samples, the last %d events of the log): %s\n", delta, steps, delta*steps, summarize(d))
	fmt.Printf("    (second cold sync, to %d events: %s)\n", h.LastSeq-delta*steps, cold2.Round(time.Millisecond))
	var a, b bytes.Buffer
	for _, q := range queries {
		a.Reset()
		b.Reset()
		r1, _ := ix.Report(period(q), reports.ReportOptions{Policy: pol, Now: now})
		r2, _ := ix2.Report(period(q), reports.ReportOptions{Policy: pol, Now: now})
		_ = r1.WriteJSON(&a)
		_ = r2.WriteJSON(&b)
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			return fmt.Errorf("%s: the incrementally synced index reports differently from the recomputed one", q.name)
		}
	}
	fmt.Printf("    incremental and recomputed indexes give byte-identical JSON for all four periods\n")
	runtime.KeepAlive(ix2)
	return nil
}

// httpRuns times GET of the page (fr and en) and of the JSON for every
// period against a server at base.
func httpRuns(base string, runs int) error {
	client := &http.Client{Timeout: 30 * time.Second}
	get := func(u string) (int, error) {
		resp, err := client.Get(u)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		if err != nil {
			return 0, err
		}
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("GET %s: %s", u, resp.Status)
		}
		return int(n), nil
	}
	for _, path := range []struct{ name, p, extra string }{
		{"page fr", "/transparency?", "&lang=fr"},
		{"page en", "/transparency?", "&lang=en"},
		{"json", "/transparency.json?", ""},
	} {
		for _, q := range queries {
			u := base + path.p + q.q + path.extra
			var size int
			st, err := timeIt(runs, func() error {
				n, err := get(u)
				size = n
				return err
			})
			if err != nil {
				return err
			}
			fmt.Printf("    %-8s %-15s %s  %7d bytes\n", path.name, q.name, st, size)
		}
	}
	return nil
}
