package rules

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Accented homographs. Matching folds accents away, so that "connard",
// "cônnard" and "CONNARD" are one word. For a few insults the accent is
// the whole difference from an ordinary word: "demeuré" (simple-minded)
// and "demeure" (a dwelling), "attardé" and "il s'attarde", "taré" and
// "une tare". Folded, each pair is one string, and "Cette demeure est
// magnifique" was reviewed, "C'est une demeure magnifique" refused.
//
// A pack lists such words under `accented:`. A token spelled with the
// letters of one of them or of its feminine or plural forms (-e, -s, -es)
// but WITHOUT its accents is the ordinary word, and nothing reads the
// insult in it: no words entry or set finds it (exactly or approximately),
// and a regexp match that begins or ends on it is dropped (patterns name
// the insult at their edges — "est un demeuré", "demeuré de ministre" — and
// only skip over other words in the middle with \w+).
//
// Why the accent and not context or the rest of the text: the accent is
// what French writers use to tell the two apart, capitals keep it in
// Unicode text (ESPÈCE DE DEMEURÉ), and the cost is one-sided. A comment
// typed entirely without accents ("espece de demeure") loses these few
// words, a missed insult that other words or a moderator can still catch,
// while reading every "demeure" as an insult removes ordinary comments,
// the error this product exists to count. Requiring the accent only when
// the text has accents elsewhere would not help: "Cette demeure est
// magnifique" has none.

// accentWord is one word of `accented:`, folded, with the byte positions
// of the folded form whose original letter carries an accent.
type accentWord struct {
	folded string
	marks  []int
}

func newAccentWord(w string) (accentWord, error) {
	nt := normalise(w)
	if len(nt.toks) != 1 {
		return accentWord{}, fmt.Errorf("accented: %q must be one word", w)
	}
	aw := accentWord{folded: string(nt.word(0))}
	for p := range aw.folded {
		if r, _ := utf8.DecodeRuneInString(w[nt.ostart[p]:]); r >= utf8.RuneSelf {
			aw.marks = append(aw.marks, p)
		}
	}
	if len(aw.marks) == 0 {
		return accentWord{}, fmt.Errorf("accented: %q has no accent", w)
	}
	return aw, nil
}

// addAccent registers an accented word with the index.
func (ix *wordIndex) addAccent(aw accentWord) {
	ix.accents = append(ix.accents, aw)
	if c := aw.folded[0]; 'a' <= c && c <= 'z' {
		ix.accentLead |= 1 << (c - 'a')
	} else {
		ix.accentLead = ^uint32(0)
	}
	if ix.accentMin == 0 || len(aw.folded) < ix.accentMin {
		ix.accentMin = len(aw.folded)
	}
}

// maybeHomograph is the cheap test in front of homograph: the token is
// long enough and starts like an accented word.
func (ix *wordIndex) maybeHomograph(w []byte) bool {
	if ix.accentLead == 0 || len(w) < ix.accentMin {
		return false
	}
	c := w[0] - 'a'
	return c >= 26 || ix.accentLead&(1<<c) != 0
}

// homograph reports whether token i is the unaccented homograph of an
// accented word: its letters, or those of a feminine or plural form, with
// an accent missing in the original text.
func (ix *wordIndex) homograph(nt *normText, i int) bool {
	w := nt.word(i)
	for _, aw := range ix.accents {
		if len(w) < len(aw.folded) || string(w[:len(aw.folded)]) != aw.folded {
			continue
		}
		switch string(w[len(aw.folded):]) {
		case "", "e", "s", "es":
		default:
			continue
		}
		ns := int(nt.toks[i].ns)
		for _, p := range aw.marks {
			if !accentedAt(nt.src, int(nt.ostart[ns+p]), int(nt.oend[ns+p])) {
				return true
			}
		}
	}
	return false
}

// accentedAt reports whether the original rune src[a:b] carries an
// accent: it is not ASCII ("é", "É", a look-alike), or a combining mark
// follows it (NFD "e\u0301").
func accentedAt(src string, a, b int) bool {
	if r, _ := utf8.DecodeRuneInString(src[a:b]); r >= utf8.RuneSelf {
		return true
	}
	next, _ := utf8.DecodeRuneInString(src[b:])
	return unicode.Is(unicode.Mn, next)
}
