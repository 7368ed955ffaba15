package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

const extraPack = `version: 1
name: extra
rules:
  - id: extra.words
    kind: words
    category: insult
    action: refuse
    words: [%s]
`

// TestSighupReloadsRulesUnderLoad: a broken rules file changes nothing and
// its errors are logged; a good one applies to the next comment; no request
// fails while reloads happen under concurrent intake.
func TestSighupReloadsRulesUnderLoad(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	pack := filepath.Join(dir, "extra.yaml")
	writeFile(t, pack, fmt.Sprintf(extraPack, "zorglub"))
	writeFile(t, cfg, "server:\n  addr: 127.0.0.1:0\ndatabase:\n  dsn: data/vigie.db\n"+
		"rules:\n  packs: [builtin:core, builtin:fr, builtin:en, extra.yaml]\n")
	srv := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken)
	client := &http.Client{Timeout: 10 * time.Second}

	verdict := func(id, text string) map[string]any {
		t.Helper()
		code, body, err := srv.post(client, fmt.Sprintf(`{"source":"api:reload","external_id":%q,"text":%q}`, id, text))
		if err != nil || code != http.StatusCreated {
			t.Fatalf("post %s: %d %s %v", id, code, body, err)
		}
		var r struct {
			Status  string
			Verdict struct {
				RulesetVersion string `json:"ruleset_version"`
			}
		}
		_ = json.Unmarshal(body, &r)
		return map[string]any{"status": r.Status, "version": r.Verdict.RulesetVersion}
	}
	before := verdict("a", "Quel zorglub celui-là, avec son bidule")
	if before["status"] != "refused" {
		t.Fatalf("the extra pack is not in force: %v", before)
	}

	// Concurrent intake all along.
	ctx, cancel := context.WithCancel(context.Background())
	var failures, sent atomic.Int64
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				code, body, err := srv.post(client, fmt.Sprintf(`{"source":"api:load","external_id":"%d-%d","text":"Un commentaire tout à fait correct numéro %d"}`, w, i, i))
				sent.Add(1)
				if err != nil || code/100 != 2 {
					failures.Add(1)
					t.Errorf("request failed during reload: %d %s %v", code, body, err)
				}
			}
		}()
	}

	// A broken file: refused, logged, the running rules stay.
	writeFile(t, pack, "version: 1\nrules:\n  - id: extra.words\n    kind: wordz\n    category: insult\n")
	hangup(t, srv)
	waitLog(t, srv, "rules reload refused")
	if !strings.Contains(srv.log(), "extra.yaml") {
		t.Errorf("the reload error does not name the file:\n%s", srv.log())
	}
	still := verdict("b", "Encore un zorglub")
	if still["status"] != "refused" || still["version"] != before["version"] {
		t.Fatalf("a broken file changed the rules: %v, before %v", still, before)
	}

	// A good file: applies to the next comment, with a new version.
	writeFile(t, pack, fmt.Sprintf(extraPack, "schtroumpf"))
	hangup(t, srv)
	waitLog(t, srv, "rules reloaded")
	after := verdict("c", "Quel schtroumpf celui-là")
	old := verdict("d", "Quel zorglub celui-là, avec son bidule")
	cancel()
	wg.Wait()
	if after["status"] != "refused" || old["status"] != "published" || after["version"] == before["version"] {
		t.Fatalf("new rules not in force: new word %v, old word %v (version before %v)", after, old, before["version"])
	}
	if failures.Load() != 0 || sent.Load() < 10 {
		t.Fatalf("%d of %d concurrent requests failed", failures.Load(), sent.Load())
	}
	srv.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-srv.done; err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func hangup(t *testing.T, s *server) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
}

// waitLog waits for a new log line containing msg (counting occurrences so
// a second reload waits for its own line).
func waitLog(t *testing.T, s *server, msg string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(s.log(), msg) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %q in the log:\n%s", msg, s.log())
}
