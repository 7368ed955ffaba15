package rules

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// compileRule validates one rule and turns it into its compiled form.
func (rs *Ruleset) compileRule(target int32, sp ruleSpec, s Settings, o Options) (rule, error) {
	r := rule{order: target, id: sp.ID, category: sp.Category, score: sp.Score, langs: sp.Languages, sources: sp.Sources}
	k, ok := kindNames[sp.Kind]
	if !ok {
		return r, fmt.Errorf("unknown kind %q", sp.Kind)
	}
	r.kind = k
	switch sp.Action {
	case "refuse":
		r.action = ActionRefuse
	case "review":
		r.action = ActionReview
	case "allow":
		r.allow = true
	case "":
		if sp.Score <= 0 {
			return r, fmt.Errorf("needs an action (refuse, review, allow) or a positive score")
		}
	default:
		return r, fmt.Errorf("unknown action %q (want refuse, review or allow)", sp.Action)
	}
	if sp.Action != "" && sp.Score != 0 {
		return r, fmt.Errorf("set either action or score, not both")
	}
	if sp.Score < 0 {
		return r, fmt.Errorf("score must be positive")
	}
	if !r.allow {
		if _, ok := rs.catIndex[sp.Category]; !ok {
			return r, fmt.Errorf("unknown category %q", sp.Category)
		}
	}
	switch sp.Mode {
	case "", "enforce":
	case "shadow":
		r.shadow = true
	default:
		return r, fmt.Errorf("unknown mode %q (want enforce or shadow)", sp.Mode)
	}
	if contains(s.Shadow, sp.ID) {
		r.shadow = true
	}
	for _, l := range sp.Languages {
		if len(l) != 2 || strings.ToLower(l) != l {
			return r, fmt.Errorf("language %q: want a lowercase ISO 639-1 code", l)
		}
	}
	sets := func(field string, names []string) ([]int32, error) {
		var out []int32
		for _, n := range names {
			t, ok := rs.setIndex[n]
			if !ok {
				return nil, fmt.Errorf("%s: unknown set %q", field, n)
			}
			out = append(out, t)
		}
		return out, nil
	}
	var err error
	if sp.Soften != nil {
		r.soften = &soften{quoted: sp.Soften.Quoted, within: sp.Soften.Within}
		if r.soften.near, err = sets("soften.near", sp.Soften.Near); err != nil {
			return r, err
		}
		if r.soften.within == 0 {
			r.soften.within = 6
		}
	}
	if sp.Clause && k != kindRegex {
		return r, fmt.Errorf("clause: only for kind regex")
	}
	if (sp.Fuzzy || sp.Glued) && k != kindWords {
		return r, fmt.Errorf("fuzzy and glued apply to words rules only")
	}
	switch k {
	case kindWords:
		if len(sp.Words) == 0 {
			return r, fmt.Errorf("words: empty list")
		}
		for _, w := range sp.Words {
			if err := rs.words.add(target, w, approxOpts{fuzzy: sp.Fuzzy, glued: sp.Glued}); err != nil {
				return r, err
			}
		}
	case kindRegex:
		if len(sp.Patterns) == 0 {
			return r, fmt.Errorf("patterns: empty list")
		}
		for _, p := range sp.Patterns {
			re, err := regexp.Compile(p)
			if err != nil {
				return r, fmt.Errorf("pattern %q: %w", p, err)
			}
			r.patterns = append(r.patterns, re)
		}
		if r.requires, err = sets("requires", sp.Requires); err != nil {
			return r, err
		}
		r.clause = sp.Clause
	case kindNear:
		if len(sp.Near) < 2 {
			return r, fmt.Errorf("near: needs at least two sets")
		}
		if r.near, err = sets("near", sp.Near); err != nil {
			return r, err
		}
		r.within = sp.Within
		if r.within <= 0 {
			r.within = 8
		}
	case kindLinks:
		r.deny, r.allowHosts = lowerAll(sp.Deny), lowerAll(sp.Allow)
		r.linkOnly, r.maxLinks = sp.LinkOnly, sp.MaxLinks
		if len(r.deny) == 0 && !r.linkOnly && r.maxLinks == 0 {
			return r, fmt.Errorf("links: set deny, link_only or max_links")
		}
	case kindPersonalData:
		for _, d := range sp.Detect {
			switch d {
			case "email":
				r.email = true
			case "phone":
				r.phone = true
			case "iban":
				r.iban = true
			default:
				return r, fmt.Errorf("detect: unknown %q (want email, phone, iban)", d)
			}
		}
		if !r.email && !r.phone && !r.iban {
			return r, fmt.Errorf("detect: empty list")
		}
	case kindShouting:
		r.minLetters, r.minRatio = sp.MinLetters, sp.MinRatio
		if r.minLetters <= 0 || r.minRatio <= 0 || r.minRatio > 1 {
			return r, fmt.Errorf("shouting: min_letters > 0 and 0 < min_ratio <= 1 required")
		}
	case kindCharFlood:
		if r.minRun = sp.MinRun; r.minRun < 3 {
			return r, fmt.Errorf("char_flood: min_run must be at least 3")
		}
	case kindLength:
		r.maxBytes, r.minBytes = sp.MaxBytes, sp.MinBytes
		if r.maxBytes <= 0 && r.minBytes <= 0 {
			return r, fmt.Errorf("length: set max_bytes or min_bytes")
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
			return r, fmt.Errorf("author_flood: max_posts and window must be > 0")
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
			return r, fmt.Errorf("repeated: min_authors >= 2 and window > 0 required")
		}
	case kindLanguage:
		if len(o.Languages) == 0 {
			r.kind = 0 // nothing is "outside the list" when there is no list
		}
	case kindAuthors:
		if len(sp.Authors) == 0 {
			return r, fmt.Errorf("authors: empty list")
		}
		r.authors = map[string]bool{}
		for _, a := range sp.Authors {
			r.authors[a] = true
		}
	}
	return r, nil
}

func lowerAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "www.")
	}
	return out
}
