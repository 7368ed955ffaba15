package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// result is what one run of one scenario measured.
type result struct {
	sc                   scenario
	rep                  int
	acked                int64 // 2xx answers inside the measured window
	created, dup         int64 // of which 201 and 200 (200 = repeat: should stay 0)
	warmCreated          int64 // 201 answers during the warm-up
	fsyncs               int64 // fsync calls of the server, with --count-fsyncs
	errors               int64 // non-2xx answers and transport errors
	errKinds             map[string]int64
	status               map[string]int64 // published / refused / pending, from the answers
	window               time.Duration
	p50, p90, p99, max   time.Duration
	serverCPU, clientCPU time.Duration // CPU time used inside the window
	idle, iowait         float64       // shares of the machine's CPU left idle / waiting for I/O in the window
	rowsPerCommit        float64       // 0 when the server does not export it
	shutdown             time.Duration
}

func (r result) perSec() float64 { return float64(r.acked) / r.window.Seconds() }

// workerStats is one client's tally; merged after the run.
type workerStats struct {
	lat      []time.Duration
	created  int64
	warm     int64
	dup      int64
	errors   int64
	errKinds map[string]int64
	status   map[string]int64
}

type loadOptions struct {
	concurrency int
	warmup      time.Duration
	duration    time.Duration
	maxRequests int64
	logLevel    string
	profileDir  string
	countSyncs  bool
	pgDSN       string
}

var runSeq atomic.Int64

// runScenario starts the scenario's servers, loads them, stops them.
func runScenario(ctx context.Context, bin string, sc scenario, rep int, o loadOptions) (result, error) {
	dsn, token := "data/vigie.db", newToken()
	if sc.db == "postgres" {
		schema, drop, err := newSchema(ctx, o.pgDSN)
		if err != nil {
			return result{}, err
		}
		defer drop()
		dsn = o.pgDSN + " search_path=" + schema
	}
	// One after the other: the first applies the migrations, the others
	// find the schema ready.
	var srvs []*server
	defer func() {
		for _, s := range srvs {
			s.stop()
			os.RemoveAll(s.dir)
		}
	}()
	for range sc.procs {
		srv, err := startServer(ctx, bin, sc, o.logLevel, o.countSyncs, dsn, token)
		if err != nil {
			return result{}, err
		}
		srvs = append(srvs, srv)
	}
	res, err := drive(ctx, srvs, sc, rep, o)
	res.sc, res.rep = sc, rep
	var stopErr error
	for _, srv := range srvs {
		d, e := srv.stop()
		res.shutdown = max(res.shutdown, d)
		stopErr = errors.Join(stopErr, e)
	}
	if srv := srvs[0]; len(srvs) == 1 {
		if n, ok := srv.syncs(); ok && n > 0 && res.rowsPerCommit == 0 {
			// Over the server's whole life (warm-up included): an upper bound
			// on commits, so a lower bound on rows per commit.
			res.rowsPerCommit = float64(res.created+res.warmCreated) / float64(n)
			res.fsyncs = n
		}
	}
	if err == nil && stopErr != nil {
		err = fmt.Errorf("server stop: %w", stopErr)
	}
	return res, err
}

