package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
)

// fileSpec is one rules file (a "pack"). See README.md for the format.
type fileSpec struct {
	Version    int                 `yaml:"version"`
	Name       string              `yaml:"name"`
	Categories []Category          `yaml:"categories"`
	Sets       map[string][]string `yaml:"sets"`
	// Sets whose entries are also found by approximate matching
	// (approx.go), and ordinary words never read as a near miss.
	FuzzySets   []string   `yaml:"fuzzy_sets"`
	GluedSets   []string   `yaml:"glued_sets"`
	FuzzyExcept []string   `yaml:"fuzzy_except"`
	Rules       []ruleSpec `yaml:"rules"`
}

// ruleSpec is one rule as written. Kind-specific fields are ignored by the
// kinds that do not use them, and rejected by validation when they would be
// misleading.
type ruleSpec struct {
	ID          string   `yaml:"id"`
	Kind        string   `yaml:"kind"`
	Category    string   `yaml:"category"`
	Action      string   `yaml:"action"` // refuse | review | allow; or use score
	Score       float64  `yaml:"score"`
	Languages   []string `yaml:"languages"`
	Sources     []string `yaml:"sources"`
	Enabled     *bool    `yaml:"enabled"`
	Mode        string   `yaml:"mode"` // enforce (default) | shadow
	Description string   `yaml:"description"`

	// words
	Words []string `yaml:"words"`
	Fuzzy bool     `yaml:"fuzzy"` // also one edit away (approx.go); refuse becomes review
	Glued bool     `yaml:"glued"` // also glued to a function word (approx.go)
	// regex
	Patterns []string `yaml:"patterns"`
	Requires []string `yaml:"requires"` // sets, one of which must be present for the regex to run
	// Clause: a match must not cross sentence punctuation of the original
	// text ("c'est sale, merde" is not "sale merde").
	Clause bool `yaml:"clause"`
	// near
	Near   []string `yaml:"near"`   // sets that must all occur...
	Within int      `yaml:"within"` // ...within this many tokens of the first
	// words and near: downgrade refuse to review when the match is quoted
	// or close to one of these sets (mention, not use).
	Soften *softenSpec `yaml:"soften"`
	// links
	Deny     []string `yaml:"deny"`
	Allow    []string `yaml:"allow"`
	LinkOnly bool     `yaml:"link_only"`
	MaxLinks int      `yaml:"max_links"`
	// personal_data
	Detect []string `yaml:"detect"` // email, phone, iban
	// shouting
	MinLetters int     `yaml:"min_letters"`
	MinRatio   float64 `yaml:"min_ratio"`
	// char_flood
	MinRun int `yaml:"min_run"`
	// length
	MaxBytes int `yaml:"max_bytes"`
	MinBytes int `yaml:"min_bytes"`
	// author_flood
	MaxPosts int `yaml:"max_posts"`
	// repeated
	MinAuthors int `yaml:"min_authors"`
	MinWords   int `yaml:"min_words"` // shorter texts ("merci !") are never repeated posts
	// author_flood, repeated
	Window Duration `yaml:"window"`
	// authors
	Authors []string `yaml:"authors"`

	line int // set after decoding: line of the rule in its file
}

type softenSpec struct {
	Quoted bool     `yaml:"quoted"`
	Near   []string `yaml:"near"`
	Within int      `yaml:"within"`
}

// parseFile decodes a rules file strictly (unknown keys are errors) and
// records the line of every rule so later errors can point at it.
func parseFile(name string, data []byte) (*fileSpec, error) {
	var fs fileSpec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fs); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty rules file", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err == nil && len(root.Content) == 1 {
		doc := root.Content[0]
		for i := 0; i+1 < len(doc.Content); i += 2 {
			if doc.Content[i].Value == "rules" {
				for k, item := range doc.Content[i+1].Content {
					if k < len(fs.Rules) {
						fs.Rules[k].line = item.Line
					}
				}
			}
		}
	}
	if fs.Version != 0 && fs.Version != 1 {
		return nil, fmt.Errorf("%s: unsupported version %d (want 1)", name, fs.Version)
	}
	return &fs, nil
}
