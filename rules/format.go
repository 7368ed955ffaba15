package rules

// fileSpec is one rules file (a "pack"). See README.md for the format and
// decode.go for how it is read.
type fileSpec struct {
	Version    int                 `yaml:"version"`
	Name       string              `yaml:"name"`
	Categories []Category          `yaml:"categories"`
	Sets       map[string][]string `yaml:"sets"`
	// Sets whose entries are also found by approximate matching
	// (approx.go), and ordinary words never read as a near miss.
	FuzzySets   []string `yaml:"fuzzy_sets"`
	GluedSets   []string `yaml:"glued_sets"`
	FuzzyExcept []string `yaml:"fuzzy_except"`
	// Accented lists words whose accents tell them apart from an ordinary
	// word ("demeuré", not "demeure"): see accents.go.
	Accented []string   `yaml:"accented"`
	Rules    []ruleSpec `yaml:"rules"`

	// Lines, for messages: of top-level keys, of sets, of categories
	// (parallel to Categories).
	keyLines map[string]int
	setLines map[string]int
	catLines []int
}

// ruleSpec is one rule as written. Kind-specific fields are ignored by the
// kinds that do not use them, and rejected by validation when they would be
// misleading.
type ruleSpec struct {
	ID          string   `yaml:"id"`
	Kind        string   `yaml:"kind"`
	Category    string   `yaml:"category"`
	Action      string   `yaml:"action"` // refuse | review | allow | protect; or use score
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
	// words, near and regex: downgrade refuse to review when the match is
	// quoted, reported or said of the writer (mention, not use).
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
	// model (model.go): a model file, relative to the configuration, or
	// builtin:NAME, and the score thresholds.
	Model      string           `yaml:"model"`
	Thresholds *modelThresholds `yaml:"thresholds"`

	// known: the rule comes from a built-in pack's pre-parsed spec
	// (builtin_specs.go), whose patterns are known to parse (tested).
	known bool

	line    int             // line of the rule in its file
	lines   map[string]int  // line of each key of the rule
	badKeys map[string]bool // keys whose value could not be read (Check)
}

// lineOf is the line of a key of the rule, or of the rule.
func (sp *ruleSpec) lineOf(key string) int {
	if l, ok := sp.lines[key]; ok {
		return l
	}
	return sp.line
}

// modelThresholds are a model rule's score thresholds in [0, 1].
type modelThresholds struct {
	Refuse float64 `yaml:"refuse"` // 0: never refuses
	Review float64 `yaml:"review"`
}

// softenSpec: see README.md, "soften", and soften.go. Near (reported
// speech) and self (self-description) cues count before the match, after
// cues right after it; an addressed word voids a cue.
type softenSpec struct {
	Quoted    bool     `yaml:"quoted"`
	Near      []string `yaml:"near"`
	Self      []string `yaml:"self"`
	After     []string `yaml:"after"`
	Addressed []string `yaml:"addressed"`
	Within    int      `yaml:"within"`
}

// parseFile reads a rules file (decode.go). On problems it returns a
// *FileError listing them all, and, unless the YAML itself is broken, the
// spec of everything that could be read, which Check compiles to find
// the remaining problems in the same run.
func parseFile(name string, data []byte) (*fileSpec, error) {
	fs, probs := decodeFile(data)
	if len(probs) > 0 {
		return fs, &FileError{File: name, Problems: probs}
	}
	return fs, nil
}
