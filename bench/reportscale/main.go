// Command reportscale is the transparency report's scale benchmark (issue 4,
// acceptance 7): 1,000,000 comments and ~1,500,000 events in SQLite, written
// through the real storage layer (group commit, hash chain), then the report
// index's cold start and memory, the JSON report and the public page for a
// month, a quarter, the year and a custom range, and the per-request Sync.
// See README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

func main() {
	var (
		path     = flag.String("db", filepath.Join(os.TempDir(), "vigie-bench-1m.db"), "SQLite file (built if missing or incomplete, reused otherwise)")
		n        = flag.Int64("comments", 1_000_000, "comments to generate")
		workers  = flag.Int("workers", 512, "concurrent writers while building (group commit batches up to 128)")
		syncMode = flag.String("synchronous", "", "build with this SQLite synchronous pragma (default: Vigie's FULL)")
		rebuild  = flag.Bool("rebuild", false, "rebuild the file even if a complete one is cached")
		buildOnl = flag.Bool("build-only", false, "build (or check) the file and stop")
		runs     = flag.Int("runs", 21, "timed runs per report measurement (medians)")
		serve    = flag.Bool("serve", false, "also measure the real `vigie serve` binary pointed at the file")
		repo     = flag.String("repo", "../..", "the vigie repository (for -serve)")
		cpuProf  = flag.String("cpuprofile", "", "write a CPU profile of the cold sync here")
		memProf  = flag.String("memprofile", "", "write a heap profile after the cold sync here")
		full     = flag.Bool("full-read", false, "sync through EventsAfter (every column, snapshots decoded) instead of EventsAfterLean, to compare")
		measure  = flag.Bool("measure-only", false, "measure the cached file in this process (used after a build)")
	)
	flag.Parse()
	log.SetFlags(log.Ltime)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	if !*measure {
		m, ok := cached(ctx, *path, *n)
		if ok && !*rebuild {
			log.Printf("reusing %s: %d comments, %d events, built in %.0fs (%.0f comments/s, %.0f events/s)",
				*path, m.Comments, m.Events, m.BuildSecs, float64(m.Comments)/m.BuildSecs, float64(m.Events)/m.BuildSecs)
		} else {
			log.Printf("building %s: %d comments, %d writers, synchronous=%s", *path, *n, *workers, cmpOr(*syncMode, "FULL"))
			m, err := build(ctx, *path, *n, *workers, *syncMode)
			if err != nil {
				log.Fatalf("build: %v", err)
			}
			fi, _ := os.Stat(*path)
			log.Printf("built %s: %d comments, %d events in %.1fs: %.0f comments/s, %.0f events/s, %.1f events/commit, %d MB",
				*path, m.Comments, m.Events, m.BuildSecs, float64(m.Comments)/m.BuildSecs, float64(m.Events)/m.BuildSecs,
				float64(m.Events)/float64(max(m.Commits, 1)), fi.Size()>>20)
			if !*buildOnl {
				// Measure in a fresh process: the cold start's memory must
				// not include what building left behind.
				args := append([]string{"-measure-only"}, os.Args[1:]...)
				cmd := exec.CommandContext(ctx, os.Args[0], args...)
				cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
				if err := cmd.Run(); err != nil {
					log.Fatal(err)
				}
				return
			}
		}
		if *buildOnl {
			return
		}
	}
	m, ok := readMarker(*path)
	if !ok {
		log.Fatalf("%s has no completion marker: build it first", *path)
	}
	fmt.Printf("machine: %s, nproc %d, GOMAXPROCS %d, %s, load %s\n", hostCPU(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), loadAvg())
	fmt.Printf("file: %s, %d comments, %d events, head %d %s…, %d MB; built in %.1fs (%.0f comments/s, %.0f events/s, %d writers, synchronous=%s)\n",
		*path, m.Comments, m.Events, m.HeadSeq, m.HeadHash[:12], fileMB(*path), m.BuildSecs,
		float64(m.Comments)/m.BuildSecs, float64(m.Events)/m.BuildSecs, m.Workers, m.Sync)
	if err := run(ctx, *path, m, *runs, *cpuProf, *memProf, *full); err != nil {
		log.Fatal(err)
	}
	if *serve {
		if err := measureServe(ctx, *repo, *path, m, *runs); err != nil {
			log.Fatal(err)
		}
	}
}

func fileMB(path string) int64 {
	var total int64
	for _, s := range []string{"", "-wal"} {
		if fi, err := os.Stat(path + s); err == nil {
			total += fi.Size()
		}
	}
	return total >> 20
}

func hostCPU() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

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

// procStatus reads VmRSS and VmHWM (peak RSS) of a process, in MB.
func procStatus(pid string) (rss, peak int64) {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return -1, -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		var kb int64
		if _, err := fmt.Sscanf(l, "VmRSS: %d kB", &kb); err == nil {
			rss = kb >> 10
		}
		if _, err := fmt.Sscanf(l, "VmHWM: %d kB", &kb); err == nil {
			peak = kb >> 10
		}
	}
	return rss, peak
}

func since(t time.Time) time.Duration { return time.Since(t) }
