package public

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
	"vigie/reports"
	"vigie/reports/reportstest"
	"vigie/storage"
)

// century is the longest range the page takes: the request a crowd (or an
// attacker) can make most expensive.
const century = "/transparency.json?from=1970-01-01&to=2069-12-31"

// cachedServer serves the public routes on loopback over a real SQLite log
// of n generated comments, counting the reports it builds.
func cachedServer(t *testing.T, n int) (url string, db *storage.DB, builds *atomic.Int64) {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	db, err := storage.Open(context.Background(), storage.Config{
		Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "vigie.db"), BatchWait: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	src := reportstest.History(7, n, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), 60*24*time.Hour)
	if err := reportstest.Persist(context.Background(), db, src.Events); err != nil {
		t.Fatal(err)
	}
	// Caught up before serving, as the server's background sync does: a
	// request that finds a sync running serves the index as it is.
	ix := reports.NewIndex(reports.Options{})
	if err := ix.Sync(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	builds = new(atomic.Int64)
	r := gin.New()
	Register(r, Deps{
		Index: ix, Source: db,
		Policy: func() reports.Policy { return testPolicy() }, Clock: fixedClock{testNow},
		onBuild: func() { builds.Add(1) },
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv.URL, db, builds
}

// summary is what the tests compare of a report.
type summary struct {
	Status   int
	Received int64
	LastSeq  int64
}

func fetch(t *testing.T, url string) summary {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Error(err)
		return summary{}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Error(err)
	}
	var r reports.Report
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, &r); err != nil {
			t.Errorf("%s: %v: %.200s", url, err, b)
		}
	}
	return summary{Status: resp.StatusCode, Received: r.Cohort.Totals.Received, LastSeq: r.Chain.LastSeq}
}

// Twenty identical requests for a century at the same moment build the
// report once, and all get the same figures.
func TestConcurrentIdenticalReportsBuildOnce(t *testing.T) {
	url, _, builds := cachedServer(t, 300)
	var wg sync.WaitGroup
	got := make([]summary, 20)
	start := make(chan struct{})
	for i := range got {
		wg.Go(func() {
			<-start
			got[i] = fetch(t, url+century)
		})
	}
	close(start)
	wg.Wait()
	for i, s := range got {
		if s != got[0] || s.Status != http.StatusOK || s.Received != 300 {
			t.Errorf("request %d: %+v, want 200 with 300 received like request 0 (%+v)", i, s, got[0])
		}
	}
	if n := builds.Load(); n != 1 {
		t.Errorf("%d builds for 20 identical requests, want 1", n)
	}
	// The CSV and the page are the same figures: no new build either.
	for _, path := range []string{"/transparency.csv?from=1970-01-01&to=2069-12-31", "/transparency?from=1970-01-01&to=2069-12-31&lang=en"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d, %v", path, resp.StatusCode, err)
		}
	}
	if n := builds.Load(); n != 1 {
		t.Errorf("%d builds after the CSV and the page of the same period, want 1", n)
	}
}

// A new event committed to the log shows in the next answer: the cache is
// keyed by the chain head, it never waits for an expiry.
func TestNewEventChangesTheCachedReportAtOnce(t *testing.T) {
	url, db, builds := cachedServer(t, 50)
	before := fetch(t, url+century)
	if again := fetch(t, url+century); again != before || builds.Load() != 1 {
		t.Fatalf("second request: %+v after %+v with %d builds, want the same from 1 build", again, before, builds.Load())
	}
	// One more comment received: a new receipt event at the head.
	more := reportstest.History(99, 1, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Hour)
	if err := reportstest.Persist(context.Background(), db, more.Events[:1]); err != nil {
		t.Fatal(err)
	}
	after := fetch(t, url+century)
	want := summary{Status: http.StatusOK, Received: before.Received + 1, LastSeq: before.LastSeq + 1}
	if after != want {
		t.Errorf("after a new event: %+v, want %+v", after, want)
	}
	if n := builds.Load(); n != 2 {
		t.Errorf("%d builds, want 2 (one per data version)", n)
	}
}

