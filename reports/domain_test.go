package reports_test

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/reports"
	"vigie/rules"
	"vigie/storage"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *stepClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// seeded is a scripted history: who wrote what, for the no-personal-data test.
type seeded struct {
	store   *storage.DB
	clock   *stepClock
	texts   []string
	private []string // author names and ids, external ids
	policy  reports.Policy
}

func at(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, time.UTC) }

// seedHistory drives the real domain (rules + SQLite storage) through a
// month of moderation: automated and human decisions, a repeated post,
// appeals, an audit, a removal after publication, an edit, a withdrawal,
// a re-check and an external request.
func seedHistory(t *testing.T) *seeded {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, storage.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "vigie.db")},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rs, err := rules.Load(rules.DefaultSettings(), rules.Options{Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	s := &seeded{store: db, clock: &stepClock{t: at(2, 9)}}
	for _, c := range rs.Categories() {
		s.policy.Categories = append(s.policy.Categories, reports.Category{ID: c.ID, Label: c.Label,
			Description: c.Description, DSACategory: c.DSACategory, Ground: c.Ground, LegalGround: c.LegalGround, Keywords: c.Keywords})
	}
	svc := moderation.NewService(db, rs, moderation.Options{Clock: s.clock})

	ids := map[string]int64{}
	intake := func(key, text, authorID, name string, want moderation.Status) {
		t.Helper()
		ext := "fbc_" + key + "_7d21"
		res, err := svc.Intake(ctx, moderation.NewComment{Source: "facebook:1001", ExternalID: ext, Text: text,
			Author: moderation.Author{ID: authorID, Name: name}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Comment.Status != want {
			t.Fatalf("intake %s: status %s, want %s (verdict %+v)", key, res.Comment.Status, want, res.Verdict)
		}
		ids[key] = res.Comment.ID
		s.texts = append(s.texts, text)
		s.private = append(s.private, authorID, name, ext)
		s.clock.Set(s.clock.Now().Add(7 * time.Minute))
	}
	decideNote := func(when time.Time, key string, to moderation.Status, actor string, route moderation.Route, auto moderation.Automation, cat, note string) {
		t.Helper()
		s.clock.Set(when)
		if _, err := svc.Decide(ctx, moderation.Decision{CommentID: ids[key], To: to, Actor: actor, Route: route,
			Automation: auto, Category: cat, Note: note}); err != nil {
			t.Fatalf("decide %s → %s: %v", key, to, err)
		}
	}
	decide := func(when time.Time, key string, to moderation.Status, actor string, route moderation.Route, auto moderation.Automation, cat string) {
		t.Helper()
		decideNote(when, key, to, actor, route, auto, cat, "")
	}
	const (
		pub, ref, pend, gone = moderation.StatusPublished, moderation.StatusRefused, moderation.StatusPending, moderation.StatusWithdrawn
		mod                  = "moderator:7"
	)
	repeated := "Le gouvernement ment sur la surveillance de masse, partagez avant suppression"
	intake("thanks", "Merci pour cette explication claire sur le projet de loi.", "fbu_55501234", "Alice Martin", pub)
	intake("insult", "Bande de connards, dégagez tous", "fbu_55509876", "Bernard Petit", ref)
	intake("rep1", repeated, "fbu_55500001", "Chloé Durand", pub)
	intake("rep2", repeated, "fbu_55500002", "David Leroy", pub)
	intake("rep3", repeated, "fbu_55500003", "Emma Moreau", pend) // copies wait for review, never refused as copies
	intake("mild", "Ce projet est idiot, franchement", "fbu_55500004", "Farid Haddad", pend)
	intake("pii", "Appelez Jean au 06 12 34 56 78 pour en parler", "fbu_55500005", "Gaëlle Roux", pend)
	intake("en", "Thanks for the clear explanation of the bill, very useful.", "fbu_55500006", "Henry Smith", pub)
	// Criticism of the post with an insult: never refused by the rules,
	// reviewed, refused by a moderator with the reason.
	intake("critic", "Votre infographie est fausse : la loi ne dit pas ça, corrigez-la, bande de connards.", "fbu_55500008", "Jules Faure", pend)
	s.clock.Set(at(30, 23)) // a receipt on the last evening of the month
	intake("late", "Bonne soirée à toute l'équipe, merci pour les réponses.", "fbu_55500007", "Inès Blanc", pub)

	decide(at(3, 10), "mild", pub, mod, moderation.RouteReview, moderation.AutomationPartial, "")
	decide(at(3, 15), "pii", ref, mod, moderation.RouteReview, moderation.AutomationPartial, "personal_data")
	// The copies criticise the government: refusing one takes a reason.
	decideNote(at(3, 16), "rep3", ref, mod, moderation.RouteReview, moderation.AutomationPartial, "repeated", "campagne de copier-coller")
	decideNote(at(3, 17), "critic", ref, mod, moderation.RouteReview, moderation.AutomationPartial, "insult", "insulte envers les lecteurs")
	decide(at(4, 11), "insult", pub, mod, moderation.RouteAppeal, moderation.AutomationNone, "")
	decide(at(4, 16), "rep3", pub, mod, moderation.RouteAudit, moderation.AutomationNone, "")
	decide(at(4, 17), "rep1", pub, mod, moderation.RouteAudit, moderation.AutomationNone, "") // audit confirms
	decide(at(5, 9), "thanks", ref, mod, moderation.RouteReport, moderation.AutomationNone, "insult")
	decide(at(5, 12), "en", gone, moderation.ActorPlatform, moderation.RoutePlatform, moderation.AutomationNone, "")
	decide(at(10, 8), "rep2", ref, moderation.ActorSystem, moderation.RouteEdit, moderation.AutomationFull, "repeated")
	decide(at(11, 9), "rep2", ref, mod, moderation.RouteAppeal, moderation.AutomationNone, "repeated") // appeal rejected
	s.clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	decide(s.clock.Now(), "thanks", pub, mod, moderation.RouteRecheck, moderation.AutomationNone, "")
	decide(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC), "pii", pub, mod, moderation.RouteExternal, moderation.AutomationNone, "")
	s.clock.Set(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC))
	return s
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -update)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from %s (run with -update after checking):\n--- got ---\n%s", name, path, got)
	}
}
