package rules

import (
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
)

// Settings is the `rules:` section of config.yaml (decoded by yaml.v3 with
// KnownFields(true)). The zero value of every field means "use the packs'
// own value"; DefaultSettings is what the embedded config.yaml mirrors.
type Settings struct {
	// Packs are rule files applied in order: "builtin:core", "builtin:fr",
	// "builtin:en", or paths (relative paths resolve from Options.BaseDir).
	Packs []string `yaml:"packs"`
	// Thresholds for summed rule scores.
	Thresholds Thresholds `yaml:"thresholds"`
	// LanguageDetection turns on language detection: language-scoped rules
	// and the off-language rule need it. Off, Classify is several times
	// cheaper and every rule applies whatever the language.
	LanguageDetection bool `yaml:"language_detection"`
	// Disable lists rule ids to switch off; Shadow lists rule ids to run in
	// shadow mode (recorded in the verdict, no effect on the decision).
	Disable []string `yaml:"disable"`
	Shadow  []string `yaml:"shadow"`
	// Repeated overrides the repeated-post rules of the packs.
	Repeated RepeatedSettings `yaml:"repeated"`
	// Flood overrides the author-flood rules of the packs.
	Flood FloodSettings `yaml:"flood"`
	// Authors are opaque author keys (as passed in Input.AuthorKey).
	Authors AuthorSettings `yaml:"authors"`
	// Model is about models trained from moderators' decisions (override.go);
	// the server reads it, the ruleset does not, so it is not in the version.
	Model ModelSettings `yaml:"model" json:"-"`
}

// Thresholds compare the summed score of matched score rules.
type Thresholds struct {
	Refuse float64 `yaml:"refuse"` // score >= refuse: refuse
	Review float64 `yaml:"review"` // score >= review: review
}

// RepeatedSettings: the same text (same Fingerprint) from several authors.
type RepeatedSettings struct {
	// MinAuthors: the copy posted by the MinAuthors-th distinct author within
	// Window, and every later one, fires the rule.
	MinAuthors int      `yaml:"min_authors"`
	Window     Duration `yaml:"window"`
}

// FloodSettings: one author posting too much.
type FloodSettings struct {
	// MaxPosts comments are allowed within Window; later ones fire the rule.
	MaxPosts int      `yaml:"max_posts"`
	Window   Duration `yaml:"window"`
}

// AuthorSettings are allow and deny lists of author keys: allowed authors
// are always published, denied ones always refused.
type AuthorSettings struct {
	Allow []string `yaml:"allow"`
	Deny  []string `yaml:"deny"`
}

// Options are things from elsewhere in config.
type Options struct {
	Languages []string // e.g. ["fr","en"]; top-level `languages:` of config.yaml
	BaseDir   string   // relative pack paths resolve from here
}

// Duration is a time.Duration written "10m", "24h" in YAML.
type Duration time.Duration

func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	if v < 0 {
		return fmt.Errorf("line %d: negative duration %q", n.Line, s)
	}
	*d = Duration(v)
	return nil
}

func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// DefaultSettings is the configuration the embedded config.yaml mirrors.
func DefaultSettings() Settings {
	return Settings{
		Packs:             []string{"builtin:core", "builtin:fr", "builtin:en"},
		Thresholds:        Thresholds{Refuse: 1.0, Review: 0.5},
		LanguageDetection: true,
		Repeated:          RepeatedSettings{MinAuthors: 3, Window: Duration(24 * time.Hour)},
		Flood:             FloodSettings{MaxPosts: 10, Window: Duration(10 * time.Minute)},
	}
}

func (s Settings) validate() error {
	t := s.Thresholds
	if t.Refuse <= 0 || t.Review <= 0 {
		return fmt.Errorf("rules.thresholds: refuse and review must be > 0 (got %g, %g)", t.Refuse, t.Review)
	}
	if t.Review > t.Refuse {
		return fmt.Errorf("rules.thresholds.review (%g) must not exceed rules.thresholds.refuse (%g)", t.Review, t.Refuse)
	}
	if len(s.Packs) == 0 {
		return fmt.Errorf("rules.packs: at least one pack is needed (e.g. builtin:core)")
	}
	if s.Repeated.MinAuthors < 0 || s.Flood.MaxPosts < 0 {
		return fmt.Errorf("rules.repeated.min_authors and rules.flood.max_posts must be >= 0")
	}
	return nil
}
