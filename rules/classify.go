package rules

import (
	"sync"
	"time"
)

// Classify judges one comment. It is pure apart from the History it is
// given (h may be nil: flood and repeated-post rules then do not fire), and
// safe to call from many goroutines.
func (rs *Ruleset) Classify(in Input, h History) Verdict { return rs.classify(in, h, -1) }

// classify is Classify without the rule numbered skip (-1: none; a rule
// with a matcher, such as a model rule): calibration asks what the other
// rules decide (calibrate.go).
func (rs *Ruleset) classify(in Input, h History, skip int) Verdict {
	nt := acquireNorm(in.Text)
	defer nt.release()
	lang := ""
	// The Timing pointer is taken out of in before in goes into the
	// pooled classifier, so that it does not move the caller's Timing to
	// the heap.
	timing := in.Timing
	in.Timing = nil
	if rs.lang != nil {
		if timing != nil {
			start := time.Now()
			lang = rs.lang.detect(nt)
			timing.Language = time.Since(start)
		} else {
			lang = rs.lang.detect(nt)
		}
	}
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	// The classifier lives in the pooled scratch: the matchers get a
	// pointer to it through an interface, which would move a local one to
	// the heap on every call.
	c := &sc.c
	*c = classifier{rs: rs, nt: nt, in: in, h: h, lang: lang, matches: sc.matches[:0], hits: sc.hits[:0]}
	if rs.repWin > 0 {
		c.fp = fingerprint(nt)
	}
	c.hits = rs.words.find(nt, c.hits)
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
	for _, i := range rs.scan {
		r := &rs.rules[i]
		if int(i) != skip && r.appliesTo(lang, in.Source) {
			r.run.match(c, r)
		}
	}
	v := rs.decide(in.Text, c.matches, lang, sc)
	v.Fingerprint = c.fp
	v.ModelRule, v.ModelScore = c.modelRule, c.modelScore
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
	c       classifier
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func (sc *scratch) release() {
	if cap(sc.hits) > 1024 || cap(sc.matches) > 1024 || cap(sc.kept) > 1024 {
		return
	}
	clear(sc.matches[:cap(sc.matches)]) // drop rule pointers
	clear(sc.kept[:cap(sc.kept)])
	sc.c = classifier{} // drop the comment and the ruleset
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
	h := uint64(fnvOffset)
	for i := range nt.toks {
		for _, b := range nt.collapsedOrWord(i) {
			h = (h ^ uint64(b)) * fnvPrime
		}
		h = (h ^ ' ') * fnvPrime
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

	// The first model rule that scored the comment, enforced before
	// shadow (Verdict.ModelRule, ModelScore).
	modelRule   string
	modelScore  float64
	modelShadow bool
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

// scored records the probability of a model rule for the verdict: that
// of the first enforced model rule, else of the first in shadow.
func (c *classifier) scored(r *rule, p float64) {
	if c.modelRule == "" || c.modelShadow && !r.shadow {
		c.modelRule, c.modelScore, c.modelShadow = r.id, p, r.shadow
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
