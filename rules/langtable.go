package rules

import (
	_ "embed"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The n-gram language detector: the computation lingua-go does in its
// low-accuracy mode (the sum, over the distinct letter trigrams of the
// text's words, of each language's log-probability of the trigram, backing
// off to its first two letters, then its first letter, when the language's
// model lacks it; the greatest sum wins, a tie answers nothing), over a
// table made from lingua-go's own trigram, bigram and unigram models for
// the languages Vigie tells apart (packs/languages.vlang, built by
// `go test ./rules -run TestLanguageTableRebuilds -update-language-table`,
// attributions in packs/languages.vlang.md).
//
// Why not lingua-go itself: on the texts the stop-word vote leaves
// undecided, lingua-go takes ~180 µs a comment (per-word regexp filtering,
// map lookups per language, decimal arithmetic, ~600 allocations) and its
// models ~60 ms and ~60 MB to load; the table answers the same in a few
// microseconds and loads in a few milliseconds. It agrees with lingua-go
// on the shared labelled texts (TestLanguageTableAgreesWithLingua gives
// the figure). What it leaves out is lingua-go's rule step (letters unique
// to one language, an alphabet shared by few): the trigram sums decide
// those texts too. Languages outside the table (a configured language
// other than those of tableLanguages) keep lingua-go.

//go:embed packs/languages.vlang
var languageTableData string

// tableLanguages are the languages of the table, in its column order. A
// text mostly in Arabic script is "ar" without the table (script test).
var tableLanguages = []string{"en", "fr", "de", "es", "it", "pt", "nl"}

// langScale: the table stores log-probabilities as int16 × 1/langScale.
const langScale = 1024

// langTable is the loaded table: each n-gram (1 to 3 letters, lowercase)
// has a row of len(langs) log-probabilities (0: the language's model
// lacks it).
//
// The n-grams are found through an open-addressing table of offsets into
// the table's own bytes (FNV-1a of the n-gram, linear probing), not a Go
// map: it is built in a fifth of the time (0.4 ms instead of 2 ms for
// ~39,000 n-grams, at every start of vigie classify), with no copy of
// keys or rows, and the trigram's hash is the one detect computes anyway.
type langTable struct {
	data  string   // the table file: keys and rows are read in place
	langs []string // the columns
	slots []uint32 // offset+1 of an n-gram's length byte in data; 0 empty
	mask  uint64   // len(slots)-1
	// groupLangs: per accent group (accentGroups), its languages as bits
	// of langs.
	groupLangs [len(accentGroups)]uint64
}

// fnv1a is FNV-1a of s, the hash of the n-gram index.
func fnv1a[T string | []byte](s T) uint64 {
	h := uint64(fnvOffset)
	for i := range len(s) {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

// find is the offset of gram's row in t.data, or -1; h is fnv1a(gram).
func (t *langTable) find(gram []byte, h uint64) int {
	for p := h & t.mask; ; p = (p + 1) & t.mask {
		s := t.slots[p]
		if s == 0 {
			return -1
		}
		at := int(s - 1)
		k := int(t.data[at])
		if k == len(gram) && t.data[at+1:at+1+k] == string(gram) {
			return at + 1 + k
		}
	}
}

// value is column l of the row at offset row (see find).
func (t *langTable) value(row, l int) int16 {
	return int16(uint16(t.data[row+2*l]) | uint16(t.data[row+2*l+1])<<8)
}

const languageTableMagic = "VLANG1\n"

// parseLangTable reads the table format: the magic, the number of
// languages and their two-letter codes, the number of n-grams, then each
// n-gram as one length byte, its UTF-8 bytes and one little-endian int16
// per language. Keys and rows are read in place.
func parseLangTable(data string) (*langTable, error) {
	bad := func(what string) error { return fmt.Errorf("language table: %s", what) }
	if !strings.HasPrefix(data, languageTableMagic) {
		return nil, bad("not a Vigie language table")
	}
	p := len(languageTableMagic)
	if p >= len(data) {
		return nil, bad("truncated")
	}
	nl := int(data[p])
	p++
	if nl == 0 || nl > 64 || p+2*nl+4 > len(data) {
		return nil, bad("truncated header, or not 1 to 64 languages")
	}
	t := &langTable{data: data}
	for i := range nl {
		t.langs = append(t.langs, data[p+2*i:p+2*i+2])
	}
	for g, codes := range accentGroups {
		for _, code := range codes {
			if l := slices.Index(t.langs, code); l >= 0 {
				t.groupLangs[g] |= 1 << l
			}
		}
	}
	p += 2 * nl
	n := int(binary.LittleEndian.Uint32([]byte(data[p : p+4])))
	p += 4
	size := 1
	for size < 2*n {
		size *= 2
	}
	if n > len(data) || size > 1<<31 {
		return nil, bad("truncated n-grams")
	}
	t.slots = make([]uint32, size)
	t.mask = uint64(size - 1)
	for range n {
		if p >= len(data) {
			return nil, bad("truncated n-grams")
		}
		k := int(data[p])
		if k == 0 || p+1+k+2*nl > len(data) {
			return nil, bad("truncated n-gram")
		}
		gram := data[p+1 : p+1+k]
		q := fnv1a(gram) & t.mask
		for ; t.slots[q] != 0; q = (q + 1) & t.mask {
			if at := int(t.slots[q] - 1); data[at+1:at+1+int(data[at])] == gram {
				return nil, bad(fmt.Sprintf("n-gram %q twice", gram))
			}
		}
		t.slots[q] = uint32(p + 1)
		p += 1 + k + 2*nl
	}
	if p != len(data) {
		return nil, bad("trailing bytes")
	}
	return t, nil
}

// langScratch is the per-call memory of detect, pooled with the normText.
type langScratch struct {
	lower []byte
	seen  map[uint64]struct{} // FNV-1a of the trigrams already counted
	sums  []int64
}

// detect returns the table language of s, or "" when no language has any
// of its n-grams, when the best two tie, or when s has fewer than three
// letters. s is cut to linguaPrefix bytes by the caller.
func (t *langTable) detect(s string, sc *langScratch) string {
	// Lowercase once; words are the runs of letters, as lingua-go's
	// \p{L}+ over the lowercased text.
	sc.lower = sc.lower[:0]
	letters, arabic, accents := 0, 0, false
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if r >= 0x600 && unicode.Is(unicode.Arabic, r) { // the Arabic script starts at U+0600
				arabic++
			}
			if r >= 0xc0 && !accents {
				_, accents = accentLetters[unicode.ToLower(r)]
			}
			sc.lower = utf8.AppendRune(sc.lower, unicode.ToLower(r))
		} else {
			sc.lower = append(sc.lower, ' ')
		}
	}
	if letters < 3 {
		return ""
	}
	if 2*arabic > letters {
		return "ar"
	}
	nl := len(t.langs)
	if cap(sc.sums) < nl {
		sc.sums = make([]int64, nl)
	}
	sums := sc.sums[:nl]
	clear(sums)
	if sc.seen == nil {
		sc.seen = make(map[uint64]struct{}, 64)
	}
	clear(sc.seen)
	text := sc.lower
	for i := 0; i < len(text); {
		if text[i] == ' ' {
			i++
			continue
		}
		j := i
		for j < len(text) && text[j] != ' ' {
			j++
		}
		t.addWord(text[i:j], sums, sc.seen)
		i = j
	}
	allowed := ^uint64(0)
	if accents {
		allowed = t.accentFilter(text)
	}
	best, second := -1, -1
	for l, v := range sums {
		if v == 0 || allowed&(1<<l) == 0 {
			continue // none of the text's n-grams, or filtered out: not a candidate
		}
		switch {
		case best < 0 || v > sums[best]:
			best, second = l, best
		case second < 0 || v > sums[second]:
			second = l
		}
	}
	if best < 0 || second >= 0 && sums[second] == sums[best] {
		return ""
	}
	return t.langs[best]
}

// accentLetters are lingua-go's letters written by few languages,
// restricted to the table's: letter → group (letters of one group count
// once per word), and the languages of each group.
var accentLetters = map[rune]int{
	'ã': 0, 'î': 1, 'ñ': 2, 'û': 3, 'ì': 4, 'ë': 5, 'è': 6, 'ù': 6, 'ê': 7, 'õ': 8,
	'ô': 9, 'ò': 10, 'ä': 11, 'à': 12, 'â': 13, 'ü': 14, 'ç': 15, 'ö': 16, 'ó': 17,
	'á': 18, 'í': 18, 'ú': 18, 'é': 19,
}

var accentGroups = [...][]string{
	{"pt"}, {"fr"}, {"es"}, {"fr"}, {"it"}, {"nl", "fr"}, {"fr", "it"}, {"fr", "pt"}, {"pt"},
	{"fr", "pt"}, {"it"}, {"de"}, {"fr", "it", "pt"}, {"fr", "pt"}, {"de", "es"}, {"fr", "pt"},
	{"de"}, {"pt", "es"}, {"pt", "es"}, {"fr", "it", "pt", "es"},
}

// accentFilter returns the languages (bit l: t.langs[l]) still candidates
// after lingua-go's filter: those counted, over the words, by the accent
// groups present, at least half as many times as there are words; all
// when none is.
func (t *langTable) accentFilter(text []byte) uint64 {
	all := uint64(1)<<len(t.langs) - 1
	var counts [64]int
	words, any := 0, false
	for i := 0; i < len(text); {
		if text[i] == ' ' {
			i++
			continue
		}
		words++
		var groups uint32
		for i < len(text) && text[i] != ' ' {
			r, n := utf8.DecodeRune(text[i:])
			i += n
			if r >= 0xe0 {
				if g, ok := accentLetters[r]; ok {
					groups |= 1 << g
				}
			}
		}
		for g, langs := range t.groupLangs {
			if groups&(1<<g) == 0 {
				continue
			}
			for l := 0; langs != 0; l, langs = l+1, langs>>1 {
				if langs&1 != 0 {
					counts[l]++
					any = true
				}
			}
		}
	}
	if !any {
		return all
	}
	var subset uint64
	for l := range t.langs {
		if counts[l] > 0 && 2*counts[l] >= words {
			subset |= 1 << l
		}
	}
	if subset == 0 {
		return all
	}
	return subset
}

// addWord adds the log-probabilities of the distinct trigrams of one
// lowercase word (at least three letters) to sums.
func (t *langTable) addWord(w []byte, sums []int64, seen map[uint64]struct{}) {
	nl := len(t.langs)
	// Byte offsets of the word's first four runes at each step.
	for a := 0; a < len(w); {
		_, s1 := utf8.DecodeRune(w[a:])
		b := a + s1
		if b >= len(w) {
			return
		}
		_, s2 := utf8.DecodeRune(w[b:])
		c := b + s2
		if c >= len(w) {
			return
		}
		_, s3 := utf8.DecodeRune(w[c:])
		d := c + s3
		tri := w[a:d]
		h := fnv1a(tri)
		if _, dup := seen[h]; !dup {
			seen[h] = struct{}{}
			// The shorter n-grams are looked up only when a language
			// needs them (looked: 1 bigram looked up, 2 unigram too).
			r3 := t.find(tri, h)
			r2, r1 := -1, -1
			looked := 0
			for l := range nl {
				var v int16
				if r3 >= 0 {
					v = t.value(r3, l)
				}
				if v == 0 {
					if looked == 0 {
						r2 = t.find(w[a:c], fnv1a(w[a:c]))
						looked = 1
					}
					if r2 >= 0 {
						v = t.value(r2, l)
					}
				}
				if v == 0 {
					if looked == 1 {
						r1 = t.find(w[a:b], fnv1a(w[a:b]))
						looked = 2
					}
					if r1 >= 0 {
						v = t.value(r1, l)
					}
				}
				sums[l] += int64(v)
			}
		}
		a = b
	}
}
