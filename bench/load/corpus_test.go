package main

import (
	"encoding/json"
	"testing"
)

// The bodies must be valid JSON with texts of about 140 bytes that rarely
// repeat, and unique external ids.
func TestBodiesAreValidVariedAndAbout140Bytes(t *testing.T) {
	g := newGenerator(1, "t-")
	const n = 20000
	texts := map[string]int{}
	ids := map[string]bool{}
	total := 0
	for range n {
		var b struct {
			ExternalID string `json:"external_id"`
			Text       string `json:"text"`
		}
		raw := g.body()
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatalf("%v: %s", err, raw)
		}
		if ids[b.ExternalID] {
			t.Fatalf("external_id %q repeated", b.ExternalID)
		}
		ids[b.ExternalID] = true
		texts[b.Text]++
		total += len(b.Text)
	}
	mean := total / n
	if mean < 110 || mean > 170 {
		t.Errorf("mean text length %d bytes, want about 140", mean)
	}
	if len(texts) < n*9/10 {
		t.Errorf("%d distinct texts out of %d", len(texts), n)
	}
	t.Logf("mean %d bytes, %d distinct texts of %d", mean, len(texts), n)
}
