package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/api"
	"vigie/moderation"
	"vigie/moderation/moderationtest"
	"vigie/rules"
	"vigie/storage"
	"vigie/storage/storagetest"
)

const testToken = "t1"

type testServer struct {
	URL      string
	DB       *storage.DB
	Svc      *moderation.Service
	Accounts *moderation.Accounts
	// Clock is the service's and the accounts' clock: tests move it.
	Clock *moderationtest.Clock
}

// newTestServer runs the real HTTP stack on loopback over a real SQLite file.
func newTestServer(t *testing.T) *testServer { return newServer(t, true) }

func newBenchServer(b *testing.B, grouped bool) *testServer { return newServer(b, grouped) }

func newServer(t testing.TB, grouped bool) *testServer {
	cfg := storage.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "vigie.db")}
	if !grouped {
		cfg.BatchWait = -1
	}
	return newServerOn(t, cfg)
}

// eachStore runs a test on SQLite and on PostgreSQL: the same API, the same
// answers, whichever database is behind it.
func eachStore(t *testing.T, test func(t *testing.T, s *testServer)) {
	eachStoreWith(t, serverOptions{}, test)
}

// eachStoreWith is eachStore with server options.
func eachStoreWith(t *testing.T, o serverOptions, test func(t *testing.T, s *testServer)) {
	t.Run("sqlite", func(t *testing.T) {
		test(t, newServerWith(t, storageSQLite(t), o))
	})
	t.Run("postgres", func(t *testing.T) {
		test(t, newServerWith(t, storage.Config{Driver: "postgres", DSN: storagetest.PostgresDSN(t), MaxOpenConns: 4}, o))
	})
}

func newServerOn(t testing.TB, cfg storage.Config) *testServer {
	t.Helper()
	return newServerWith(t, cfg, serverOptions{})
}

// serverOptions are what a test may change of the server; zero fields are
// the defaults.
type serverOptions struct {
	AuditRate float64
	Lease     time.Duration
	// Rules changes the rules settings before they are loaded.
	Rules func(*rules.Settings)
	// Reporting wires the admin pages' report and SOR export.
	Reporting api.Reporting
	// Pages are the platform pages decisions owe actions to; with them
	// the admin page of platform actions is on.
	Pages moderation.PagePolicy
	// Tokens are the API tokens besides testToken (which may do anything
	// on any source but Facebook's).
	Tokens []api.TokenSpec
	// Models is the admin page of candidate models.
	Models api.ModelsAdmin
	// PageList are the pages (moderation/pages.go): their sources, rule
	// overrides (compiled here) and moderators. ("Pages" above is the
	// platform policy.)
	PageList []moderation.Page
	// Metrics are the /metrics options; with LogMetrics the store is
	// read for the decisions counter and the chain head.
	Metrics    api.MetricsOptions
	LogMetrics bool
}

// testEpoch is where the fake clock of every test server starts.
var testEpoch = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

func newServerWith(t testing.TB, cfg storage.Config, o serverOptions) *testServer {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := storage.Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	settings := rules.DefaultSettings()
	if o.Rules != nil {
		o.Rules(&settings)
	}
	rs, err := rules.Load(settings, rules.Options{Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	clock := moderationtest.NewClock(testEpoch)
	opts := moderation.Options{Clock: clock, AuditRate: o.AuditRate, Lease: o.Lease, Limits: moderation.Limits{MaxTextBytes: 4096}}
	var platform api.PlatformAdmin
	if o.Pages != nil {
		opts.Platform, platform = o.Pages, db
	}
	svc := moderation.NewService(db, rs, opts)
	if len(o.PageList) > 0 {
		setPages(t, svc, settings, o.PageList)
	}
	accounts := moderation.NewAccounts(db, clock)
	if o.LogMetrics {
		o.Metrics.Log = db
		o.Metrics.ChainHead = func(ctx context.Context) (int64, error) { seq, _, err := db.Head(ctx); return seq, err }
	}
	h := api.New(api.Deps{Metrics: o.Metrics, Service: svc, Tokens: api.NewTokens(append([]api.TokenSpec{{Digest: hashToken(testToken), Grant: api.Grant{Name: "test", Scopes: api.Scopes, Sources: []string{"*"}}}}, o.Tokens...)), Accounts: accounts, Log: log, Ping: db.Ping, Ready: db.Ready,
		WriteStats: func() (int64, int64) { ws := db.WriteStats(); return ws.Requests, ws.Commits }, Reporting: o.Reporting,
		Platform: platform, Models: o.Models})
	svc.SetObserver(h.ClassifyObserver()) // as cmd/vigie wires them
	db.SetBatchObserver(h.BatchObserver())
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return &testServer{URL: srv.URL, DB: db, Svc: svc, Accounts: accounts, Clock: clock}
}

func hashToken(tok string) string {
	return "sha256:" + fmt.Sprintf("%x", sha256Sum(tok))
}

type response struct {
	Status int
	Body   map[string]any
	Raw    []byte
}

func (s *testServer) do(t testing.TB, method, path, token string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{Status: resp.StatusCode, Raw: raw}
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &r.Body); err != nil {
			t.Fatalf("answer is not JSON: %v: %s", err, raw)
		}
	}
	return r
}

