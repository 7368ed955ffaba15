package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A crash in the middle of an append leaves a torn last line: the next
// checkpoint starts a line of its own, so it reads whole, and the torn
// line is named rather than glued to it.
func TestAppendLineAfterATornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "checkpoints.jsonl")
	whole := `{"seq":1,"hash":"aa","signature":"s1"}`
	if err := os.WriteFile(path, []byte(whole+"\n"+`{"seq":2,"ha`), 0o644); err != nil {
		t.Fatal(err)
	}
	next := `{"seq":3,"hash":"cc","signature":"s3"}`
	if err := appendLine(path, []byte(next)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := whole + "\n" + `{"seq":2,"ha` + "\n" + next + "\n"; string(b) != want {
		t.Fatalf("file = %q, want %q", b, want)
	}
	if _, err := readCheckpoints(path); err == nil || !strings.Contains(err.Error(), ":2:") {
		t.Errorf("readCheckpoints = %v, want an error naming line 2 (the torn one)", err)
	}

	// A whole file and a new one get no blank line.
	fresh := filepath.Join(t.TempDir(), "new.jsonl")
	for _, l := range []string{whole, next} {
		if err := appendLine(fresh, []byte(l)); err != nil {
			t.Fatal(err)
		}
	}
	cps, err := readCheckpoints(fresh)
	if b, _ := os.ReadFile(fresh); err != nil || len(cps) != 2 || string(b) != whole+"\n"+next+"\n" {
		t.Errorf("appended twice: %q, read %d checkpoints, %v", b, len(cps), err)
	}
}
