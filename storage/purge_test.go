package storage

import (
	"context"
	"testing"
	"time"

	"vigie/moderation"
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func TestPurgeErasesPersonalDataAndKeepsTheChain(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		purgeTime := time.Date(2026, 1, 1, 12, 0, 0, 123456789, time.UTC)
		cfg.Clock = fixedClock{purgeTime}
		db := openDB(t, cfg)
		ctx := context.Background()
		old1, _ := mustIntake(t, db, 1, moderation.StatusPending)  // received t0+1s
		old2, _ := mustIntake(t, db, 2, moderation.StatusRefused)  // t0+2s
		kept, _ := mustIntake(t, db, 10, moderation.StatusPending) // t0+10s
		if err := db.Transition(ctx, decision(old1, moderation.StatusPending, moderation.StatusPublished, t0.Add(time.Hour)), nil, moderation.Effects{}); err != nil {
			t.Fatal(err)
		}
		before := t0.Add(5 * time.Second).In(time.FixedZone("X", 7*3600)) // any zone
		n, err := db.PurgeWith(ctx, before, moderation.RetentionPurge("180d", ""))
		if err != nil || n != 2 {
			t.Fatalf("Purge = %d, %v; want 2", n, err)
		}
		for _, c := range []*moderation.Comment{old1, old2} {
			got, err := db.Comment(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Text != "" || got.Author != (moderation.Author{}) || len(got.Salt) != 0 {
				t.Errorf("comment %d after purge: text %q author %+v salt %q; want all erased", c.ID, got.Text, got.Author, got.Salt)
			}
			if got.UpdatedAt.IsZero() || got.UpdatedAt.After(t0.Add(2*time.Hour)) {
				t.Errorf("comment %d updated_at = %s: a purge is not an update of the comment", c.ID, got.UpdatedAt)
			}
			if got.PurgedAt != moderation.TruncateTime(purgeTime) {
				t.Errorf("comment %d purged_at = %s, want %s", c.ID, got.PurgedAt, purgeTime)
			}
			if got.Status != c.Status && c.ID != old1.ID || got.Verdict == nil || got.Verdict.Matches[0].Rule == "" {
				t.Errorf("comment %d lost more than personal data: %+v", c.ID, got)
			}
			if m := got.Verdict.Matches[0]; m.Text != "" || m.Start != 22 || m.End != 27 {
				t.Errorf("comment %d verdict match after purge = %+v; want the text gone, the offsets kept", c.ID, m)
			}
			evs, err := db.Events(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			last := evs[len(evs)-1]
			if !last.IsPurge() || last.From != got.Status || last.To != got.Status || last.Actor != moderation.ActorSystem ||
				last.Note != "retention 180d" || last.Category != got.Category || last.Source != got.Source ||
				!last.At.Equal(got.PurgedAt) || last.TextDigest != "" || last.AuthorDigest != "" {
				t.Errorf("comment %d: last event after purge = %+v; want its purge event", c.ID, last)
			}
			for _, e := range evs[:len(evs)-1] {
				if e.IsPurge() {
					t.Errorf("comment %d: more than one purge event (%d)", c.ID, e.Seq)
				}
			}
			for _, e := range evs {
				if e.Text != "" || (e.Verdict != nil && e.Verdict.Matches[0].Text != "") {
					t.Errorf("event %d keeps a snapshot after purge: %q %+v", e.Seq, e.Text, e.Verdict)
				}
				if !e.IsPurge() && (e.TextDigest == "" || e.AuthorDigest == "") {
					t.Errorf("event %d lost its chained digests", e.Seq)
				}
			}
		}
		got, err := db.Comment(ctx, kept.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != kept.Text || got.Author != kept.Author || !got.PurgedAt.IsZero() {
			t.Errorf("comment received after the cut was purged: %+v", got)
		}
		mustVerify(t, db, 6) // 4 decisions and 2 purges
		if evs, err := db.Events(ctx, kept.ID); err != nil || len(evs) != 1 {
			t.Errorf("comment received after the cut has %d events (%v), want its first only", len(evs), err)
		}

		// Purged comments are not purged again.
		if n, err := db.Purge(ctx, before); err != nil || n != 0 {
			t.Errorf("second Purge = %d, %v; want 0", n, err)
		}
	})
}

// More comments than one purge transaction takes.
func TestPurgeWorksInChunks(t *testing.T) {
	db := openDB(t, sqliteConfig(t))
	const n = purgeChunk + 3
	for i := range n {
		mustIntake(t, db, i, moderation.StatusPublished)
	}
	got, err := db.Purge(context.Background(), t0.Add(time.Duration(n)*time.Second))
	if err != nil || got != n {
		t.Fatalf("Purge = %d, %v; want %d", got, err, n)
	}
	var left int64
	if err := db.r.Table("comments").Where("text <> ''").Count(&left).Error; err != nil || left != 0 {
		t.Errorf("%d comments keep their text (%v)", left, err)
	}
	mustVerify(t, db, 2*n) // each comment's first event and its purge
}
