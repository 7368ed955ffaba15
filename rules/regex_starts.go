package rules

import (
	"bytes"
	"math"
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
	plain    lazyRegexp     // the pattern, unanchored: the plain search
	prepared sync.Once      // the fields below are set by prepare, on first use
	tree     *syntax.Regexp // the parsed pattern, until prepared
	starts   []string       // every match begins with one of these (nil: plain search)
	startsB  [][]byte       // the same, as bytes to compare with the text
	first    [256]bool      // first bytes of starts
	byFirst  [256][2]uint16 // the starts beginning with a byte: startsB[lo:hi]
	atStart  lazyRegexp     // ^(?:pattern), for a place at the start of the text
	inside   lazyRegexp     // ^(?s:.)(?:pattern), for a place after one rune of context

	// boundary: every match begins with \b before a word byte, so a
	// place right after an ASCII letter, digit or underscore is skipped.
	boundary bool
	// textStart: every match begins at the start of the text (^ or \A).
	textStart bool
	// contains: every match holds one of these strings further on (from
	// a part of the pattern every match goes through); a text with none
	// of them has no match, whatever its beginnings. Nil: no such part
	// worth testing. Looked for only once a beginning is found.
	contains [][][]byte
}

// maxContains bounds the strings of a "contains" test: each is a
// bytes.Index over the text.
const maxContains = 32

// maxStarts bounds the literal beginnings kept for one pattern: beyond it
// the search for them would cost more than the plain search saves.
const maxStarts = 256

func compileStarted(p string, known bool) (*startedRegex, error) {
	// Parsing finds every error regexp.Compile would (it is its first
	// step, and gives the same message). The rest (beginnings, programs)
	// is worked out on the pattern's first use: a Load costs a parse per
	// pattern, and a pattern that never runs costs nothing more. A known
	// pattern (a built-in pack's, tested to parse) is not even parsed
	// here: that was 40% of loading the built-in packs.
	if known {
		return &startedRegex{plain: lazyRegexp{src: p}}, nil
	}
	tree, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return nil, err
	}
	return &startedRegex{plain: lazyRegexp{src: p}, tree: tree}, nil
}

// ready works out the pattern's beginnings once; every use calls it.
func (sr *startedRegex) ready() *startedRegex {
	sr.prepared.Do(sr.prepare)
	return sr
}

func (sr *startedRegex) prepare() {
	if sr.tree == nil { // a known pattern
		t, err := syntax.Parse(sr.plain.src, syntax.Perl)
		if err != nil {
			return // cannot happen (tested); the plain search answers
		}
		sr.tree = t
	}
	tree := sr.tree.Simplify()
	sr.tree = nil
	set, ok := literalStarts(tree, maxStarts)
	if !ok || len(set.s) == 0 || len(set.s) > maxStarts || slices.Contains(set.s, "") {
		return
	}
	// The anchored forms are built on the syntax tree, not by wrapping
	// the text: `^(?:` + p + `)` would break a pattern ending in \Q….
	sr.atStart = lazyRegexp{src: anchoredSource(tree, false)}
	sr.inside = lazyRegexp{src: anchoredSource(tree, true)}
	sr.starts = minimalStarts(set.s)
	sr.boundary = beginsWith(tree, syntax.OpWordBoundary)
	sr.textStart = beginsWith(tree, syntax.OpBeginText)
	for i, s := range sr.starts {
		if !sr.first[s[0]] {
			sr.byFirst[s[0]][0] = uint16(i)
		}
		sr.first[s[0]] = true
		sr.byFirst[s[0]][1] = uint16(i + 1)
		sr.startsB = append(sr.startsB, []byte(s))
		sr.boundary = sr.boundary && isWordByte(s[0])
	}
	sr.contains = mustContain(tree)
}

// anchoredSource is the pattern of tree anchored at the start of the
// text, after one rune of any kind when context is set.
func anchoredSource(tree *syntax.Regexp, context bool) string {
	subs := []*syntax.Regexp{{Op: syntax.OpBeginText}}
	if context {
		subs = append(subs, &syntax.Regexp{Op: syntax.OpAnyChar})
	}
	subs = append(subs, tree)
	return (&syntax.Regexp{Op: syntax.OpConcat, Sub: subs}).String()
}

