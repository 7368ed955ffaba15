// Command facebook measures the Facebook webhook end to end over loopback:
// it builds `vigie`, starts its fake Graph API (`vigie facebook
// fake-graph`) and `vigie serve` on a fresh SQLite file pointed at it, and
// posts signed deliveries of 50 new comments each. Two phases per run:
//
//   - steady: deliveries arrive on a fixed schedule (-rate comments/s, for
//     -d), as Meta would send them; it measures the webhook's answer time
//     while the inbox workers apply what it stores, and whether they keep
//     up (the inbox is empty soon after the last delivery);
//   - burst: -burst deliveries posted as fast as -c clients can, then the
//     time until the inbox is empty: the workers' capacity in comments/s.
//
// Bounded in deliveries and time, loopback only. See ../README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type options struct {
	clients, changes, burst int
	rate                    float64 // comments/s in the steady phase
	steady, timeout         time.Duration
	logLevel                string
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "facebook:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		serverBin = flag.String("server-bin", "", "path to a built vigie binary (default: build ../../cmd/vigie into a temp folder)")
		repo      = flag.String("repo", "../..", "the vigie repository, to build the server from")
		workers   = flag.String("inbox-workers", "default", "values of facebook.inbox_workers to run, comma-separated (default: the key left out)")
		o         options
		reps      int
	)
	flag.IntVar(&o.clients, "c", 16, "concurrent keep-alive clients posting deliveries")
	flag.IntVar(&o.changes, "changes", 50, "new comments per delivery")
	flag.Float64Var(&o.rate, "rate", 2000, "steady phase: comments per second, sent as deliveries on a fixed schedule")
	flag.DurationVar(&o.steady, "d", 15*time.Second, "steady phase: how long to send")
	flag.IntVar(&o.burst, "burst", 200, "burst phase: deliveries posted at once (0: no burst phase)")
	flag.DurationVar(&o.timeout, "timeout", 3*time.Minute, "give up a run after this long")
	flag.StringVar(&o.logLevel, "log-level", "info", "server log.level (info: one access line per request, to a file)")
	flag.IntVar(&reps, "reps", 3, "runs per value of -inbox-workers, interleaved; the table shows medians")
	flag.Parse()
	if o.clients < 1 || o.changes < 1 || o.changes > 1000 || o.rate <= 0 || o.steady <= 0 || o.burst < 0 || reps < 1 {
		return errors.New("need -c ≥ 1, 1 ≤ -changes ≤ 1000, -rate > 0, -d > 0, -burst ≥ 0, -reps ≥ 1")
	}
	var counts []int // -1: the key left out, the server's default
	for _, v := range strings.Split(*workers, ",") {
		if v = strings.TrimSpace(v); v == "default" {
			counts = append(counts, -1)
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 64 {
			return fmt.Errorf("-inbox-workers: %q is not default or a number from 1 to 64", v)
		}
		counts = append(counts, n)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	bin := *serverBin
	if bin == "" {
		tmp, err := os.MkdirTemp("", "vigie-fbbench-bin-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		bin = filepath.Join(tmp, "vigie")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/vigie")
		cmd.Dir, cmd.Stdout, cmd.Stderr = *repo, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build ./cmd/vigie in %s: %w", *repo, err)
		}
	}
	fmt.Fprintf(os.Stderr, "facebook: steady %.0f comments/s for %v, burst %d deliveries, %d changes each, %d clients, %d reps, %d CPUs, %s\n",
		o.rate, o.steady, o.burst, o.changes, o.clients, reps, runtime.NumCPU(), runtime.Version())
	all := make([][]result, len(counts))
	for rep := 1; rep <= reps; rep++ {
		for i, n := range counts {
			r, err := runOnce(ctx, bin, n, o)
			if err != nil {
				return fmt.Errorf("inbox_workers %s, run %d: %w", workersLabel(n), rep, err)
			}
			fmt.Fprintf(os.Stderr, "facebook: workers %s run %d: webhook p50 %v p99 %v, caught up %v after the last delivery; burst %.0f comments/s applied\n",
				workersLabel(n), rep, r.p50, r.p99, r.catchUp.Round(time.Millisecond), r.burstPerSec())
			all[i] = append(all[i], r)
		}
	}
	printReport(os.Stdout, all, o)
	return nil
}

func workersLabel(n int) string {
	if n < 0 {
		return "default"
	}
	return strconv.Itoa(n)
}

// runOnce starts the fake and the server in a temp folder, runs both
// phases, checks the count, and stops both.
func runOnce(ctx context.Context, bin string, workers int, o options) (result, error) {
	res := result{workers: workers}
	dir, err := os.MkdirTemp("", "vigie-fbbench-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	fake, graphURL, err := startFake(ctx, bin, dir)
	if err != nil {
		return res, err
	}
	defer fake.stop()
	secret := randomHex()
	srv, err := startServer(ctx, bin, dir, graphURL, secret, workers, o.logLevel)
	if err != nil {
		return res, err
	}
	defer srv.stop()

	perSec := o.rate / float64(o.changes)
	n := max(1, int(perSec*o.steady.Seconds()))
	ds := makeDeliveries(n+o.burst, o.changes, secret, rand.New(rand.NewPCG(1, uint64(workers+2))))
	d := newDriver(srv, o.clients)
	if err := d.steady(ctx, ds[:n], perSec, &res); err != nil {
		return res, err
	}
	if o.burst > 0 {
		if err := d.burst(ctx, ds[n:], &res); err != nil {
			return res, err
		}
	}
	if res.counted, err = d.reportedReceived(ctx, len(ds)*o.changes); err != nil {
		return res, err
	}
	return res, srv.stop()
}
