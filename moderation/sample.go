package moderation

import (
	"math/rand/v2"
	"sync"
)

// sampler draws blind-audit samples at a fixed rate. The default source is
// seeded from the operating system, so nobody can tell in advance which
// decision will be audited (and behave only on those).
type sampler struct {
	rate float64
	draw func() float64
}

func newSampler(rate float64, random func() float64) sampler {
	s := sampler{rate: min(max(rate, 0), 1), draw: random}
	if s.draw == nil {
		rng := rand.New(rand.NewChaCha8(seed()))
		mu := &sync.Mutex{} // math/rand/v2 sources are not safe for concurrent use
		s.draw = func() float64 {
			mu.Lock()
			defer mu.Unlock()
			return rng.Float64()
		}
	}
	return s
}

// drawn reports whether this decision goes to the audit queue. A rate of 1
// takes every decision and 0 none, whatever the source draws.
func (s *sampler) drawn() bool {
	switch {
	case s.rate <= 0:
		return false
	case s.rate >= 1:
		return true
	}
	return s.draw() < s.rate
}

func seed() [32]byte {
	var b [32]byte
	for i := range 4 {
		v := rand.Uint64() // runtime-seeded from the OS, never the same twice
		for j := range 8 {
			b[i*8+j] = byte(v >> (8 * j))
		}
	}
	return b
}
