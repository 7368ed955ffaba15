package rules

import (
	"fmt"
	"strings"
)

// wordIndex finds words and phrases in a normalised comment.
//
// It is a hand-written map of normalised tokens, phrases stored under their
// first token, rather than Aho-Corasick or a big regexp alternation: on
// 5,000 words we measured 0.3 µs per comment and 0.2 MB for the map against
// 0.4-0.5 µs and 39-188 MB for the Aho-Corasick libraries (and 6.3 ms for
// one alternation regexp). Matching whole tokens also gives word boundaries
// for free, which is what keeps "assez" and "Scunthorpe" clean.
//
// Each entry is stored twice: in its exact form and with repeated letters
// collapsed ("connard" -> "conard"), so "connaaaard" is found by comparing
// collapsed forms on both sides.
type wordIndex struct {
	exact, cexact map[string][]wordEntry // first token -> entries
	pref, cpref   map[string][]wordEntry // wildcard prefix -> single-word entries
	minPref       int
	maxPref       int
}

// wordEntry is one word or phrase belonging to a target (a rule or a set).
type wordEntry struct {
	target int32
	rest   []string // following tokens of a phrase
	restC  []string // same, collapsed
	prefix bool     // the last token is a wildcard prefix ("connard*")
}

// minCollapsed is the shortest collapsed entry matched against a token
// that was not deliberately elongated: shorter ones collide with ordinary
// words ("ass" collapses to "as").
const minCollapsed = 5

// minWildcard is the shortest prefix allowed before a '*': "con*" would
// refuse "constitution".
const minWildcard = 4

func newWordIndex() *wordIndex {
	return &wordIndex{
		exact: map[string][]wordEntry{}, cexact: map[string][]wordEntry{},
		pref: map[string][]wordEntry{}, cpref: map[string][]wordEntry{},
		minPref: 1 << 30,
	}
}

// add indexes one entry as written in a rules file ("connard*",
// "fils de pute").
func (ix *wordIndex) add(target int32, entry string) error {
	raw := strings.TrimSpace(entry)
	prefix := strings.HasSuffix(raw, "*")
	raw = strings.TrimSuffix(raw, "*")
	if strings.Contains(raw, "*") {
		return fmt.Errorf("entry %q: '*' is only allowed at the end", entry)
	}
	toks := normaliseWords(raw)
	if len(toks) == 0 {
		return fmt.Errorf("entry %q: no word left after normalisation", entry)
	}
	last := toks[len(toks)-1]
	if prefix && len(toks) == 1 && len(last) < minWildcard {
		return fmt.Errorf("entry %q: a wildcard needs at least %d letters before '*'", entry, minWildcard)
	}
	e := wordEntry{target: target, prefix: prefix}
	if len(toks) > 1 {
		e.rest = toks[1:]
		e.restC = make([]string, len(e.rest))
		for i, w := range e.rest {
			e.restC[i] = collapse(w)
		}
	}
	first := toks[0]
	if prefix && len(toks) == 1 {
		ix.pref[first] = append(ix.pref[first], e)
		c := collapse(first)
		ix.cpref[c] = append(ix.cpref[c], e)
		ix.minPref = min(ix.minPref, len(c))
		ix.maxPref = max(ix.maxPref, len(first))
		return nil
	}
	ix.exact[first] = append(ix.exact[first], e)
	// Short collapsed forms are filtered at lookup time (see minCollapsed).
	c := collapse(first)
	ix.cexact[c] = append(ix.cexact[c], e)
	return nil
}

// hit is a target found on tokens [ti, tj].
type hit struct {
	target int32
	ti, tj int32
}

// find appends every hit in nt to dst. A target is reported at most once
// per starting token.
func (ix *wordIndex) find(nt *normText, dst []hit) []hit {
	for i := range nt.toks {
		start := len(dst)
		w := nt.word(i)
		dst = ix.lookup(nt, i, w, false, dst, start)
		if a := nt.alt(i); a != "" {
			dst = ix.lookup(nt, i, a, false, dst, start)
		}
		c := nt.collapsed(i)
		if c == "" {
			c = w
		}
		dst = ix.lookup(nt, i, c, true, dst, start)
	}
	return dst
}

func (ix *wordIndex) lookup(nt *normText, i int, w string, coll bool, dst []hit, start int) []hit {
	exact, pref := ix.exact, ix.pref
	if coll {
		exact, pref = ix.cexact, ix.cpref
	}
	elongated := nt.toks[i].repeat3
	for _, e := range exact[w] {
		if coll && len(e.rest) == 0 && len(w) < minCollapsed && !elongated {
			continue
		}
		if j, ok := matchRest(nt, i, e, coll); ok {
			dst = addHit(dst, start, hit{e.target, int32(i), int32(j)})
		}
	}
	if len(pref) == 0 {
		return dst
	}
	for l := ix.minPref; l <= ix.maxPref && l <= len(w); l++ {
		for _, e := range pref[w[:l]] {
			if coll && l < minCollapsed && !elongated {
				continue
			}
			dst = addHit(dst, start, hit{e.target, int32(i), int32(i)})
		}
	}
	return dst
}

// matchRest checks the tokens after i against the rest of a phrase and
// returns the index of the last token matched.
func matchRest(nt *normText, i int, e wordEntry, coll bool) (int, bool) {
	if len(e.rest) == 0 {
		return i, !e.prefix
	}
	if i+len(e.rest) >= len(nt.toks) {
		return 0, false
	}
	for k := range e.rest {
		j := i + 1 + k
		pre := e.prefix && k == len(e.rest)-1
		if tokEq(nt.word(j), e.rest[k], pre) || tokEq(nt.alt(j), e.rest[k], pre) {
			continue
		}
		if coll {
			c := nt.collapsed(j)
			if c == "" {
				c = nt.word(j)
			}
			if tokEq(c, e.restC[k], pre) {
				continue
			}
		}
		return 0, false
	}
	return i + len(e.rest), true
}

func tokEq(tok, want string, prefix bool) bool {
	if tok == "" {
		return false
	}
	if prefix {
		return strings.HasPrefix(tok, want)
	}
	return tok == want
}

// addHit appends h unless the same target already hit the same tokens
// (exact and collapsed lookups often agree).
func addHit(dst []hit, start int, h hit) []hit {
	for _, o := range dst[start:] {
		if o.target == h.target && o.tj == h.tj {
			return dst
		}
	}
	return append(dst, h)
}
