package rules

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// normText is a comment prepared for matching: a normalised string of
// space-separated tokens, and for every byte of it the byte range of the
// original rune that produced it. Matchers work on the normalised form and
// report spans through the offset map, so the UI highlights the disguised
// word exactly as it was typed.
//
// Classify takes one from normPool and gives it back when the verdict is
// built, so a comment costs no allocation here once the pool is warm; the
// views returned by word, collapsed and alt are only valid until then.
type normText struct {
	src    string
	norm   []byte  // normalised tokens joined by one space
	ostart []int32 // per byte of norm: start of the original rune
	oend   []int32 // per byte of norm: end of the original rune
	toks   []token
	aux    []byte // collapsed and alternative forms of tokens, see token

	letters, upper int // letters in the original text, and how many are capitals
	digits         int // ASCII digits in the original text (cheap test for phones, IBANs)
	asciiRun       int // longest run of one ASCII byte other than space
	nonASCII       bool

	// scratch space kept between uses
	lang    langScratch // the language table's (langtable.go)
	units   []unit
	raws    []rawTok
	scratch []unit
}

var normPool = sync.Pool{New: func() any { return new(normText) }}

// maxPooledUnits bounds what a pooled normText keeps: one huge comment
// must not pin its buffers forever.
const maxPooledUnits = 1 << 14

// acquireNorm is normalise on a pooled normText; call release after use.
func acquireNorm(src string) *normText {
	nt := normPool.Get().(*normText)
	nt.run(src)
	return nt
}

func (nt *normText) release() {
	if cap(nt.units) > maxPooledUnits {
		return
	}
	nt.src = ""
	normPool.Put(nt)
}

// token is one word of norm. Besides its exact form it may have a form with
// repeated letters collapsed ("connaaard" -> "conard") and an alternative
// leet reading ('1' as 'l' instead of 'i'), both stored in normText.aux.
type token struct {
	ns, ne   int32 // norm[ns:ne]
	cs, ce   int32 // aux[cs:ce], collapsed form; empty when nothing repeats
	as, ae   int32 // aux[as:ae], alternative leet form; empty when none
	repeat3  bool  // has a letter repeated three times or more ("aaa")
	hadDigit bool  // leet digits or symbols were mapped to letters
}

func (nt *normText) word(i int) []byte { return nt.norm[nt.toks[i].ns:nt.toks[i].ne] }

// collapsed is the collapsed form of token i, or nil when nothing repeats.
func (nt *normText) collapsed(i int) []byte { return nt.aux[nt.toks[i].cs:nt.toks[i].ce] }

// collapsedOrWord is the collapsed form of token i, or the word itself.
func (nt *normText) collapsedOrWord(i int) []byte {
	if t := nt.toks[i]; t.ce > t.cs {
		return nt.aux[t.cs:t.ce]
	}
	return nt.word(i)
}

func (nt *normText) alt(i int) []byte { return nt.aux[nt.toks[i].as:nt.toks[i].ae] }

// span maps norm[a:b] back to a byte range of the original text.
func (nt *normText) span(a, b int) (int, int) {
	if a >= b || b > len(nt.ostart) {
		return 0, 0
	}
	return int(nt.ostart[a]), int(nt.oend[b-1])
}

// tokSpan is the original byte range of tokens i..j inclusive.
func (nt *normText) tokSpan(i, j int) (int, int) {
	return nt.span(int(nt.toks[i].ns), int(nt.toks[j].ne))
}

// unit is one folded rune and the original byte range it came from.
type unit struct {
	r      rune
	cls    uint8
	os, oe int32
}

// rawTok is a run of units before joining and emission.
type rawTok struct{ a, b int } // units[a:b]

// normalise prepares src for matching in a fresh normText (rule entries,
// Fingerprint, tests); Classify uses acquireNorm.
func normalise(src string) *normText {
	nt := &normText{}
	nt.run(src)
	return nt
}

// asciiClass is classOf for every folded ASCII byte.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for b := range t {
		t[b] = classOf(rune(b))
	}
	return t
}()

func (nt *normText) run(src string) {
	nt.src = src
	nt.letters, nt.upper, nt.digits, nt.asciiRun, nt.nonASCII = 0, 0, 0, 0, false
	units := nt.units[:0]
	run := 0
	var tmp [8]rune
	for i := 0; i < len(src); {
		b := src[i]
		if b < utf8.RuneSelf { // ASCII fast path: no decoding, no tables
			if i > 0 && src[i-1] == b && b != ' ' {
				run++
				nt.asciiRun = max(nt.asciiRun, run)
			} else {
				run = 1
			}
			switch {
			case 'a' <= b && b <= 'z':
				nt.letters++
			case 'A' <= b && b <= 'Z':
				nt.letters++
				nt.upper++
				b += 'a' - 'A'
			case '0' <= b && b <= '9':
				nt.digits++
			}
			units = append(units, unit{r: rune(b), cls: asciiClass[b], os: int32(i), oe: int32(i + 1)})
			i++
			continue
		}
		nt.nonASCII = true
		r, size := utf8.DecodeRuneInString(src[i:])
		if unicode.IsLetter(r) {
			nt.letters++
			if unicode.IsUpper(r) {
				nt.upper++
			}
		}
		for _, c := range foldRune(r, tmp[:0]) {
			units = append(units, unit{r: c, cls: classOf(c), os: int32(i), oe: int32(i + size)})
		}
		i += size
	}
	nt.units = units

	// Split into runs of letters, digits and leet symbols.
	raws := nt.raws[:0]
	for i := 0; i < len(units); {
		if !isWordCls(units[i].cls) {
			i++
			continue
		}
		j := i
		for j < len(units) && isWordCls(units[j].cls) {
			j++
		}
		a, b := trimPunctLeet(units, i, j)
		if a < b {
			raws = append(raws, rawTok{a, b})
		}
		i = j
	}
	nt.raws = raws

	buf := nt.norm[:0]
	nt.ostart, nt.oend, nt.toks = nt.ostart[:0], nt.oend[:0], nt.toks[:0]
	scratch := nt.scratch[:0]
	for i := 0; i < len(raws); {
		j := joinRun(units, raws, i)
		us := units[raws[i].a:raws[i].b]
		if j-i >= minJoin {
			scratch = scratch[:0]
			for k := i; k < j; k++ {
				scratch = append(scratch, units[raws[k].a:raws[k].b]...)
			}
			us = scratch
		} else {
			j = i + 1
		}
		buf = nt.emit(buf, us)
		i = j
	}
	nt.scratch = scratch
	nt.norm = buf
	nt.buildAux()
}

