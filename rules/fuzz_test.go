package rules

import (
	"testing"
	"unicode/utf8"
)

// FuzzNormalise: never panics; every token maps to a span inside the text,
// on rune boundaries (as utf8.DecodeRuneInString walks, so invalid bytes
// count as one-byte runes).
func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"", "connard", "c o n n a r d", "C.O.N.N.A.R.D", "con\u200bnard", "cοnnard", "a$$h0le!",
		"ﬁ ß Œ", "\xff\xfe bad utf8 \xc3", "e\u0301cole", "!!!", "1 2 3", "a.b-c_d", "ＦＵＬＬ ｗｉｄｔｈ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		nt := normalise(s)
		starts := map[int]bool{len(s): true}
		for i := 0; i < len(s); {
			starts[i] = true
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
		}
		for i := range nt.toks {
			a, b := nt.tokSpan(i, i)
			if a < 0 || b > len(s) || a > b || !starts[a] || !starts[b] {
				t.Fatalf("token %d %q: span [%d,%d) of %q not on rune boundaries", i, nt.word(i), a, b, s)
			}
		}
		if len(nt.ostart) != len(nt.norm) || len(nt.oend) != len(nt.norm) {
			t.Fatalf("offset maps %d,%d for norm of %d bytes", len(nt.ostart), len(nt.oend), len(nt.norm))
		}
	})
}

// FuzzClassify: spans of every match are inside the text and Text agrees.
func FuzzClassify(f *testing.F) {
	rs := loadDefault(f)
	for _, s := range []string{"Espèce de connard", "jean@example.fr 06 12 34 56 78", "\"bougnoule\"", "https://bit.ly/x", "\xffc0nn4rd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := rs.Classify(Input{Text: s}, nil)
		for _, m := range v.Matches {
			if m.Start < 0 || m.End > len(s) || m.Start > m.End || s[m.Start:m.End] != m.Text {
				t.Fatalf("bad match %+v for %q", m, s)
			}
		}
	})
}

// FuzzParseRules: the rules parser and compiler never panic.
func FuzzParseRules(f *testing.F) {
	data, _ := builtinPacks.ReadFile("packs/fr.yaml")
	f.Add(string(data))
	f.Add("rules:\n  - id: x\n    kind: regex\n    category: insult\n    action: refuse\n    patterns: ['(']\n")
	f.Add("rules:\n  - id: x\n    kind: words\n    category: insult\n    score: 0.5\n    words: ['*']\n")
	f.Add("version: 2\n")
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 1<<16 {
			return
		}
		spec, err := parseFile("fuzz.yaml", []byte(s))
		if err != nil {
			return
		}
		ctx, _ := readPack("builtin:core", "")
		_, _ = compile([]*pack{{name: "fuzz.yaml", data: []byte(s), spec: spec}}, []*pack{ctx}, DefaultSettings(), Options{Languages: []string{"fr"}})
	})
}
