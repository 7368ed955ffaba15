package rules

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Running a rule's pattern over the whole text is most of what Classify
// costs: Go's regexp has no literal to skip ahead to when a pattern begins
// with "\b(?:votre|vos|cette|…)", so it starts a match at every byte, and
// the big alternations of the packs make each start dear (the French
// criticism patterns cost ~75 µs on one 140-byte comment, 88% of that
// comment's Classify).
//
// startedRegex does the same search only where a match can begin. From the
// pattern's syntax tree it takes the literal strings every match begins
// with ("votre", "vos", …); it looks for them (a table of their first
// bytes, then a comparison), and at each place found runs the pattern
// anchored there. The anchored pattern is
// given the rune before the place as context, matched by a leading (?s:.),
// so \b, \B, ^ and (?m)^ see what they see in the whole text; the rest of
// the text follows, so what comes after is seen too. Leftmost-first
// matches, non-overlapping and in order, as FindAllIndex gives them: the
// results are the same, which FuzzStartedRegex checks against FindAllIndex.
//
// A pattern whose beginnings cannot be listed (it may begin with \w, a
// large class, or an empty match) keeps the plain search.
type startedRegex struct {
	plain   lazyRegexp // the pattern, unanchored: the plain search
	starts  []string   // every match begins with one of these (nil: plain search)
	startsB [][]byte   // the same, as bytes to compare with the text
	first   [256]bool  // first bytes of starts
	atStart lazyRegexp // ^(?:pattern), for a place at the start of the text
	inside  lazyRegexp // ^(?s:.)(?:pattern), for a place after one rune of context

	// boundary: every match begins with \b before a word byte, so a
	// place right after an ASCII letter, digit or underscore is skipped.
	boundary bool
	// contains: every match holds one of these strings further on (from
	// a part of the pattern every match goes through); a text with none
	// of them has no match, whatever its beginnings. Nil: no such part
	// worth testing. Looked for only once a beginning is found.
	contains [][]byte
}

// maxContains bounds the strings of a "contains" test: each is a
// bytes.Index over the text.
const maxContains = 32

// maxStarts bounds the literal beginnings kept for one pattern: beyond it
// the search for them would cost more than the plain search saves.
const maxStarts = 256

func compileStarted(p string) (*startedRegex, error) {
	// Parsing finds every error regexp.Compile would (it is its first
	// step, and gives the same message); the programs themselves are
	// compiled once needed, so a pack's patterns cost a parse at Load.
	tree, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return nil, err
	}
	sr := &startedRegex{plain: lazyRegexp{src: p}}
	tree = tree.Simplify()
	set, ok := literalStarts(tree, maxStarts)
	if !ok || len(set.s) == 0 || len(set.s) > maxStarts || slices.Contains(set.s, "") {
		return sr, nil
	}
	sr.atStart = lazyRegexp{src: `^(?:` + p + `)`}
	sr.inside = lazyRegexp{src: `^(?s:.)(?:` + p + `)`}
	sr.starts = minimalStarts(set.s)
	sr.boundary = beginsWithBoundary(tree)
	for _, s := range sr.starts {
		sr.first[s[0]] = true
		sr.startsB = append(sr.startsB, []byte(s))
		sr.boundary = sr.boundary && isWordByte(s[0])
	}
	sr.contains = mustContain(tree)
	return sr, nil
}

// lazyRegexp is a regexp compiled on first use (safe for concurrent use).
// Its source parsed when the rule was compiled, so compiling cannot fail.
type lazyRegexp struct {
	once sync.Once
	src  string
	re   *regexp.Regexp
}

func (l *lazyRegexp) get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.src) })
	return l.re
}

func isWordByte(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// beginsWithBoundary reports whether every match of re begins with \b.
func beginsWithBoundary(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpWordBoundary:
		return true
	case syntax.OpCapture:
		return beginsWithBoundary(re.Sub[0])
	case syntax.OpConcat:
		return len(re.Sub) > 0 && beginsWithBoundary(re.Sub[0])
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !beginsWithBoundary(sub) {
				return false
			}
		}
		return true
	}
	return false
}

// mustContain picks, in a pattern that is a sequence, the part after the
// first whose beginnings are the most telling: at most maxContains
// strings, the shortest as long as can be. Every match holds one of them.
func mustContain(re *syntax.Regexp) [][]byte {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	if re.Op != syntax.OpConcat {
		return nil
	}
	var best []string
	bestLen := 3 // shorter strings are too common to be worth a search
	for k := 1; k < len(re.Sub); k++ {
		// One part, or a literal and the part after it (" " and a list
		// of words gives " faux", " erreur": rarer than the words alone).
		parts := re.Sub[k : k+1]
		if re.Sub[k].Op == syntax.OpLiteral && k+1 < len(re.Sub) {
			parts = re.Sub[k : k+2]
		}
		set, ok := literalStarts(&syntax.Regexp{Op: syntax.OpConcat, Sub: parts}, 4*maxContains)
		if !ok || len(set.s) == 0 || len(set.s) > 4*maxContains {
			continue
		}
		set.s = minimalStarts(set.s)
		if len(set.s) > maxContains {
			continue
		}
		shortest := len(set.s[0])
		for _, s := range set.s {
			shortest = min(shortest, len(strings.TrimSpace(s)))
		}
		if shortest > bestLen {
			best, bestLen = set.s, shortest
		}
	}
	var out [][]byte
	for _, s := range best {
		out = append(out, []byte(s))
	}
	return out
}

