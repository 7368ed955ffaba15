package moderation

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func sampleChain(n int) []Event {
	evs := make([]Event, n)
	prev := GenesisHash
	at := time.Date(2026, 11, 27, 9, 0, 0, 123456000, time.UTC)
	for i := range evs {
		evs[i] = Event{
			CommentID: int64(i/2 + 1), At: at.Add(time.Duration(i) * time.Second), Actor: ActorSystem,
			From: 0, To: StatusRefused, Route: RouteRules, Automation: AutomationFull,
			Category: "insult", RuleIDs: []string{"fr.insult"}, RulesetVersion: "abc",
			Source: "api:test", Language: "fr",
			TextDigest: Digest([]byte("salt"), "texte"), AuthorDigest: Digest([]byte("salt"), "u1", "Ana"),
		}
		if i%2 == 1 {
			evs[i].From, evs[i].To, evs[i].Route, evs[i].Actor, evs[i].Automation = StatusRefused, StatusPublished, RouteAppeal, "moderator:1", AutomationNone
		}
		evs[i].Seal(int64(i+1), prev)
		prev = evs[i].Hash
	}
	return evs
}

func TestChainVerifiesAnUntouchedLog(t *testing.T) {
	evs := sampleChain(10)
	v := NewChainVerifier()
	for i := range evs {
		if err := v.Check(&evs[i]); err != nil {
			t.Fatalf("event %d: %v", i+1, err)
		}
	}
	if v.Head() != evs[9].Hash || v.Count != 10 {
		t.Errorf("head %s count %d", v.Head(), v.Count)
	}
}

func TestChainNamesTheFirstAlteredEvent(t *testing.T) {
	alter := map[string]func(*Event){
		"category":   func(e *Event) { e.Category = "spam" },
		"to status":  func(e *Event) { e.To = StatusPublished },
		"time":       func(e *Event) { e.At = e.At.Add(time.Microsecond) },
		"rule ids":   func(e *Event) { e.RuleIDs = nil },
		"note":       func(e *Event) { e.Note = "edited" },
		"text":       func(e *Event) { e.TextDigest = Digest(nil, "autre") },
		"prev hash":  func(e *Event) { e.PrevHash = GenesisHash },
		"sequence":   func(e *Event) { e.Seq = 99 },
		"actor":      func(e *Event) { e.Actor = "moderator:2" },
		"language":   func(e *Event) { e.Language = "en" },
		"source":     func(e *Event) { e.Source = "api:other" },
		"automation": func(e *Event) { e.Automation = AutomationNone },
	}
	for name, f := range alter {
		t.Run(name, func(t *testing.T) {
			evs := sampleChain(8)
			f(&evs[4])
			v := NewChainVerifier()
			var err error
			for i := range evs {
				if err = v.Check(&evs[i]); err != nil {
					break
				}
			}
			var br *ChainBreak
			if !errors.As(err, &br) {
				t.Fatalf("got %v, want a ChainBreak", err)
			}
			if br.Seq != 5 && !(name == "sequence" && br.Seq == 99) {
				t.Errorf("break at %d, want 5: %v", br.Seq, br)
			}
		})
	}
}

func TestSnapshotIsNotChained(t *testing.T) {
	// A purge erases the text snapshot: the hash must not depend on it.
	evs := sampleChain(2)
	before := evs[1].ComputeHash(evs[0].Hash)
	evs[1].Text = ""
	evs[1].Verdict = nil
	if evs[1].ComputeHash(evs[0].Hash) != before {
		t.Fatal("the hash depends on the erasable snapshot")
	}
}

func TestCanonicalEncodingIsUnambiguous(t *testing.T) {
	a := Event{Category: "a\nnote=1:b", Note: ""}
	b := Event{Category: "a", Note: "b"}
	if string(a.Canonical()) == string(b.Canonical()) {
		t.Fatal("two different events encode alike")
	}
	c := Event{RuleIDs: []string{"a,b"}}
	d := Event{RuleIDs: []string{"a", "b"}}
	if string(c.Canonical()) == string(d.Canonical()) {
		t.Fatal("rule id lists encode alike")
	}
	if !strings.Contains(string(a.Canonical()), "from=3:new") {
		t.Errorf("the first event's from-status must encode as new:\n%s", a.Canonical())
	}
}

func TestDigestDependsOnSalt(t *testing.T) {
	if Digest([]byte("s1"), "x") == Digest([]byte("s2"), "x") {
		t.Error("salt does not change the digest")
	}
	if Digest(nil, "ab", "c") == Digest(nil, "a", "bc") {
		t.Error("value boundaries are ambiguous")
	}
}

// The canonical form is a published format: anyone can recompute the chain
// from an export. This pins it; a change here breaks every existing log.
func TestHashFormatIsStable(t *testing.T) {
	evs := sampleChain(3)
	evs[2].RuleIDs = []string{"a,b", "fr.insult"}
	evs[2].Note = "é note"
	if got, want := evs[0].Hash, "469e1526d5effdee21d8d32e6bb147787743d5bc3977d623e1270ddc8f2da01c"; got != want {
		t.Errorf("first event hash %s, want %s", got, want)
	}
	if got, want := evs[2].ComputeHash(evs[1].Hash), "c206973433654e3f2512cf95b4554421c72178708dcb9d68ea28c75c97128c3d"; got != want {
		t.Errorf("third event hash %s, want %s", got, want)
	}
}

func BenchmarkComputeHash(b *testing.B) {
	evs := sampleChain(2)
	b.ReportAllocs()
	for b.Loop() {
		_ = evs[1].ComputeHash(evs[0].Hash)
	}
}
