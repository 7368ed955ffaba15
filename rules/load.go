package rules

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

//go:embed packs/*.yaml
var builtinPacks embed.FS

const builtinPrefix = "builtin:"

// pack is one rules file read from disk or from the embedded packs.
type pack struct {
	name string // as shown in errors: "builtin:fr" or the file path
	data []byte
	spec *fileSpec
}

func readPack(ref, baseDir string) (*pack, error) {
	var p pack
	if name, ok := strings.CutPrefix(ref, builtinPrefix); ok {
		data, err := builtinPacks.ReadFile("packs/" + name + ".yaml")
		if err != nil {
			return nil, fmt.Errorf("rules pack %q: no such builtin pack", ref)
		}
		p = pack{name: ref, data: data}
	} else {
		path := ref
		if !filepath.IsAbs(path) && baseDir != "" {
			path = filepath.Join(baseDir, path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("rules pack: %w", err)
		}
		p = pack{name: path, data: data}
	}
	spec, err := parseFile(p.name, p.data)
	if err != nil {
		return nil, err
	}
	p.spec = spec
	return &p, nil
}

// Load reads and compiles the packs named in s. It never panics on bad
// input; errors name the file and the line of the offending rule.
func Load(s Settings, o Options) (rs *Ruleset, err error) {
	defer func() {
		if r := recover(); r != nil { // belt and braces for hot reload
			rs, err = nil, fmt.Errorf("rules: internal error while loading: %v", r)
		}
	}()
	if err := s.validate(); err != nil {
		return nil, err
	}
	var packs []*pack
	for _, ref := range s.Packs {
		p, err := readPack(ref, o.BaseDir)
		if err != nil {
			return nil, err
		}
		packs = append(packs, p)
	}
	rs, err = compile(packs, nil, s, o)
	if err != nil {
		return nil, err
	}
	if s.LanguageDetection && len(o.Languages) > 0 {
		rs.lang = newLangDetector(o.Languages)
	}
	h := sha256.New()
	sj, _ := json.Marshal(s)
	h.Write(sj)
	fmt.Fprintf(h, "\x00%q", o.Languages)
	for _, p := range packs {
		fmt.Fprintf(h, "\x00%s\x00%d\x00", p.name, len(p.data))
		h.Write(p.data)
	}
	rs.version = hex.EncodeToString(h.Sum(nil))[:16]
	return rs, nil
}

// Check validates one rules file, as `vigie rules check FILE` does. The
// file may use the categories and sets of the builtin core pack.
func Check(path string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: internal error: %v", path, r)
		}
	}()
	p, err := readPack(path, "")
	if err != nil {
		return err
	}
	var ctx []*pack
	for _, name := range []string{"core", "fr", "en"} {
		c, err := readPack(builtinPrefix+name, "")
		if err != nil {
			return err
		}
		ctx = append(ctx, c)
	}
	s := DefaultSettings()
	_, err = compile([]*pack{p}, ctx, s, Options{Languages: []string{"fr", "en"}})
	return err
}

