package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

// testConfig writes a config for a fresh SQLite file in a temp folder.
func testConfig(t testing.TB) (cfgPath, dbPath string) {
	t.Helper()
	dir := t.TempDir()
	cfgPath = filepath.Join(dir, "config.yaml")
	dbPath = filepath.Join(dir, "data", "vigie.db")
	cfg := "server:\n  addr: 127.0.0.1:0\ndatabase:\n  dsn: data/vigie.db\nlog:\n  level: info\n"
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfgPath, dbPath
}

// postgresConfig writes a config for the PostgreSQL database dsn (the
// server on 127.0.0.1:0) and returns its path: every process started with
// it shares that database.
func postgresConfig(t *testing.T, dsn string) string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, cfg, fmt.Sprintf("server:\n  addr: 127.0.0.1:0\ndatabase:\n  driver: postgres\n  dsn: %q\n", dsn))
	return cfg
}

// run runs one command line in-process.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func writeLines(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "comments.jsonl")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHelpListsTheCommands(t *testing.T) {
	code, out, _ := run(t, "", "help")
	for _, c := range []string{"serve", "classify", "import", "verify"} {
		if !strings.Contains(out, c) {
			t.Errorf("help does not list %s:\n%s", c, out)
		}
	}
	if code != 0 {
		t.Errorf("exit %d", code)
	}
	if code, _, errOut := run(t, "", "frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown command: exit %d, %q", code, errOut)
	}
}

func TestClassifyReadsJSONAndPlainLines(t *testing.T) {
	cfg, _ := testConfig(t)
	in := `{"text":"Merci pour ces explications très claires."}` + "\n" +
		"Espèce de connard\n" +
		`{"txt":"oops"}` + "\n"
	code, out, errOut := run(t, in, "classify", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d output lines, want 3:\n%s", len(lines), out)
	}
	var v1, v2 map[string]any
	_ = json.Unmarshal([]byte(lines[0]), &v1)
	_ = json.Unmarshal([]byte(lines[1]), &v2)
	if v1["action"] != "publish" || v2["action"] != "refuse" {
		t.Errorf("actions %v, %v; want publish, refuse", v1["action"], v2["action"])
	}
	if !strings.Contains(lines[2], `"line":3`) || !strings.Contains(errOut, "line 3") {
		t.Errorf("bad line not reported with its number: %s / %s", lines[2], errOut)
	}
}

func TestImportSkipsMalformedLinesAndIsRepeatable(t *testing.T) {
	cfg, dbPath := testConfig(t)
	file := writeLines(t,
		`{"external_id":"a","text":"Bonjour à tous"}`,
		`{"external_id":"b","text":"Espèce de connard"}`,
		`{"external_id":"c","text":`,
		`{"external_id":"d","text":"écrivez à moi@example.org"}`,
		"{\"external_id\":\"e\",\"text\":\"caf\xe9\"}",
		`{"text":"sans identifiant"}`,
		`{"external_id":"huge","text":"`+strings.Repeat("a", 3<<20)+`"}`,
		`{"external_id":"last","text":"la dernière ligne compte aussi"}`,
		`{"external_id":"f","text":"une moitié \ud800 de caractère"}`,
	)
	code, out, errOut := run(t, "", "import", "--config", cfg, file)
	if code != 1 {
		t.Errorf("exit %d, want 1 (some lines skipped)", code)
	}
	if !strings.Contains(errOut, "line 3:") || !strings.Contains(errOut, "line 5:") || !strings.Contains(errOut, "line 7: line longer") || !strings.Contains(errOut, "line 9: ") {
		t.Errorf("malformed lines not named:\n%s", errOut)
	}
	if !strings.Contains(out, "imported 5 new comments") || !strings.Contains(out, "refused 1") || !strings.Contains(out, "pending 1") {
		t.Errorf("summary: %s", out)
	}
	// A second run adds nothing.
	_, out, _ = run(t, "", "import", "--config", cfg, file)
	if !strings.Contains(out, "imported 0 new comments") || !strings.Contains(out, "5 already known") {
		t.Errorf("second import: %s", out)
	}
	db := openSQLite(t, dbPath)
	var comments, events int
	db.QueryRow(`SELECT COUNT(*) FROM comments`).Scan(&comments)
	db.QueryRow(`SELECT COUNT(*) FROM events`).Scan(&events)
	if comments != 5 || events != 5 {
		t.Errorf("%d comments and %d events stored, want 5 and 5", comments, events)
	}
}