func isWordCls(c uint8) bool { return c == clsLetter || c == clsDigit || c == clsLeet }

// trimPunctLeet drops '!', '|' and '+' at the edges of a run: there they
// are punctuation ("connard!"), not letters ("sh!t").
func trimPunctLeet(units []unit, a, b int) (int, int) {
	edge := func(r rune) bool { return r == '!' || r == '|' || r == '+' || r == '¡' }
	for a < b && edge(units[a].r) {
		a++
	}
	for b > a && edge(units[b-1].r) {
		b--
	}
	if a < b {
		only := true
		for _, u := range units[a:b] {
			if u.cls != clsLeet {
				only = false
				break
			}
		}
		if only { // "$$$", "@": not a word
			return a, a
		}
	}
	return a, b
}

// emit appends one token made of units to buf, mapping leet digits and
// symbols to letters when the token contains at least one letter.
func (nt *normText) emit(buf []byte, us []unit) []byte {
	// Locals, not fields, in the loop: the compiler keeps them in
	// registers (this loop runs once per byte of every comment).
	ostart, oend := nt.ostart, nt.oend
	if len(nt.toks) > 0 {
		buf = append(buf, ' ')
		last := oend[len(oend)-1]
		ostart = append(ostart, last)
		oend = append(oend, last)
	}
	hasLetter := false
	for _, u := range us {
		if u.cls == clsLetter {
			hasLetter = true
			break
		}
	}
	t := token{ns: int32(len(buf))}
	for _, u := range us {
		r := u.r
		if hasLetter && u.cls != clsLetter {
			if l := leet(r); l != 0 {
				r = l
				t.hadDigit = true
			}
		}
		if r < utf8.RuneSelf {
			buf = append(buf, byte(r))
			ostart = append(ostart, u.os)
			oend = append(oend, u.oe)
			continue
		}
		n := len(buf)
		buf = utf8.AppendRune(buf, r)
		for k := n; k < len(buf); k++ {
			ostart = append(ostart, u.os)
			oend = append(oend, u.oe)
		}
	}
	nt.ostart, nt.oend = ostart, oend
	t.ne = int32(len(buf))
	nt.toks = append(nt.toks, t)
	return buf
}

// buildAux computes the collapsed and alternative forms of every token into
// one reused buffer.
func (nt *normText) buildAux() {
	aux := nt.aux[:0]
	for i := range nt.toks {
		t := &nt.toks[i]
		w := nt.norm[t.ns:t.ne]
		if hasDouble(w) {
			t.cs = int32(len(aux))
			aux, t.repeat3 = appendCollapsed(aux, w)
			t.ce = int32(len(aux))
		}
		if t.hadDigit && strings.Contains(nt.src[nt.ostart[t.ns]:nt.oend[t.ne-1]], "1") {
			// '1' read as 'l': rebuild the word from the original runes.
			t.as = int32(len(aux))
			for k := t.ns; k < t.ne; k++ {
				if nt.src[nt.ostart[k]] == '1' && nt.norm[k] == 'i' {
					aux = append(aux, 'l')
				} else {
					aux = append(aux, nt.norm[k])
				}
			}
			t.ae = int32(len(aux))
		}
	}
	nt.aux = aux
}

func hasDouble(w []byte) bool {
	for i := 1; i < len(w); i++ {
		if w[i] == w[i-1] {
			return true
		}
	}
	return false
}

// appendCollapsed appends w with runs of the same byte reduced to one, and
// reports whether some run was three or more long (deliberate elongation,
// as in "connaaaaard", rather than a normal double letter).
func appendCollapsed(dst, w []byte) ([]byte, bool) {
	long := false
	run := 0
	for i := 0; i < len(w); i++ {
		if i > 0 && w[i] == w[i-1] {
			run++
			if run >= 2 {
				long = true
			}
			continue
		}
		run = 0
		dst = append(dst, w[i])
	}
	return dst, long
}

// collapse returns w with repeated bytes reduced to one.
func collapse(w string) string {
	if !hasDouble([]byte(w)) {
		return w
	}
	b, _ := appendCollapsed(nil, []byte(w))
	return string(b)
}

// normaliseWords is the normalisation used for rule entries: the same
// pipeline as comments, so an entry and a comment always agree.
func normaliseWords(s string) []string {
	nt := acquireNorm(s) // compiling the packs normalises every entry: reuse the buffers
	defer nt.release()
	out := make([]string, len(nt.toks))
	for i := range nt.toks {
		out[i] = string(nt.word(i))
	}
	return out
}
