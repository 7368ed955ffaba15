package moderation_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/rules"
)

func signer(t *testing.T, seed string) *moderation.CheckpointSigner {
	t.Helper()
	s, err := moderation.ParseCheckpointKey(base64.StdEncoding.EncodeToString([]byte(seed)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A checkpoint altered after signing, or checked with another key, does
// not verify; the one as signed does.
func TestCheckpointSignaturesAreChecked(t *testing.T) {
	s := signer(t, "vigie-test-checkpoint-seed-32byt")
	other := signer(t, "another-checkpoint-seed-32-bytes")
	at := time.Date(2026, 12, 7, 21, 0, 0, 123456789, time.UTC)
	cp := s.Sign(7, strings.Repeat("ab", 32), at)
	if err := cp.Verify(s.PublicKey()); err != nil {
		t.Fatalf("the checkpoint as signed: %v", err)
	}
	alter := map[string]func(c *moderation.Checkpoint){
		"sequence":  func(c *moderation.Checkpoint) { c.Seq = 6 },
		"hash":      func(c *moderation.Checkpoint) { c.Hash = strings.Repeat("cd", 32) },
		"time":      func(c *moderation.Checkpoint) { c.SignedAt = c.SignedAt.Add(time.Microsecond) },
		"signature": func(c *moderation.Checkpoint) { c.Signature = other.Sign(7, cp.Hash, at).Signature },
	}
	for name, f := range alter {
		c := cp
		f(&c)
		if err := c.Verify(s.PublicKey()); err == nil {
			t.Errorf("%s altered: the signature verified", name)
		}
	}
	if err := cp.Verify(other.PublicKey()); err == nil || !strings.Contains(err.Error(), "not with the given public key") {
		t.Errorf("checked with another key: %v", err)
	}
}

func TestCheckpointKeysParse(t *testing.T) {
	seed, pub, err := moderation.NewCheckpointKey()
	if err != nil {
		t.Fatal(err)
	}
	s, err := moderation.ParseCheckpointKey(seed + "\n") // as read from a file
	if err != nil || s.PublicKeyBase64() != pub {
		t.Fatalf("ParseCheckpointKey(new key) = %v, %v; want public key %s", s, err, pub)
	}
	if strings.Contains(s.String(), seed) {
		t.Errorf("the signer prints its key: %s", s)
	}
	for _, bad := range []string{"", "not base64!", base64.StdEncoding.EncodeToString([]byte("short"))} {
		_, err := moderation.ParseCheckpointKey(bad)
		if err == nil || (bad != "" && strings.Contains(err.Error(), bad)) {
			t.Errorf("ParseCheckpointKey(%q) = %v; want an error that does not quote it", bad, err)
		}
	}
	if _, err := moderation.ParsePublicKey(seed[:10]); err == nil {
		t.Errorf("a truncated public key was accepted")
	}
}

// Events sealed before the verdict digest existed keep their hash: an
// empty digest stays out of the canonical form.
func TestVerdictDigestIsChainedOnlyWhenSet(t *testing.T) {
	e := moderation.Event{
		Seq: 1, CommentID: 1, At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Actor: moderation.ActorSystem,
		To: moderation.StatusRefused, Route: moderation.RouteRules, Automation: moderation.AutomationFull,
		Category: "insult", Source: "api:test", TextDigest: "t", AuthorDigest: "a",
	}
	before := e.ComputeHash(moderation.GenesisHash)
	if strings.Contains(string(e.Canonical()), "verdict=") {
		t.Fatalf("canonical form without a verdict digest names one:\n%s", e.Canonical())
	}
	v := &rules.Verdict{Action: rules.ActionRefuse, Category: "insult", Score: 0.75, Language: "fr", RulesetVersion: "fr-1",
		Matches: []rules.Match{{Rule: "insult.idiot", Category: "insult", Start: 3, End: 8, Text: "idiot"}}}
	e.Verdict = v
	e.Seal(1, moderation.GenesisHash)
	if e.VerdictDigest == "" || e.Hash == before {
		t.Fatalf("Seal with a verdict: digest %q, hash unchanged %v", e.VerdictDigest, e.Hash == before)
	}
	// The digest survives a purge (match texts erased) and changes with
	// anything the verdict decided.
	purged := *v
	purged.Matches = []rules.Match{v.Matches[0]}
	purged.Matches[0].Text = ""
	if moderation.VerdictDigest(&purged) != e.VerdictDigest {
		t.Errorf("the digest changed when the match texts were erased")
	}
	for name, f := range map[string]func(v *rules.Verdict){
		"action":   func(v *rules.Verdict) { v.Action = rules.ActionPublish },
		"score":    func(v *rules.Verdict) { v.Score = 0.7500001 },
		"category": func(v *rules.Verdict) { v.Category = "spam" },
		"match":    func(v *rules.Verdict) { v.Matches = nil },
	} {
		w := *v
		w.Matches = append([]rules.Match(nil), v.Matches...)
		f(&w)
		if moderation.VerdictDigest(&w) == e.VerdictDigest {
			t.Errorf("%s changed, the digest did not", name)
		}
	}
}
