package rules

import "time"

// rule is a compiled rule. It is never modified after Load. The fields
// here are those every kind shares; what only one kind reads lives in its
// matcher (kind.go).
type rule struct {
	id, category string
	kindName     string // as written in the rules file, for messages
	order        int32  // position in declared order
	action       Action // refuse or review; 0 for score-only and allow rules
	allow        bool   // masks other matches inside its span
	protect      bool   // action protect: the comment is never refused automatically (protect.go)
	// trusted: an allow match of this rule publishes the comment whatever
	// else matched (authors rules), not only what lies inside its span.
	trusted bool
	score   float64
	langs   []string // empty: every language
	sources []string // empty: every source
	shadow  bool
	soften  *soften
	// run finds the rule's matches; nil for a rule that never runs by
	// itself (words: the word index finds them) or cannot fire.
	run matcher
}

// soften turns a refuse match into review when it is a mention (soften.go).
type soften struct {
	quoted    bool
	near      []int32 // set targets: reporting cues, before the match
	self      []int32 // set targets: self-description cues, before the match
	after     []int32 // set targets: self-description cues right after the match
	addressed []int32 // set targets: second-person words that void a cue
	within    int
}

// Ruleset is a compiled, immutable set of rules, safe for concurrent use.
// Hot reload builds a new one with Load and swaps a pointer.
type Ruleset struct {
	version    string
	thresholds Thresholds
	languages  []string // configured languages
	allowWords bool     // some words rule has action allow (an exception)
	categories []Category
	catIndex   map[string]int
	rules      []rule
	words      *wordIndex // targets: rule index, or len(rules)+set index
	sets       []string
	setIndex   map[string]int32
	lang       *langDetector // nil: no language detection
	floodWin   time.Duration
	repWin     time.Duration
	// modelHashes are the SHA-256 of the model files, part of the version.
	modelHashes []string
	// scan lists, in declared order, the rules Classify runs one by one:
	// those with a matcher (the words rules come from the word index).
	scan []int32
}

// Version is a hash of the compiled rules (settings and pack contents).
func (rs *Ruleset) Version() string { return rs.version }

// Categories is the public moderation policy, in declared order.
func (rs *Ruleset) Categories() []Category {
	out := make([]Category, len(rs.categories))
	copy(out, rs.categories)
	return out
}

// Category returns one category of the policy.
func (rs *Ruleset) Category(id string) (Category, bool) {
	i, ok := rs.catIndex[id]
	if !ok {
		return Category{}, false
	}
	return rs.categories[i], true
}

// Windows is how much history the caller must keep for the author-flood
// and repeated-post rules (zero when no such rule is enabled).
func (rs *Ruleset) Windows() (authorFlood, repeated time.Duration) {
	return rs.floodWin, rs.repWin
}

func (r *rule) appliesTo(lang, source string) bool {
	if len(r.langs) > 0 && lang != "" && !contains(r.langs, lang) {
		return false
	}
	if len(r.sources) > 0 && !contains(r.sources, source) {
		return false
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
