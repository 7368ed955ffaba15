package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

const sharedData = "../../../../shared/data"

// The corpus is exactly n lines, one comment each, cycled over the rows
// in a fixed order: two builds give the same bytes.
func TestCorpusIsOneCommentPerLineAndDeterministic(t *testing.T) {
	if _, err := os.Stat(filepath.Join(sharedData, "train")); err != nil {
		t.Skipf("shared data not found (%v); it lives in /work/shared/data", err)
	}
	a, rows, err := buildCorpus(sharedData, 20000)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := buildCorpus(sharedData, 20000)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the corpus differ")
	}
	lines := bytes.Split(bytes.TrimSuffix(a, []byte("\n")), []byte("\n"))
	if len(lines) != 20000 {
		t.Fatalf("%d lines, want 20000", len(lines))
	}
	if rows < 1000 || rows >= 20000 {
		t.Fatalf("%d rows read: the corpus should cycle over all rows of dev/ and train/", rows)
	}
	// Line rows+i is row i again.
	for _, i := range []int{0, 1, 17} {
		if !bytes.Equal(lines[i], lines[rows+i]) {
			t.Errorf("line %d is not line %d again: %q / %q", rows+i, i, lines[rows+i], lines[i])
		}
	}
}

// A text with line breaks becomes one line; the header row is skipped.
func TestCorpusJoinsMultilineTexts(t *testing.T) {
	dir := t.TempDir()
	for _, f := range corpusFolders {
		if err := os.Mkdir(filepath.Join(dir, f), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	csv := "text,label\n\"first\nsecond\r\nthird\",1\nplain,0\n"
	if err := os.WriteFile(filepath.Join(dir, "train", "a.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	got, rows, err := buildCorpus(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := "first second third\nplain\nfirst second third\n"; string(got) != want || rows != 2 {
		t.Fatalf("got %q (%d rows), want %q (2 rows)", got, rows, want)
	}
	if _, _, err := buildCorpus(t.TempDir(), 3); err == nil {
		t.Fatal("no CSV files: want an error")
	}
}
