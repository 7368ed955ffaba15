package rules

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"
)

// ~140-byte comments, as in specs/performance.md.
var benchComments = []string{
	"Je ne comprends pas pourquoi le gouvernement refuse de publier les chiffres exacts sur cette loi, c'est pourtant une question simple.",
	"I really don't understand why the ministry keeps refusing to publish the real figures on this bill; it is a simple question, isn't it?",
}

func benchClassify(b *testing.B, detect bool) {
	s := DefaultSettings()
	s.LanguageDetection = detect
	rs, err := Load(s, Options{Languages: []string{"fr", "en"}})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range benchComments {
		name := "fr"
		if c[0] == 'I' {
			name = "en"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rs.Classify(Input{Text: c}, nil)
			}
		})
	}
}

func BenchmarkClassifyWithLanguage(b *testing.B)    { benchClassify(b, true) }
func BenchmarkClassifyWithoutLanguage(b *testing.B) { benchClassify(b, false) }

// BenchmarkNormalise measures the pooled normalisation Classify uses.
func BenchmarkNormalise(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		acquireNorm(benchComments[0]).release()
	}
}

// BenchmarkClassifyDevSet runs the whole of both dev files (7,446 short
// comments, 18% of which the stop-word vote leaves to lingua): ns/op is per
// comment, the mean cost of language detection on a realistic mix.
func BenchmarkClassifyDevSet(b *testing.B) {
	var texts []string
	for _, name := range []string{"mhc_fr.csv", "hatecheck_en.csv"} {
		f, err := os.Open(filepath.Join(devData, name))
		if err != nil {
			b.Skipf("dev data not found: %v", err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range recs[1:] {
			texts = append(texts, r[0])
		}
	}
	for _, detect := range []bool{false, true} {
		s := DefaultSettings()
		s.LanguageDetection = detect
		rs, err := Load(s, Options{Languages: []string{"fr", "en"}})
		if err != nil {
			b.Fatal(err)
		}
		name := "nolang"
		if detect {
			name = "lang"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				rs.Classify(Input{Text: texts[i%len(texts)]}, nil)
			}
		})
	}
}

// BenchmarkLoad is loading the default packs once the process has
// decoded the built-in model and the language table (shared by every
// Load): the part of a start-up on vigie classify's critical path.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(DefaultSettings(), Options{Languages: []string{"fr", "en"}}); err != nil {
			b.Fatal(err)
		}
	}
}
