package main

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// printReport writes the Markdown table: each column the median of that
// column over the runs (so a row need not be one actual run).
func printReport(w io.Writer, all [][]result, o options) {
	fmt.Fprintf(w, "\nsteady: %.0f comments/s (%.0f deliveries of %d a second) for %v; burst: %d deliveries; %d clients; median of %d runs\n\n",
		o.rate, o.rate/float64(o.changes), o.changes, o.steady, o.burst, o.clients, len(all[0]))
	fmt.Fprintln(w, "| inbox_workers | webhook p50 | p90 | p99 | max | errors | most late | inbox backlog | caught up after | server CPU | burst: applied/s | server CPU | counted |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, rs := range all {
		med := func(f func(result) float64) float64 {
			v := make([]float64, len(rs))
			for i, r := range rs {
				v[i] = f(r)
			}
			slices.Sort(v)
			return v[len(v)/2]
		}
		dur := func(f func(result) time.Duration) time.Duration {
			d := time.Duration(med(func(r result) float64 { return float64(f(r)) }))
			if d > 10*time.Millisecond {
				return d.Round(100 * time.Microsecond)
			}
			return d.Round(10 * time.Microsecond)
		}
		fmt.Fprintf(w, "| %s | %v | %v | %v | %v | %.0f | %v | %.0f | %v | %.2f cores | %.0f | %.2f cores | %.0f |\n", workersLabel(rs[0].workers),
			dur(func(r result) time.Duration { return r.p50 }), dur(func(r result) time.Duration { return r.p90 }),
			dur(func(r result) time.Duration { return r.p99 }), dur(func(r result) time.Duration { return r.max }),
			med(func(r result) float64 { return float64(r.errors) }),
			dur(func(r result) time.Duration { return r.late }),
			med(func(r result) float64 { return r.backlog }),
			dur(func(r result) time.Duration { return r.catchUp }).Round(time.Millisecond),
			med(func(r result) float64 { return r.steadyCPU }),
			med(result.burstPerSec), med(func(r result) float64 { return r.burstCPU }),
			med(func(r result) float64 { return float64(r.counted) }))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "webhook: answer time of POST /webhooks/facebook (signature checked, delivery committed), steady phase, seen by the client;")
	fmt.Fprintln(w, "most late: the longest a delivery waited past its schedule for a free client; inbox backlog: most deliveries")
	fmt.Fprintln(w, "waiting at one scrape (every 100 ms); caught up after: from the last answer until the inbox was empty;")
	fmt.Fprintln(w, "burst: comments ÷ time from the first post until the inbox was empty; counted: comments in the public report at the end.")
}
