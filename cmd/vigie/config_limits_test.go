package main

import (
	"strings"
	"testing"
)

// server.limits, server.max_connections and server.trusted_proxies: the
// defaults are on, a value can be changed or turned off, and a bad one is
// refused naming its key.
func TestLimitsConfig(t *testing.T) {
	def, err := ParseConfig(nil, envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	l := def.Server.apiLimits()
	if def.Server.MaxConnections != DefaultMaxConnections || l.AuthFailures.PerSecond <= 0 || l.Public.PerSecond <= 0 ||
		l.Login.PerSecond <= 0 || l.Intake.PerSecond <= 0 || len(def.Server.TrustedProxies) != 0 {
		t.Errorf("defaults: %+v, max_connections %d, trusted %v; want every limit on, the cap set and no proxy trusted",
			l, def.Server.MaxConnections, def.Server.TrustedProxies)
	}
	cfg, err := ParseConfig([]byte("server:\n  max_connections: 8\n  trusted_proxies: [10.0.0.1, \"fd00::/8\"]\n  limits:\n    public: {rate: 0.5, burst: 3}\n    intake: {rate: 0}\n"), envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	l = cfg.Server.apiLimits()
	if cfg.Server.MaxConnections != 8 || l.Public.PerSecond != 0.5 || l.Public.Burst != 3 || l.Intake.PerSecond != 0 ||
		l.Login != def.Server.apiLimits().Login || len(cfg.Server.TrustedProxies) != 2 {
		t.Errorf("overrides: %+v, max_connections %d, trusted %v", l, cfg.Server.MaxConnections, cfg.Server.TrustedProxies)
	}

	for _, c := range []struct{ yaml, key string }{
		{"server:\n  max_connections: 0\n", "server.max_connections"},
		{"server:\n  limits:\n    login: {rate: -1, burst: 3}\n", "server.limits.login.rate"},
		{"server:\n  limits:\n    public: {rate: 2, burst: 0}\n", "server.limits.public.burst"},
		{"server:\n  limits:\n    max_keys: 0\n", "server.limits.max_keys"},
		{"server:\n  limits:\n    auth_failure: {rate: 1, burst: 1}\n", "auth_failure"},
		{"server:\n  trusted_proxies: [proxy.example]\n", "server.trusted_proxies[0]"},
		{"server:\n  trusted_proxies: [10.0.0.1, 0.0.0.0/0]\n", "server.trusted_proxies[1]"},
	} {
		_, err := ParseConfig([]byte(c.yaml), envMap(nil))
		if err == nil || !strings.Contains(err.Error(), c.key) {
			t.Errorf("%q: error %v, want one naming %s", c.yaml, err, c.key)
		}
	}
}

// server.limits.appeal and server.limits.webhook: on by default (a small
// burst for appeals, a generous rate for Meta's deliveries), changed or
// turned off like the others, a bad value refused naming its key.
func TestLimitsConfigAppealAndWebhook(t *testing.T) {
	def, err := ParseConfig(nil, envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	l := def.Server.apiLimits()
	if l.Appeal.PerSecond != 0.1 || l.Appeal.Burst != 5 || l.Webhook.PerSecond != 500 || l.Webhook.Burst != 1000 {
		t.Errorf("defaults: appeal %+v, webhook %+v; want {0.1 5} and {500 1000}", l.Appeal, l.Webhook)
	}
	shipped, err := LoadConfig("../../config.yaml", envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if shipped.Server.Limits != def.Server.Limits {
		t.Errorf("config.yaml's server.limits %+v drifted from the defaults %+v", shipped.Server.Limits, def.Server.Limits)
	}
	cfg, err := ParseConfig([]byte("server:\n  limits:\n    appeal: {rate: 1, burst: 2}\n    webhook: {rate: 0}\n"), envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	l = cfg.Server.apiLimits()
	if l.Appeal.PerSecond != 1 || l.Appeal.Burst != 2 || l.Webhook.PerSecond != 0 || l.Public != def.Server.apiLimits().Public {
		t.Errorf("overrides: appeal %+v, webhook %+v, public %+v", l.Appeal, l.Webhook, l.Public)
	}
	for _, c := range []struct{ yaml, key string }{
		{"server:\n  limits:\n    appeal: {rate: -0.1, burst: 5}\n", "server.limits.appeal.rate"},
		{"server:\n  limits:\n    webhook: {rate: 10, burst: 0}\n", "server.limits.webhook.burst"},
		{"server:\n  limits:\n    appeals: {rate: 1, burst: 1}\n", "appeals"},
	} {
		_, err := ParseConfig([]byte(c.yaml), envMap(nil))
		if err == nil || !strings.Contains(err.Error(), c.key) {
			t.Errorf("%q: error %v, want one naming %s", c.yaml, err, c.key)
		}
	}
}
