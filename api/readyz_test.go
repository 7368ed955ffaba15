package api_test

import (
	"context"
	"database/sql"
	"net/http"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// TestReadyzIsUnavailableWhileTheDatabaseCannotCommit: another process holds
// the SQLite file's write lock, so no write can commit; /readyz answers 503
// with Retry-After (and /healthz, which only pings, stays 200), then 200
// once the lock is gone.
func TestReadyzIsUnavailableWhileTheDatabaseCannotCommit(t *testing.T) {
	cfg := storageSQLite(t)
	s := newServerWith(t, cfg, serverOptions{})
	get := func(path string) (int, string) {
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	if code, _ := get("/readyz"); code != http.StatusOK {
		t.Fatalf("readyz at rest: %d, want 200", code)
	}
	other, err := sql.Open("sqlite3", cfg.DSN+"?_busy_timeout=100")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	code, retry := get("/readyz")
	if code != http.StatusServiceUnavailable || retry == "" {
		t.Errorf("readyz while locked: %d, Retry-After %q; want 503 with Retry-After", code, retry)
	}
	t.Logf("readyz answered %d after %s", code, time.Since(start).Round(time.Millisecond))
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("healthz while locked: %d, want 200 (the process is alive)", code)
	}
	if _, err := conn.ExecContext(context.Background(), "COMMIT"); err != nil {
		t.Fatal(err)
	}
	if code, _ := get("/readyz"); code != http.StatusOK {
		t.Errorf("readyz after the lock: %d, want 200", code)
	}
}
