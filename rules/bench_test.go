package rules

import "testing"

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