func (s *testServer) post(t *testing.T, v any) response {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return s.do(t, "POST", "/api/v1/comments", testToken, b)
}

// eventCount reads the chain head: the number of events ever written.
func (s *testServer) eventCount(t *testing.T) int64 {
	t.Helper()
	seq, _, err := s.DB.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func (s *testServer) commentCount(t *testing.T) int {
	t.Helper()
	cs, err := s.DB.Comments(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	return len(cs)
}

func TestIntakeAppliesTheVerdict(t *testing.T) { eachStore(t, testIntakeAppliesTheVerdict) }

func testIntakeAppliesTheVerdict(t *testing.T, s *testServer) {
	insult := "Vous n'êtes qu'un connard, monsieur le ministre."
	cases := []struct {
		name, text, status string
		span               string // the matched text that must be in the verdict
	}{
		{"thanks are published", "Merci pour ces explications très claires.", "published", ""},
		{"a plain French insult is refused", insult, "refused", "connard"},
		{"an e-mail address waits for review", "Écrivez-moi à jean.dupont@example.fr pour en parler.", "pending", "jean.dupont@example.fr"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.post(t, map[string]any{"source": "api:test", "external_id": fmt.Sprint(i + 1), "text": tc.text})
			if r.Status != http.StatusCreated {
				t.Fatalf("status %d, want 201: %s", r.Status, r.Raw)
			}
			if got := r.Body["status"]; got != tc.status {
				t.Fatalf("status %q, want %q: %s", got, tc.status, r.Raw)
			}
			if r.Body["id"].(float64) <= 0 {
				t.Fatalf("no comment id: %s", r.Raw)
			}
			v := r.Body["verdict"].(map[string]any)
			if v["ruleset_version"] == "" {
				t.Errorf("verdict has no ruleset version: %s", r.Raw)
			}
			if tc.span == "" {
				return
			}
			found := false
			for _, m := range v["matches"].([]any) {
				m := m.(map[string]any)
				start, end := int(m["start"].(float64)), int(m["end"].(float64))
				if tc.text[start:end] == tc.span && m["text"] == tc.span && m["rule"] != "" && m["category"] != "" {
					found = true
				}
			}
			if !found {
				t.Fatalf("no match with span %q, rule and category in %s", tc.span, r.Raw)
			}
			if tc.status == "refused" && v["category"] == "" {
				t.Errorf("refusal without a category: %s", r.Raw)
			}
		})
	}
}

func TestIntakeIsIdempotent(t *testing.T) { eachStore(t, testIntakeIsIdempotent) }

func testIntakeIsIdempotent(t *testing.T, s *testServer) {
	body := map[string]any{"source": "api:test", "external_id": "42", "text": "Espèce de connard."}
	first := s.post(t, body)
	second := s.post(t, body)
	if first.Status != http.StatusCreated || second.Status != http.StatusOK {
		t.Fatalf("statuses %d then %d, want 201 then 200", first.Status, second.Status)
	}
	if first.Body["id"] != second.Body["id"] || first.Body["status"] != second.Body["status"] {
		t.Fatalf("repeat answered differently:\n%s\n%s", first.Raw, second.Raw)
	}
	if n := s.commentCount(t); n != 1 {
		t.Errorf("%d comments stored, want 1", n)
	}
	if n := s.eventCount(t); n != 1 {
		t.Errorf("%d events written, want 1", n)
	}
}

// TestIntakeKeepsEscapedTextExactly: a surrogate pair escape is one
// character, and an escaped backslash before "u" is no escape at all.
func TestIntakeKeepsEscapedTextExactly(t *testing.T) {
	s := newTestServer(t)
	body := []byte(`{"source":"api:test","external_id":"1","text":"Bravo \ud83d\ude00 et \\ud800 reste du texte","author":{"id":"u","name":"\u0627\u0644\u0639\u0631\u0628\u064a\u0629"}}`)
	r := s.do(t, "POST", "/api/v1/comments", testToken, body)
	if r.Status != http.StatusCreated {
		t.Fatalf("status %d, want 201: %s", r.Status, r.Raw)
	}
	c, err := s.DB.Comment(context.Background(), int64(r.Body["id"].(float64)))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Bravo \U0001F600 et \\ud800 reste du texte"; c.Text != want {
		t.Errorf("stored text %q, want %q", c.Text, want)
	}
	if c.Author.Name != "العربية" {
		t.Errorf("stored name %q", c.Author.Name)
	}
}

