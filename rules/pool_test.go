package rules

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

// TestPooledNormaliseMatchesFresh: a pooled normText, reused after texts
// of other lengths and scripts, gives exactly what a fresh one gives.
func TestPooledNormaliseMatchesFresh(t *testing.T) {
	texts := []string{"c o n n a r d et des çà et là ŒUVRES", "", "a$$h0le!!! 1337 c0nn4rd", "ﬁ ß Œ ＦＵＬＬ",
		"Je ne comprends pas pourquoi le gouvernement refuse de publier les chiffres exacts.", "x", "connaaaaard bouffon"}
	for round := 0; round < 3; round++ {
		for _, s := range texts {
			want := normalise(s)
			got := acquireNorm(s)
			if string(got.norm) != string(want.norm) || string(got.aux) != string(want.aux) ||
				!slices.Equal(got.ostart, want.ostart) || !slices.Equal(got.oend, want.oend) ||
				!slices.Equal(got.toks, want.toks) || got.letters != want.letters || got.upper != want.upper || got.digits != want.digits {
				t.Fatalf("pooled normalise(%q) = %q %v, fresh = %q %v", s, got.norm, got.toks, want.norm, want.toks)
			}
			got.release()
		}
	}
}

// TestClassifyConcurrent: the pools keep concurrent calls apart (run
// with -race).
func TestClassifyConcurrent(t *testing.T) {
	rs := loadDefault(t)
	texts := []string{"Espèce de c0nn4rd", "Bonjour à tous", "You are such an a$$h0le", "jean@example.fr 06 12 34 56 78",
		`Il m'a traité de "bougnoule"`, "Les réfugiés sont de la vermine.", "Je vais te tuer."}
	want := make([]string, len(texts))
	for i, s := range texts {
		want[i] = fmt.Sprint(rs.Classify(Input{Text: s}, nil))
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for k := 0; k < 200; k++ {
				i := (g + k) % len(texts)
				if got := fmt.Sprint(rs.Classify(Input{Text: texts[i]}, nil)); got != want[i] {
					t.Errorf("concurrent Classify(%q) = %s, want %s", texts[i], got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}
