package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// ModelSettings is `rules.model:` of config.yaml: what `vigie serve` does
// about the models that moderators' decisions train.
type ModelSettings struct {
	// Retrain, when set, has the server train a new candidate from the
	// human decisions this often (it only ever runs in shadow).
	Retrain Duration `yaml:"retrain"`
}

// ModelSwap puts a model file that is not in the packs (a candidate
// trained from the database, kept there) into one model rule, without
// editing any rule file.
type ModelSwap struct {
	Rule  string // id of a rule of kind model in the packs
	Model []byte // a model file's bytes, as vigie train writes them
	// ShadowID, when set, leaves Rule as it is and adds a copy of it under
	// this id, just before it, scoring with Model in shadow mode: same
	// category, thresholds and languages, recorded in verdicts, no effect.
	// Before, not after: a model rule does not run on a comment already
	// refused, and the copy must see what the rule sees.
	ShadowID string
}

// LoadWithModels is Load with model swaps applied. The packs holding a
// swapped rule and the models are written to a temporary folder that is
// gone when it returns (a compiled ruleset keeps what it read), so the
// rules compile through the very path a rule file's `model:` takes. The
// version is derived from the packs as configured and the models' hashes,
// never from the temporary paths: every process with the same
// configuration and the same swaps runs the same ruleset_version.
func LoadWithModels(s Settings, o Options, swaps []ModelSwap) (*Ruleset, error) {
	if len(swaps) == 0 {
		return Load(s, o)
	}
	dir, err := os.MkdirTemp("", "vigie-models-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	// A rule switched off in the settings stays off, and so does its
	// shadow: a candidate kept in the database must not turn it back on.
	var kept []ModelSwap
	for _, sw := range swaps {
		if !contains(s.Disable, sw.Rule) {
			kept = append(kept, sw)
		}
	}
	swaps = kept
	paths := make([]string, len(swaps))
	for i, sw := range swaps {
		paths[i] = filepath.Join(dir, fmt.Sprintf("swap-%d.vmodel", i))
		if err := os.WriteFile(paths[i], sw.Model, 0o600); err != nil {
			return nil, err
		}
	}
	found := make([]bool, len(swaps))
	swapped := s
	swapped.Packs = append([]string(nil), s.Packs...)
	h := sha256.New()
	sj, _ := json.Marshal(s)
	h.Write(sj)
	fmt.Fprintf(h, "\x00%q", o.Languages)
	for i, ref := range s.Packs {
		p, err := readPack(ref, o.BaseDir)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(h, "\x00%s\x00%d\x00", p.name, len(p.data))
		h.Write(p.data)
		data, changed, err := swapInPack(p.data, swaps, paths, found)
		if err != nil {
			return nil, fmt.Errorf("rules pack %s: %w", p.name, err)
		}
		if !changed {
			continue
		}
		path := filepath.Join(dir, fmt.Sprintf("pack-%d.yaml", i))
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, err
		}
		swapped.Packs[i] = path
	}
	for i, sw := range swaps {
		if !found[i] {
			return nil, fmt.Errorf("model swap: no rule %q of kind model in the packs %v", sw.Rule, s.Packs)
		}
		m := sha256.Sum256(sw.Model)
		fmt.Fprintf(h, "\x00swap\x00%s\x00%s\x00%x", sw.Rule, sw.ShadowID, m)
	}
	rs, err := Load(swapped, o)
	if err != nil {
		return nil, fmt.Errorf("model swap: %w", err)
	}
	for _, m := range rs.modelHashes {
		fmt.Fprintf(h, "\x00model\x00%s", m)
	}
	rs.version = hex.EncodeToString(h.Sum(nil))[:16]
	return rs, nil
}

// swapInPack edits the rules list of one pack's YAML: the model of a
// swapped rule, or a shadow copy inserted before it.
func swapInPack(data []byte, swaps []ModelSwap, paths []string, found []bool) ([]byte, bool, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, false, err
	}
	list := mapValue(&doc, "rules")
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, false, nil
	}
	changed := false
	var out []*yaml.Node
	for _, r := range list.Content {
		id, kind := mapValue(r, "id"), mapValue(r, "kind")
		for i, sw := range swaps {
			if id == nil || id.Value != sw.Rule || kind == nil || kind.Value != "model" {
				continue
			}
			found[i], changed = true, true
			if sw.ShadowID == "" {
				setMapValue(r, "model", paths[i])
				continue
			}
			cp := cloneNode(r)
			setMapValue(cp, "id", sw.ShadowID)
			setMapValue(cp, "model", paths[i])
			setMapValue(cp, "mode", "shadow")
			out = append(out, cp)
		}
		out = append(out, r)
	}
	if !changed {
		return nil, false, nil
	}
	list.Content = out
	b, err := yaml.Marshal(&doc)
	return b, true, err
}

// mapValue is the value node of key in a mapping (or a document holding
// one), nil when absent.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func setMapValue(n *yaml.Node, key, value string) {
	if v := mapValue(n, key); v != nil {
		*v = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value, Line: v.Line, Column: v.Column}
		return
	}
	n.Content = append(n.Content,
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key},
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value})
}

func cloneNode(n *yaml.Node) *yaml.Node {
	cp := *n
	cp.Content = make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		cp.Content[i] = cloneNode(c)
	}
	return &cp
}
