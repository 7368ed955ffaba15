package rules

// near: a word of every set occurs within `within` tokens of a word of
// the first set; the match spans all of them.
func init() { registerKind("near", ruleKind{compile: compileNear}) }

type nearRule struct {
	sets   []int32 // set targets; the first is the anchor
	within int
}

func compileNear(cc compileCtx, r *rule, sp ruleSpec, rc *ruleCheck) matcher {
	if len(sp.Near) < 2 {
		rc.add(firstKey(sp, "near"), "near: needs at least two sets")
	}
	m := &nearRule{sets: cc.rs.setTargets("near", sp.Near, rc), within: sp.Within}
	if m.within <= 0 {
		m.within = 8
	}
	if len(m.sets) == 0 {
		return nil // already reported: nothing to anchor on
	}
	return m
}

// match fires when every set of the rule occurs within m.within tokens of
// an occurrence of the first set.
func (m *nearRule) match(c *classifier, r *rule) {
	if !c.anySet(m.sets[:1]) {
		return
	}
	for _, anchor := range c.hits {
		if anchor.target != m.sets[0] {
			continue
		}
		lo, hi := anchor.ti, anchor.tj
		ok := true
		for _, t := range m.sets[1:] {
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
				if d <= int32(m.within) && apart && (best < 0 || d < best) {
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