// importNumbered imports n comments with external ids 0…n-1 and texts from
// a format taking the number.
func importNumbered(t *testing.T, cfg string, n int, textFormat string) {
	t.Helper()
	var lines []string
	for i := range n {
		lines = append(lines, fmt.Sprintf(`{"external_id":"%d","text":%q}`, i, fmt.Sprintf(textFormat, i)))
	}
	if code, _, errOut := run(t, "", "import", "--config", cfg, writeLines(t, lines...)); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
}

func openSQLite(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestVerifyNamesTheFirstAlteredEvent(t *testing.T) {
	cfg, dbPath := testConfig(t)
	importNumbered(t, cfg, 20, "Commentaire numéro %d, espèce de connard")
	code, out, errOut := run(t, "", "verify", "--config", cfg)
	if code != 0 || !strings.Contains(out, "ok: 20 events") {
		t.Fatalf("verify on a good log: exit %d\n%s\n%s", code, out, errOut)
	}

	db := openSQLite(t, dbPath)
	// The append-only triggers refuse the edit; someone rewriting history by
	// hand drops them first, and the chain still catches it.
	if _, err := db.Exec(`UPDATE events SET category = 'spam' WHERE seq = 7`); err == nil {
		t.Fatal("an event could be altered in place despite the append-only triggers")
	}
	for _, tr := range []string{"events_no_update", "events_no_delete"} {
		if _, err := db.Exec(`DROP TRIGGER ` + tr); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`UPDATE events SET category = 'spam' WHERE seq = 7`); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, "", "verify", "--config", cfg)
	if code == 0 || !strings.Contains(errOut, "event 7") {
		t.Fatalf("verify after altering event 7: exit %d, stderr %q", code, errOut)
	}
	var cat string
	db.QueryRow(`SELECT category FROM events WHERE seq = 8`).Scan(&cat)
	db.Exec(`UPDATE events SET category = ? WHERE seq = 7`, cat)
	if code, out, errOut := run(t, "", "verify", "--config", cfg); code != 0 {
		t.Fatalf("restored log: exit %d %s %s", code, out, errOut)
	}
	// The text snapshot of an event and the text and author of a comment
	// are not in the chain themselves, but their salted digests are.
	tamper := func(table, column, where, want string) {
		t.Helper()
		var orig string
		if err := db.QueryRow(`SELECT ` + column + ` FROM ` + table + ` WHERE ` + where).Scan(&orig); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`UPDATE ` + table + ` SET ` + column + ` = 'Quelqu''un d''aimable' WHERE ` + where); err != nil {
			t.Fatal(err)
		}
		if code, _, errOut := run(t, "", "verify", "--config", cfg); code == 0 || !strings.Contains(errOut, want) {
			t.Fatalf("verify after rewriting %s.%s where %s: exit %d, stderr %q (want %q)", table, column, where, code, errOut, want)
		}
		if _, err := db.Exec(`UPDATE `+table+` SET `+column+` = ? WHERE `+where, orig); err != nil {
			t.Fatal(err)
		}
	}
	tamper("events", "text", "seq = 5", "event 5")
	tamper("comments", "text", "id = 6", "comment 6")
	tamper("comments", "author_name", "id = 8", "comment 8")
	if code, out, errOut := run(t, "", "verify", "--config", cfg); code != 0 || !strings.Contains(out, "20 comments not yet purged") {
		t.Fatalf("restored log: exit %d %s %s", code, out, errOut)
	}
	// Removing the newest events is caught by the stored chain head.
	if _, err := db.Exec(`DELETE FROM events WHERE seq >= 19`); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, "", "verify", "--config", cfg)
	if code == 0 || !strings.Contains(errOut, "head") {
		t.Fatalf("verify after deleting the last events: exit %d, stderr %q", code, errOut)
	}
}

