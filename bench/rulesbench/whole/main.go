// Command whole compares whole processes on the same comments: `vigie
// classify` against a small program around github.com/TwiN/go-away's
// IsProfane (../goawaylines), each reading the same file of one comment per
// line and writing one line per comment. It builds both, builds the corpus
// from the shared labelled data, runs the two programs alternately several
// times, and prints the medians per comment, their ratio, and the start-up
// time of `vigie classify` on one line. See ../../README.md.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "whole:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		dataDir     = flag.String("data", "../../../shared/data", "the shared labelled data (CSV files under dev/ and train/)")
		n           = flag.Int("n", 20000, "comments in the corpus (the rows, cycled)")
		reps        = flag.Int("reps", 7, "runs of each program, alternating; the figures are medians")
		startupRuns = flag.Int("startup-runs", 21, "runs of `vigie classify` on one line for the start-up median")
		repo        = flag.String("repo", "../..", "the vigie repository, to build cmd/vigie from")
		vigieBin    = flag.String("vigie-bin", "", "an already built vigie (default: build it into a temp folder)")
		config      = flag.String("config", "", "config.yaml for vigie classify (default: an empty file, so every key at its default)")
		keep        = flag.String("keep", "", "folder to keep the corpus and the last outputs in")
	)
	flag.Parse()
	if *n < 1 || *reps < 1 || *startupRuns < 1 {
		return fmt.Errorf("need -n, -reps and -startup-runs ≥ 1")
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	dir, err := os.MkdirTemp("", "vigie-rulesbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if *keep != "" {
		if err := os.MkdirAll(*keep, 0o755); err != nil {
			return err
		}
		dir = *keep
	}

	corpus, rows, err := buildCorpus(*dataDir, *n)
	if err != nil {
		return err
	}
	corpusPath := filepath.Join(dir, "corpus.txt")
	if err := os.WriteFile(corpusPath, corpus, 0o644); err != nil {
		return err
	}
	cfg := *config
	if cfg == "" {
		cfg = filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(cfg, nil, 0o644); err != nil {
			return err
		}
	}
	bin := *vigieBin
	if bin == "" {
		if bin, err = build(ctx, *repo, filepath.Join(dir, "vigie"), "./cmd/vigie"); err != nil {
			return err
		}
	}
	goaway, err := build(ctx, ".", filepath.Join(dir, "goawaylines"), "./goawaylines")
	if err != nil {
		return err
	}

	progs := []program{
		{name: "vigie classify", path: bin, args: []string{"classify", "--config", cfg}},
		{name: "go-away IsProfane", path: goaway},
	}
	loadBefore := loadAvg()
	fmt.Fprintf(os.Stderr, "whole: %d comments (%d rows cycled, %d bytes), %d runs each, %d CPUs, load %s\n",
		*n, rows, len(corpus), *reps, runtime.NumCPU(), loadBefore)
	runs := make([][]measure, len(progs))
	for rep := range *reps {
		for k := range progs {
			i := k
			if rep%2 == 1 { // B A on odd runs, so neither always goes first
				i = len(progs) - 1 - k
			}
			out := filepath.Join(dir, fmt.Sprintf("out-%d.txt", i))
			m, err := progs[i].run(ctx, corpusPath, out, *n)
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "whole: run %d %-18s %8v wall, %8v CPU\n", rep+1, progs[i].name, m.wall.Round(time.Millisecond), m.cpu.Round(time.Millisecond))
			runs[i] = append(runs[i], m)
		}
	}

	startup := make([]time.Duration, 0, *startupRuns)
	one := filepath.Join(dir, "one.txt")
	if err := os.WriteFile(one, []byte("bonjour\n"), 0o644); err != nil {
		return err
	}
	for range *startupRuns {
		m, err := progs[0].run(ctx, one, filepath.Join(dir, "out-one.txt"), 1)
		if err != nil {
			return err
		}
		startup = append(startup, m.wall)
	}
	loadAfter := loadAvg()

	fmt.Printf("%d comments (%d rows of %s/{dev,train} cycled, %.0f bytes on average), %d runs of each program alternating, medians\n\n",
		*n, rows, *dataDir, float64(len(corpus)-*n)/float64(*n), *reps)
	fmt.Println("| program | wall | wall per comment | CPU per comment | wall range |")
	fmt.Println("|---|---:|---:|---:|---:|")
	med := make([]time.Duration, len(progs))
	for i, p := range progs {
		walls, cpus := column(runs[i], func(m measure) time.Duration { return m.wall }), column(runs[i], func(m measure) time.Duration { return m.cpu })
		med[i] = median(walls)
		fmt.Printf("| %s | %v | %.1f µs | %.1f µs | %v–%v |\n", p.name, med[i].Round(time.Millisecond),
			perComment(med[i], *n), perComment(median(cpus), *n), slices.Min(walls).Round(time.Millisecond), slices.Max(walls).Round(time.Millisecond))
	}
	fmt.Printf("\nratio vigie/go-away per comment (medians): %.2f\n", float64(med[0])/float64(med[1]))
	fmt.Printf("vigie classify start-up, one line (median of %d): %v (range %v–%v)\n", *startupRuns,
		median(startup).Round(time.Millisecond), slices.Min(startup).Round(time.Millisecond), slices.Max(startup).Round(time.Millisecond))
	fmt.Printf("machine: %d CPUs, %s, load average before %s, after %s\n", runtime.NumCPU(), runtime.Version(), loadBefore, loadAfter)
	return nil
}

// program is one side of the comparison.
type program struct {
	name string
	path string
	args []string
}

type measure struct {
	wall, cpu time.Duration
}

// run feeds the file in to the program and writes its output to out; it
// fails unless the program exits 0 having written exactly lines lines.
func (p program) run(ctx context.Context, in, out string, lines int) (measure, error) {
	stdin, err := os.Open(in)
	if err != nil {
		return measure{}, err
	}
	defer stdin.Close()
	stdout, err := os.Create(out)
	if err != nil {
		return measure{}, err
	}
	defer stdout.Close()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, p.path, p.args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return measure{}, fmt.Errorf("%s: %w\n%s", p.name, err, tail(stderr.String()))
	}
	got, err := countLines(out)
	if err != nil {
		return measure{}, err
	}
	if got != lines {
		return measure{}, fmt.Errorf("%s wrote %d lines for %d input lines", p.name, got, lines)
	}
	st := cmd.ProcessState
	return measure{wall: wall, cpu: st.UserTime() + st.SystemTime()}, nil
}

func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, buf := 0, make([]byte, 64*1024)
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte("\n"))
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// build runs `go build -o out pkg` in dir.
func build(ctx context.Context, dir, out, pkg string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s in %s: %w", pkg, dir, err)
	}
	return out, nil
}

func column(ms []measure, f func(measure) time.Duration) []time.Duration {
	out := make([]time.Duration, len(ms))
	for i, m := range ms {
		out[i] = f(m)
	}
	return out
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func perComment(d time.Duration, n int) float64 { return float64(d.Microseconds()) / float64(n) }

// loadAvg is the 1, 5 and 15-minute load average, or "?" off Linux.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}