// drive sends the load; client w talks to server w mod len(srvs).
func drive(ctx context.Context, srvs []*server, sc scenario, rep int, o loadOptions) (result, error) {
	clients := make([]*http.Client, len(srvs))
	for i, srv := range srvs {
		tr := &http.Transport{
			// Loopback only: the dialer ignores the URL's host and always
			// connects to the checked 127.0.0.1 address.
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, "tcp", srv.addr)
			},
			MaxIdleConns:        o.concurrency,
			MaxIdleConnsPerHost: o.concurrency,
			MaxConnsPerHost:     o.concurrency,
			IdleConnTimeout:     30 * time.Second,
			DisableCompression:  true,
			ForceAttemptHTTP2:   false,
		}
		defer tr.CloseIdleConnections()
		clients[i] = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	}
	auth := "Bearer " + srvs[0].token

	// Phases: warm-up (answers not counted), then the measured window. The
	// clients stop at the end of the window or when the request budget is
	// spent, whichever comes first.
	var measuring atomic.Bool
	var budget atomic.Int64
	budget.Store(o.maxRequests)
	stopAt := time.Now().Add(o.warmup + o.duration)
	runID := runSeq.Add(1)

	stats := make([]*workerStats, o.concurrency)
	var wg sync.WaitGroup
	for w := range o.concurrency {
		st := &workerStats{errKinds: map[string]int64{}, status: map[string]int64{}}
		stats[w] = st
		gen := newGenerator(uint64(runID)<<32|uint64(w)+1, fmt.Sprintf("%s-%d-r%d-w%d-", sc.name, time.Now().UnixNano(), rep, w))
		client, srv := clients[w%len(srvs)], srvs[w%len(srvs)]
		url := "http://" + srv.addr + "/api/v1/comments"
		wg.Go(func() {
			rd := bytes.NewReader(nil)
			var buf [1024]byte
			for time.Now().Before(stopAt) && ctx.Err() == nil {
				counted := measuring.Load()
				if counted && budget.Add(-1) < 0 {
					return
				}
				rd.Reset(gen.body())
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, rd)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", auth)
				req.ContentLength = int64(rd.Len())
				start := time.Now()
				resp, err := client.Do(req)
				var n int
				if err == nil {
					n, _ = io.ReadFull(resp.Body, buf[:])
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				lat := time.Since(start)
				if !counted {
					if err == nil && resp.StatusCode == http.StatusCreated {
						st.warm++
					}
					continue
				}
				switch {
				case err != nil:
					st.errors++
					st.errKinds["transport"]++
				case resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK:
					st.lat = append(st.lat, lat)
					if resp.StatusCode == http.StatusCreated {
						st.created++
					} else {
						st.dup++
					}
					st.status[statusOf(buf[:n])]++
				default:
					st.errors++
					st.errKinds[fmt.Sprintf("HTTP %d", resp.StatusCode)]++
				}
			}
		})
	}

	var res result
	select {
	case <-time.After(o.warmup):
	case <-ctx.Done():
	}
	counters := func() (rows, commits float64, ok bool) {
		ok = true
		for i, srv := range srvs {
			r, c, have := srv.writeCounters(clients[i])
			rows, commits, ok = rows+r, commits+c, ok && have
		}
		return rows, commits, ok
	}
	serverCPU := func() (d time.Duration) {
		for _, srv := range srvs {
			d += srv.cpuTime()
		}
		return d
	}
	rows0, commits0, haveWrites := counters()
	cpuS0, cpuC0 := serverCPU(), selfCPU()
	idle0, wait0, total0 := machineCPU()
	var profile chan error
	if srv := srvs[0]; o.profileDir != "" && srv.pprof != "" && rep == 1 {
		profile = make(chan error, 1)
		go func() {
			profile <- fetchProfile(srv.pprof, o.duration, filepath.Join(o.profileDir, strings.ReplaceAll(sc.name, "/", "_")+".pprof"))
		}()
	}
	measuring.Store(true)
	t0 := time.Now()
	wg.Wait()
	res.window = time.Since(t0)
	res.serverCPU, res.clientCPU = serverCPU()-cpuS0, selfCPU()-cpuC0
	idle1, wait1, total1 := machineCPU()
	if total1 > total0 {
		res.idle = (idle1 - idle0) / (total1 - total0)
		res.iowait = (wait1 - wait0) / (total1 - total0)
	}
	if rows1, commits1, ok := counters(); ok && haveWrites && commits1 > commits0 {
		res.rowsPerCommit = (rows1 - rows0) / (commits1 - commits0)
	}
	if profile != nil {
		if err := <-profile; err != nil {
			fmt.Fprintln(os.Stderr, "cpu profile:", err)
		}
	}

	res.errKinds, res.status = map[string]int64{}, map[string]int64{}
	var lat []time.Duration
	for _, st := range stats {
		lat = append(lat, st.lat...)
		res.created += st.created
		res.warmCreated += st.warm
		res.dup += st.dup
		res.errors += st.errors
		for k, v := range st.errKinds {
			res.errKinds[k] += v
		}
		for k, v := range st.status {
			res.status[k] += v
		}
	}
	res.acked = int64(len(lat))
	slices.Sort(lat)
	res.p50, res.p90, res.p99 = quantile(lat, 0.50), quantile(lat, 0.90), quantile(lat, 0.99)
	if len(lat) > 0 {
		res.max = lat[len(lat)-1]
	}
	return res, ctx.Err()
}

// statusOf finds "status":"..." in an intake answer without decoding it all:
// decoding would charge the load generator for work that is not the server's.
func statusOf(body []byte) string {
	const key = `"status":"`
	i := bytes.Index(body, []byte(key))
	if i < 0 {
		return "?"
	}
	rest := body[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return "?"
	}
	return string(rest[:j])
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// selfCPU is the load generator's own user+system CPU time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineCPU reads the aggregate "cpu" line of /proc/stat: idle, iowait
// and total ticks.
func machineCPU() (idle, iowait, total float64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, 0
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := bytes.Fields(line)
	for i, v := range f[1:] {
		var x float64
		fmt.Sscan(string(v), &x)
		switch i {
		case 3:
			idle = x
		case 4:
			iowait = x
		}
		if i < 8 { // guest time is already counted in user
			total += x
		}
	}
	return idle, iowait, total
}

// fetchProfile takes a CPU profile of the server over the measured window.
func fetchProfile(addr string, d time.Duration, path string) error {
	secs := max(int(d.Seconds())-1, 1)
	c := &http.Client{Timeout: d + 30*time.Second}
	resp, err := c.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, secs))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("pprof: HTTP %d", resp.StatusCode)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
