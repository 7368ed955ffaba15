package main

import (
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"
	"time"
)

// printReport writes the Markdown table of medians, then every run.
// Each column is the median of that column over the repetitions, taken
// independently (so a row need not be one actual run).
func printReport(w io.Writer, all [][]result, o loadOptions, raw bool) {
	fmt.Fprintf(w, "\n%d clients, %v measured after %v warm-up, median of %d interleaved runs per scenario\n\n",
		o.concurrency, o.duration, o.warmup, len(all[0]))
	fmt.Fprintln(w, "| scenario | batch_wait | lang detect | acked/s | p50 | p90 | p99 | max | errors | rows/commit | server CPU | load-gen CPU | others | idle | iowait | server CPU/comment |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, rs := range all {
		sc := rs[0].sc
		med := func(f func(result) float64) float64 {
			v := make([]float64, len(rs))
			for i, r := range rs {
				v[i] = f(r)
			}
			slices.Sort(v)
			if len(v)%2 == 1 {
				return v[len(v)/2]
			}
			return (v[len(v)/2-1] + v[len(v)/2]) / 2
		}
		dur := func(f func(result) time.Duration) string {
			return round(time.Duration(med(func(r result) float64 { return float64(f(r)) }))).String()
		}
		rpc := "–"
		if m := med(func(r result) float64 { return r.rowsPerCommit }); m > 0 {
			rpc = fmt.Sprintf("%.1f", m)
		}
		fmt.Fprintf(w, "| %s | %s | %t | %.0f | %s | %s | %s | %s | %.0f | %s | %.2f cores | %.2f cores | %.2f cores | %.0f%% | %.0f%% | %.0f µs |\n",
			sc.name, durationYAML(sc.batchWait), sc.langDetect,
			med(result.perSec),
			dur(func(r result) time.Duration { return r.p50 }),
			dur(func(r result) time.Duration { return r.p90 }),
			dur(func(r result) time.Duration { return r.p99 }),
			dur(func(r result) time.Duration { return r.max }),
			med(func(r result) float64 { return float64(r.errors) }),
			rpc,
			med(func(r result) float64 { return r.serverCPU.Seconds() / r.window.Seconds() }),
			med(func(r result) float64 { return r.clientCPU.Seconds() / r.window.Seconds() }),
			med(func(r result) float64 { return r.others() }),
			100*med(func(r result) float64 { return r.idle }),
			100*med(func(r result) float64 { return r.iowait }),
			med(func(r result) float64 { return float64(r.serverCPU.Microseconds()) / float64(max(r.acked, 1)) }),
		)
	}
	if !raw {
		return
	}
	fmt.Fprintln(w, "\nEvery run:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scenario | run | acked | acked/s | p50 | p99 | errors | answers | server stop |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---|---:|")
	for rep := range len(all[0]) {
		for _, rs := range all {
			r := rs[rep]
			fmt.Fprintf(w, "| %s | %d | %d | %.0f | %v | %v | %s | %s | %v |\n",
				r.sc.name, r.rep, r.acked, r.perSec(), round(r.p50), round(r.p99),
				errorsText(r), counts(r.status, r.dup), round(r.shutdown))
		}
	}
}

func errorsText(r result) string {
	if r.errors == 0 {
		return "0"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(r.errKinds)) {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, r.errKinds[k]))
	}
	return fmt.Sprintf("%d (%s)", r.errors, strings.Join(parts, ", "))
}

// counts shows the answers' statuses as shares, e.g. "published 81%, ...".
func counts(m map[string]int64, dup int64) string {
	var total int64
	for _, v := range m {
		total += v
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %.1f%%", k, 100*float64(m[k])/float64(max(total, 1))))
	}
	if dup > 0 {
		parts = append(parts, fmt.Sprintf("repeats %d", dup))
	}
	return strings.Join(parts, ", ")
}

// round keeps three significant figures or so.
func round(d time.Duration) time.Duration {
	switch {
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond)
	case d >= 10*time.Millisecond:
		return d.Round(100 * time.Microsecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	default:
		return d.Round(time.Microsecond)
	}
}

// others is the CPU, in cores, used in the window by neither the server nor
// the load generator: other processes on this shared machine, and kernel
// work not charged to a process.
func (r result) others() float64 {
	busy := (1 - r.idle - r.iowait) * float64(runtime.NumCPU())
	return max(busy-(r.serverCPU.Seconds()+r.clientCPU.Seconds())/r.window.Seconds(), 0)
}
