package storage

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"vigie/moderation"
)

// The queue of some pages: lists, counts, groups and claims see only the
// scope's sources, the default page being every source no page lists.
func TestQueueScopeBySources(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		svc, _, _ := queueService(t, cfg, 0)
		ctx := context.Background()
		bySource := map[string][]int64{}
		for i, src := range []string{"api:a", "api:a", "api:b", "api:other", "api:other", "api:other"} {
			res, err := svc.Intake(ctx, moderation.NewComment{Source: src, ExternalID: fmt.Sprint("s", i),
				Text: pendingText(i % 2), Author: moderation.Author{ID: fmt.Sprint("a", i)}})
			if err != nil || res.Comment.Status != moderation.StatusPending {
				t.Fatalf("intake %d: %v %v", i, err, res.Comment.Status)
			}
			bySource[src] = append(bySource[src], res.Comment.ID)
		}
		pages, err := moderation.NewPages([]moderation.Page{{ID: "a", Sources: []string{"api:a"}}, {ID: "b", Sources: []string{"api:b"}}}, "Default")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			pages []string
			want  []int64
		}{
			{[]string{"a"}, bySource["api:a"]},
			{[]string{"b", "a"}, append(slices.Clone(bySource["api:a"]), bySource["api:b"]...)},
			{[]string{moderation.DefaultPageID}, bySource["api:other"]},
			{[]string{"b", moderation.DefaultPageID}, append(slices.Clone(bySource["api:b"]), bySource["api:other"]...)},
			{nil, nil},
		} {
			sc := pages.ScopeOfPages(c.pages)
			es, err := svc.Queue(ctx, moderation.QueueFilter{Scope: sc})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, e := range es {
				got = append(got, e.Item.CommentID)
			}
			slices.Sort(got)
			slices.Sort(c.want)
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("pages %v: queue %v, want %v", c.pages, got, c.want)
			}
			st, err := svc.ScopedQueueStats(ctx, sc)
			if err != nil || st.Depth != int64(len(c.want)) {
				t.Errorf("pages %v: depth %d (%v), want %d", c.pages, st.Depth, err, len(c.want))
			}
			groups, err := svc.ScopedQueueGroups(ctx, 10, sc)
			if err != nil {
				t.Fatal(err)
			}
			var copies int64
			for _, g := range groups {
				copies += g.Count
			}
			if copies > int64(len(c.want)) {
				t.Errorf("pages %v: groups count %d copies, more than the %d in scope", c.pages, copies, len(c.want))
			}
			// Claims drain the scope and nothing else.
			var claimed []int64
			for {
				e, err := svc.Claim(ctx, fmt.Sprint("moderator:", c.pages), moderation.QueueFilter{Scope: sc, Unclaimed: true})
				if err != nil {
					break
				}
				claimed = append(claimed, e.Item.CommentID)
			}
			slices.Sort(claimed)
			if fmt.Sprint(claimed) != fmt.Sprint(c.want) {
				t.Errorf("pages %v: claimed %v, want %v", c.pages, claimed, c.want)
			}
			var all []int64
			for _, ids := range bySource {
				all = append(all, ids...)
			}
			if err := svc.Release(ctx, fmt.Sprint("moderator:", c.pages), all); err != nil {
				t.Fatal(err)
			}
		}
		counts, err := svc.Store().(*DB).SourceCounts(ctx)
		if err != nil || counts["api:other"][moderation.StatusPending] != 3 || counts["api:a"][moderation.StatusPending] != 2 {
			t.Errorf("source counts %v (%v)", counts, err)
		}
	})
}
