package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"vigie/storage/storagetest"
)

// TestMigrateAndBackupOnSQLite: migrate prints the schema's history;
// backup makes a copy that verifies on its own; a second backup onto it
// is refused.
func TestMigrateAndBackupOnSQLite(t *testing.T) {
	cfg, _ := testConfig(t)
	code, out, errOut := run(t, "", "migrate", "--config", cfg)
	if code != 0 || !strings.Contains(out, "schema version") || !strings.Contains(out, "comments, events and the chain head") {
		t.Fatalf("migrate: exit %d\n%s%s", code, out, errOut)
	}
	var lines []string
	for i := range 5 {
		lines = append(lines, fmt.Sprintf(`{"external_id":"%d","text":"Merci pour la réponse numéro %d."}`, i, i))
	}
	if code, _, errOut := run(t, "", "import", "--config", cfg, writeLines(t, lines...)); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if code, out, errOut := run(t, "", "backup", copyPath, "--config", cfg); code != 0 || !strings.Contains(out, copyPath) {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := run(t, "", "backup", copyPath, "--config", cfg); code == 0 || !strings.Contains(errOut, "already exists") {
		t.Fatalf("a backup onto an existing file: exit %d, %s", code, errOut)
	}
	code, out, errOut = concRunEnv(t, map[string]string{"VIGIE_DATABASE_DSN": copyPath}, "", "verify", "--config", cfg)
	if code != 0 || !strings.Contains(out, "5 events") {
		t.Fatalf("verify of the copy: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, _ := run(t, "", "backup", "--config", cfg); code != 2 {
		t.Errorf("backup without a file: exit %d, want the usage error", code)
	}
}

// TestServeAsARoleThatCannotDropTheTriggers: the owner migrates and grants;
// `vigie serve` runs as the server's role and takes comments; verify passes.
func TestServeAsARoleThatCannotDropTheTriggers(t *testing.T) {
	ownerDSN, serverDSN, role := storagetest.PostgresRoles(t)
	cfg := postgresConfig(t, serverDSN)

	// As the server's role before any migration: it may create nothing.
	code, _, errOut := run(t, "", "migrate", "--config", cfg)
	if code == 0 || !strings.Contains(errOut, "as the schema's owner") {
		t.Fatalf("migrate as the server's role: exit %d, %s", code, errOut)
	}
	owner := map[string]string{"VIGIE_DATABASE_DSN": ownerDSN}
	code, out, errOut := concRunEnv(t, owner, "", "migrate", "--grant", role, "--config", cfg)
	if code != 0 || !strings.Contains(out, "granted "+role) {
		t.Fatalf("migrate --grant as the owner: exit %d\n%s%s", code, out, errOut)
	}

	s := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken, "VIGIE_ADMIN_PASSWORD=un mot de passe assez long")
	client := &http.Client{Timeout: 10 * time.Second}
	for i, text := range []string{"Merci pour ces précisions.", "Espèce de connard."} {
		code, body, err := s.post(client, fmt.Sprintf(`{"source":"api:roles","external_id":"%d","text":%q}`, i, text))
		if err != nil || code != http.StatusCreated {
			t.Fatalf("intake as the server's role: %d %s %v", code, body, err)
		}
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-s.done; err != nil {
		t.Fatalf("SIGTERM: exit %v\n%s", err, s.log())
	}
	code, out, errOut = run(t, "", "verify", "--config", cfg)
	if code != 0 || !strings.Contains(out, "2 events") {
		t.Fatalf("verify: exit %d\n%s%s", code, out, errOut)
	}
}
