package storage

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"vigie/moderation"
)

func putDelivery(t *testing.T, db *DB, body []byte, at time.Time) *moderation.Delivery {
	t.Helper()
	d := &moderation.Delivery{Platform: "facebook", ReceivedAt: at, Body: body}
	if err := db.PutDelivery(context.Background(), d); err != nil {
		t.Fatalf("PutDelivery: %v", err)
	}
	if d.ID == 0 || d.State != moderation.OutboxPending {
		t.Fatalf("stored delivery = %+v; want an id and pending", d)
	}
	return d
}

func claimDeliveries(t *testing.T, db *DB, holder string, now time.Time, limit int) []moderation.Delivery {
	t.Helper()
	ds, err := db.ClaimDeliveries(context.Background(), holder, now, now.Add(time.Minute), limit)
	if err != nil {
		t.Fatalf("ClaimDeliveries(%s): %v", holder, err)
	}
	return ds
}

func TestConcurrentDeliveryClaimsNeverShareADelivery(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		dbs := []*DB{openDB(t, cfg), openDB(t, cfg)}
		const n = 30
		for i := range n {
			putDelivery(t, dbs[i%2], fmt.Appendf(nil, `{"object":"page","n":%d}`, i), t0.Add(time.Duration(i)*time.Millisecond))
		}
		now := t0.Add(time.Second)
		var mu sync.Mutex
		claimedBy := map[int64]string{}
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				holder := fmt.Sprint("worker-", w)
				for {
					ds, err := dbs[w%2].ClaimDeliveries(ctx, holder, now, now.Add(time.Minute), 2)
					if err != nil {
						t.Errorf("%s: %v", holder, err)
						return
					}
					if len(ds) == 0 {
						return
					}
					if len(ds) == 2 && ds[0].ID > ds[1].ID {
						t.Errorf("%s got deliveries %d then %d; want arrival order", holder, ds[0].ID, ds[1].ID)
					}
					mu.Lock()
					for _, d := range ds {
						if prev, ok := claimedBy[d.ID]; ok {
							t.Errorf("delivery %d claimed by %s and by %s", d.ID, prev, holder)
						}
						claimedBy[d.ID] = holder
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(claimedBy) != n {
			t.Fatalf("%d deliveries claimed, want all %d", len(claimedBy), n)
		}
	})
}

func TestDeliveryIsFinishedDoneRetriedOrFailed(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		db := openDB(t, cfg)
		for i := range 3 {
			putDelivery(t, db, fmt.Appendf(nil, "delivery %d", i), t0)
		}
		now := t0.Add(time.Second)
		ds := claimDeliveries(t, db, "a", now, 10)
		if len(ds) != 3 || string(ds[0].Body) != "delivery 0" || ds[2].Attempts != 0 {
			t.Fatalf("claimed %+v; want the 3 deliveries oldest first, no attempt yet", ds)
		}
		if pending, failed, err := db.InboxStats(ctx); err != nil || pending != 3 || failed != 0 {
			t.Fatalf("stats while leased = %d pending, %d failed, %v; want 3, 0", pending, failed, err)
		}
		wantErr(t, db.FinishDelivery(ctx, ds[0].ID, "b", moderation.OutboxDone, "", time.Time{}, now), moderation.ErrConflict)
		finish := func(d moderation.Delivery, st moderation.OutboxState, msg string, next time.Time) {
			t.Helper()
			if err := db.FinishDelivery(ctx, d.ID, "a", st, msg, next, now); err != nil {
				t.Fatalf("finish %d as %s: %v", d.ID, st, err)
			}
		}
		finish(ds[0], moderation.OutboxDone, "", time.Time{})
		finish(ds[1], moderation.OutboxPending, "database busy", now.Add(time.Minute))
		finish(ds[2], moderation.OutboxFailed, "invalid JSON", time.Time{})
		wantErr(t, db.FinishDelivery(ctx, ds[0].ID, "a", moderation.OutboxDone, "", time.Time{}, now), moderation.ErrConflict)
		wantErr(t, db.FinishDelivery(ctx, ds[2].ID+100, "a", moderation.OutboxDone, "", time.Time{}, now), moderation.ErrNotFound)
		if pending, failed, err := db.InboxStats(ctx); err != nil || pending != 1 || failed != 1 {
			t.Fatalf("stats = %d pending, %d failed, %v; want 1, 1", pending, failed, err)
		}
		if got := claimDeliveries(t, db, "b", now.Add(30*time.Second), 10); len(got) != 0 {
			t.Fatalf("claimed before the retry was due: %+v", got)
		}
		got := claimDeliveries(t, db, "b", now.Add(time.Minute), 10)
		if len(got) != 1 || got[0].ID != ds[1].ID || got[0].Attempts != 1 || got[0].LastError != "database busy" {
			t.Fatalf("due again: %+v; want delivery %d with 1 attempt and its error", got, ds[1].ID)
		}
	})
}

func TestDeliveryBodyRoundTripsByteForByte(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		db := openDB(t, cfg)
		// Every byte value (NUL and invalid UTF-8 among them), then enough
		// to make a body of a few MiB.
		big := make([]byte, 3<<20)
		for i := range big {
			big[i] = byte(i * 7)
		}
		bodies := [][]byte{
			[]byte(`{"entry":[{"changes":[{"value":{"message":"Espèce de \u00e9"}}]}]}`),
			[]byte("caf\xc3\xa9 \xff\xfe\x00 \x00\x00 \xc3"),
			{},
			big,
		}
		var ids []int64
		for _, b := range bodies {
			ids = append(ids, putDelivery(t, db, b, t0).ID)
		}
		ds := claimDeliveries(t, db, "a", t0.Add(time.Second), 10)
		if len(ds) != len(bodies) {
			t.Fatalf("claimed %d deliveries, want %d", len(ds), len(bodies))
		}
		for i, d := range ds {
			if d.ID != ids[i] || !bytes.Equal(d.Body, bodies[i]) {
				t.Errorf("delivery %d: %d bytes back (%.40q), want %d bytes (%.40q)", ids[i], len(d.Body), d.Body, len(bodies[i]), bodies[i])
			}
			if d.Platform != "facebook" || !d.ReceivedAt.Equal(moderation.TruncateTime(t0)) {
				t.Errorf("delivery %d: platform %q received %v; want facebook at %v", d.ID, d.Platform, d.ReceivedAt, t0)
			}
		}
	})
}

func TestInboxRemembersARemovalOnce(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		db := openDB(t, cfg)
		for range 2 {
			if err := db.RememberRemoval(ctx, page, "post_1_comment_2", t0); err != nil {
				t.Fatalf("RememberRemoval: %v", err)
			}
		}
		if n := countRows(t, db, "platform_removals"); n != 1 {
			t.Fatalf("%d removals stored, want 1", n)
		}
		for _, tc := range []struct {
			source, id string
			want       bool
		}{{page, "post_1_comment_2", true}, {page, "post_1_comment_3", false}, {"facebook:2", "post_1_comment_2", false}} {
			if got, err := db.Removed(ctx, tc.source, tc.id); err != nil || got != tc.want {
				t.Errorf("Removed(%s, %s) = %v, %v; want %v", tc.source, tc.id, got, err, tc.want)
			}
		}
	})
}
