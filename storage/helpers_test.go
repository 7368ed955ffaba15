package storage

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/rules"
)

// forEachDriver runs a test over SQLite and PostgreSQL, each subtest with a
// database of its own. PostgreSQL skips when unreachable (fails under CI).
func forEachDriver(t *testing.T, test func(t *testing.T, cfg Config)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { test(t, sqliteConfig(t)) })
	t.Run("postgres", func(t *testing.T) { test(t, postgresConfig(t)) })
}

func sqliteConfig(t testing.TB) Config {
	return Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "data", "vigie.db")}
}

// driverConfig is a fresh database of the driver's: a new SQLite file, or
// a PostgreSQL schema of its own (for subtests that each need one).
func driverConfig(t testing.TB, driver string) Config {
	if driver == "postgres" {
		return postgresConfig(t)
	}
	return sqliteConfig(t)
}

// openDB opens the store and closes it when the test ends.
func openDB(t testing.TB, cfg Config) *DB {
	t.Helper()
	db, err := Open(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

// t0 has nanoseconds and a zone on purpose: storage must bring every time to
// UTC microseconds before sealing, or hashes would not survive a read back.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.FixedZone("CET", 3600))

// newComment builds comment number i and its first event the way the
// moderation service does.
func newComment(i int, st moderation.Status) (*moderation.Comment, *moderation.Event) {
	at := t0.Add(time.Duration(i) * time.Second)
	action := map[moderation.Status]rules.Action{
		moderation.StatusPublished: rules.ActionPublish,
		moderation.StatusRefused:   rules.ActionRefuse,
		moderation.StatusPending:   rules.ActionReview,
	}[st]
	text := fmt.Sprintf("comment %d: tu es un idiot 🙂", i)
	v := &rules.Verdict{
		Action: action, Category: "insult", Score: 0.75, Language: "fr", RulesetVersion: "fr-1",
		Matches: []rules.Match{{Rule: "insult.idiot", Category: "insult", Start: 22, End: 27, Text: "idiot"}},
	}
	c := &moderation.Comment{
		Source: "api:test", ExternalID: fmt.Sprintf("ext-%d", i), ThreadID: "thread-1", ParentID: "",
		Author: moderation.Author{ID: fmt.Sprintf("author-%d", i%7), Name: "Camille Dupont"},
		Text:   text, Language: "fr", Status: st, Verdict: v,
		CreatedAt: at.Add(-time.Minute), ReceivedAt: at, UpdatedAt: at,
		Salt: []byte(fmt.Sprintf("salt-%016d", i)),
	}
	if st != moderation.StatusPublished {
		c.Category = "insult"
	}
	e := &moderation.Event{
		At: at, Actor: moderation.ActorSystem, To: st, Route: moderation.RouteRules,
		Automation: moderation.AutomationFull, Category: c.Category, RuleIDs: []string{"insult.idiot"},
		RulesetVersion: "fr-1", Source: c.Source, Language: "fr", Text: text, Verdict: v,
		TextDigest:   moderation.Digest(c.Salt, text),
		AuthorDigest: moderation.Digest(c.Salt, c.Author.ID, c.Author.Name),
	}
	return c, e
}

// mustIntake stores comment i and fails the test unless it was created.
func mustIntake(t *testing.T, db *DB, i int, st moderation.Status) (*moderation.Comment, *moderation.Event) {
	t.Helper()
	c, e := newComment(i, st)
	created, err := db.Intake(context.Background(), c, e, moderation.Effects{})
	if err != nil || !created {
		t.Fatalf("Intake(%d) = %v, %v; want created", i, created, err)
	}
	return c, e
}

// decision is an event moving comment c from one status to another.
func decision(c *moderation.Comment, from, to moderation.Status, at time.Time) *moderation.Event {
	return &moderation.Event{
		CommentID: c.ID, At: at, Actor: "moderator:42", From: from, To: to, Route: moderation.RouteReview,
		Automation: moderation.AutomationPartial, Category: c.Category, Note: "checked by hand",
		Source: c.Source, Language: c.Language, Text: c.Text,
		TextDigest:   moderation.Digest(c.Salt, c.Text),
		AuthorDigest: moderation.Digest(c.Salt, c.Author.ID, c.Author.Name),
	}
}

// verifyChain reads the whole log the way `vigie verify` does and checks it
// against the published head. It returns the number of events, or the
// first break.
func verifyChain(t *testing.T, db *DB) (int64, error) {
	t.Helper()
	ctx := context.Background()
	v := moderation.NewChainVerifier()
	var after int64
	for {
		evs, err := db.EventsAfter(ctx, after, 7) // a small page crosses page edges
		if err != nil {
			return v.Count, err
		}
		if len(evs) == 0 {
			break
		}
		for i := range evs {
			if err := v.Check(&evs[i]); err != nil {
				return v.Count, err
			}
		}
		after = evs[len(evs)-1].Seq
	}
	seq, hash, err := db.Head(ctx)
	if err != nil {
		return v.Count, err
	}
	if seq != v.Count || hash != v.Head() {
		return v.Count, fmt.Errorf("head is (%d, %s), log ends at (%d, %s)", seq, hash, v.Count, v.Head())
	}
	return v.Count, nil
}

func mustVerify(t *testing.T, db *DB, want int64) {
	t.Helper()
	n, err := verifyChain(t, db)
	if err != nil {
		t.Fatalf("chain does not verify: %v", err)
	}
	if n != want {
		t.Fatalf("chain has %d events, want %d", n, want)
	}
}

func countRows(t *testing.T, db *DB, table string) int64 {
	t.Helper()
	var n int64
	if err := db.r.Table(table).Count(&n).Error; err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if target == nil {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	if !errors.Is(err, target) {
		t.Fatalf("got error %v, want one wrapping %v", err, target)
	}
}
