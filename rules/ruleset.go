package rules

import (
	"regexp"
	"time"
)

// kind is a compiled rule kind.
type kind uint8

const (
	kindWords kind = iota + 1
	kindRegex
	kindNear
	kindLinks
	kindPersonalData
	kindShouting
	kindCharFlood
	kindLength
	kindAuthorFlood
	kindRepeated
	kindLanguage
	kindAuthors
	kindModel
)

var kindNames = map[string]kind{
	"words": kindWords, "regex": kindRegex, "near": kindNear, "links": kindLinks,
	"personal_data": kindPersonalData, "shouting": kindShouting, "char_flood": kindCharFlood,
	"length": kindLength, "author_flood": kindAuthorFlood, "repeated": kindRepeated,
	"language": kindLanguage, "authors": kindAuthors, "model": kindModel,
}

// rule is a compiled rule. It is never modified after Load.
type rule struct {
	id, category string
	order        int32 // position in declared order
	kind         kind
	action       Action // refuse or review; 0 for score-only and allow rules
	allow        bool   // masks other matches inside its span
	score        float64
	langs        []string // empty: every language
	sources      []string // empty: every source
	shadow       bool

	patterns []*regexp.Regexp
	requires []int32 // set targets; one must be present for a regex to run
	clause   bool    // a regex match must not cross sentence punctuation
	near     []int32 // set targets
	within   int
	soften   *soften

	deny, allowHosts []string
	linkOnly         bool
	maxLinks         int

	email, phone, iban bool

	minLetters int
	minRatio   float64
	minRun     int
	maxBytes   int
	minBytes   int
	maxPosts   int
	minAuthors int
	minWords   int
	window     time.Duration
	authors    map[string]bool
	model      *modelRule // kind model (model.go)
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
