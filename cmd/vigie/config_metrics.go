package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// minMetricsToken is the shortest metrics token accepted, as for API tokens.
const minMetricsToken = 24

// validateMetrics checks server.metrics_addr (host:port, not the main
// address).
func (s ServerConfig) validateMetrics() error {
	if s.MetricsAddr == "" {
		return nil
	}
	if _, _, err := net.SplitHostPort(s.MetricsAddr); err != nil {
		return fmt.Errorf("server.metrics_addr: %q is not host:port", s.MetricsAddr)
	}
	if s.MetricsAddr == s.Addr {
		return fmt.Errorf("server.metrics_addr: %q is server.addr; leave it empty to serve /metrics there", s.MetricsAddr)
	}
	return nil
}

// metricsToken is the token /metrics requires: VIGIE_METRICS_TOKEN, else
// the content of server.metrics_token_file (relative to the config file);
// "" when neither is set.
func (c *Config) metricsToken(getenv func(string) string) (string, error) {
	tok, from := getenv("VIGIE_METRICS_TOKEN"), "VIGIE_METRICS_TOKEN"
	if tok == "" && c.Server.MetricsTokenFile != "" {
		path := c.Server.MetricsTokenFile
		if !filepath.IsAbs(path) {
			path = filepath.Join(c.dir, path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("server.metrics_token_file: %v", err)
		}
		tok, from = strings.TrimSpace(string(b)), "server.metrics_token_file"
	}
	if tok != "" && len(tok) < minMetricsToken {
		return "", fmt.Errorf("%s: a metrics token needs at least %d characters", from, minMetricsToken)
	}
	return tok, nil
}