func TestIntakeRejectsBadInputAndWritesNothing(t *testing.T) {
	eachStore(t, testIntakeRejectsBadInputAndWritesNothing)
}

func testIntakeRejectsBadInputAndWritesNothing(t *testing.T, s *testServer) {
	ok := `{"source":"api:test","external_id":"1","text":"Bonjour"}`
	big := `{"source":"api:test","external_id":"1","text":"` + strings.Repeat("a", 2<<20) + `"}`
	cases := []struct {
		name   string
		token  string
		body   []byte
		status int
		code   string
		field  string
	}{
		{"invalid UTF-8", testToken, []byte("{\"source\":\"api:test\",\"external_id\":\"1\",\"text\":\"caf\xe9\"}"), 400, "invalid_utf8", ""},
		{"malformed JSON", testToken, []byte(`{"source":"api:test",`), 400, "malformed_json", ""},
		{"not an object", testToken, []byte(`["a"]`), 400, "malformed_json", ""},
		{"author not an object", testToken, []byte(`{"source":"api:test","external_id":"1","text":"Bonjour","author":"Ana"}`), 400, "invalid", "author"},
		{"trailing data", testToken, []byte(ok + `{}`), 400, "malformed_json", ""},
		{"missing text", testToken, []byte(`{"source":"api:test","external_id":"1"}`), 400, "invalid", "text"},
		{"missing source", testToken, []byte(`{"external_id":"1","text":"Bonjour"}`), 400, "invalid", "source"},
		{"missing external_id", testToken, []byte(`{"source":"api:test","text":"Bonjour"}`), 400, "invalid", "external_id"},
		{"blank text", testToken, []byte(`{"source":"api:test","external_id":"1","text":"  "}`), 400, "invalid", "text"},
		{"text over the maximum", testToken, []byte(`{"source":"api:test","external_id":"1","text":"` + strings.Repeat("é", 2049) + `"}`), 400, "invalid", "text"},
		{"wrong type", testToken, []byte(`{"source":"api:test","external_id":1,"text":"Bonjour"}`), 400, "invalid", "external_id"},
		{"unknown field", testToken, []byte(`{"source":"api:test","external_id":"1","text":"Bonjour","txet":"x"}`), 400, "invalid", "txet"},
		{"bad created_at", testToken, []byte(`{"source":"api:test","external_id":"1","text":"Bonjour","created_at":"yesterday"}`), 400, "invalid", "created_at"},
		// encoding/json turns an unpaired surrogate escape into U+FFFD: a
		// text nobody wrote, refused like invalid UTF-8.
		{"lone surrogate escape", testToken, []byte(`{"source":"api:test","external_id":"1","text":"Bonjour \ud800 toi"}`), 400, "invalid_utf8", ""},
		{"lone low surrogate escape", testToken, []byte(`{"source":"api:test","external_id":"1","text":"Bonjour","author":{"id":"u","name":"\udc00"}}`), 400, "invalid_utf8", ""},
		{"surrogates in the wrong order", testToken, []byte(`{"source":"api:test","external_id":"1","text":"\ude00\ud83d"}`), 400, "invalid_utf8", ""},
		// Times no database keeps (years before 1 or after 9999 in UTC)
		// came back as the zero time, or as a 200 with an empty body.
		{"created_at before year 1 in UTC", testToken, []byte(`{"source":"api:test","external_id":"1","text":"Bonjour","created_at":"0000-01-01T00:00:00+01:00"}`), 400, "invalid", "created_at"},
		{"created_at after year 9999 in UTC", testToken, []byte(`{"source":"api:test","external_id":"1","text":"Bonjour","created_at":"9999-12-31T23:59:59-23:00"}`), 400, "invalid", "created_at"},
		{"C1 control in the author name", testToken, []byte(`{"source":"api:test","external_id":"1","text":"Bonjour","author":{"id":"u","name":"a\u0085b"}}`), 400, "invalid", "author.name"},
		{"line separator in the author name", testToken, []byte(`{"source":"api:test","external_id":"1","text":"Bonjour","author":{"id":"u","name":"a\u2028b"}}`), 400, "invalid", "author.name"},
		{"2 MiB body", testToken, []byte(big), 413, "too_large", ""},
		{"wrong token", "nope", []byte(ok), 401, "unauthorized", ""},
		{"no token", "", []byte(ok), 401, "unauthorized", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, "POST", "/api/v1/comments", tc.token, tc.body)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %.300s", r.Status, tc.status, r.Raw)
			}
			e, _ := r.Body["error"].(map[string]any)
			if e == nil {
				t.Fatalf("no JSON error object: %.300s", r.Raw)
			}
			if e["code"] != tc.code || e["message"] == "" || e["request_id"] == "" {
				t.Errorf("error %v, want code %q with a message and a request id", e, tc.code)
			}
			if tc.field != "" && e["field"] != tc.field {
				t.Errorf("error field %v, want %q", e["field"], tc.field)
			}
			if n := s.eventCount(t); n != 0 {
				t.Errorf("%d events written after a refused request, want 0", n)
			}
			if n := s.commentCount(t); n != 0 {
				t.Errorf("%d comments stored after a refused request, want 0", n)
			}
		})
	}
}

