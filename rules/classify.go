package rules

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Classify judges one comment. It is pure apart from the History it is
// given (h may be nil: flood and repeated-post rules then do not fire), and
// safe to call from many goroutines.
func (rs *Ruleset) Classify(in Input, h History) Verdict {
	nt := acquireNorm(in.Text)
	defer nt.release()
	lang := ""
	if rs.lang != nil {
		lang = rs.lang.detect(nt)
	}
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	c := classifier{rs: rs, nt: nt, in: in, h: h, lang: lang, matches: sc.matches[:0]}
	if rs.repWin > 0 {
		c.fp = fingerprint(nt)
	}
	c.hits = rs.words.find(nt, sc.hits[:0])
	defer func() { sc.hits, sc.matches = c.hits, c.matches }()
	if rs.allowWords {
		c.hideInsideExceptions()
	}
	for _, ht := range c.hits {
		if int(ht.target) < len(rs.rules) {
			r := &rs.rules[ht.target]
			if r.appliesTo(lang, in.Source) {
				a, b := nt.tokSpan(int(ht.ti), int(ht.tj))
				// A near miss (fuzzy, dropped double letter) of a refuse
				// rule is only reviewed.
				soft := ht.approx.soft() && r.action == ActionRefuse
				c.add(r, a, b, soft || c.softened(r, int(ht.ti), int(ht.tj), a, b))
			}
		}
	}
	for i := range rs.rules {
		r := &rs.rules[i]
		if r.kind == kindWords || !r.appliesTo(lang, in.Source) {
			continue
		}
		c.run(r)
	}
	v := rs.decide(in.Text, c.matches, lang, sc)
	v.Fingerprint = c.fp
	return v
}

