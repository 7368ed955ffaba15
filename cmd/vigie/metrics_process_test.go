package main

import (
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// server.metrics_addr and VIGIE_METRICS_TOKEN: /metrics leaves the main
// listener, and the metrics one asks for the token.
func TestServeMetricsOnItsOwnAddressWithAToken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a free port, given back at once
	if err != nil {
		t.Fatal(err)
	}
	maddr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, "server:\n  addr: 127.0.0.1:0\n  metrics_addr: "+maddr+"\ndatabase:\n  dsn: data/vigie.db\n")
	const tok = "metrics-token-for-the-test-0123"
	s := startServer(t, cfg, "VIGIE_METRICS_TOKEN="+tok)
	waitLog(t, s, "metrics listening")
	get := func(url, token string) (int, string) {
		req, _ := http.NewRequest("GET", url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("http://"+s.addr+"/metrics", tok); code != http.StatusNotFound {
		t.Errorf("main listener /metrics: %d, want 404", code)
	}
	if code, _ := get("http://"+maddr+"/metrics", ""); code != http.StatusUnauthorized {
		t.Errorf("metrics listener without the token: %d, want 401", code)
	}
	if code, body := get("http://"+maddr+"/metrics", tok); code != http.StatusOK || !strings.Contains(body, "vigie_chain_head_seq 0") {
		t.Errorf("metrics listener with the token: %d\n%.300s", code, body)
	}
}
