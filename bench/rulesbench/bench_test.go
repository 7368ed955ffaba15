// Package rulesbench times vigie's rules against github.com/TwiN/go-away on
// the same comments, so the ratio can be quoted from one run.
package rulesbench

import (
	"testing"

	goaway "github.com/TwiN/go-away"

	"vigie/rules"
)

var comments = []string{
	"Je ne comprends pas pourquoi le gouvernement refuse de publier les chiffres exacts sur cette loi, c'est pourtant une question simple.",
	"I really don't understand why the ministry keeps refusing to publish the real figures on this bill; it is a simple question, isn't it?",
	"Espèce de c0nn4rd, tu ne comprends rien à rien et tu viens donner des leçons à tout le monde ici, franchement ça suffit maintenant.",
	"You are such an a$$hole, nobody asked for your opinion on this bill and you keep posting the same nonsense under every single post.",
}

func BenchmarkVigieRules(b *testing.B) {
	for _, detect := range []bool{false, true} {
		s := rules.DefaultSettings()
		s.LanguageDetection = detect
		rs, err := rules.Load(s, rules.Options{Languages: []string{"fr", "en"}})
		if err != nil {
			b.Fatal(err)
		}
		name := "nolang"
		if detect {
			name = "lang"
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				rs.Classify(rules.Input{Text: comments[i%len(comments)]}, nil)
			}
		})
	}
}

func BenchmarkGoAway(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		goaway.IsProfane(comments[i%len(comments)])
	}
}