func TestGetCommentShowsVerdictAndHistory(t *testing.T) {
	eachStore(t, testGetCommentShowsVerdictAndHistory)
}

func testGetCommentShowsVerdictAndHistory(t *testing.T, s *testServer) {
	text := `<script>alert("x")</script> espèce de connard`
	r := s.post(t, map[string]any{"source": "api:test", "external_id": "7", "text": text,
		"author": map[string]any{"id": "u1", "name": "Ana"}, "created_at": "2026-11-27T09:00:00Z"})
	id := int64(r.Body["id"].(float64))
	if _, err := s.Svc.Decide(context.Background(), moderation.Decision{CommentID: id, To: moderation.StatusPublished,
		Actor: "moderator:1", Route: moderation.RouteAppeal, Note: "appeal upheld"}); err != nil {
		t.Fatal(err)
	}
	g := s.do(t, "GET", fmt.Sprintf("/api/v1/comments/%d", id), testToken, nil)
	if g.Status != 200 {
		t.Fatalf("status %d: %s", g.Status, g.Raw)
	}
	if bytes.Contains(g.Raw, []byte("<script>")) {
		t.Errorf("comment text is not escaped in JSON: %s", g.Raw)
	}
	if g.Body["text"] != text || g.Body["status"] != "published" {
		t.Errorf("got text %q status %q", g.Body["text"], g.Body["status"])
	}
	evs := g.Body["events"].([]any)
	if len(evs) != 2 {
		t.Fatalf("%d events, want 2: %s", len(evs), g.Raw)
	}
	first, second := evs[0].(map[string]any), evs[1].(map[string]any)
	if first["from"] != "new" || first["to"] != "refused" || first["route"] != "rules" || first["automation"] != "fully" {
		t.Errorf("first event %v", first)
	}
	if second["from"] != "refused" || second["to"] != "published" || second["route"] != "appeal" || second["prev_hash"] != first["hash"] {
		t.Errorf("second event %v does not follow %v", second, first)
	}
	for _, tc := range []struct {
		path   string
		token  string
		status int
	}{
		{"/api/v1/comments/999", testToken, 404},
		{"/api/v1/comments/abc", testToken, 400},
		{fmt.Sprintf("/api/v1/comments/%d", id), "", 401},
	} {
		if r := s.do(t, "GET", tc.path, tc.token, nil); r.Status != tc.status {
			t.Errorf("GET %s: status %d, want %d", tc.path, r.Status, tc.status)
		}
	}
}

