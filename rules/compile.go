package rules

import (
	"fmt"
	"strings"
)

// ruleProblem is one mistake in a rule, at one of its keys, so the
// message can point at the key's line.
type ruleProblem struct{ key, msg string }

// ruleCheck collects the problems of one rule: a rule writer sees them all
// at once, not one per run.
type ruleCheck []ruleProblem

func (rc *ruleCheck) add(key, format string, args ...any) {
	*rc = append(*rc, ruleProblem{key, fmt.Sprintf(format, args...)})
}

// compileRule validates one rule and turns it into its compiled form: the
// fields every kind shares here, then those of its kind (kind.go).
func (rs *Ruleset) compileRule(target int32, sp ruleSpec, s Settings, o Options) (rule, []ruleProblem) {
	var rc ruleCheck
	r := rule{order: target, id: sp.ID, kindName: sp.Kind, category: sp.Category, score: sp.Score, langs: sp.Languages, sources: sp.Sources}
	k, ok := kinds[sp.Kind]
	if !ok {
		unknownKind(sp.Kind, &rc)
	}
	rs.compileAction(&r, sp, &rc)
	switch sp.Mode {
	case "", "enforce":
	case "shadow":
		r.shadow = true
	default:
		rc.add("mode", "unknown mode %q (write enforce or shadow)", sp.Mode)
	}
	if contains(s.Shadow, sp.ID) {
		r.shadow = true
	}
	for _, l := range sp.Languages {
		if len(l) != 2 || strings.ToLower(l) != l {
			rc.add("languages", "language %q: write a lowercase two-letter code (fr, en)", l)
		}
	}
	r.soften = rs.compileSoften(sp.Soften, &rc)
	if sp.Clause && sp.Kind != "regex" {
		rc.add("clause", "clause applies to regex rules only")
	}
	if (sp.Fuzzy || sp.Glued) && sp.Kind != "words" {
		rc.add(firstKey(sp, "fuzzy", "glued"), "fuzzy and glued apply to words rules only")
	}
	if ok {
		r.run = k.compile(compileCtx{rs: rs, target: target, s: s, o: o}, &r, sp, &rc)
	}
	return r, rc
}

// compileAction reads action, score and category.
func (rs *Ruleset) compileAction(r *rule, sp ruleSpec, rc *ruleCheck) {
	switch sp.Action {
	case "refuse":
		r.action = ActionRefuse
	case "review":
		r.action = ActionReview
	case "allow":
		r.allow = true
	case "protect": // never refused automatically (protect.go)
		r.protect = true
	case "":
		if sp.Score <= 0 && !kinds[sp.Kind].thresholds { // a model rule has thresholds
			rc.add("action", "no action: add action: refuse, review, allow or protect, or a positive score:")
		}
	default:
		rc.add("action", "unknown action %q (write refuse, review, allow or protect)", sp.Action)
	}
	if sp.Action != "" && sp.Score != 0 {
		rc.add("score", "set either action or score, not both")
	}
	if sp.Score < 0 {
		rc.add("score", "score must be positive")
	}
	if r.allow {
		return
	}
	if _, ok := rs.catIndex[sp.Category]; !ok {
		ids := make([]string, len(rs.categories))
		for i, c := range rs.categories {
			ids[i] = c.ID
		}
		if sp.Category == "" {
			rc.add("category", "no category: add category: with one of %s", strings.Join(ids, ", "))
		} else {
			rc.add("category", "unknown category %q%s; the categories are %s", sp.Category, suggest(sp.Category, ids), strings.Join(ids, ", "))
		}
	}
}

// setTargets looks up set names, reporting the unknown ones under key.
func (rs *Ruleset) setTargets(key string, names []string, rc *ruleCheck) []int32 {
	var out []int32
	for _, n := range names {
		t, ok := rs.setIndex[n]
		if !ok {
			rc.add(key, "%s: unknown set %q%s", key, n, suggest(n, rs.sets))
			continue
		}
		out = append(out, t)
	}
	return out
}

func (rs *Ruleset) compileSoften(sp *softenSpec, rc *ruleCheck) *soften {
	if sp == nil {
		return nil
	}
	sf := &soften{quoted: sp.Quoted, within: sp.Within}
	sf.near = rs.setTargets("soften", sp.Near, rc)
	sf.self = rs.setTargets("soften", sp.Self, rc)
	sf.after = rs.setTargets("soften", sp.After, rc)
	sf.addressed = rs.setTargets("soften", sp.Addressed, rc)
	if sf.within == 0 {
		sf.within = 6
	}
	return sf
}

// firstKey is the first of keys the rule has, for the line of a message
// about them ("kind" when it has none: the message is about what is
// missing).
func firstKey(sp ruleSpec, keys ...string) string {
	for _, k := range keys {
		if _, ok := sp.lines[k]; ok {
			return k
		}
	}
	return "kind"
}

func lowerAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "www.")
	}
	return out
}