// compile merges the packs (categories and rules must be unique, sets are
// unions) and compiles every rule. context packs lend their categories and
// sets but not their rules.
func compile(packs, context []*pack, s Settings, o Options) (*Ruleset, error) {
	rs := &Ruleset{
		thresholds: s.Thresholds,
		languages:  o.Languages,
		catIndex:   map[string]int{},
		setIndex:   map[string]int32{},
		words:      newWordIndex(),
	}
	setWords := map[string][]string{}
	setOrigin := map[string]string{}
	setApprox := map[string]approxOpts{}
	var setOrder []string
	var except []string
	addSets := func(p *pack) {
		for _, n := range p.spec.FuzzySets {
			a := setApprox[n]
			a.fuzzy = true
			setApprox[n] = a
		}
		for _, n := range p.spec.GluedSets {
			a := setApprox[n]
			a.glued = true
			setApprox[n] = a
		}
		except = append(except, p.spec.FuzzyExcept...)
		for name, ws := range p.spec.Sets {
			if _, ok := setWords[name]; !ok {
				setOrder = append(setOrder, name)
				setOrigin[name] = p.name
			}
			setWords[name] = append(setWords[name], ws...)
		}
	}
	for _, p := range context {
		rs.addCategories(p, true)
		addSets(p)
	}
	for _, p := range packs {
		if err := rs.addCategories(p, false); err != nil {
			return nil, err
		}
		addSets(p)
	}
	// Sets are word-index targets after the rules: count the rules first.
	var all []located
	seen := map[string]string{}
	for _, p := range packs {
		for _, r := range p.spec.Rules {
			if r.ID == "" {
				return nil, fmt.Errorf("%s:%d: rule without id", p.name, r.line)
			}
			if prev, dup := seen[r.ID]; dup {
				return nil, fmt.Errorf("%s:%d: rule %q already defined in %s", p.name, r.line, r.ID, prev)
			}
			seen[r.ID] = p.name
			if r.Enabled != nil && !*r.Enabled || contains(s.Disable, r.ID) {
				continue
			}
			all = append(all, located{p, r})
		}
	}
	all = append(all, settingsRules(s)...)
	nRules := int32(len(all))
	for n := range setApprox {
		if _, ok := setWords[n]; !ok {
			return nil, fmt.Errorf("fuzzy_sets/glued_sets: unknown set %q", n)
		}
	}
	slices.Sort(setOrder)
	for i, name := range setOrder {
		rs.sets = append(rs.sets, name)
		rs.setIndex[name] = nRules + int32(i)
		for _, w := range setWords[name] {
			if err := rs.words.add(nRules+int32(i), w, setApprox[name]); err != nil {
				return nil, fmt.Errorf("%s: set %q: %w", setOrigin[name], name, err)
			}
		}
	}
	for i, l := range all {
		r, err := rs.compileRule(int32(i), l.spec, s, o)
		if err != nil {
			name := "settings"
			if l.p != nil {
				name = fmt.Sprintf("%s:%d", l.p.name, l.spec.line)
			}
			return nil, fmt.Errorf("%s: rule %q: %w", name, l.spec.ID, err)
		}
		rs.rules = append(rs.rules, r)
		if r.kind == kindWords && r.allow && !r.shadow {
			rs.allowWords = true
		}
		if r.kind == kindAuthorFlood {
			rs.floodWin = max(rs.floodWin, r.window)
		}
		if r.kind == kindRepeated {
			rs.repWin = max(rs.repWin, r.window)
		}
	}
	for _, w := range except {
		for _, t := range normaliseWords(w) {
			rs.words.ordinary[t] = true
			if fz := rs.words.fuzzy; fz != nil {
				fz.except[t] = true
			}
		}
	}
	for _, id := range append(append([]string{}, s.Disable...), s.Shadow...) {
		if _, ok := seen[id]; !ok {
			return nil, fmt.Errorf("rules.disable/shadow: unknown rule %q", id)
		}
	}
	return rs, nil
}

func (rs *Ruleset) addCategories(p *pack, lenient bool) error {
	for _, c := range p.spec.Categories {
		if !lenient {
			if err := validateCategory(c); err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
		}
		if _, dup := rs.catIndex[c.ID]; dup {
			if lenient {
				continue
			}
			return fmt.Errorf("%s: category %q defined twice", p.name, c.ID)
		}
		rs.catIndex[c.ID] = len(rs.categories)
		rs.categories = append(rs.categories, c)
	}
	return nil
}

func validateCategory(c Category) error {
	if c.ID == "" {
		return fmt.Errorf("category without id")
	}
	for _, l := range []string{"fr", "en"} {
		if c.Label[l] == "" || c.Description[l] == "" {
			return fmt.Errorf("category %q: label and description need %q", c.ID, l)
		}
	}
	if !strings.HasPrefix(c.DSACategory, "STATEMENT_CATEGORY_") {
		return fmt.Errorf("category %q: dsa_category must be a STATEMENT_CATEGORY_* value, got %q", c.ID, c.DSACategory)
	}
	if c.Ground != "terms" && c.Ground != "law" {
		return fmt.Errorf("category %q: ground must be terms or law, got %q", c.ID, c.Ground)
	}
	return nil
}

// located is a rule and the pack it came from (nil for settings).
type located struct {
	p    *pack
	spec ruleSpec
}

// settingsRules turns the author lists of the settings into rules, so they
// explain themselves in verdicts like any other rule.
func settingsRules(s Settings) []located {
	var out []located
	if len(s.Authors.Deny) > 0 {
		out = append(out, located{nil, ruleSpec{ID: "settings.authors.deny", Kind: "authors",
			Category: "banned_author", Action: "refuse", Authors: s.Authors.Deny}})
	}
	if len(s.Authors.Allow) > 0 {
		out = append(out, located{nil, ruleSpec{ID: "settings.authors.allow", Kind: "authors",
			Action: "allow", Authors: s.Authors.Allow}})
	}
	return out
}
