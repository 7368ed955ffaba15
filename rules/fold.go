package rules

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Character folding: one original rune becomes zero or more "folded" runes
// (lowercase, no accents, compatibility forms decomposed, look-alikes
// replaced). Doing it rune by rune, instead of NFKC+Fold+strip over the whole
// string, is what lets every folded rune remember the byte range it came
// from, so a match maps back to the original text exactly.

// foldTableLimit covers Latin-1, Latin Extended, IPA, Greek and Cyrillic:
// nearly every non-ASCII rune seen in French and English comments.
const foldTableLimit = 0x530

// foldTable (fold_table.go) is foldSlow of every rune below
// foldTableLimit, as Go values: computing it at every start took ~0.5 ms
// (a Unicode decomposition per rune), a tenth of a bare start of the
// vigie binary. TestFoldTableUpToDate compares it with buildFoldTable and
// rewrites it with -update-fold-table.
func buildFoldTable() []string {
	t := make([]string, foldTableLimit)
	for r := rune(0); r < foldTableLimit; r++ {
		t[r] = string(foldSlow(r, nil))
	}
	return t
}

// lookalikes maps Cyrillic and Greek letters (already lowercased) that look
// like Latin ones, the usual trick to dodge a word filter ("cοnnard" with an
// omicron).
var lookalikes = map[rune]rune{
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o',
	'р': 'p', 'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'і': 'i', 'ї': 'i', 'ј': 'j',
	'ѕ': 's', 'ԁ': 'd', 'ɡ': 'g', 'ո': 'n', 'ս': 'u',
	'α': 'a', 'β': 'b', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o',
	'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x', 'ω': 'w', 'ς': 's', 'γ': 'y', 'μ': 'u',
}

// foldSlow is the reference folding of one rune; foldRune uses the table
// built from it for the common ranges.
func foldSlow(r rune, dst []rune) []rune {
	if isInvisible(r) {
		return dst
	}
	var buf [8]byte
	n := utf8.EncodeRune(buf[:], r)
	for _, c := range norm.NFKD.String(string(buf[:n])) {
		if unicode.Is(unicode.Mn, c) || isInvisible(c) {
			continue
		}
		c = unicode.ToLower(c)
		switch c {
		case 'ß':
			dst = append(dst, 's', 's')
			continue
		case 'œ':
			dst = append(dst, 'o', 'e')
			continue
		case 'æ':
			dst = append(dst, 'a', 'e')
			continue
		case 'ø':
			c = 'o'
		case 'đ', 'ð':
			c = 'd'
		case 'ł':
			c = 'l'
		case 'ı':
			c = 'i'
		case 'ſ':
			c = 's'
		case '’', 'ʼ', '‘', '`', '´':
			c = '\''
		}
		if l, ok := lookalikes[c]; ok {
			c = l
		}
		dst = append(dst, c)
	}
	return dst
}

// isInvisible reports characters that render as nothing and are used to
// split a word without changing how it looks (zero-width space, joiner,
// soft hyphen, byte-order mark, bidi controls...).
func isInvisible(r rune) bool {
	switch {
	case r == 0xAD, r == 0x34F, r == 0x61C, r == 0x180E:
		return true
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x206F:
		return true
	case r == 0xFEFF, r >= 0xFE00 && r <= 0xFE0F:
		return true
	}
	return false
}

// foldRune appends the folded form of r to dst.
func foldRune(r rune, dst []rune) []rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(dst, r)
	case r < foldTableLimit:
		for _, c := range foldTable[r] {
			dst = append(dst, c)
		}
		return dst
	case r == utf8.RuneError:
		return append(dst, r)
	}
	return foldSlow(r, dst)
}

// leet maps digits and symbols used in place of letters. '1' is ambiguous
// (i or l): it maps to 'i' here and tokens keep an 'l' alternative.
func leet(r rune) rune {
	switch r {
	case '0':
		return 'o'
	case '1', '!', '¡':
		return 'i'
	case '3', '€':
		return 'e'
	case '4', '@':
		return 'a'
	case '5', '$':
		return 's'
	case '7', '+':
		return 't'
	case '8':
		return 'b'
	case '9':
		return 'g'
	case '|':
		return 'l'
	}
	return 0
}

// character classes used by the tokeniser
const (
	clsOther  uint8 = iota
	clsSep          // may separate spelled-out letters: space . - _ * / '
	clsLetter       // any Unicode letter (after folding)
	clsDigit        // 0-9
	clsLeet         // symbol that can stand for a letter inside a word
)

func classOf(r rune) uint8 {
	switch {
	case r < utf8.RuneSelf:
		switch {
		case 'a' <= r && r <= 'z':
			return clsLetter
		case '0' <= r && r <= '9':
			return clsDigit
		}
		switch r {
		case '@', '$', '!', '|', '+':
			return clsLeet
		case ' ', '\t', '\n', '\r', '.', '-', '_', '*', '/', '\'', '~', ',':
			return clsSep
		}
		return clsOther
	case r == '€', r == '¡':
		return clsLeet
	case r == utf8.RuneError:
		return clsOther
	case unicode.IsLetter(r):
		return clsLetter
	case unicode.IsSpace(r), r == '·', r == '•', r == '–', r == '—':
		return clsSep
	}
	return clsOther
}
