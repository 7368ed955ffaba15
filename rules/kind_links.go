package rules

// links: a link to a denied domain, a comment that is only links, more
// than max_links links (pii.go finds the links).
func init() { registerKind("links", ruleKind{compile: compileLinks}) }

type linksRule struct {
	deny, allowHosts []string
	linkOnly         bool
	maxLinks         int
}

func compileLinks(cc compileCtx, r *rule, sp ruleSpec, rc *ruleCheck) matcher {
	m := &linksRule{deny: lowerAll(sp.Deny), allowHosts: lowerAll(sp.Allow), linkOnly: sp.LinkOnly, maxLinks: sp.MaxLinks}
	if len(m.deny) == 0 && !m.linkOnly && m.maxLinks == 0 {
		rc.add("kind", "links: set deny, link_only or max_links")
	}
	return m
}

func (m *linksRule) match(c *classifier, r *rule) {
	if !c.linksDone { // found once, shared by every links rule
		c.links, c.linksDone = findLinks(c.in.Text), true
	}
	links := c.links
	if len(links) == 0 {
		return
	}
	var kept []link
	for _, l := range links {
		if !hostIn(l.host, m.allowHosts) {
			kept = append(kept, l)
		}
	}
	for _, l := range kept {
		if hostIn(l.host, m.deny) {
			c.add(r, l.start, l.end, false)
		}
	}
	if m.maxLinks > 0 && len(kept) > m.maxLinks {
		for _, l := range kept {
			c.add(r, l.start, l.end, false)
		}
	}
	if m.linkOnly && len(kept) > 0 && lettersOutside(c.in.Text, links) < 3 {
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