// holds reports whether b contains one of sr.contains (true when there
// is no such test).
func (sr *startedRegex) holds(b []byte) bool {
	if sr.contains == nil {
		return true
	}
	for _, s := range sr.contains {
		if bytes.Contains(b, s) {
			return true
		}
	}
	return false
}

// findAll appends the [start, end) of every match in b, as
// re.FindAllIndex(b, -1) would give them, to out.
func (sr *startedRegex) findAll(b []byte, out [][2]int) [][2]int {
	if sr.starts == nil {
		for _, x := range sr.plain.get().FindAllIndex(b, -1) {
			out = append(out, [2]int{x[0], x[1]})
		}
		return out
	}
	checked := false
	for i := 0; i < len(b); i++ {
		if !sr.first[b[i]] || sr.boundary && i > 0 && isWordByte(b[i-1]) || !sr.beginsHere(b[i:]) {
			continue
		}
		if !checked {
			if !sr.holds(b[i:]) {
				return out
			}
			checked = true
		}
		var end int
		if i == 0 {
			x := sr.atStart.get().FindIndex(b)
			if x == nil {
				continue
			}
			end = x[1]
		} else {
			_, w := utf8.DecodeLastRune(b[:i])
			x := sr.inside.get().FindIndex(b[i-w:])
			if x == nil {
				continue
			}
			end = i - w + x[1]
		}
		out = append(out, [2]int{i, end})
		// The next match begins at or after this one's end (never empty:
		// every beginning is a non-empty literal).
		i = end - 1
	}
	return out
}

// beginsHere reports whether b begins with one of the starts. They are
// sorted and none begins with another, so the only one that can be a
// prefix of b is the greatest one not above it: a binary search.
func (sr *startedRegex) beginsHere(b []byte) bool {
	lo, hi := 0, len(sr.starts) // find the first start > b
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if bytes.Compare(sr.startsB[m], b) <= 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo > 0 && bytes.HasPrefix(b, sr.startsB[lo-1])
}

// litSet is what literalStarts knows of a sub-pattern: when exact, the
// strings it matches are exactly s (a finite language); otherwise every
// string it matches begins with one of s.
type litSet struct {
	s     []string
	exact bool
}

// literalStarts returns the literal beginnings of re's matches, or false
// when they cannot be listed in limit strings. Zero-width assertions count as the empty
// string: dropping a condition only widens the set, which stays a correct
// "every match begins with one of these".
func literalStarts(re *syntax.Regexp, limit int) (litSet, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return litSet{}, false
		}
		return litSet{s: []string{string(re.Rune)}, exact: true}, true
	case syntax.OpCharClass:
		var s []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi-lo >= 16 || len(s) > 16 {
				return litSet{}, false
			}
			for r := lo; r <= hi; r++ {
				s = append(s, string(r))
			}
		}
		return litSet{s: s, exact: true}, len(s) > 0
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return litSet{s: []string{""}, exact: true}, true
	case syntax.OpCapture:
		return literalStarts(re.Sub[0], limit)
	case syntax.OpQuest, syntax.OpStar:
		sub, ok := literalStarts(re.Sub[0], limit)
		if !ok {
			return litSet{s: []string{""}}, true // the sub-pattern may be skipped: "" is a beginning
		}
		return litSet{s: append([]string{""}, sub.s...), exact: sub.exact && re.Op == syntax.OpQuest}, true
	case syntax.OpPlus:
		sub, ok := literalStarts(re.Sub[0], limit)
		return litSet{s: sub.s}, ok
	case syntax.OpRepeat:
		if re.Min == 0 {
			sub, ok := literalStarts(re.Sub[0], limit)
			if !ok {
				return litSet{s: []string{""}}, true
			}
			return litSet{s: append([]string{""}, sub.s...)}, true
		}
		sub, ok := literalStarts(re.Sub[0], limit)
		return litSet{s: sub.s}, ok
	case syntax.OpAlternate:
		out := litSet{exact: true}
		for _, sub := range re.Sub {
			l, ok := literalStarts(sub, limit)
			if !ok {
				return litSet{}, false
			}
			out.s = append(out.s, l.s...)
			out.exact = out.exact && l.exact
			if len(out.s) > limit {
				return litSet{}, false
			}
		}
		return out, true
	case syntax.OpConcat:
		out := litSet{s: []string{""}, exact: true}
		for _, sub := range re.Sub {
			l, ok := literalStarts(sub, limit)
			if !ok {
				return litSet{s: out.s}, true // what came before still begins every match
			}
			if len(out.s)*len(l.s) > limit {
				return litSet{s: out.s}, true
			}
			next := make([]string, 0, len(out.s)*len(l.s))
			for _, a := range out.s {
				for _, b := range l.s {
					next = append(next, a+b)
				}
			}
			out = litSet{s: next, exact: l.exact}
			if !l.exact {
				return out, true
			}
		}
		return out, true
	}
	return litSet{}, false
}

// minimalStarts drops duplicates and every string that begins with another
// one of the list (it adds nothing to "begins with one of these").
func minimalStarts(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	s = slices.Compact(s)
	out := s[:0]
	for _, x := range s {
		if len(out) > 0 && strings.HasPrefix(x, out[len(out)-1]) {
			continue
		}
		out = append(out, x)
	}
	return out
}