func TestHealthAndMetrics(t *testing.T) {
	s := newTestServer(t)
	if r := s.do(t, "GET", "/healthz", "", nil); r.Status != 200 || r.Body["status"] != "ok" {
		t.Fatalf("healthz: %d %s", r.Status, r.Raw)
	}
	s.post(t, map[string]any{"source": "api:test", "external_id": "1", "text": "Bonjour à tous"})
	r := s.do(t, "GET", "/metrics", "", nil)
	if r.Status != 200 || !bytes.Contains(r.Raw, []byte(`vigie_intake_comments_total{source_kind="api",status="published"} 1`)) ||
		!bytes.Contains(r.Raw, []byte("vigie_storage_write_requests_total 1")) || !bytes.Contains(r.Raw, []byte("vigie_storage_commits_total 1")) {
		t.Fatalf("metrics: %d %.2000s", r.Status, r.Raw)
	}
}

// The 2015 case: the same text from many authors. From the configured Nth
// distinct author on, copies wait in review as repeated posts (to be
// decided together, never refused for being copies); the earlier ones keep
// their status (nothing is rewritten).
func TestRepeatedPostsFromManyAuthors(t *testing.T) {
	s := newTestServer(t)
	text := "Le gouvernement ment sur les chiffres du chômage, partagez ce message partout !"
	want := 3 // rules.repeated.min_authors in the default settings
	var ids []float64
	for i := 1; i <= 10; i++ {
		r := s.post(t, map[string]any{"source": "api:test", "external_id": fmt.Sprint(i), "text": text,
			"author": map[string]any{"id": fmt.Sprintf("author-%d", i)}})
		if r.Status != http.StatusCreated {
			t.Fatalf("post %d: %d %s", i, r.Status, r.Raw)
		}
		ids = append(ids, r.Body["id"].(float64))
		status := r.Body["status"]
		v := r.Body["verdict"].(map[string]any)
		if i < want && status != "published" {
			t.Errorf("copy %d: %v, want published: %s", i, status, r.Raw)
		}
		if i >= want && (status != "pending" || v["category"] != "repeated") {
			t.Errorf("copy %d: %v (%v), want pending as repeated: %s", i, status, v["category"], r.Raw)
		}
	}
	for i, id := range ids[:want-1] {
		g := s.do(t, "GET", fmt.Sprintf("/api/v1/comments/%d", int64(id)), testToken, nil)
		if g.Body["status"] != "published" || len(g.Body["events"].([]any)) != 1 {
			t.Errorf("copy %d was rewritten: %s", i+1, g.Raw)
		}
	}
}

// TestRacingDecisionsOneWins: moderators deciding the same queued comment
// at once (publish and refuse, say) must not both succeed, whatever the
// interleaving: the later one would otherwise turn a review decision into a
// "removal after publication" nobody made.
func TestRacingDecisionsOneWins(t *testing.T) { eachStore(t, testRacingDecisionsOneWins) }

func testRacingDecisionsOneWins(t *testing.T, s *testServer) {
	ctx := context.Background()
	cat := s.Svc.Rules().Categories()[0].ID
	for round := range 20 {
		res, err := s.Svc.Intake(ctx, moderation.NewComment{Source: "api:test", ExternalID: fmt.Sprint(round),
			Text: "Écrivez-moi à jean.dupont@example.fr pour en parler."})
		if err != nil || res.Comment.Status != moderation.StatusPending {
			t.Fatalf("intake: %v, status %s", err, res.Comment.Status)
		}
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := moderation.Decision{CommentID: res.Comment.ID, To: moderation.StatusPublished, Actor: fmt.Sprintf("moderator:%d", i),
					Route: moderation.RouteReview, Automation: moderation.AutomationPartial}
				if i%2 == 1 {
					d.To, d.Category = moderation.StatusRefused, cat
				}
				_, errs[i] = s.Svc.Decide(ctx, d)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, moderation.ErrConflict):
				t.Errorf("round %d: %v, want a conflict", round, err)
			}
		}
		evs, err := s.DB.Events(ctx, res.Comment.ID)
		if err != nil {
			t.Fatal(err)
		}
		if won != 1 || len(evs) != 2 {
			t.Fatalf("round %d: %d decisions succeeded and %d events written, want 1 and 2", round, won, len(evs))
		}
	}
}
