package main

import (
	"net"
	"net/http"
	"path/filepath"
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
	if code, _ := scrapeMetricsAt(t, "http://"+s.addr+"/metrics", tok); code != http.StatusNotFound {
		t.Errorf("main listener /metrics: %d, want 404", code)
	}
	if code, _ := scrapeMetricsAt(t, "http://"+maddr+"/metrics", ""); code != http.StatusUnauthorized {
		t.Errorf("metrics listener without the token: %d, want 401", code)
	}
	// vigie_chain_head_seq 0: the series is there, and the chain is empty.
	if code, m := scrapeMetricsAt(t, "http://"+maddr+"/metrics", tok); code != http.StatusOK || len(m) == 0 {
		t.Errorf("metrics listener with the token: %d, %d series", code, len(m))
	} else if v, ok := m["vigie_chain_head_seq"]; !ok || v != 0 {
		t.Errorf("metrics listener with the token: vigie_chain_head_seq = %v (present %v), want 0", v, ok)
	}
}
