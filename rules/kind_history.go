package rules

import "time"

// The kinds that look at the recent past through History: author_flood
// (one author posting too much) and repeated (the same text from several
// authors). The settings override the packs' values, and the ruleset
// tells the caller how much history to keep (Ruleset.Windows).
func init() {
	registerKind("author_flood", ruleKind{compile: compileAuthorFlood})
	registerKind("repeated", ruleKind{compile: compileRepeated})
}

type authorFloodRule struct {
	maxPosts int
	window   time.Duration
}

func compileAuthorFlood(cc compileCtx, _ *rule, sp ruleSpec, rc *ruleCheck) matcher {
	m := &authorFloodRule{maxPosts: sp.MaxPosts, window: time.Duration(sp.Window)}
	if f := cc.s.Flood; f.MaxPosts > 0 {
		m.maxPosts = f.MaxPosts
	}
	if f := cc.s.Flood; f.Window > 0 {
		m.window = time.Duration(f.Window)
	}
	if m.maxPosts <= 0 || m.window <= 0 {
		rc.add(firstKey(sp, "max_posts", "window"), "author_flood: max_posts and window must be > 0")
	}
	cc.rs.floodWin = max(cc.rs.floodWin, m.window)
	return m
}

func (m *authorFloodRule) match(c *classifier, r *rule) {
	if c.h != nil && c.in.AuthorKey != "" && c.h.AuthorPosts(c.in.AuthorKey, c.in.At.Add(-m.window)) >= m.maxPosts {
		c.whole(r)
	}
}

type repeatedRule struct {
	minAuthors, minWords int
	window               time.Duration
}

func compileRepeated(cc compileCtx, _ *rule, sp ruleSpec, rc *ruleCheck) matcher {
	m := &repeatedRule{minAuthors: sp.MinAuthors, minWords: sp.MinWords, window: time.Duration(sp.Window)}
	if rp := cc.s.Repeated; rp.MinAuthors > 0 {
		m.minAuthors = rp.MinAuthors
	}
	if rp := cc.s.Repeated; rp.Window > 0 {
		m.window = time.Duration(rp.Window)
	}
	if m.minAuthors < 2 || m.window <= 0 {
		rc.add(firstKey(sp, "min_authors", "window"), "repeated: min_authors >= 2 and window > 0 required")
	}
	cc.rs.repWin = max(cc.rs.repWin, m.window)
	return m
}

func (m *repeatedRule) match(c *classifier, r *rule) {
	if c.h != nil && len(c.nt.toks) >= m.minWords &&
		c.h.SameTextAuthors(c.fp, c.in.At.Add(-m.window))+1 >= m.minAuthors {
		c.whole(r)
	}
}
