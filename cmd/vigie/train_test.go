package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// trainCSV writes a small labelled CSV: insults against ordinary talk,
// enough rows for 5-fold cross-validation with inner folds.
func trainCSV(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("text,label,lang,category\n")
	clean := []string{"merci pour cet article", "je ne suis pas d'accord avec le maire", "le match était superbe",
		"thanks for the article", "I disagree with the mayor", "the game was great"}
	toxic := []string{"espèce de connard", "sale connard", "you are an idiot", "shut up idiot"}
	for i := range 10 {
		for _, s := range clean {
			fmt.Fprintf(&b, "\"%s %d\",0,,\n", s, i)
		}
		for _, s := range toxic {
			fmt.Fprintf(&b, "\"%s %d\",1,,\n", s, i)
		}
	}
	p := filepath.Join(t.TempDir(), "train.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTrainWritesTheSameModelTwice(t *testing.T) {
	data := trainCSV(t)
	dir := t.TempDir()
	var models [2][]byte
	for i := range models {
		out := filepath.Join(dir, fmt.Sprintf("m%d.vmodel", i))
		code, stdout, stderr := run(t, "", "train", "--data", data, "--out", out)
		if code != 0 || !strings.Contains(stdout, "wrote "+out+": 100 rows") {
			t.Fatalf("train: exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
		var err error
		if models[i], err = os.ReadFile(out); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(models[0], models[1]) {
		t.Error("two runs on the same data wrote different models")
	}
}

func TestTrainCrossValidation(t *testing.T) {
	code, stdout, stderr := run(t, "", "train", "--data", trainCSV(t), "--cv", "5", "--with-rules")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"5-fold cross-validation: 100 rows (40 label 1, 60 label 0)", "AUC ", "fold 5: refuse", "label 0: ", "label 1: ", "rules alone: label 0 ", "rules + model: label 0 "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestTrainErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("text,label\nhello,maybe\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"train"}, 2, "usage: vigie train"},
		{[]string{"train", "--data", bad, "--out", filepath.Join(t.TempDir(), "m")}, 1, `bad.csv:2: label "maybe": want 0 or 1`},
		{[]string{"train", "--data", "/nonexistent.csv", "--cv", "5"}, 1, "nonexistent.csv"},
	}
	for _, tc := range tests {
		code, _, stderr := run(t, "", tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}
