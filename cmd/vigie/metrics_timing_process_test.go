package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
)

// `vigie serve` wires the classify and writer hooks to /metrics: after a
// few intakes the histograms count them, and the batch sizes sum to the
// writer's requests.
func TestServeExportsClassifyAndBatchHistograms(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, "server:\n  addr: 127.0.0.1:0\ndatabase:\n  dsn: data/vigie.db\n")
	s := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken)
	const n = 5
	for i := range n {
		body := fmt.Sprintf(`{"source":"api:m","external_id":"%d","text":"Merci pour cette réponse n°%d","author":{"id":"u%d"}}`, i, i, i)
		if code, b, err := s.post(http.DefaultClient, body); err != nil || code != http.StatusCreated {
			t.Fatalf("post %d: %d %s %v", i, code, b, err)
		}
	}
	values := scrapeMetrics(t, s)
	if got := values["vigie_classify_duration_seconds_count"]; got != n {
		t.Errorf("classify count %v, want %d", got, n)
	}
	if got := values["vigie_language_detection_duration_seconds_count"]; got < 1 {
		t.Errorf("language detection count %v, want some (detection is on by default)", got)
	}
	req, rows := values["vigie_storage_write_requests_total"], values["vigie_storage_batch_rows_sum"]
	if req < n || rows != req {
		t.Errorf("batch rows sum %v, write requests %v, want equal and at least %d", rows, req, n)
	}
	if c := values["vigie_storage_commits_total"]; values["vigie_storage_commit_duration_seconds_count"] != c || c < 1 {
		t.Errorf("commit durations %v, commits %v, want equal", values["vigie_storage_commit_duration_seconds_count"], c)
	}
}
