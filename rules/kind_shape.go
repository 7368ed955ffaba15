package rules

import (
	"strings"
	"unicode/utf8"
)

// The kinds that look at the shape of the text, not its words: shouting,
// char_flood, length. Each fires on the whole comment or on a run of it.
func init() {
	registerKind("shouting", ruleKind{compile: compileShouting})
	registerKind("char_flood", ruleKind{compile: compileCharFlood})
	registerKind("length", ruleKind{compile: compileLength})
}

// shouting: at least minLetters letters, and that share of capitals.
type shoutingRule struct {
	minLetters int
	minRatio   float64
}

func compileShouting(_ compileCtx, _ *rule, sp ruleSpec, rc *ruleCheck) matcher {
	m := &shoutingRule{minLetters: sp.MinLetters, minRatio: sp.MinRatio}
	if m.minLetters <= 0 || m.minRatio <= 0 || m.minRatio > 1 {
		rc.add(firstKey(sp, "min_letters", "min_ratio"), "shouting: min_letters > 0 and 0 < min_ratio <= 1 required")
	}
	return m
}

func (m *shoutingRule) match(c *classifier, r *rule) {
	if c.nt.letters >= m.minLetters && float64(c.nt.upper) >= m.minRatio*float64(c.nt.letters) {
		c.whole(r)
	}
}

// char_flood: the same character minRun times in a row.
type charFloodRule struct{ minRun int }

func compileCharFlood(_ compileCtx, _ *rule, sp ruleSpec, rc *ruleCheck) matcher {
	m := &charFloodRule{minRun: sp.MinRun}
	if m.minRun < 3 {
		rc.add(firstKey(sp, "min_run"), "char_flood: min_run must be at least 3")
	}
	return m
}

func (m *charFloodRule) match(c *classifier, r *rule) {
	s := c.in.Text
	if !c.nt.nonASCII && c.nt.asciiRun < m.minRun {
		return // ASCII text without a long run: nothing to find
	}
	start, run := 0, 0
	var prev rune = -1
	for i := 0; i < len(s); {
		cur, size := utf8.DecodeRuneInString(s[i:])
		if cur == prev && cur != ' ' {
			run++
		} else {
			if run >= m.minRun {
				c.add(r, start, i, false)
			}
			start, run, prev = i, 1, cur
		}
		i += size
	}
	if run >= m.minRun {
		c.add(r, start, len(s), false)
	}
}

// length: the trimmed text is longer than maxBytes or shorter than
// minBytes.
type lengthRule struct{ maxBytes, minBytes int }

func compileLength(_ compileCtx, _ *rule, sp ruleSpec, rc *ruleCheck) matcher {
	m := &lengthRule{maxBytes: sp.MaxBytes, minBytes: sp.MinBytes}
	if m.maxBytes <= 0 && m.minBytes <= 0 {
		rc.add("kind", "length: set max_bytes or min_bytes")
	}
	return m
}

func (m *lengthRule) match(c *classifier, r *rule) {
	n := len(strings.TrimSpace(c.in.Text))
	if m.maxBytes > 0 && n > m.maxBytes || m.minBytes > 0 && n < m.minBytes {
		c.whole(r)
	}
}
