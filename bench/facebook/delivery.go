package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// The deliveries: one page, 40 posts, every change a new comment ("add")
// by its own author, so neither the flood rule nor the repeated-text rule
// turns the benchmark into a benchmark of one rule. One comment in ten
// carries an insult (refused, so the outbox hides it). Texts are written as
// Meta writes them, non-ASCII escaped as \u00e9, and signed over those bytes.

const (
	benchPage  = "111122223333444"
	benchToken = "bench-page-token"
	numPosts   = 40
)

var (
	openers = []string{"Merci pour ces explications,", "Je ne suis pas d'accord :", "Question sincère :",
		"Franchement,", "Thanks for the update,", "I disagree:", "Honest question:", "To be fair,"}
	middles = []string{"le texte ne dit rien sur le contrôle des données", "les chiffres publiés hier ne correspondent pas",
		"personne n'explique comment ce sera évalué", "the figures do not match last year's report",
		"nobody explains how this will be checked", "the consultation ended far too early"}
	insults = []string{"espèce de connard", "bande d'abrutis", "you idiot", "what a moron"}
)

// delivery is one signed webhook body.
type delivery struct {
	body      []byte
	signature string
	changes   int
}

// makeDeliveries builds n deliveries of changes new comments each, every
// comment id distinct.
func makeDeliveries(n, changes int, secret string, rnd *rand.Rand) []delivery {
	out := make([]delivery, n)
	seq := 0
	for i := range out {
		var b strings.Builder
		fmt.Fprintf(&b, `{"object":"page","entry":[{"id":"%s","time":%d,"changes":[`, benchPage, 1767225600+i)
		for j := range changes {
			seq++
			if j > 0 {
				b.WriteByte(',')
			}
			post := fmt.Sprintf("50%02d", seq%numPosts)
			text := fmt.Sprintf("%s %s (n° %d)", openers[rnd.IntN(len(openers))], middles[rnd.IntN(len(middles))], seq)
			if rnd.IntN(10) == 0 {
				text += ", " + insults[rnd.IntN(len(insults))]
			}
			fmt.Fprintf(&b, `{"field":"feed","value":{"from":{"id":"7%015d","name":"Auteur %d"},`+
				`"post_id":"%s_%s","comment_id":"%s_%d","parent_id":"%s_%s","created_time":%d,`+
				`"item":"comment","verb":"add","message":%s}}`,
				seq, seq, benchPage, post, post, 900000000+seq, benchPage, post, 1767225000+seq, metaJSON(text))
		}
		b.WriteString(`]}]}`)
		body := []byte(b.String())
		out[i] = delivery{body: body, signature: sign(secret, body), changes: changes}
	}
	return out
}

// metaJSON is a JSON string as Meta writes it: non-ASCII as \uXXXX.
func metaJSON(s string) string {
	raw, _ := json.Marshal(s)
	var b strings.Builder
	for _, r := range string(raw) {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case r > 0xFFFF:
			r1, r2 := surrogates(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

func surrogates(r rune) (rune, rune) {
	r -= 0x10000
	return 0xD800 + (r>>10)&0x3FF, 0xDC00 + r&0x3FF
}

// sign is X-Hub-Signature-256 as Meta computes it.
func sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}
