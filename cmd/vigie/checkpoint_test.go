package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"vigie/moderation"
	"vigie/storage"
)

// runBinary runs the real binary and returns its exit status and output.
func runBinary(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(vigieBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

// keygen runs `vigie checkpoint keygen` and returns the key and public key.
func keygen(t *testing.T) (key, pub string) {
	t.Helper()
	code, out, errOut := runBinary(t, nil, "checkpoint", "keygen")
	if code != 0 {
		t.Fatalf("keygen: exit %d %s", code, errOut)
	}
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, "key:"); ok {
			key = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(l, "public_key:"); ok {
			pub = strings.TrimSpace(v)
		}
	}
	if key == "" || pub == "" {
		t.Fatalf("keygen printed no key:\n%s", out)
	}
	return key, pub
}

// The whole path: a real server signs checkpoints on its schedule and at
// shutdown, publishes them (public list, report JSON, append file, POST),
// never logs its key; `vigie verify --checkpoints` passes on the untouched
// log and names the checkpoint a rewrite broke, even a rewrite that left
// the database consistent with itself; plain `vigie verify` names the
// comment whose row was forged.
func TestCheckpointsThroughTheRealBinary(t *testing.T) {
	key, pub := keygen(t)
	var mu sync.Mutex
	var posted []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		posted = append(posted, string(b))
		mu.Unlock()
	}))
	defer hook.Close()

	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	appendFile := filepath.Join(dir, "checkpoints.jsonl")
	writeFile(t, cfg, fmt.Sprintf("server:\n  addr: 127.0.0.1:0\ndatabase:\n  dsn: data/vigie.db\n"+
		"checkpoints:\n  every: 1s\n  append_file: checkpoints.jsonl\n  post_url: %s\n", hook.URL))
	s := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken, "VIGIE_CHECKPOINT_KEY="+key)
	post := func(i int) {
		body := fmt.Sprintf(`{"source":"api:cp","external_id":"%d","text":"Commentaire %d : merci pour cette réponse","author":{"id":"u%d","name":"Nom %d"}}`, i, i, i, i)
		if code, b, err := s.post(http.DefaultClient, body); err != nil || code/100 != 2 {
			t.Fatalf("post %d: %d %s %v", i, code, b, err)
		}
	}
	for i := range 5 {
		post(i)
	}
	waitLog(t, s, "checkpoint signed")
	// An operator sees the anchoring work, and would see it stop.
	if code, m := scrapeMetricsAt(t, "http://"+s.addr+"/metrics", ""); code != http.StatusOK || m["vigie_checkpoints_signed_total"] < 1 ||
		m[`vigie_checkpoint_failures_total{stage="sign"}`] != 0 || m[`vigie_checkpoint_failures_total{stage="post"}`] != 0 {
		t.Errorf("/metrics: %d, checkpoint series %v", code, m)
	}

	var list struct {
		PublicKey   string                  `json:"public_key"`
		Checkpoints []moderation.Checkpoint `json:"checkpoints"`
	}
	getJSON(t, "http://"+s.addr+"/transparency/checkpoints", &list)
	pk, err := moderation.ParsePublicKey(list.PublicKey)
	if err != nil || list.PublicKey != pub || len(list.Checkpoints) == 0 {
		t.Fatalf("/transparency/checkpoints: key %q (want %q), %d checkpoints, %v", list.PublicKey, pub, len(list.Checkpoints), err)
	}
	for _, c := range list.Checkpoints {
		if err := c.Verify(pk); err != nil {
			t.Errorf("published checkpoint %d: %v", c.Seq, err)
		}
	}
	// A copy of the public list is a checkpoints file too.
	resp, err := http.Get("http://" + s.addr + "/transparency/checkpoints")
	if err != nil {
		t.Fatal(err)
	}
	saved, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	savedFile := filepath.Join(dir, "saved.json")
	writeFile(t, savedFile, string(saved))
	var report struct {
		Checkpoint *moderation.Checkpoint `json:"checkpoint"`
	}
	getJSON(t, "http://"+s.addr+"/transparency.json", &report)
	if report.Checkpoint == nil || report.Checkpoint.Verify(pk) != nil {
		t.Errorf("the report carries no valid checkpoint: %+v", report.Checkpoint)
	}

	// Written just before shutdown: the checkpoint signed at shutdown covers them.
	post(5)
	post(6)
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-s.done; err != nil {
		t.Fatalf("serve: %v\n%s", err, s.log())
	}
	if strings.Contains(s.log(), key) {
		t.Fatal("the checkpoint key is in the server's log")
	}
	lines := readLines(t, appendFile)
	var last moderation.Checkpoint
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Seq != 7 {
		t.Fatalf("last appended checkpoint: %+v, %v; want event 7 (signed at shutdown)", last, err)
	}
	mu.Lock()
	if len(posted) != len(lines) || strings.TrimSpace(posted[len(posted)-1]) != lines[len(lines)-1] {
		t.Errorf("posted %d checkpoints, appended %d; the last ones differ:\n%v\n%s", len(posted), len(lines), posted, lines[len(lines)-1])
	}
	mu.Unlock()

	verify := func(args ...string) (int, string) {
		code, out, errOut := runBinary(t, nil, append([]string{"verify", "--config", cfg}, args...)...)
		return code, out + errOut
	}
	if code, out := verify("--checkpoints", appendFile, "--public-key", pub); code != 0 || !strings.Contains(out, "checkpoints signed by key") {
		t.Fatalf("verify --checkpoints on the untouched log: exit %d\n%s", code, out)
	}

	if code, out := verify("--checkpoints", savedFile, "--public-key", pub); code != 0 {
		t.Fatalf("verify --checkpoints with the saved public list: exit %d\n%s", code, out)
	}
	// A bad checkpoints file or key is a usage error, said before any work.
	bad := filepath.Join(dir, "bad.jsonl")
	writeFile(t, bad, lines[0]+"\n{\"seq\": \"x\"}\n")
	if code, out := verify("--checkpoints", bad, "--public-key", pub); code != 2 || !strings.Contains(out, "bad.jsonl:2") {
		t.Errorf("verify with a broken checkpoints file: exit %d\n%s", code, out)
	}
	if code, out := verify("--checkpoints", appendFile, "--public-key", "AAAA"); code != 2 || !strings.Contains(out, "--public-key") {
		t.Errorf("verify with a broken public key: exit %d\n%s", code, out)
	}
	_, wrongPub := keygen(t)
	if code, out := verify("--checkpoints", appendFile, "--public-key", wrongPub); code != 1 || !strings.Contains(out, "not with the given public key") {
		t.Errorf("verify with another key: exit %d\n%s", code, out)
	}

	// A rewrite that leaves the database consistent with itself.
	dbPath := filepath.Join(dir, "data", "vigie.db")
	sqlDB := openSQLite(t, dbPath)
	for _, tr := range []string{"events_no_update", "events_no_delete"} {
		if _, err := sqlDB.Exec(`DROP TRIGGER ` + tr); err != nil {
			t.Fatal(err)
		}
	}
	resealFrom(t, dbPath, 3, "rien à signaler")
	if code, out := verify(); code != 0 {
		t.Fatalf("plain verify should find the rewritten store consistent with itself: exit %d\n%s", code, out)
	}
	code, out := verify("--checkpoints", appendFile, "--public-key", pub)
	if code != 1 || !strings.Contains(out, "checkpoint at event 7 signed at ") || !strings.Contains(out, "the log now has hash") {
		t.Fatalf("verify --checkpoints after a consistent rewrite: exit %d\n%s", code, out)
	}
	t.Log(out)

	// The forgery: text and author rewritten, salt set to NULL.
	if _, err := sqlDB.Exec(`UPDATE comments SET text = 'Texte inventé', author_name = 'Autre', salt = NULL WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	if code, out := verify(); code != 1 || !strings.Contains(out, "comment 2: its salt is erased but no purge is recorded") {
		t.Fatalf("verify after forging comment 2: exit %d\n%s", code, out)
	}
}

// resealFrom rewrites event seq's note and reseals it and every later
// event, then moves the head: the chain is whole again, and wrong.
func resealFrom(t *testing.T, dbPath string, seq int64, note string) {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, storage.Config{Driver: "sqlite", DSN: dbPath}, nil)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := st.EventsAfter(ctx, 0, 0)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	db := openSQLite(t, dbPath)
	prev := moderation.GenesisHash
	for i := range evs {
		e := &evs[i]
		if e.Seq == seq {
			e.Note = note
		}
		if e.Seq >= seq {
			e.Seal(e.Seq, prev)
			if _, err := db.Exec(`UPDATE events SET note = ?, prev_hash = ?, hash = ? WHERE seq = ?`, e.Note, e.PrevHash, e.Hash, e.Seq); err != nil {
				t.Fatal(err)
			}
		}
		prev = e.Hash
	}
	if _, err := db.Exec(`UPDATE chain_head SET hash = ? WHERE id = 1`, prev); err != nil {
		t.Fatal(err)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if len(out) == 0 {
		t.Fatalf("%s is empty", path)
	}
	return out
}
