package rules

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
	if name, ok := strings.CutPrefix(ref, builtinPrefix); ok {
		if p.spec = builtinSpec(name, p.data); p.spec != nil {
			for i := range p.spec.Rules {
				p.spec.Rules[i].known = true
			}
			return &p, nil
		}
	}
	spec, err := parseFile(p.name, p.data)
	if err != nil {
		return nil, err
	}
	p.spec = spec
	return &p, nil
}

// crcOf tells the bytes of a built-in pack from other bytes
// (builtin_specs.go): 76 KB in ~20 µs.
func crcOf(data []byte) uint32 { return crc32.ChecksumIEEE(data) }

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
	// The packs are parsed side by side (YAML parsing is a fifth of a
	// start-up), and the built-in model, which the built-in packs use,
	// is decoded meanwhile; the first error in pack order is the answer.
	if s.LanguageDetection && len(o.Languages) > 0 && tableCovers(o.Languages) {
		go loadedLangTable() // overlaps the packs' reading (lang.go)
	}
	packs := make([]*pack, len(s.Packs))
	errs := make([]error, len(s.Packs))
	var wg sync.WaitGroup
	for i, ref := range s.Packs {
		if i == 0 && strings.HasPrefix(ref, builtinPrefix) {
			go builtinModel("default") // an error comes again from the rule that names it
		}
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil { // as Load's own, for the goroutine
					errs[i] = fmt.Errorf("rules: internal error while reading %s: %v", ref, r)
				}
			}()
			packs[i], errs[i] = readPack(ref, o.BaseDir)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
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
	for _, m := range rs.modelHashes {
		fmt.Fprintf(h, "\x00model\x00%s", m)
	}
	rs.version = hex.EncodeToString(h.Sum(nil))[:16]
	return rs, nil
}

// Check validates one rules file, as `vigie rules check FILE` does, and
// reports every problem of the file at once (a *FileError, one problem
// per line): unknown keys, values of the wrong type, unknown kinds,
// categories and sets, bad patterns... The file may use the categories and
// sets of the builtin packs. Only a YAML syntax error stops the reading.
func Check(path string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: internal error: %v", path, r)
		}
	}()
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("rules pack: %w", err)
	}
	p := &pack{name: path, data: data}
	var ps problems
	spec, err := parseFile(path, data)
	if fe, ok := err.(*FileError); ok {
		for _, pr := range fe.Problems {
			ps.add(path, pr.Line, "%s", pr.Message)
		}
	}
	if spec == nil {
		return ps.err()
	}
	p.spec = spec
	var ctx []*pack
	for _, name := range []string{"core", "fr", "en"} {
		c, err := readPack(builtinPrefix+name, "")
		if err != nil {
			return err
		}
		ctx = append(ctx, c)
	}
	compileInto(&ps, []*pack{p}, ctx, DefaultSettings(), Options{Languages: []string{"fr", "en"}, BaseDir: filepath.Dir(path)}) // a model file is relative to the rules file
	return ps.err()
}

// compile merges the packs (categories and rules must be unique, sets are
// unions) and compiles every rule. context packs lend their categories and
// sets but not their rules. The error lists every problem found.
func compile(packs, context []*pack, s Settings, o Options) (*Ruleset, error) {
	var ps problems
	rs := compileInto(&ps, packs, context, s, o)
	if !ps.empty() {
		return nil, ps.err()
	}
	return rs, nil
}

func (rs *Ruleset) addCategories(p *pack, lenient bool, ps *problems) {
	for i, c := range p.spec.Categories {
		line := 0
		if i < len(p.spec.catLines) {
			line = p.spec.catLines[i]
		}
		if !lenient {
			if err := validateCategory(c); err != nil {
				ps.add(p.name, line, "%v", err)
				continue
			}
		}
		if _, dup := rs.catIndex[c.ID]; dup {
			if !lenient {
				ps.add(p.name, line, "category %q is defined twice", c.ID)
			}
			continue
		}
		rs.catIndex[c.ID] = len(rs.categories)
		rs.categories = append(rs.categories, c)
	}
}

func validateCategory(c Category) error {
	if c.ID == "" {
		return fmt.Errorf("a category without id")
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
