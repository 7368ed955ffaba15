package main

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"vigie/api"
)

// minTokenLength is the shortest token accepted where Vigie sees the token
// itself (VIGIE_API_TOKEN, intake.token_file): a token is a password no
// human types, and "t1" is guessed at once. `vigie token` makes 43.
const minTokenLength = 24

// TokenConfig is one entry of intake.api_tokens: either a bare digest
// ("sha256:<hex>", the form of earlier versions, which may do everything
// on every source but Facebook's) or a mapping that names the token and
// limits it:
//
//   - name: cms
//     digest: sha256:…
//     scopes: [intake]          # intake, read
//     sources: ["api:cms"]      # exact, "api:*", or "*" (all but facebook:…)
type TokenConfig struct {
	Name    string   `yaml:"name"`
	Digest  string   `yaml:"digest"`
	Scopes  []string `yaml:"scopes"`
	Sources []string `yaml:"sources"`
	// unscoped marks a bare digest: it keeps its old powers, with a warning.
	unscoped bool
}

// UnmarshalYAML takes a bare digest or a mapping with only known keys.
func (t *TokenConfig) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*t = TokenConfig{Digest: n.Value, unscoped: true}
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a token is a digest or a mapping (name, digest, scopes, sources)", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch k := n.Content[i].Value; k {
		case "name", "digest", "scopes", "sources":
		default:
			return fmt.Errorf("line %d: field %s not found in an API token (name, digest, scopes, sources)", n.Content[i].Line, k)
		}
	}
	type plain TokenConfig
	return n.Decode((*plain)(t))
}

// spec is the token as the server checks it.
func (t TokenConfig) spec(i int) api.TokenSpec {
	g := api.Grant{Name: t.Name, Scopes: t.Scopes, Sources: t.Sources}
	if g.Name == "" {
		g.Name = fmt.Sprintf("token-%d", i+1)
	}
	if t.unscoped {
		g.Scopes, g.Sources = api.Scopes, []string{"*"}
	}
	return api.TokenSpec{Digest: t.Digest, Grant: g}
}

// validateToken names what is wrong with entry i of intake.api_tokens.
func validateToken(key string, t TokenConfig) error {
	if !tokenHash.MatchString(t.Digest) {
		return fmt.Errorf("%s: must be \"sha256:<64 hex digits>\" (use `vigie token` to make one; never put the token itself here)", key)
	}
	if t.unscoped {
		return nil
	}
	if len(t.Scopes) == 0 {
		return fmt.Errorf("%s.scopes: at least one of %s", key, strings.Join(api.Scopes, ", "))
	}
	for j, s := range t.Scopes {
		if !slices.Contains(api.Scopes, s) {
			return fmt.Errorf("%s.scopes[%d]: %q is not one of %s", key, j, s, strings.Join(api.Scopes, ", "))
		}
	}
	if len(t.Sources) == 0 {
		return fmt.Errorf(`%s.sources: at least one source ("api:cms", "api:*", or "*" for all but Facebook's)`, key)
	}
	for j, s := range t.Sources {
		if err := validSourcePattern(s); err != nil {
			return fmt.Errorf("%s.sources[%d]: %w", key, j, err)
		}
	}
	return nil
}

func validSourcePattern(s string) error {
	if s == "*" {
		return nil
	}
	kind, rest, ok := strings.Cut(s, ":")
	if !ok || kind == "" || rest == "" || kind != strings.ToLower(kind) || strings.TrimSpace(s) != s {
		return fmt.Errorf(`%q is not a source ("kind:name" with the kind in lower case, "kind:*" or "*")`, s)
	}
	if strings.Contains(rest, "*") && rest != "*" {
		return fmt.Errorf(`%q: "*" only stands alone after the kind ("api:*")`, s)
	}
	return nil
}

// apiTokens gathers the accepted tokens: the config's, the one from
// VIGIE_API_TOKEN (hashed on load, unscoped) and those of the token file.
// A token file line is the token, then optional scopes= and sources= and
// name= (comma-separated lists); without them the token is unscoped.
func (c *Config) apiTokens() ([]api.TokenSpec, error) {
	var out []api.TokenSpec
	for i, t := range c.Intake.APITokens {
		spec := t.spec(i)
		var err error
		if spec.Sources, err = c.pageSources(fmt.Sprintf("intake.api_tokens[%d]", i), spec.Sources); err != nil { // pages.go
			return nil, err
		}
		out = append(out, spec)
	}
	if c.Intake.TokenFile == "" {
		return out, nil
	}
	f, err := os.Open(c.Path(c.Intake.TokenFile))
	if err != nil {
		return nil, fmt.Errorf("intake.token_file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		key := fmt.Sprintf("intake.token_file line %d", line)
		if len(fields[0]) < minTokenLength {
			return nil, fmt.Errorf("%s: the token is shorter than %d characters (`vigie token` makes one)", key, minTokenLength)
		}
		t := TokenConfig{Digest: HashToken(fields[0]), unscoped: len(fields) == 1}
		for _, kv := range fields[1:] {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "name":
				t.Name = v
			case "scopes":
				t.Scopes = strings.Split(v, ",")
			case "sources":
				t.Sources = strings.Split(v, ",")
			default:
				return nil, fmt.Errorf("%s: unknown field %q (name=, scopes=, sources=)", key, k)
			}
		}
		if err := validateToken(key, t); err != nil {
			return nil, err
		}
		spec := t.spec(len(out))
		if spec.Sources, err = c.pageSources(key, spec.Sources); err != nil {
			return nil, err
		}
		out = append(out, spec)
	}
	return out, sc.Err()
}
