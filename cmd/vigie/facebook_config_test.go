package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/moderation"
)

func TestFacebookConfigTakesSecretsFromTheEnvironmentAndFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "page.token"), []byte("tok-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	raw := []byte("facebook:\n  graph_url: http://127.0.0.1:9\n  pages:\n" +
		"    - {id: \"111\", name: Ministère, token_file: page.token, refuse: delete, hide_pending: true}\n" +
		"    - {id: \"222\", name: Agence, token_env: PAGE_222}\n")
	env := envMap(map[string]string{
		"VIGIE_FACEBOOK_APP_SECRET": "s3cr3t", "VIGIE_FACEBOOK_VERIFY_TOKEN": "verify",
		"PAGE_222": "tok-from-env", "VIGIE_FACEBOOK_PAGE_TOKENS": "333:tok-333, 222:tok-override",
	})
	cfg, err := parseConfig(raw, env, dir)
	if err != nil {
		t.Fatal(err)
	}
	f := cfg.Facebook
	if f.AppSecret() != "s3cr3t" || f.VerifyToken() != "verify" || f.GraphVersion != "v21.0" {
		t.Errorf("secrets or defaults: %q %q %q", f.AppSecret(), f.VerifyToken(), f.GraphVersion)
	}
	want := map[string]string{"111": "tok-from-file", "222": "tok-override", "333": "tok-333"}
	for id, tok := range want {
		p, ok := f.Page(id)
		if !ok || p.Token() != tok {
			t.Errorf("page %s: token %q, want %q", id, p.Token(), tok)
		}
	}
	pol := f.Policy()
	if pol["facebook:111"] != (moderation.PageActions{Refuse: moderation.ActionDelete, HidePending: true}) ||
		pol["facebook:333"] != (moderation.PageActions{Refuse: moderation.ActionHide}) {
		t.Errorf("policy: %+v", pol)
	}
}

func TestFacebookConfigErrorsNameTheKeyAndNeverTheToken(t *testing.T) {
	secrets := map[string]string{"VIGIE_FACEBOOK_APP_SECRET": "s", "VIGIE_FACEBOOK_VERIFY_TOKEN": "v"}
	with := func(extra map[string]string) func(string) string {
		m := map[string]string{}
		for k, v := range secrets {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return envMap(m)
	}
	for _, tc := range []struct {
		name, yaml string
		env        func(string) string
		want       string
	}{
		{"no token", "facebook:\n  pages: [{id: \"1\"}]\n", with(nil), "facebook.pages[0]: page 1 has no access token"},
		{"bad id", "facebook:\n  pages: [{id: \"abc\"}]\n", with(nil), "facebook.pages[0].id"},
		{"bad refuse", "facebook:\n  pages: [{id: \"1\", token_env: T, refuse: ban}]\n", with(map[string]string{"T": "x"}), "facebook.pages[0].refuse"},
		{"twice", "facebook:\n  pages: [{id: \"1\", token_env: T}, {id: \"1\", token_env: T}]\n", with(map[string]string{"T": "x"}), "configured twice"},
		{"no secret", "facebook:\n  pages: [{id: \"1\", token_env: T}]\n", envMap(map[string]string{"T": "x"}), "app secret or verify token is missing"},
		{"bad env pair", "", with(map[string]string{"VIGIE_FACEBOOK_PAGE_TOKENS": "nocolon-supersecret"}), "VIGIE_FACEBOOK_PAGE_TOKENS: item 1"},
		{"bad url", "facebook:\n  graph_url: ftp://x\n", with(nil), "facebook.graph_url"},
		{"unknown key", "facebook:\n  pages: [{id: \"1\", token: inline}]\n", with(nil), "token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseConfig([]byte(tc.yaml), tc.env, t.TempDir())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "supersecret") {
				t.Errorf("the error shows a token: %v", err)
			}
		})
	}
}
