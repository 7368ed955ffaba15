package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vigie/api"
)

func TestShortEnvTokenIsRefused(t *testing.T) {
	_, err := ParseConfig(nil, envMap(map[string]string{"VIGIE_API_TOKEN": "t1"}))
	if err == nil || !strings.Contains(err.Error(), "VIGIE_API_TOKEN") || strings.Contains(err.Error(), "t1") {
		t.Fatalf("got %v, want an error naming VIGIE_API_TOKEN without echoing it", err)
	}
}

func TestTokenFileScopesAndLength(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("k", minTokenLength)
	write := func(body string) Config {
		t.Helper()
		p := filepath.Join(dir, "tokens")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := ParseConfig([]byte("intake:\n  token_file: "+p+"\n"), envMap(nil))
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}

	cfg := write("# comment\n\n" + long + "\n" + long + "2 name=cms scopes=intake sources=api:cms,api:site\n")
	specs, err := cfg.apiTokens()
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 2 {
		t.Fatalf("got %d tokens, want 2", len(specs))
	}
	if g := specs[0].Grant; !slices.Equal(g.Scopes, api.Scopes) || !slices.Equal(g.Sources, []string{"*"}) {
		t.Errorf("a bare token keeps its old powers (all scopes, every source but Facebook's): %v", g.String())
	}
	if g := specs[1].Grant; g.Name != "cms" || !slices.Equal(g.Scopes, []string{"intake"}) || !slices.Equal(g.Sources, []string{"api:cms", "api:site"}) {
		t.Errorf("scoped token read as %q %v", g.Name, g.String())
	}
	if specs[1].Digest != HashToken(long+"2") {
		t.Error("the file's token must be kept as its digest")
	}

	for body, want := range map[string]string{
		"short\n":                           "line 1: the token is shorter",
		"# x\n" + long + " scopes=write\n":  "line 2",
		long + " sources=API:x scopes=read": "sources[0]",
		long + " colour=blue":               `unknown field "colour"`,
	} {
		cfg := write(body)
		_, err := cfg.apiTokens()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("file %q: got %v, want an error with %q", body, err, want)
		}
		if err != nil && strings.Contains(err.Error(), long) {
			t.Errorf("the error echoes the token: %v", err)
		}
	}
}

// TestTokenCommandPrintsAnEntryThatLoads: `vigie token` prints the token
// once and a config entry with its scopes; that entry, pasted into a
// config, is accepted and `vigie token list` shows the scopes.
func TestTokenCommandPrintsAnEntryThatLoads(t *testing.T) {
	code, out, errOut := run(t, "", "token", "--name", "cms", "--sources", "api:cms,api:site", "--scopes", "intake,read")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var tok string
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, "token:"); ok {
			tok = strings.TrimSpace(v)
		}
	}
	if len(tok) < minTokenLength {
		t.Fatalf("no token printed: %s", out)
	}
	entry := out[strings.Index(out, "  - name:"):]
	cfgPath := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfgPath, []byte("intake:\n  api_tokens:\n"+entry), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(cfgPath, envMap(nil))
	if err != nil {
		t.Fatalf("the printed entry does not load: %v\n%s", err, entry)
	}
	specs, _ := cfg.apiTokens()
	if len(specs) != 1 || specs[0].Digest != HashToken(tok) || strings.Contains(entry, tok) {
		t.Fatalf("entry %q: specs %+v", entry, specs)
	}
	code, out, errOut = run(t, "", "token", "list", "--config", cfgPath)
	if code != 0 || !strings.Contains(out, "cms") || !strings.Contains(out, "intake,read") || !strings.Contains(out, "api:cms,api:site") || strings.Contains(out, tok) {
		t.Fatalf("token list: exit %d\n%s%s", code, out, errOut)
	}

	if code, _, errOut := run(t, "", "token", "--sources", "api:x", "--scopes", "admin"); code != 2 || !strings.Contains(errOut, "admin") {
		t.Errorf("an unknown scope: exit %d, %s", code, errOut)
	}
	if code, _, _ := run(t, "", "token"); code != 2 {
		t.Errorf("no --sources: exit %d, want the usage error", code)
	}
}
