// Command load measures the whole Vigie server over loopback: it builds and
// starts `vigie serve` on a fresh SQLite file per run, drives
// POST /api/v1/comments with concurrent keep-alive clients for a bounded
// time, stops the server with SIGTERM, and prints a Markdown table of the
// medians over interleaved repetitions. See ../README.md.
package main

import (
	"context"
	"flag"
	"fmt"
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

// scenario is one server configuration.
type scenario struct {
	name       string
	commit     string // grouped | per-commit
	batchWait  time.Duration
	langDetect bool
	db         string // sqlite | postgres
	procs      int    // vigie serve processes behind the one database
	bin        string // with -compare: this scenario's binary
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		serverBin   = flag.String("server-bin", "", "path to a built vigie binary (default: build ../../cmd/vigie into a temp folder)")
		repo        = flag.String("repo", "../..", "the vigie repository, to build the server from")
		commits     = flag.String("commit", "grouped,per-commit", "commit modes to run: grouped (batch_wait = --batch-wait), per-commit (batch_wait 0)")
		langs       = flag.String("langdetect", "true,false", "values of rules.language_detection to run")
		batchWait   = flag.Duration("batch-wait", 2*time.Millisecond, "database.batch_wait of the grouped mode")
		concurrency = flag.Int("c", 64, "concurrent keep-alive clients")
		duration    = flag.Duration("d", 10*time.Second, "measured duration of one run")
		warmup      = flag.Duration("warmup", 2*time.Second, "warm-up before measuring (answers not counted)")
		maxReq      = flag.Int64("n", 1_000_000, "at most this many measured requests per run")
		reps        = flag.Int("reps", 3, "repetitions of each scenario, interleaved; the table shows medians")
		logLevel    = flag.String("log-level", "info", "server log.level (info = the default, one access line per request, written to a file)")
		cpuprofile  = flag.String("cpuprofile", "", "folder: build the server with a loopback pprof listener and save a CPU profile of the first run of each scenario")
		countFsyncs = flag.Bool("count-fsyncs", false, "run the server under strace (fsync/fdatasync only) to estimate rows per commit when /metrics does not export it")
		raw         = flag.Bool("raw", true, "also print every run")
		dbs         = flag.String("db", "sqlite", "databases to run: sqlite (a fresh file), postgres (a fresh schema of -pg-dsn, through psql)")
		pgDSN       = flag.String("pg-dsn", "host=127.0.0.1 port=5432 user=postgres dbname=test sslmode=disable", "PostgreSQL server for -db postgres (loopback only)")
		compare     = flag.String("compare", "", "LABEL=PATH,LABEL=PATH: run every scenario with each built vigie (interleaved), instead of -server-bin")
		procs       = flag.String("procs", "1", "numbers of vigie serve processes behind one PostgreSQL database (clients spread over them); sqlite runs one")
	)
	flag.Parse()
	if *concurrency < 1 || *duration <= 0 || *reps < 1 || *maxReq < 1 {
		return fmt.Errorf("need -c ≥ 1, -d > 0, -reps ≥ 1, -n ≥ 1")
	}
	scenarios, err := buildScenarios(*commits, *langs, *batchWait)
	if err != nil {
		return err
	}
	if scenarios, err = withDatabases(scenarios, *dbs, *procs); err != nil {
		return err
	}
	if err := checkLoopbackDSN(*pgDSN); err != nil {
		return err
	}
	if scenarios, err = withBinaries(scenarios, *compare); err != nil {
		return err
	}
	if *compare != "" && *cpuprofile != "" {
		return fmt.Errorf("-compare and -cpuprofile do not go together (profiles need a binary built here)")
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	bin := *serverBin
	if *compare == "" && (*cpuprofile != "" || bin == "") {
		tmp, err := os.MkdirTemp("", "vigie-load-bin-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if bin, err = buildServer(ctx, *repo, tmp, *cpuprofile != ""); err != nil {
			return err
		}
		if *cpuprofile != "" {
			if err := os.MkdirAll(*cpuprofile, 0o755); err != nil {
				return err
			}
		}
	}

	o := loadOptions{concurrency: *concurrency, warmup: *warmup, duration: *duration,
		maxRequests: *maxReq, logLevel: *logLevel, profileDir: *cpuprofile, countSyncs: *countFsyncs, pgDSN: *pgDSN}
	fmt.Fprintf(os.Stderr, "load: %d scenarios × %d reps, %d clients, %v (+%v warm-up) each, %d CPUs, %s\n",
		len(scenarios), *reps, *concurrency, *duration, *warmup, runtime.NumCPU(), runtime.Version())

	all := make([][]result, len(scenarios))
	for rep := 1; rep <= *reps; rep++ {
		for i, sc := range scenarios {
			b := bin
			if sc.bin != "" {
				b = sc.bin
			}
			r, err := runScenario(ctx, b, sc, rep, o)
			if err != nil {
				return fmt.Errorf("%s, run %d: %w", sc.name, rep, err)
			}
			fmt.Fprintf(os.Stderr, "load: %-28s run %d: %7.0f acked/s  p50 %-8v p99 %-8v errors %d  server CPU %.2f cores  load CPU %.2f cores\n",
				sc.name, rep, r.perSec(), round(r.p50), round(r.p99), r.errors,
				r.serverCPU.Seconds()/r.window.Seconds(), r.clientCPU.Seconds()/r.window.Seconds())
			all[i] = append(all[i], r)
		}
	}
	printReport(os.Stdout, all, o, *raw)
	return nil
}

func buildScenarios(commits, langs string, batchWait time.Duration) ([]scenario, error) {
	var out []scenario
	for _, c := range strings.Split(commits, ",") {
		var wait time.Duration
		switch c = strings.TrimSpace(c); c {
		case "grouped":
			wait = batchWait
			if wait <= 0 {
				return nil, fmt.Errorf("--batch-wait must be > 0 for grouped")
			}
		case "per-commit":
		default:
			return nil, fmt.Errorf("--commit: unknown mode %q (grouped, per-commit)", c)
		}
		for _, l := range strings.Split(langs, ",") {
			ld, err := strconv.ParseBool(strings.TrimSpace(l))
			if err != nil {
				return nil, fmt.Errorf("--langdetect: %q is not true or false", l)
			}
			name := c + "/lang-on"
			if !ld {
				name = c + "/lang-off"
			}
			out = append(out, scenario{name: name, commit: c, batchWait: wait, langDetect: ld})
		}
	}
	return out, nil
}

// withDatabases multiplies the scenarios by database and, for PostgreSQL,
// by number of server processes.
func withDatabases(in []scenario, dbs, procs string) ([]scenario, error) {
	var ns []int
	for _, p := range strings.Split(procs, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 || n > 4 {
			return nil, fmt.Errorf("--procs: %q is not a number from 1 to 4", p)
		}
		ns = append(ns, n)
	}
	var out []scenario
	for _, db := range strings.Split(dbs, ",") {
		db = strings.TrimSpace(db)
		if db != "sqlite" && db != "postgres" {
			return nil, fmt.Errorf("--db: unknown database %q (sqlite, postgres)", db)
		}
		for _, sc := range in {
			base := sc.name
			sc.db, sc.procs = db, 1
			if db == "sqlite" {
				sc.name = "sqlite/" + sc.name
				out = append(out, sc)
				continue
			}
			for _, n := range ns {
				sc.procs = n
				sc.name = fmt.Sprintf("pg%d/%s", n, base)
				out = append(out, sc)
			}
		}
	}
	return out, nil
}

// withBinaries multiplies the scenarios by the binaries of -compare, each
// scenario of one binary next to the same of the other, so that noise from
// the machine falls on both alike.
func withBinaries(in []scenario, compare string) ([]scenario, error) {
	if compare == "" {
		return in, nil
	}
	var out []scenario
	for _, sc := range in {
		for _, kv := range strings.Split(compare, ",") {
			label, path, ok := strings.Cut(strings.TrimSpace(kv), "=")
			if !ok || label == "" || path == "" {
				return nil, fmt.Errorf("--compare: %q is not LABEL=PATH", kv)
			}
			if _, err := os.Stat(path); err != nil {
				return nil, fmt.Errorf("--compare: %w", err)
			}
			sc := sc
			sc.name, sc.bin = label+"/"+sc.name, path
			out = append(out, sc)
		}
	}
	return out, nil
}

// checkLoopbackDSN refuses a PostgreSQL server anywhere but this machine.
func checkLoopbackDSN(dsn string) error {
	for _, f := range strings.Fields(dsn) {
		if h, ok := strings.CutPrefix(f, "host="); ok && h != "127.0.0.1" && h != "localhost" && h != "::1" && !strings.HasPrefix(h, "/") {
			return fmt.Errorf("--pg-dsn: host %q is not loopback: refusing to send load there", h)
		}
	}
	return nil
}

// pprofOverlay is added to package main of cmd/vigie at build time through
// `go build -overlay`, so profiling needs no change to the repository: when
// VIGIE_BENCH_PPROF=1 it serves net/http/pprof on a loopback port and logs
// the address.
const pprofOverlay = `package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
)

func init() {
	if os.Getenv("VIGIE_BENCH_PPROF") != "1" {
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	fmt.Fprintf(os.Stderr, "msg=pprof addr=%s\n", ln.Addr())
	go http.Serve(ln, mux)
}
`

// buildServer builds cmd/vigie into dir; with pprof, through an overlay
// that adds the profiling listener.
func buildServer(ctx context.Context, repo, dir string, pprof bool) (string, error) {
	abs, err := filepath.Abs(repo)
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "vigie")
	args := []string{"build", "-o", bin}
	if pprof {
		src := filepath.Join(dir, "zz_bench_pprof.go")
		if err := os.WriteFile(src, []byte(pprofOverlay), 0o644); err != nil {
			return "", err
		}
		ov := filepath.Join(dir, "overlay.json")
		target := filepath.Join(abs, "cmd", "vigie", "zz_bench_pprof.go")
		js := fmt.Sprintf(`{"Replace":{%q:%q}}`, target, src)
		if err := os.WriteFile(ov, []byte(js), 0o644); err != nil {
			return "", err
		}
		args = append(args, "-overlay", ov)
	}
	args = append(args, "./cmd/vigie")
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = abs
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/vigie in %s: %w", abs, err)
	}
	fmt.Fprintf(os.Stderr, "load: built %s in %v\n", bin, time.Since(start).Round(time.Millisecond))
	return bin, nil
}
