package rules

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// findAllPlain is what the started search must equal.
func findAllPlain(re *regexp.Regexp, b []byte) [][2]int {
	var out [][2]int
	for _, x := range re.FindAllIndex(b, -1) {
		out = append(out, [2]int{x[0], x[1]})
	}
	return out
}

func checkStarted(t *testing.T, pattern string, text []byte) {
	t.Helper()
	sr, err := compileStarted(pattern, false)
	if err != nil {
		return
	}
	got, want := sr.findAll(text, nil), findAllPlain(sr.plain.get(), text)
	if !slices.Equal(got, want) {
		t.Fatalf("pattern %q on %q (starts %q): got %v, FindAllIndex gives %v", pattern, text, sr.starts, got, want)
	}
}

// Hand-picked cases where the context of a place matters: word
// boundaries before and after, line starts, text start, a match right
// after another, beginnings that are prefixes of one another, multi-byte
// runes before a place, invalid UTF-8.
func TestStartedRegexEqualsFindAll(t *testing.T) {
	cases := []struct{ pattern, text string }{
		{`\bcon\b`, "con, connard, deacon con"},
		{`\Bcon`, "con deacon bacon con"},
		{`^foo`, "foo foo"},
		{`(?m)^foo`, "foo\nfoo xfoo\n foo"},
		{`\A(?:a|b)c`, "ac bc"},
		{`\b(?:je|j|on|nous) (?:vais|va) (?:te|vous) tuer\b`, "je vais te tuer on va vous tuer, j va te tuer"},
		{`ab|a`, "abab a aab"},
		{`a+b`, "aaab ab b"},
		{`(?:x|xy)z`, "xyz xz xxyz"},
		{`\bété\b`, "été, l'été étéx, éété"},
		{`\bfoo`, "éfoo foo"},
		{`[0-9]+ rue\b`, "12 rue 3 rues 45 rue"},
		{`\b(?:va|allez)(?: donc)? dans (?:ton|ta) pays\b`, "va dans ton pays allez donc dans ta pays"},
		{`aa`, "aaaaa"},
		{`foo`, "\xfffoo\xff foo"},
		{`\bfoo`, "\xfffoo"},
		{`(?i)foo`, "FOO foo"},
		{`\w+oo`, "foo boo"},
		{`x*`, "abc"},
		{`(?:)`, "abc"},
		{`a?b`, "ab b"},
		{`(?:ab){2,}c`, "ababc abc"},
		{`(?:ab){0,2}c`, "ababc abc c"},
		{`$`, "abc"},
		{`c\z`, "abc c"},
		{`\Q0`, "0 00 a0"}, // quoted to the end: anchoring must not wrap the text
		{`a\Q)(\E`, "a)( a)("},
		{`(?i:x)yz|ab`, "Xyz ab xyz"},
	}
	for _, c := range cases {
		checkStarted(t, c.pattern, []byte(c.text))
	}
	// The optimisation applies where it should, and only there.
	for p, want := range map[string]bool{
		`\b(?:votre|vos) chiffres? (?:est|sont) faux\b`: true,
		`\bhabite\w*\b \d+ rue`:                         true,
		`\w+oo`:                                         false,
		`x*`:                                            false,
		`(?i)foo`:                                       false,
	} {
		sr, err := compileStarted(p, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := sr.ready().starts != nil; got != want {
			t.Errorf("%q: started search %v (starts %q), want %v", p, got, sr.starts, want)
		}
	}
}

// Every regex pattern of the default packs gives the same matches both
// ways on every text of the shared dev and training sets (normalised, as
// Classify sees them), and the costly French and English patterns get the
// started search.
func TestStartedRegexOnThePacks(t *testing.T) {
	rs, err := Load(DefaultSettings(), Options{Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	var pats []*startedRegex
	started := 0
	for i := range rs.rules {
		if m, ok := rs.rules[i].run.(*regexRule); ok {
			for _, p := range m.patterns {
				pats = append(pats, p)
				if p.ready().starts != nil {
					started++
				}
			}
		}
	}
	if len(pats) < 20 {
		t.Fatalf("only %d regex patterns in the packs", len(pats))
	}
	if started*10 < len(pats)*9 {
		t.Errorf("only %d of %d patterns get the started search", started, len(pats))
	}
	var texts []string
	for _, dir := range []string{devData, trainData} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		for _, f := range files {
			texts = append(texts, csvTexts(t, f)...)
		}
	}
	if len(texts) == 0 {
		t.Skip("shared data not found under ../../shared/data")
	}
	texts = append(texts, benchComments...)
	matched := 0
	for _, text := range texts {
		nt := acquireNorm(text)
		for _, p := range pats {
			got, want := p.findAll(nt.norm, nil), findAllPlain(p.plain.get(), nt.norm)
			if !slices.Equal(got, want) {
				t.Fatalf("pattern %q on %q: got %v, FindAllIndex gives %v", p.plain.src, nt.norm, got, want)
			}
			matched += len(got)
		}
		nt.release()
	}
	if matched == 0 {
		t.Fatal("no pattern matched any text: the comparison compared nothing")
	}
	t.Logf("%d patterns (%d started) agree on %d texts, %d matches", len(pats), started, len(texts), matched)
}

func csvTexts(t testing.TB, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []string
	for _, rec := range recs[1:] {
		out = append(out, rec[0])
	}
	return out
}

func FuzzStartedRegex(f *testing.F) {
	f.Add(`\b(?:je|j|on) (?:vais|va) te tuer\b`, "je vais te tuer, on va te tuer")
	f.Add(`(?m)^(?:a|ab)c?`, "abc\nac ab")
	f.Add(`\Bab`, "ab cab")
	f.Add(`[0-9]{1,3} rue`, "12 rue 1234 rue")
	f.Fuzz(func(t *testing.T, pattern, text string) {
		if len(pattern) > 200 || len(text) > 400 {
			return
		}
		checkStarted(t, pattern, []byte(text))
	})
}