// lazyRegexp is a regexp compiled on first use (safe for concurrent use).
// get returns nil if the source does not compile: the pattern parsed when
// the rule was compiled, and a syntax tree's String is meant to parse
// again, so this is for the unforeseen; findAll then keeps the plain
// search.
type lazyRegexp struct {
	once sync.Once
	src  string
	re   *regexp.Regexp
}

func (l *lazyRegexp) get() *regexp.Regexp {
	l.once.Do(func() { l.re, _ = regexp.Compile(l.src) })
	return l.re
}

func isWordByte(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// beginsWith reports whether every match of re begins with the
// zero-width assertion op (\b, or ^ and \A as OpBeginText).
func beginsWith(re *syntax.Regexp, op syntax.Op) bool {
	switch re.Op {
	case op:
		return true
	case syntax.OpCapture:
		return beginsWith(re.Sub[0], op)
	case syntax.OpConcat:
		return len(re.Sub) > 0 && beginsWith(re.Sub[0], op)
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !beginsWith(sub, op) {
				return false
			}
		}
		return true
	}
	return false
}

// mustContain picks, in a pattern that is a sequence, up to two parts
// after the first whose beginnings are the most telling: at most
// maxContains strings each, the shortest as long as can be. Every match
// holds a string of each. Strings of six letters or more lose their
// leading spaces: a search for "gouvernement" skips ahead on its "g", one
// for " gouvernement" stops at every space (the test only gets looser).
func mustContain(re *syntax.Regexp) [][][]byte {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	if re.Op != syntax.OpConcat {
		return nil
	}
	type group struct {
		s        []string
		shortest int
		part     int // the first part of the window that is not a literal
	}
	var groups []group
	for k := 1; k < len(re.Sub); k++ {
		// One part, or a literal and up to three parts after it (" ",
		// a list of words, " "…: " n est pas" is rarer than "n").
		parts, part := re.Sub[k:k+1], k
		if re.Sub[k].Op == syntax.OpLiteral {
			parts = re.Sub[k:min(k+4, len(re.Sub))]
			if k+1 < len(re.Sub) {
				part = k + 1
			}
		}
		set, ok := literalStarts(&syntax.Regexp{Op: syntax.OpConcat, Sub: parts}, 4*maxContains)
		if !ok || len(set.s) == 0 {
			continue
		}
		trimmed := make([]string, len(set.s))
		shortest := math.MaxInt
		for i, x := range set.s {
			trimmed[i] = strings.TrimLeft(x, " ")
			shortest = min(shortest, len(trimmed[i]))
		}
		if shortest < 6 {
			trimmed = set.s // "ment" would be found in "gouvernement": keep " ment"
		}
		g := group{s: minimalStarts(trimmed), shortest: shortest, part: part}
		if len(g.s) > maxContains {
			continue
		}
		if g.shortest > 3 { // shorter strings are too common to be worth a search
			groups = append(groups, g)
		}
	}
	slices.SortStableFunc(groups, func(a, b group) int { return b.shortest - a.shortest })
	var out [][][]byte
	used := map[int]bool{}
	for _, g := range groups {
		if len(out) == 2 || used[g.part] {
			continue // two tests at most, on two different parts
		}
		used[g.part] = true
		var bs [][]byte
		for _, x := range g.s {
			bs = append(bs, []byte(x))
		}
		out = append(out, bs)
	}
	return out
}

