package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func envMap(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigDefaultsAndOverrides(t *testing.T) {
	raw := []byte("# ${NAME} in a comment is left alone\nserver:\n  addr: ${LISTEN} # from ${ELSEWHERE}\ndatabase:\n  batch_wait: 5ms\n")
	cfg, err := ParseConfig(raw, envMap(map[string]string{
		"LISTEN": "127.0.0.1:9000", "VIGIE_DATABASE_DSN": "/tmp/x.db", "VIGIE_API_TOKEN": testAPIToken, "VIGIE_ADMIN_PASSWORD": "pw",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Addr != "127.0.0.1:9000" || cfg.Database.DSN != "/tmp/x.db" || cfg.Database.BatchWait != 5*time.Millisecond {
		t.Errorf("got addr %q dsn %q wait %s", cfg.Server.Addr, cfg.Database.DSN, cfg.Database.BatchWait)
	}
	if tk := cfg.Intake.APITokens; len(tk) != 1 || tk[0].Digest != HashToken(testAPIToken) || strings.Contains(fmt.Sprint(tk), testAPIToken) {
		t.Errorf("VIGIE_API_TOKEN must be kept hashed: %v", cfg.Intake.APITokens)
	}
	if cfg.adminPassword != "pw" || cfg.Database.Driver != "sqlite" || cfg.Languages[0] != "fr" {
		t.Errorf("defaults or admin password lost: %+v", cfg)
	}
	if empty, err := ParseConfig(nil, envMap(nil)); err != nil || empty.Server.Addr != "127.0.0.1:8080" {
		t.Errorf("an empty file must give the defaults: %v %q", err, empty.Server.Addr)
	}
}

// The shipped config.yaml must load as it is, with no environment.
func TestShippedConfigLoads(t *testing.T) {
	cfg, err := LoadConfig("../../config.yaml", envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	def := DefaultConfig()
	if cfg.Server.Addr != def.Server.Addr || cfg.Database.DSN != def.Database.DSN || len(cfg.Rules.Packs) != len(def.Rules.Packs) {
		t.Errorf("config.yaml drifted from the defaults it documents: %+v", cfg)
	}
	if _, err := loadRules(cfg); err != nil {
		t.Fatal(err)
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"unknown top-level key", "serveur:\n  addr: x\n", "serveur"},
		{"unknown nested key", "server:\n  adress: 127.0.0.1:1\n", "adress"},
		{"bad driver", "database:\n  driver: mysql\n", "database.driver"},
		{"bad address", "server:\n  addr: nowhere\n", "server.addr"},
		{"plain token in file", "intake:\n  api_tokens: [secret]\n", "intake.api_tokens[0]"},
		{"token without scopes", "intake:\n  api_tokens:\n  - {digest: %[1]s, sources: [\"api:a\"]}\n", "intake.api_tokens[0].scopes"},
		{"unknown scope", "intake:\n  api_tokens:\n  - {digest: %[1]s, scopes: [intake, admin], sources: [\"api:a\"]}\n", "intake.api_tokens[0].scopes[1]"},
		{"token without sources", "intake:\n  api_tokens:\n  - {digest: %[1]s, scopes: [intake]}\n", "intake.api_tokens[0].sources"},
		{"bad source pattern", "intake:\n  api_tokens:\n  - {digest: %[1]s, scopes: [read], sources: [\"api:a*\"]}\n", "intake.api_tokens[0].sources[0]"},
		{"unknown token key", "intake:\n  api_tokens:\n  - {digest: %[1]s, scope: [read]}\n", "scope"},
		{"history cap too small", "intake:\n  history_max: 10\n", "intake.history_max"},
		{"small body limit", "server:\n  max_body_bytes: 1000\n", "server.max_body_bytes"},
		{"bad language", "languages: [French]\n", "languages[0]"},
		{"bad retention", "retention:\n  purge_after: soon\n", "retention.purge_after"},
		{"bad type", "database:\n  batch_max: many\n", "batch_max"},
		{"unset variable", "database:\n  dsn: ${NOPE}\n", "NOPE"},
		// Both end up in every statement of reasons: a typo must not export
		// "hidden" for deleted comments, nor a territory the EU database refuses.
		{"bad visibility", "reports:\n  visibility: deleted\n", "reports.visibility"},
		{"territory outside the EU/EEA", "reports:\n  territorial_scope: [FR, US]\n", "reports.territorial_scope[1]"},
		{"lowercase territory", "reports:\n  territorial_scope: [fr]\n", "reports.territorial_scope[0]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := tc.yaml
			if strings.Contains(raw, "%[1]s") {
				raw = fmt.Sprintf(raw, "sha256:abababababababababababababababababababababababababababababababab")
			}
			_, err := ParseConfig([]byte(raw), envMap(nil))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error naming %q", err, tc.want)
			}
		})
	}
}

func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "180d": 180 * 24 * time.Hour, "36h": 36 * time.Hour} {
		if got, err := ParseAge(in); err != nil || got != want {
			t.Errorf("ParseAge(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"-1d", "0d", "x", "10"} {
		if _, err := ParseAge(bad); err == nil {
			t.Errorf("ParseAge(%q) accepted", bad)
		}
	}
}
