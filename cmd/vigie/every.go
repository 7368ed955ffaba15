package main

import (
	"context"
	"time"
)

// every calls fn every d until ctx ends (not at once: the caller did the
// first round, or none is due). The background loops of `vigie serve` —
// model and crisis polls, scheduled retraining, checkpoints — share it.
func every(ctx context.Context, d time.Duration, fn func()) {
	tick := time.NewTicker(d)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			fn()
		}
	}
}
