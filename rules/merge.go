package rules

import (
	"fmt"
	"maps"
	"slices"
)

// compileInto is compile, adding its problems to ps and going on past
// them, so that one run finds them all; the Ruleset is unusable when
// there are any. In order: the policy and the word lists of every pack,
// the rules that are on, the sets (word-index targets after the rules),
// then each rule.
func compileInto(ps *problems, packs, context []*pack, s Settings, o Options) *Ruleset {
	rs := &Ruleset{
		thresholds: s.Thresholds,
		languages:  o.Languages,
		catIndex:   map[string]int{},
		setIndex:   map[string]int32{},
		words:      newWordIndex(),
	}
	m := newMerged()
	for _, p := range context {
		rs.addCategories(p, true, ps)
		m.add(p)
	}
	for _, p := range packs {
		rs.addCategories(p, false, ps)
		m.add(p)
	}
	m.addAccents(rs.words, ps)
	all, seen := selectRules(packs, s, ps)
	m.indexSets(rs, int32(len(all)), ps)
	for i, l := range all {
		rs.addRule(int32(i), l, s, o, ps)
	}
	m.addExcept(rs.words)
	for _, id := range append(append([]string{}, s.Disable...), s.Shadow...) {
		if !seen[id] {
			ps.addErr(fmt.Errorf("rules.disable/shadow: unknown rule %q", id))
		}
	}
	return rs
}

// merged is what the packs pool: sets are unions across packs, and so
// are the approximate-matching options and the word lists.
type merged struct {
	words    map[string][]string
	origin   map[string]*pack // pack that first defined a set
	approx   map[string]approxOpts
	approxAt map[string]keyAt // first fuzzy_sets/glued_sets mention of a set
	order    []string
	except   []string
	accented []wordAt
}

type keyAt struct {
	p   *pack
	key string
}

type wordAt struct {
	p    *pack
	word string
}

func newMerged() *merged {
	return &merged{words: map[string][]string{}, origin: map[string]*pack{}, approx: map[string]approxOpts{}, approxAt: map[string]keyAt{}}
}

func (m *merged) add(p *pack) {
	for _, n := range p.spec.FuzzySets {
		m.setApprox(n, keyAt{p, "fuzzy_sets"}, func(a *approxOpts) { a.fuzzy = true })
	}
	for _, n := range p.spec.GluedSets {
		m.setApprox(n, keyAt{p, "glued_sets"}, func(a *approxOpts) { a.glued = true })
	}
	m.except = append(m.except, p.spec.FuzzyExcept...)
	for _, w := range p.spec.Accented {
		m.accented = append(m.accented, wordAt{p, w})
	}
	for _, name := range slices.Sorted(maps.Keys(p.spec.Sets)) {
		if _, ok := m.words[name]; !ok {
			m.order = append(m.order, name)
			m.origin[name] = p
		}
		m.words[name] = append(m.words[name], p.spec.Sets[name]...)
	}
}

func (m *merged) setApprox(name string, at keyAt, set func(*approxOpts)) {
	a := m.approx[name]
	set(&a)
	m.approx[name] = a
	if _, ok := m.approxAt[name]; !ok {
		m.approxAt[name] = at
	}
}

func (m *merged) addAccents(ix *wordIndex, ps *problems) {
	for _, a := range m.accented {
		w, err := newAccentWord(a.word)
		if err != nil {
			ps.add(a.p.name, a.p.spec.keyLines["accented"], "%v", err)
			continue
		}
		ix.addAccent(w)
	}
}

// indexSets adds the words of every set to the index, as targets
// nRules, nRules+1... in name order.
func (m *merged) indexSets(rs *Ruleset, nRules int32, ps *problems) {
	for _, n := range slices.Sorted(maps.Keys(m.approx)) {
		if _, ok := m.words[n]; !ok {
			at := m.approxAt[n]
			ps.add(at.p.name, at.p.spec.keyLines[at.key], "%s: unknown set %q%s", at.key, n, suggest(n, m.order))
		}
	}
	slices.Sort(m.order)
	for i, name := range m.order {
		target := nRules + int32(i)
		rs.sets = append(rs.sets, name)
		rs.setIndex[name] = target
		for _, w := range m.words[name] {
			if err := rs.words.add(target, w, m.approx[name]); err != nil {
				p := m.origin[name]
				ps.add(p.name, p.spec.setLines[name], "set %q: %v", name, err)
			}
		}
	}
}

// addExcept marks the fuzzy_except words: never read approximately.
func (m *merged) addExcept(ix *wordIndex) {
	for _, w := range m.except {
		for _, t := range normaliseWords(w) {
			ix.ordinary[t] = true
			if fz := ix.fuzzy; fz != nil {
				fz.except[t] = true
			}
		}
	}
}

// selectRules lists the rules that are on, in declared order, then those
// of the settings; seen holds every rule id, on or off.
func selectRules(packs []*pack, s Settings, ps *problems) (all []located, seen map[string]bool) {
	seen = map[string]bool{}
	first := map[string]located{}
	for _, p := range packs {
		for _, r := range p.spec.Rules {
			if r.ID == "" {
				ps.add(p.name, r.line, "a rule without id: add id: with a name unique across packs")
				continue
			}
			if prev, dup := first[r.ID]; dup {
				where := prev.p.name
				if prev.p == p {
					where = fmt.Sprintf("line %d", prev.spec.lineOf("id"))
				}
				ps.add(p.name, r.lineOf("id"), "rule %q is already defined at %s", r.ID, where)
				continue
			}
			first[r.ID], seen[r.ID] = located{p, r}, true
			if r.Enabled != nil && !*r.Enabled || contains(s.Disable, r.ID) {
				continue
			}
			all = append(all, located{p, r})
		}
	}
	return append(all, settingsRules(s)...), seen
}

// addRule compiles one rule. It is added even when broken, since word-index
// targets are rule positions; its problems go to ps.
func (rs *Ruleset) addRule(target int32, l located, s Settings, o Options, ps *problems) {
	r, rps := rs.compileRule(target, l.spec, s, o)
	for _, rp := range rps {
		switch {
		case l.spec.badKeys[rp.key]:
			// already reported: its value could not be read
		case l.p == nil:
			ps.addErr(fmt.Errorf("settings: rule %q: %s", l.spec.ID, rp.msg))
		default:
			ps.add(l.p.name, l.spec.lineOf(rp.key), "rule %q: %s", l.spec.ID, rp.msg)
		}
	}
	rs.rules = append(rs.rules, r)
	if r.run != nil {
		rs.scan = append(rs.scan, target)
	}
}