// However many periods are asked for, the cache keeps reportCacheSize
// reports: the least recently used go first.
func TestReportCacheIsBounded(t *testing.T) {
	url, _, builds := cachedServer(t, 20)
	day := func(i int) string {
		d := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)
		return fmt.Sprintf("%s/transparency.json?period=%s", url, d.Format("2006-01-02"))
	}
	n := reportCacheSize + 36
	for i := range n {
		if s := fetch(t, day(i)); s.Status != http.StatusOK {
			t.Fatalf("day %d: status %d", i, s.Status)
		}
	}
	if b := builds.Load(); b != int64(n) {
		t.Fatalf("%d builds for %d distinct days, want one each", b, n)
	}
	fetch(t, day(n-1)) // recent: still kept
	if b := builds.Load(); b != int64(n) {
		t.Errorf("the most recent day was built again (%d builds)", b)
	}
	fetch(t, day(0)) // the oldest: dropped, built again
	if b := builds.Load(); b != int64(n+1) {
		t.Errorf("%d builds after asking the first day again, want %d (it was dropped)", b, n+1)
	}
}

// A page asked with a bad period falls back to the current month from the
// cache, like any request: repeating the bad query builds nothing more.
func TestBadPeriodPageIsCached(t *testing.T) {
	url, _, builds := cachedServer(t, 20)
	for i := range 5 {
		resp, err := http.Get(url + "/transparency?period=not-a-period&lang=en")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("request %d: status %d, want 400", i, resp.StatusCode)
		}
	}
	if n := builds.Load(); n != 1 {
		t.Errorf("%d builds for 5 identical bad-period pages, want 1", n)
	}
}

// The cache itself never holds more than its size.
func TestReportCacheLength(t *testing.T) {
	ix := reports.NewIndex(reports.Options{})
	rc := newReportCache(4, nil)
	for i := range 10 {
		p, err := reports.ParsePeriod(fmt.Sprintf("%d", 2000+i), time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rc.get(ix, p, reports.ReportOptions{Now: testNow}); err != nil {
			t.Fatal(err)
		}
		if l := rc.len(); l > 4 {
			t.Fatalf("after %d periods the cache holds %d reports, want at most 4", i+1, l)
		}
	}
	if l := rc.len(); l != 4 {
		t.Errorf("cache holds %d reports, want 4", l)
	}
}

// BenchmarkCenturyReport is the request of the probe (the JSON report for
// 100 years) over the index of 1,000,000 generated comments, built at each
// request (uncached) and taken from the cache (cached).
func BenchmarkCenturyReport(b *testing.B) {
	bigOnce.Do(func() { // the same index as BenchmarkPage's
		g := reportstest.NewGen(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 365*24*time.Hour)
		bigIx = reports.NewIndex(reports.Options{})
		for id := int64(1); id <= 1_000_000; id++ {
			if err := g.Comment(id, func(e moderation.Event) error { return bigIx.Apply(e) }); err != nil {
				b.Fatal(err)
			}
		}
	})
	gin.SetMode(gin.ReleaseMode)
	for _, c := range []struct {
		name string
		size int
	}{{"uncached", 0}, {"cached", reportCacheSize}} {
		b.Run(c.name, func(b *testing.B) {
			h := &handler{Deps: Deps{Index: bigIx, Policy: func() reports.Policy { return testPolicy() },
				Clock: fixedClock{testNow}, Log: slog.Default()}, tmpl: parseTemplates(), cache: newReportCache(c.size, nil)}
			r := gin.New()
			r.GET("/transparency.json", h.json)
			for b.Loop() {
				w := httptest.NewRecorder()
				r.ServeHTTP(w, httptest.NewRequest("GET", century, nil))
				if w.Code != http.StatusOK {
					b.Fatal(w.Code, w.Body.String())
				}
			}
		})
	}
}
