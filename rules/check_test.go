package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckReportsEveryProblem: one run of Check names every problem of a
// file, each at the line of the key at fault, in the words of the file
// format (no Go type names), and a YAML syntax error at its real line
// (issue 9: five errors took five runs, a line-2 error was put on line 1).
func TestCheckReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name, file string
		want       []Problem // line and a part of the message
	}{
		{"five rules, five problems", `version: 1
name: bad
rules:
  - id: a
    kind: wordz
    category: insult
    action: refuse
    words: [x]
  - id: b
    kind: words
    category: nosuch
    action: refuse
    words: [y]
  - id: c
    kind: regex
    category: insult
    action: refuse
    patterns: ['(']
  - id: d
    kind: words
    category: insult
    action: maybe
    words: [z]
  - id: e
    kind: words
    category: insult
    action: refuse
    words: []
`, []Problem{{5, `unknown kind "wordz" (did you mean "words"?)`}, {11, `unknown category "nosuch"`},
			{18, `pattern "(" is not a valid regular expression`}, {22, `unknown action "maybe"`}, {28, "words: the list is empty"}}},
		{"unknown keys and a wrong type, with compile problems too", `version: 1
nmae: bad
rules:
  - id: a
    kind: words
    category: insult
    action: review
    wrods: [x]
    words: [x]
  - id: b
    kind: words
    category: insult
    action: refuse
    words: x
  - id: c
    kind: near
    category: insult
    action: review
    near: [group_fr, nosuchset]
    soften: {quoted: true, neer: [mention_fr]}
  - id: d
    kind: repeated
    category: repeated
    action: review
    min_authors: 3
    window: tomorrow
`, []Problem{{2, `unknown key "nmae" at the top of the file (did you mean "name"?)`}, {8, `unknown key "wrods" in a rule (did you mean "words"?)`},
			{14, `words: want a list such as [a, b], got "x"`}, {19, `unknown set "nosuchset"`},
			{20, `unknown key "neer" in soften (did you mean "near"?)`}, {26, `window: want a duration such as 10m or 24h, got "tomorrow"`}}},
		{"a list not closed, on line 2", "version: 1\nname: [bad\n", []Problem{{2, "a list opened with [ is not closed"}}},
		{"a stray list item, on line 3", "version: 1\nname: bad\n- x\n", []Problem{{3, "not valid YAML"}}},
		{"a tab, on line 2", "version: 1\n\tname: bad\n", []Problem{{2, "indent with spaces"}}},
		{"a duplicate rule and key", `version: 1
rules:
  - id: a
    kind: words
    category: insult
    action: review
    words: [x]
  - id: a
    kind: words
    kind: words
    category: insult
    action: review
    words: [y]
`, []Problem{{8, `rule "a" is already defined at line 3`}, {10, `"kind" is given twice in a rule (first at line 9)`}}},
		{"unsupported version, missing fields", "version: 3\nrules:\n  - id: a\n    words: [x]\n", []Problem{
			{1, "version 3 is not supported"}, {3, "no kind"}, {3, "no action"}, {3, "no category"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "pack.yaml")
			if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			err := Check(path)
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Check = %v, want a *FileError", err)
			}
			if len(fe.Problems) != len(tt.want) {
				t.Errorf("%d problems, want %d:\n%v", len(fe.Problems), len(tt.want), err)
			}
			for i, w := range tt.want {
				if i >= len(fe.Problems) {
					break
				}
				if got := fe.Problems[i]; got.Line != w.Line || !strings.Contains(got.Message, w.Message) {
					t.Errorf("problem %d = line %d %q, want line %d %q", i, got.Line, got.Message, w.Line, w.Message)
				}
			}
			if msg := err.Error(); strings.Contains(msg, "rules.") || strings.Contains(msg, "[]string") {
				t.Errorf("a Go type name in %q", msg)
			}
			if !strings.HasPrefix(err.Error(), path+":") {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
}

// TestCheckBuiltinPacks: the default packs check clean, and Load reports
// every problem of a bad pack too.
func TestCheckBuiltinPacks(t *testing.T) {
	for _, name := range []string{"core", "fr", "en"} {
		data, err := builtinPacks.ReadFile("packs/" + name + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), name+".yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		// The pack's own categories and rule ids are already in the
		// builtin context: only core's categories may repeat.
		if err := Check(path); err != nil && name != "core" {
			t.Errorf("Check(%s): %v", name, err)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("rules:\n  - id: a\n    kind: wordz\n  - id: b\n    kind: words\n    category: x\n    action: refuse\n    words: [y]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := DefaultSettings()
	s.Packs = append(s.Packs, bad)
	_, err := Load(s, Options{Languages: []string{"fr", "en"}})
	var fe *FileError
	if !errors.As(err, &fe) || len(fe.Problems) < 2 {
		t.Errorf("Load = %v, want every problem of %s", err, bad)
	}
}
