package rules

// authors: Input.AuthorKey is in the list. With action allow, the rule
// trusts: its match publishes the comment whatever else matched
// (decide.go); with refuse, it bans.
func init() { registerKind("authors", ruleKind{compile: compileAuthors}) }

type authorsRule struct{ authors map[string]bool }

func compileAuthors(_ compileCtx, r *rule, sp ruleSpec, rc *ruleCheck) matcher {
	if len(sp.Authors) == 0 {
		rc.add(firstKey(sp, "authors"), "authors: the list is empty")
	}
	m := &authorsRule{authors: map[string]bool{}}
	for _, a := range sp.Authors {
		m.authors[a] = true
	}
	r.trusted = r.allow
	return m
}

func (m *authorsRule) match(c *classifier, r *rule) {
	if c.in.AuthorKey != "" && m.authors[c.in.AuthorKey] {
		c.whole(r)
	}
}
