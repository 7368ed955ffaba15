package storage

import (
	"context"
	"errors"
	"testing"

	"vigie/moderation"
)

// BenchmarkQueueRareFilter100k: a filter that few pending comments match
// (here none, the worst case) must not read the whole queue to fill a page
// or to find nothing to claim.
func BenchmarkQueueRareFilter100k(b *testing.B) {
	svc := seedQueue(b, 100_000)
	ctx := context.Background()
	for _, f := range []struct {
		name string
		f    moderation.QueueFilter
	}{
		{"category", moderation.QueueFilter{Category: "threat"}},
		{"language", moderation.QueueFilter{Language: "en"}},
		{"source", moderation.QueueFilter{Source: "facebook:1234"}},
		{"reason", moderation.QueueFilter{Reason: "en.threat"}},
	} {
		b.Run("page_"+f.name, func(b *testing.B) {
			f.f.Limit = 50
			for b.Loop() {
				if es, err := svc.Queue(ctx, f.f); err != nil || len(es) != 0 {
					b.Fatalf("queue: %d, %v", len(es), err)
				}
			}
		})
		b.Run("claim_"+f.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.Claim(ctx, "moderator:m", f.f); !errors.Is(err, moderation.ErrNotFound) {
					b.Fatalf("claim: %v, want nothing free", err)
				}
			}
		})
	}
}
