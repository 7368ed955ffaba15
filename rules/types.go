package rules

import (
	"encoding/json"
	"time"
)

// Match is one rule firing on one span of the comment.
type Match struct {
	Rule     string `json:"rule"`
	Category string `json:"category"`
	Start    int    `json:"start"` // byte offsets in the ORIGINAL text
	End      int    `json:"end"`
	Text     string `json:"text"`             // original[Start:End]
	Shadow   bool   `json:"shadow,omitempty"` // rule in shadow mode: recorded, changes nothing
}

// Verdict is the explained decision on one comment.
type Verdict struct {
	Action         Action  `json:"action"`
	Category       string  `json:"category,omitempty"` // category that decided it
	Score          float64 `json:"score"`
	Language       string  `json:"language"` // ISO 639-1 lowercase, "" if unknown
	Matches        []Match `json:"matches"`  // never nil in JSON: [] when none
	RulesetVersion string  `json:"ruleset_version"`
	// Protected lists the categories of the protect rules that matched
	// (criticism of the post or of the page owner): such a comment is
	// never refused automatically, and a person who refuses it must say
	// why (protect.go).
	Protected []string `json:"protected,omitempty"`
	// ModelScore is the probability a model rule gave the comment (0 to
	// 1), ModelRule that rule's id: the first enforced model rule that
	// scored it, else the first in shadow. Both are left out of the JSON
	// when no model rule ran (none is configured, or the comment was
	// already refused): older verdicts read back the same. The score is
	// the model's own, whatever the action: Score still agrees with Action.
	ModelRule  string  `json:"model_rule,omitempty"`
	ModelScore float64 `json:"model_score,omitempty"`
	// Fingerprint is the normalised-text digest (see Fingerprint) that
	// Classify computed anyway, handed to the caller for its history of
	// recent texts so the text is not normalised twice. Empty when no
	// repeated-post rule is in force. Not part of the verdict's JSON.
	Fingerprint string `json:"-"`
}

// MarshalJSON keeps "matches" an array even when the slice is nil, so
// clients never have to tell null from [].
func (v Verdict) MarshalJSON() ([]byte, error) {
	type plain Verdict
	if v.Matches == nil {
		v.Matches = []Match{}
	}
	return json.Marshal(plain(v))
}

// Input is one comment to judge. AuthorKey is an opaque stable key for the
// author (the caller passes a digest, may be "").
type Input struct {
	Text      string
	Source    string
	AuthorKey string
	At        time.Time
	// Timing, when set, receives how long the parts of Classify took
	// (for the server's metrics); nil costs nothing.
	Timing *Timing
}

// Timing is what Classify measured of itself when Input.Timing is set.
type Timing struct {
	Language time.Duration // language detection (0 when it is off)
}

// History gives Classify the recent past it needs for flood and
// repeated-post rules; Classify itself stays pure (no I/O).
type History interface {
	// AuthorPosts counts comments by this author received since the given
	// time, not counting the one being classified.
	AuthorPosts(authorKey string, since time.Time) int
	// SameTextAuthors counts distinct authors who posted this fingerprint
	// since the given time, not counting this one.
	SameTextAuthors(fingerprint string, since time.Time) int
}

// Category is one entry of the public moderation policy.
type Category struct {
	ID          string            `yaml:"id" json:"id"`
	Label       map[string]string `yaml:"label" json:"label"`             // "fr", "en"
	Description map[string]string `yaml:"description" json:"description"` // "fr", "en"
	// DSACategory is the EU Transparency Database statement category,
	// e.g. STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH.
	DSACategory string `yaml:"dsa_category" json:"dsa_category"`
	// Ground is "terms" (incompatible with the terms of use) or "law"
	// (illegal content).
	Ground string `yaml:"ground" json:"ground"`
	// LegalGround cites the law when Ground is "law" (statement of reasons).
	LegalGround string `yaml:"legal_ground,omitempty" json:"legal_ground,omitempty"`
	// Keywords are optional KEYWORD_* category specifications.
	Keywords []string `yaml:"keywords,omitempty" json:"keywords,omitempty"`
}