func TestEvalAndRulesCheck(t *testing.T) {
	cfg, _ := testConfig(t)
	csvPath := filepath.Join(t.TempDir(), "labelled.csv")
	writeFile(t, csvPath, "text,label,lang,category\n"+
		"Espèce de connard,1,fr,insult_h\n"+
		"Merci pour ces explications,0,fr,thanks_nh\n"+
		"\"Bonjour, à tous\",0,fr,thanks_nh\n")
	code, out, errOut := run(t, "", "eval", "--config", cfg, csvPath)
	if code != 0 {
		t.Fatalf("eval: exit %d %s", code, errOut)
	}
	for _, want := range []string{"insult_h", "thanks_nh", "precision", "recall"} {
		if !strings.Contains(strings.ToLower(out), want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}

	good := filepath.Join(t.TempDir(), "good.yaml")
	writeFile(t, good, fmt.Sprintf(extraPack, "zorglub"))
	if code, out, errOut := run(t, "", "rules", "check", good); code != 0 || !strings.Contains(out, "ok") {
		t.Errorf("rules check on a good file: exit %d %s %s", code, out, errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	writeFile(t, bad, "version: 1\nname: bad\nrules:\n  - id: x\n    kind: wordz\n    category: insult\n")
	code, _, errOut = run(t, "", "rules", "check", bad)
	if code == 0 || !strings.Contains(errOut, "bad.yaml") || !strings.Contains(errOut, ":4") {
		t.Errorf("rules check on a broken file: exit %d, stderr %q (want the file and line 4)", code, errOut)
	}
	if code, out, _ := run(t, "", "rules", "check", "--config", cfg); code != 0 || !strings.Contains(out, "ruleset") {
		t.Errorf("rules check of the configured rules: exit %d %s", code, out)
	}
}

// TestVerifyCatchesAHeadRolledBack: rewriting the chain_head row alone to an
// earlier, self-consistent position (or to the genesis) must not make verify
// vouch for a log that goes on past it.
func TestVerifyCatchesAHeadRolledBack(t *testing.T) {
	cfg, dbPath := testConfig(t)
	importNumbered(t, cfg, 6, "Commentaire numéro %d")
	db := openSQLite(t, dbPath)
	var hash3 string
	if err := db.QueryRow(`SELECT hash FROM events WHERE seq = 3`).Scan(&hash3); err != nil {
		t.Fatal(err)
	}
	for _, head := range []struct {
		seq  int
		hash string
	}{{3, hash3}, {0, strings.Repeat("0", 64)}} {
		if _, err := db.Exec(`UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1`, head.seq, head.hash); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := run(t, "", "verify", "--config", cfg)
		if code != 1 || !strings.Contains(errOut, "head") {
			t.Errorf("verify with the head rolled back to event %d: exit %d, stdout %q, stderr %q", head.seq, code, out, errOut)
		}
	}
}

// classify goes on past a bad line of any kind, naming it, like import.
func TestClassifySkipsBadLinesOfEveryKind(t *testing.T) {
	cfg, _ := testConfig(t)
	in := strings.Join([]string{
		"Bonjour à tous",
		"caf\xe9",
		`{"text":"bad \ud800 escape"}`,
		strings.Repeat("a", 3<<20),
		"Espèce de connard",
	}, "\n") + "\n"
	code, out, errOut := run(t, in, "classify", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || !strings.Contains(lines[0], `"publish"`) || !strings.Contains(lines[4], `"refuse"`) {
		t.Fatalf("want 5 answers, a verdict first and last:\n%.600s", out)
	}
	for i, want := range []string{"line 2: not valid UTF-8", "line 3: an unpaired surrogate", "line 4: line longer"} {
		if !strings.Contains(errOut, want) || !strings.Contains(lines[i+1], `"error"`) {
			t.Errorf("missing %q (stderr %q, line %q)", want, errOut, lines[i+1])
		}
	}
}
