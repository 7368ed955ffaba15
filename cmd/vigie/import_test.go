package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportOfTwoFilesWithOneNameLosesNothing: two different files called
// comments.jsonl, in two folders, both with ids from the line number. Each
// is its own source, so the second is imported too; importing either again
// adds nothing.
func TestImportOfTwoFilesWithOneNameLosesNothing(t *testing.T) {
	cfg, dbPath := testConfig(t)
	a := writeLines(t, `{"text":"Merci pour cet article"}`, `{"text":"Très clair, bravo"}`)
	b := writeLines(t, `{"text":"Une autre discussion"}`, `{"text":"Sur un autre sujet"}`, `{"text":"Et une troisième"}`)
	if filepath.Base(a) != filepath.Base(b) || a == b {
		t.Fatalf("the test needs two files with one name: %s, %s", a, b)
	}
	for _, f := range []string{a, b, a, b} {
		if code, _, errOut := run(t, "", "import", "--config", cfg, f); code != 0 {
			t.Fatalf("import %s: exit %d: %s", f, code, errOut)
		}
	}
	var n int
	if err := openSQLite(t, dbPath).QueryRow(`SELECT COUNT(*) FROM comments`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("%d comments stored, want 5 (2 + 3, nothing twice)", n)
	}
}

// TestImportDecodesLikeTheHTTPIntake: one decoder for every way in. What
// HTTP refuses (an unknown field, a number for an id, a misspelt key) the
// import refuses too, naming the line and the field.
func TestImportDecodesLikeTheHTTPIntake(t *testing.T) {
	cfg, _ := testConfig(t)
	file := writeLines(t,
		`{"external_id":"ok","text":"Bonjour"}`,
		`{"external_id":42,"text":"un identifiant numérique"}`,
		`{"external_id":"x","txt":"une clé mal écrite","text":"t"}`,
		`{"external_id":"y","text":"t","author":{"id":7}}`,
	)
	code, out, errOut := run(t, "", "import", "--config", cfg, file)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{"line 2: external_id", "line 3: txt", "line 4: author.id"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out, "imported 1 new comments") {
		t.Errorf("summary: %s", out)
	}
}

// TestImportReportsAKnownIDWithAnotherText: the same source and id with a
// different text is not a copy; it is reported, not counted as known.
func TestImportReportsAKnownIDWithAnotherText(t *testing.T) {
	cfg, _ := testConfig(t)
	dir := t.TempDir()
	f := filepath.Join(dir, "c.jsonl")
	if err := os.WriteFile(f, []byte(`{"source":"api:s","external_id":"1","text":"premier texte"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, "", "import", "--config", cfg, f); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if err := os.WriteFile(f, []byte(`{"source":"api:s","external_id":"1","text":"un autre texte"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "", "import", "--config", cfg, f)
	if code != 1 || !strings.Contains(errOut, "line 1: api:s/1 is already stored with another text") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
}