// holds reports whether b contains a string of each of sr.contains.
func (sr *startedRegex) holds(b []byte) bool {
	for _, group := range sr.contains {
		found := false
		for _, s := range group {
			if bytes.Contains(b, s) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// findAll appends the [start, end) of every match in b, as
// re.FindAllIndex(b, -1) would give them, to out.
func (sr *startedRegex) findAll(b []byte, out [][2]int) [][2]int {
	if sr.ready().starts == nil {
		return sr.plainAll(b, out)
	}
	n0 := len(out)
	checked := false
	places := len(b)
	if sr.textStart {
		places = min(places, 1) // only the start of the text
	}
	for i := 0; i < places; i++ {
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
			re := sr.atStart.get()
			if re == nil {
				return sr.plainAll(b, out[:n0])
			}
			x := re.FindIndex(b)
			if x == nil {
				continue
			}
			end = x[1]
		} else {
			re := sr.inside.get()
			if re == nil {
				return sr.plainAll(b, out[:n0])
			}
			_, w := utf8.DecodeLastRune(b[:i])
			x := re.FindIndex(b[i-w:])
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

// plainAll is the search without beginnings: FindAllIndex.
func (sr *startedRegex) plainAll(b []byte, out [][2]int) [][2]int {
	for _, x := range sr.plain.get().FindAllIndex(b, -1) {
		out = append(out, [2]int{x[0], x[1]})
	}
	return out
}

// beginsHere reports whether b begins with one of the starts. They are
// sorted and none begins with another, so the only one that can be a
// prefix of b is the greatest one not above it: a binary search among
// those with b's first byte.
func (sr *startedRegex) beginsHere(b []byte) bool {
	r := sr.byFirst[b[0]]
	lo, hi := int(r[0]), int(r[1]) // find the first start > b
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if bytes.Compare(sr.startsB[m], b) <= 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo > int(r[0]) && bytes.HasPrefix(b, sr.startsB[lo-1])
}

// litSet is what literalStarts knows of a sub-pattern: strings every
// match begins with. A string marked exact (in full) is a whole match of
// the sub-pattern, so what follows it in a sequence can be appended to
// it; one not marked is only a beginning.
type litSet struct {
	s    []string
	full []bool // per string: exact
}

func (l *litSet) add(s string, full bool) {
	l.s = append(l.s, s)
	l.full = append(l.full, full)
}

func exactSet(s ...string) litSet {
	return litSet{s: s, full: slices.Repeat([]bool{true}, len(s))}
}

// literalStarts returns the literal beginnings of re's matches, or false
// when they cannot be listed in limit strings. Zero-width assertions
// count as the empty string: dropping a condition only widens the set,
// which stays a correct "every match begins with one of these".
func literalStarts(re *syntax.Regexp, limit int) (litSet, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return litSet{}, false
		}
		return exactSet(string(re.Rune)), true
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
		return exactSet(s...), len(s) > 0
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return exactSet(""), true
	case syntax.OpCapture:
		return literalStarts(re.Sub[0], limit)
	case syntax.OpQuest, syntax.OpStar, syntax.OpRepeat, syntax.OpPlus:
		if re.Op == syntax.OpRepeat && re.Min > 0 || re.Op == syntax.OpPlus {
			// At least once: the sub-pattern's beginnings, and no more
			// than beginnings (what follows may be another round).
			sub, ok := literalStarts(re.Sub[0], limit)
			return litSet{s: sub.s, full: make([]bool, len(sub.s))}, ok
		}
		// May be skipped: "" in full (what follows may come next), or
		// the sub-pattern once; whole only for "?" (one round at most).
		out := exactSet("")
		sub, ok := literalStarts(re.Sub[0], limit)
		if !ok {
			return litSet{s: []string{"", ""}, full: []bool{true, false}}, true
		}
		once := re.Op == syntax.OpQuest || re.Op == syntax.OpRepeat && re.Max == 1
		for i, x := range sub.s {
			out.add(x, once && sub.full[i])
		}
		return out, len(out.s) <= limit
	case syntax.OpAlternate:
		var out litSet
		for _, sub := range re.Sub {
			l, ok := literalStarts(sub, limit)
			if !ok {
				return litSet{}, false
			}
			out.s = append(out.s, l.s...)
			out.full = append(out.full, l.full...)
			if len(out.s) > limit {
				return litSet{}, false
			}
		}
		return out, true
	case syntax.OpConcat:
		out := exactSet("")
		for _, sub := range re.Sub {
			if !slices.Contains(out.full, true) {
				return out, true // nothing left to extend
			}
			l, ok := literalStarts(sub, limit)
			if !ok {
				// What came before still begins every match.
				return litSet{s: out.s, full: make([]bool, len(out.s))}, true
			}
			n := 0 // the size of the product, counted before it is built
			for i := range out.s {
				if out.full[i] {
					n += len(l.s)
				} else {
					n++
				}
			}
			if n > limit {
				return litSet{s: out.s, full: make([]bool, len(out.s))}, true
			}
			next := litSet{s: make([]string, 0, n), full: make([]bool, 0, n)}
			for i, a := range out.s {
				if !out.full[i] {
					next.add(a, false)
					continue
				}
				for k, b := range l.s {
					next.add(a+b, l.full[k])
				}
			}
			out = next
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
