package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// regex: a Go RE2 pattern matches the normalised text.
func init() { registerKind("regex", ruleKind{compile: compileRegex}) }

type regexRule struct {
	patterns []*startedRegex // regex_starts.go
	requires []int32         // set targets; one must be present for the patterns to run
	clause   bool            // a match must not cross sentence punctuation
}

func compileRegex(cc compileCtx, r *rule, sp ruleSpec, rc *ruleCheck) matcher {
	if len(sp.Patterns) == 0 {
		rc.add(firstKey(sp, "patterns"), "patterns: the list is empty")
	}
	m := &regexRule{clause: sp.Clause}
	for _, p := range sp.Patterns {
		re, err := compileStarted(p, sp.known)
		if err != nil {
			rc.add("patterns", "pattern %q is not a valid regular expression: %v", p, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			continue
		}
		m.patterns = append(m.patterns, re)
	}
	m.requires = cc.rs.setTargets("requires", sp.Requires, rc)
	return m
}

func (m *regexRule) match(c *classifier, r *rule) {
	if len(m.requires) > 0 && !c.anySet(m.requires) {
		return
	}
	text := c.in.Text
	var buf [8][2]int
	for _, re := range m.patterns {
		for _, x := range re.findAll(c.nt.norm, buf[:0]) {
			a, b := c.nt.span(x[0], x[1])
			if a < b && !(m.clause && crossesClause(text[a:b])) && !c.homographEdge(x[0], x[1]) {
				c.add(r, a, b, c.softenedSpan(r, x[0], x[1], a, b))
			}
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
