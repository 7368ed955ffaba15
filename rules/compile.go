package rules

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
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

// kindList is the kinds, for messages.
var kindList = slices.Sorted(maps.Keys(kindNames))

// compileRule validates one rule and turns it into its compiled form: the
// fields every kind shares here, then those of its kind (compileKind).
func (rs *Ruleset) compileRule(target int32, sp ruleSpec, s Settings, o Options) (rule, []ruleProblem) {
	var rc ruleCheck
	r := rule{order: target, id: sp.ID, category: sp.Category, score: sp.Score, langs: sp.Languages, sources: sp.Sources}
	k, ok := kindNames[sp.Kind]
	if !ok {
		if sp.Kind == "" {
			rc.add("kind", "no kind: add kind: with one of %s", strings.Join(kindList, ", "))
		} else {
			rc.add("kind", "unknown kind %q%s; the kinds are %s", sp.Kind, suggest(sp.Kind, kindList), strings.Join(kindList, ", "))
		}
	}
	r.kind = k
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
	if sp.Clause && k != kindRegex {
		rc.add("clause", "clause applies to regex rules only")
	}
	if (sp.Fuzzy || sp.Glued) && k != kindWords {
		rc.add(firstKey(sp, "fuzzy", "glued"), "fuzzy and glued apply to words rules only")
	}
	if k != 0 {
		rs.compileKind(&r, target, sp, s, o, &rc)
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
	case "":
		if sp.Score <= 0 && sp.Kind != "model" { // a model rule has thresholds
			rc.add("action", "no action: add action: refuse, review or allow, or a positive score:")
		}
	default:
		rc.add("action", "unknown action %q (write refuse, review or allow)", sp.Action)
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

// compileKind reads the fields of the rule's kind.
func (rs *Ruleset) compileKind(r *rule, target int32, sp ruleSpec, s Settings, o Options, rc *ruleCheck) {
	switch r.kind {
	case kindWords:
		if len(sp.Words) == 0 {
			rc.add("words", "words: the list is empty")
		}
		for _, w := range sp.Words {
			if err := rs.words.add(target, w, approxOpts{fuzzy: sp.Fuzzy, glued: sp.Glued}); err != nil {
				rc.add("words", "words: %v", err)
			}
		}
	case kindRegex:
		if len(sp.Patterns) == 0 {
			rc.add(firstKey(sp, "patterns"), "patterns: the list is empty")
		}
		for _, p := range sp.Patterns {
			re, err := regexp.Compile(p)
			if err != nil {
				rc.add("patterns", "pattern %q is not a valid regular expression: %v", p, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
				continue
			}
			r.patterns = append(r.patterns, re)
		}
		r.requires = rs.setTargets("requires", sp.Requires, rc)
		r.clause = sp.Clause
	case kindNear:
		if len(sp.Near) < 2 {
			rc.add(firstKey(sp, "near"), "near: needs at least two sets")
		}
		r.near = rs.setTargets("near", sp.Near, rc)
		if r.within = sp.Within; r.within <= 0 {
			r.within = 8
		}
	case kindLinks:
		r.deny, r.allowHosts = lowerAll(sp.Deny), lowerAll(sp.Allow)
		r.linkOnly, r.maxLinks = sp.LinkOnly, sp.MaxLinks
		if len(r.deny) == 0 && !r.linkOnly && r.maxLinks == 0 {
			rc.add("kind", "links: set deny, link_only or max_links")
		}
	case kindPersonalData:
		compileDetect(r, sp, rc)
	case kindShouting:
		r.minLetters, r.minRatio = sp.MinLetters, sp.MinRatio
		if r.minLetters <= 0 || r.minRatio <= 0 || r.minRatio > 1 {
			rc.add(firstKey(sp, "min_letters", "min_ratio"), "shouting: min_letters > 0 and 0 < min_ratio <= 1 required")
		}
	case kindCharFlood:
		if r.minRun = sp.MinRun; r.minRun < 3 {
			rc.add(firstKey(sp, "min_run"), "char_flood: min_run must be at least 3")
		}
	case kindLength:
		r.maxBytes, r.minBytes = sp.MaxBytes, sp.MinBytes
		if r.maxBytes <= 0 && r.minBytes <= 0 {
			rc.add("kind", "length: set max_bytes or min_bytes")
		}
	case kindAuthorFlood:
		r.maxPosts, r.window = sp.MaxPosts, time.Duration(sp.Window)
		if s.Flood.MaxPosts > 0 {
			r.maxPosts = s.Flood.MaxPosts
		}
		if s.Flood.Window > 0 {
			r.window = time.Duration(s.Flood.Window)
		}
		if r.maxPosts <= 0 || r.window <= 0 {
			rc.add(firstKey(sp, "max_posts", "window"), "author_flood: max_posts and window must be > 0")
		}
	case kindRepeated:
		r.minAuthors, r.window, r.minWords = sp.MinAuthors, time.Duration(sp.Window), sp.MinWords
		if s.Repeated.MinAuthors > 0 {
			r.minAuthors = s.Repeated.MinAuthors
		}
		if s.Repeated.Window > 0 {
			r.window = time.Duration(s.Repeated.Window)
		}
		if r.minAuthors < 2 || r.window <= 0 {
			rc.add(firstKey(sp, "min_authors", "window"), "repeated: min_authors >= 2 and window > 0 required")
		}
	case kindLanguage:
		if len(o.Languages) == 0 {
			r.kind = 0 // nothing is "outside the list" when there is no list
		}
	case kindModel:
		rs.compileModel(r, sp, o, rc)
	case kindAuthors:
		if len(sp.Authors) == 0 {
			rc.add(firstKey(sp, "authors"), "authors: the list is empty")
		}
		r.authors = map[string]bool{}
		for _, a := range sp.Authors {
			r.authors[a] = true
		}
	}
}

func compileDetect(r *rule, sp ruleSpec, rc *ruleCheck) {
	for _, d := range sp.Detect {
		switch d {
		case "email":
			r.email = true
		case "phone":
			r.phone = true
		case "iban":
			r.iban = true
		default:
			rc.add("detect", "detect: unknown %q (write email, phone or iban)", d)
		}
	}
	if len(sp.Detect) == 0 {
		rc.add(firstKey(sp, "detect"), "detect: the list is empty (write email, phone or iban)")
	}
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
