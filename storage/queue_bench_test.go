package storage

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/gorm"

	"vigie/moderation"
	"vigie/rules"
)

// seedQueue fills a real SQLite file with n pending comments and their
// queue entries, written directly in one transaction: the benchmark is
// about reading the queue, and going through the writer would only make
// the set-up a minute longer.
func seedQueue(b *testing.B, n int) *moderation.Service {
	b.Helper()
	db := openDB(b, Config{Driver: "sqlite", DSN: filepath.Join(b.TempDir(), "q.db")})
	t := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	v := `{"action":"review","category":"spam","score":0.5,"language":"fr","matches":[{"rule":"core.links.shortener","category":"spam","start":14,"end":32,"text":"https://bit.ly/abc"}],"ruleset_version":"x"}`
	cats := []string{"spam", "personal_data", "insult", "off_language"}
	err := db.w.Transaction(func(tx *gorm.DB) error {
		for i := range n {
			at := t.Add(time.Duration(i) * time.Second)
			var id int64
			if err := tx.Raw(`INSERT INTO comments (source, external_id, author_id, author_name, text, language, status, category, verdict, created_at, received_at, updated_at)
				VALUES (?, ?, ?, 'Camille', ?, 'fr', 'pending', ?, ?, ?, ?, ?) RETURNING id`,
				"api:bench", fmt.Sprint(i), fmt.Sprint("a", i%5000), fmt.Sprintf("Voici le lien https://bit.ly/abc numéro %d", i),
				cats[i%4], v, at, at, at).Scan(&id).Error; err != nil {
				return err
			}
			if err := tx.Exec(`INSERT INTO review_items (comment_id, priority, score, category, language, source, reason, fingerprint, received_at)
				VALUES (?, ?, 0.5, ?, 'fr', 'api:bench', 'core.links.shortener', ?, ?)`,
				id, 0.5+float64(i%7), cats[i%4], fmt.Sprintf("%016x", i%20000), at).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	rs, err := rules.Load(rules.DefaultSettings(), rules.Options{Languages: []string{"fr", "en"}})
	if err != nil {
		b.Fatal(err)
	}
	return moderation.NewService(db, rs, moderation.Options{})
}

// BenchmarkQueue100k: the first page of a queue of 100,000 pending
// comments, and one claim, on real SQLite (issue: at most 50 ms each).
func BenchmarkQueue100k(b *testing.B) {
	svc := seedQueue(b, 100_000)
	ctx := context.Background()
	b.Run("first_page", func(b *testing.B) {
		for b.Loop() {
			es, err := svc.Queue(ctx, moderation.QueueFilter{Limit: 50})
			if err != nil || len(es) != 50 {
				b.Fatalf("queue: %d, %v", len(es), err)
			}
		}
	})
	b.Run("first_page_filtered", func(b *testing.B) {
		for b.Loop() {
			es, err := svc.Queue(ctx, moderation.QueueFilter{Limit: 50, Category: "insult", Language: "fr"})
			if err != nil || len(es) != 50 {
				b.Fatalf("queue: %d, %v", len(es), err)
			}
		}
	})
	i := 0
	b.Run("claim", func(b *testing.B) {
		for b.Loop() {
			i++
			if _, err := svc.Claim(ctx, fmt.Sprint("moderator:", i), moderation.QueueFilter{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stats", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.QueueStats(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
