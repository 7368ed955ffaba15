package rules

import (
	"slices"
	"strings"
)

// Soften: a refuse match that is a mention, not a use, is only reviewed
// (README.md, "soften"). What makes a mention is where the cue stands, not
// merely that a first-person word is near: "Sale connard, je te déteste"
// and "You are a fucking idiot and I hate you" use the insult, « il m'a
// traité de connard » and "I've been a complete dickhead" mention it.
//
//   - quoted: the match sits between quote marks.
//   - near (reported speech: "traité de", "called", "le mot", "écrire
//     que"): the cue comes BEFORE the match, within soften.within tokens,
//     in the same clause (no sentence punctuation between them), and no
//     word of soften.addressed (tu, vous, you…) stands between the cue and
//     the match or opens the match — "je te dis que t'es un connard" is a
//     use. Only the first word of the match counts because a threat such
//     as "je vais te tuer" addresses the reader inside the match: « il m'a
//     dit je vais te tuer » is reported. The reader may be addressed before
//     the cue: "tu dois arrêter d'appeler les gens des salopes".
//   - self (self-description: "je suis", "j'ai été", "d'être", "I've
//     been", "being"): as near, and moreover no addressed word in the same
//     clause before the cue either, since "tu peux être un vrai connard"
//     and "typical of you to be such a dickhead" describe the reader.
//   - after ("qu'on est", "que je suis", "that I am"): the cue starts right
//     after the match, in the same clause: "bande de cons qu'on est".

// softened reports whether a refuse match on tokens ti..tj (original bytes
// a..b) is a mention and should only be reviewed.
func (c *classifier) softened(r *rule, ti, tj, a, b int) bool {
	s := r.soften
	if s == nil || r.action != ActionRefuse {
		return false
	}
	if s.quoted && quoted(c.in.Text, a, b) {
		return true
	}
	for _, h := range c.hits {
		before := int(h.tj) < ti && int(h.tj) >= ti-s.within
		switch {
		case before && slices.Contains(s.near, h.target):
			if c.sameClause(int(h.tj), a) && !c.addressed(s, int(h.tj)+1, ti, a) {
				return true
			}
		case before && slices.Contains(s.self, h.target):
			if c.sameClause(int(h.tj), a) && !c.addressed(s, ti-s.within, ti, a) {
				return true
			}
		case int(h.ti) == tj+1 && slices.Contains(s.after, h.target):
			if cueStart, _ := c.nt.tokSpan(int(h.ti), int(h.tj)); !crossesClause(c.in.Text[b:cueStart]) {
				return true
			}
		}
	}
	return false
}

// sameClause reports whether no sentence punctuation of the original text
// lies between the end of token t and byte a.
func (c *classifier) sameClause(t, a int) bool {
	_, end := c.nt.tokSpan(t, t)
	return end <= a && !crossesClause(c.in.Text[end:a])
}

// addressed reports whether a word of soften.addressed starts at a token
// in lo..ti, in the same clause as the match that starts at byte a.
func (c *classifier) addressed(s *soften, lo, ti, a int) bool {
	for _, h := range c.hits {
		if int(h.ti) >= lo && int(h.ti) <= ti && slices.Contains(s.addressed, h.target) &&
			(int(h.ti) == ti || c.sameClause(int(h.tj), a)) {
			return true
		}
	}
	return false
}

// softenedSpan is softened for a match given in bytes of the normalised
// text (regexp rules).
func (c *classifier) softenedSpan(r *rule, na, nb, a, b int) bool {
	if r.soften == nil || r.action != ActionRefuse {
		return false
	}
	return c.softened(r, c.nt.tokenAt(na), c.nt.tokenAt(nb-1), a, b)
}

const openQuotes, closeQuotes = "\"“«„", "\"”»“"

// quoted reports whether s[a:b] sits between an opening quote before it and
// a closing quote after it.
func quoted(s string, a, b int) bool {
	return strings.ContainsAny(s[:a], openQuotes) && strings.ContainsAny(s[b:], closeQuotes)
}