// scratch is the per-call working memory of Classify, pooled so that a
// warm Classify allocates only its verdict. The Ruleset itself is never
// written.
type scratch struct {
	hits    []hit
	matches []found
	kept    []found
	scored  []*rule
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func (sc *scratch) release() {
	if cap(sc.hits) > 1024 || cap(sc.matches) > 1024 || cap(sc.kept) > 1024 {
		return
	}
	clear(sc.matches[:cap(sc.matches)]) // drop rule pointers
	clear(sc.kept[:cap(sc.kept)])
	scratchPool.Put(sc)
}

// Fingerprint is the digest of the normalised text used for repeated posts:
// case, accents, spacing, punctuation, leetspeak and elongated letters do
// not change it.
func Fingerprint(text string) string { return fingerprint(normalise(text)) }

// fingerprint is a 64-bit FNV-1a over the normalised tokens, in 16 hex
// digits. It keys an in-memory window of recent texts, never stored: 64
// bits keep accidental collisions out of reach for a day of comments, and
// FNV costs a tenth of SHA-256 on every comment (it runs on the intake path).
func fingerprint(nt *normText) string {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := range nt.toks {
		for _, b := range nt.collapsedOrWord(i) {
			h = (h ^ uint64(b)) * prime
		}
		h = (h ^ ' ') * prime
	}
	var buf [16]byte
	const digits = "0123456789abcdef"
	for i := 15; i >= 0; i-- {
		buf[i] = digits[h&0xf]
		h >>= 4
	}
	return string(buf[:])
}

// classifier holds the state of one Classify call.
type classifier struct {
	rs      *Ruleset
	nt      *normText
	in      Input
	h       History
	lang    string
	fp      string // Fingerprint of the text, when a repeated-post rule is in force
	hits    []hit
	matches []found

	links     []link // found once, shared by every links rule
	linksDone bool
}

// found is a match before the decision: the rule and whether its action
// was softened from refuse to review.
type found struct {
	r        *rule
	start    int
	end      int
	softened bool
}

func (c *classifier) add(r *rule, start, end int, softened bool) {
	for _, m := range c.matches {
		if m.r == r && m.start == start && m.end == end {
			return
		}
	}
	c.matches = append(c.matches, found{r, start, end, softened})
}

func (c *classifier) whole(r *rule) { c.add(r, 0, len(c.in.Text), false) }

func (c *classifier) run(r *rule) {
	text := c.in.Text
	switch r.kind {
	case kindRegex:
		if len(r.requires) > 0 && !c.anySet(r.requires) {
			return
		}
		for _, re := range r.patterns {
			for _, m := range re.FindAllIndex(c.nt.norm, -1) {
				a, b := c.nt.span(m[0], m[1])
				if a < b && !(r.clause && crossesClause(text[a:b])) && !c.homographEdge(m[0], m[1]) {
					c.add(r, a, b, c.softenedSpan(r, m[0], m[1], a, b))
				}
			}
		}
	case kindNear:
		c.runNear(r)
	case kindLinks:
		c.runLinks(r)
	case kindPersonalData:
		var spans []span
		if r.email {
			spans = append(spans, findEmails(text)...)
		}
		// The digit count of the normalisation is the cheap test in
		// front of the phone and IBAN regexps.
		if r.phone && c.nt.digits >= 8 {
			spans = append(spans, findPhones(text)...)
		}
		if r.iban && c.nt.digits >= 10 {
			spans = append(spans, findIBANs(text)...)
		}
		for _, s := range spans {
			c.add(r, s.start, s.end, false)
		}
	case kindShouting:
		if c.nt.letters >= r.minLetters && float64(c.nt.upper) >= r.minRatio*float64(c.nt.letters) {
			c.whole(r)
		}
	case kindCharFlood:
		c.runCharFlood(r)
	case kindLength:
		n := len(strings.TrimSpace(text))
		if r.maxBytes > 0 && n > r.maxBytes || r.minBytes > 0 && n < r.minBytes {
			c.whole(r)
		}
	case kindAuthorFlood:
		if c.h != nil && c.in.AuthorKey != "" && c.h.AuthorPosts(c.in.AuthorKey, c.in.At.Add(-r.window)) >= r.maxPosts {
			c.whole(r)
		}
	case kindRepeated:
		if c.h != nil && len(c.nt.toks) >= r.minWords &&
			c.h.SameTextAuthors(c.fp, c.in.At.Add(-r.window))+1 >= r.minAuthors {
			c.whole(r)
		}
	case kindLanguage:
		if c.lang != "" && !contains(c.rs.languages, c.lang) {
			c.whole(r)
		}
	case kindModel:
		c.runModel(r)
	case kindAuthors:
		if c.in.AuthorKey != "" && r.authors[c.in.AuthorKey] {
			c.whole(r)
		}
	}
}

// homographEdge reports whether the regexp match norm[na:nb] begins or
// ends on the unaccented homograph of an accented word (accents.go).
func (c *classifier) homographEdge(na, nb int) bool {
	ix := c.rs.words
	if ix.accentLead == 0 {
		return false
	}
	first, last := c.nt.tokenAt(na), c.nt.tokenAt(nb-1)
	return ix.homograph(c.nt, first) || ix.homograph(c.nt, last)
}

func (c *classifier) runLinks(r *rule) {
	if !c.linksDone {
		c.links, c.linksDone = findLinks(c.in.Text), true
	}
	links := c.links
	if len(links) == 0 {
		return
	}
	var kept []link
	for _, l := range links {
		if !hostIn(l.host, r.allowHosts) {
			kept = append(kept, l)
		}
	}
	for _, l := range kept {
		if hostIn(l.host, r.deny) {
			c.add(r, l.start, l.end, false)
		}
	}
	if r.maxLinks > 0 && len(kept) > r.maxLinks {
		for _, l := range kept {
			c.add(r, l.start, l.end, false)
		}
	}
	if r.linkOnly && len(kept) > 0 && lettersOutside(c.in.Text, links) < 3 {
		c.whole(r)
	}
}

// lettersOutside counts letters outside the given links ("only a link").
func lettersOutside(s string, links []link) int {
	n, pos := 0, 0
	count := func(t string) {
		for _, r := range t {
			if classOf(r) == clsLetter || r >= 'A' && r <= 'Z' {
				n++
			}
		}
	}
	for _, l := range links {
		if l.start >= pos {
			count(s[pos:l.start])
			pos = l.end
		}
	}
	count(s[pos:])
	return n
}

func (c *classifier) runCharFlood(r *rule) {
	s := c.in.Text
	if !c.nt.nonASCII && c.nt.asciiRun < r.minRun {
		return // ASCII text without a long run: nothing to find
	}
	start, run := 0, 0
	var prev rune = -1
	for i := 0; i < len(s); {
		cur, size := utf8.DecodeRuneInString(s[i:])
		if cur == prev && cur != ' ' {
			run++
		} else {
			if run >= r.minRun {
				c.add(r, start, i, false)
			}
			start, run, prev = i, 1, cur
		}
		i += size
	}
	if run >= r.minRun {
		c.add(r, start, len(s), false)
	}
}

func (c *classifier) anySet(targets []int32) bool {
	for _, h := range c.hits {
		for _, t := range targets {
			if h.target == t {
				return true
			}
		}
	}
	return false
}

// runNear fires when every set of the rule occurs within r.within tokens of
// an occurrence of the first set; the match spans all of them.
func (c *classifier) runNear(r *rule) {
	if !c.anySet(r.near[:1]) {
		return
	}
	for _, anchor := range c.hits {
		if anchor.target != r.near[0] {
			continue
		}
		lo, hi := anchor.ti, anchor.tj
		ok := true
		for _, t := range r.near[1:] {
			best := int32(-1)
			var bh hit
			for _, o := range c.hits {
				if o.target != t {
					continue
				}
				d := max(o.ti-anchor.tj, anchor.ti-o.tj)
				// Two entries glued into one token count as neighbours
				// ("verminetrans").
				apart := o.ti > anchor.tj || o.tj < anchor.ti || (o.approx == approxPair || anchor.approx == approxPair) && o.target != anchor.target
				if d <= int32(r.within) && apart && (best < 0 || d < best) {
					best, bh = d, o
				}
			}
			if best < 0 {
				ok = false
				break
			}
			lo, hi = min(lo, bh.ti), max(hi, bh.tj)
		}
		if ok {
			a, b := c.nt.tokSpan(int(lo), int(hi))
			c.add(r, a, b, c.softened(r, int(lo), int(hi), a, b))
		}
	}
}

// hideInsideExceptions drops the set words found inside a match of an allow
// words rule (an exception: "travail au noir", "chink in the armour"), so
// that near rules, regexp requirements and soften cues do not see them.
// Rule matches inside an exception are masked later, by decide.
func (c *classifier) hideInsideExceptions() {
	nRules := int32(len(c.rs.rules))
	var spans [8][2]int32
	n := 0
	for _, h := range c.hits {
		if h.target < nRules && n < len(spans) {
			if r := &c.rs.rules[h.target]; r.allow && !r.shadow && r.appliesTo(c.lang, c.in.Source) {
				spans[n] = [2]int32{h.ti, h.tj}
				n++
			}
		}
	}
	if n == 0 {
		return
	}
	kept := c.hits[:0]
	for _, h := range c.hits {
		inside := false
		for _, s := range spans[:n] {
			if h.target >= nRules && s[0] <= h.ti && h.tj <= s[1] {
				inside = true
				break
			}
		}
		if !inside {
			kept = append(kept, h)
		}
	}
	c.hits = kept
}

// crossesClause reports whether s holds sentence punctuation: a comma,
// full stop, colon, semicolon, question or exclamation mark, ellipsis,
// bracket or quote mark that is not between two letters or digits ("id!ot"
// and "3,2" do not count).
func crossesClause(s string) bool {
	prev := rune(0)
	for i, r := range s {
		if strings.ContainsRune(",.;:!?…()[]\"«»“”", r) {
			next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
			if !(isAlnum(prev) && isAlnum(next)) {
				return true
			}
		}
		prev = r
	}
	return false
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
