package public

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
	"vigie/reports"
	"vigie/reports/reportstest"
	"vigie/storage"
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

var testNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func testPolicy() reports.Policy {
	cat := func(id, fr, en, dsa string) reports.Category {
		return reports.Category{ID: id, Label: map[string]string{"fr": fr, "en": en},
			Description: map[string]string{"fr": "Description : " + fr, "en": "Description: " + en}, DSACategory: dsa, Ground: "terms"}
	}
	return reports.Policy{Categories: []reports.Category{
		cat("spam", "Messages répétés", "Repeated posts", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"),
		cat("insult", "Injures", "Insults", "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"),
		cat("hate", "Haine", "Hate", "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"),
		cat("off_topic", "Hors sujet", "Off topic", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"),
	}}
}

// newTestServer serves the public routes over a random history written to a
// real SQLite file through storage, as the server reads it. It returns the
// generated history, whose counts the tests expect.
func newTestServer(t testing.TB, comments int) (*gin.Engine, *reportstest.Source) {
	gin.SetMode(gin.ReleaseMode)
	src := reportstest.History(42, comments, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), 80*24*time.Hour)
	leavePending(src)
	db, err := storage.Open(context.Background(), storage.Config{
		Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "vigie.db"), BatchWait: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := reportstest.Persist(context.Background(), db, src.Events); err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	Register(r, Deps{
		Index: reports.NewIndex(reports.Options{}), Source: db,
		Policy: func() reports.Policy { return testPolicy() }, Clock: fixedClock{testNow},
		Settings: Settings{AuditRate: 0.02},
	})
	return r, src
}

// leavePending drops the later events of every other comment the rules
// sent to review, so some still wait for a moderator: the generator always
// decides them, and the pending card would otherwise only ever show 0.
func leavePending(src *reportstest.Source) {
	waiting := map[int64]bool{}
	n := 0
	var kept []moderation.Event
	for _, e := range src.Events {
		if e.From == 0 && e.To == moderation.StatusPending {
			n++
			waiting[e.CommentID] = n%2 == 0
		}
		if e.From != 0 && waiting[e.CommentID] {
			continue
		}
		kept = append(kept, e)
	}
	src.Events = kept
}

func get(t testing.TB, h http.Handler, url string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestPageLanguagesAndContent(t *testing.T) {
	h, _ := newTestServer(t, 400)
	cases := []struct {
		url, accept, want string
	}{
		{"/transparency?period=2026-10", "", "Rapport de transparence"},
		{"/transparency?period=2026-10&lang=en", "", "Moderation transparency report"},
		{"/transparency?period=2026-Q4", "en-GB,en;q=0.9", "Moderation transparency report"},
		{"/transparency?from=2026-09-01&to=2026-12-01", "de-DE", "Rapport de transparence"},
	}
	for _, c := range cases {
		w := get(t, h, c.url, "Accept-Language", c.accept)
		body := w.Body.String()
		if w.Code != 200 || !strings.Contains(body, c.want) {
			t.Fatalf("%s: status %d, want %q in page", c.url, w.Code, c.want)
		}
		for _, must := range []string{`<svg id="chart"`, `id="headline"`, `id="head-hash"`, "transparency.csv?", "<table"} {
			if !strings.Contains(body, must) {
				t.Errorf("%s: page lacks %s", c.url, must)
			}
		}
		if strings.Contains(strings.ToLower(body), "<script") {
			t.Errorf("%s: page has a script", c.url)
		}
		// reportstest.Persist gives every stored comment a text and author.
		for _, private := range []string{"Texte privé", "Auteur Secret", "author-", "gen-"} {
			if strings.Contains(body, private) {
				t.Errorf("%s: personal data %q in the page", c.url, private)
			}
		}
	}
	req := httptest.NewRequest("HEAD", "/transparency.csv", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
		t.Errorf("HEAD /transparency.csv: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
}

func TestBadPeriods(t *testing.T) {
	h, _ := newTestServer(t, 50)
	for _, c := range []struct{ url, field string }{
		{"/api/v1/report?from=2026-13-01&to=2026-12-01", "from"},
		{"/api/v1/report?from=2026-11-01&to=nope", "to"},
		{"/api/v1/report?from=2026-11-01", "to"},
		{"/api/v1/report?from=2026-11-05&to=2026-11-01", "to"},
		{"/transparency.json?period=2026-Q7", "period"},
	} {
		w := get(t, h, c.url)
		var body struct {
			Error struct{ Code, Message, Field string }
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != 400 ||
			body.Error.Code != "invalid" || body.Error.Field != c.field || body.Error.Message == "" {
			t.Errorf("%s: got %d %s; want 400 invalid on %s", c.url, w.Code, w.Body, c.field)
		}
	}
	if w := get(t, h, "/transparency?period=garbage"); w.Code != 400 || !strings.Contains(w.Body.String(), `role="alert"`) {
		t.Errorf("page with a bad period: %d", w.Code)
	}
}

func TestJSONAndCSVAgree(t *testing.T) {
	h, src := newTestServer(t, 300)
	w := get(t, h, "/api/v1/report?from=2026-09-01&to=2026-12-01")
	var rep reports.Report
	if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Schema != reports.Schema || rep.Cohort.Totals.Received != 300 || rep.Chain.LastSeq != int64(len(src.Events)) {
		t.Fatalf("report: schema %q received %d seq %d", rep.Schema, rep.Cohort.Totals.Received, rep.Chain.LastSeq)
	}
	c := get(t, h, "/transparency.csv?from=2026-09-01&to=2026-12-01")
	b, _ := io.ReadAll(c.Body)
	if c.Header().Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(string(b), "cohort,total,,received,300\r\n") {
		t.Fatalf("csv: %s\n%.300s", c.Header(), b)
	}
}

// TestAcceptLanguageWeights: the page follows the reader's preferences by
// weight, not by position, and never picks a language marked q=0.
func TestAcceptLanguageWeights(t *testing.T) {
	h, _ := newTestServer(t, 10)
	for _, c := range []struct{ accept, want string }{
		{"fr;q=0.1, en;q=0.9", "en"},
		{"en;q=0, fr", "fr"},
		{"en;q=0", "fr"},
		{"de, EN-gb;q=0.5", "en"},
		{"en-US,en;q=0.9,fr;q=0.8", "en"},
		{"*", "fr"},
		{"xx,,;q=abc, ;;, en;q=1.0000001", "fr"},
		{"en;q=abc, fr;q=0.2", "fr"},
		{strings.Repeat("de,", 2000) + "en", "en"},
	} {
		w := get(t, h, "/transparency?period=2026-10", "Accept-Language", c.accept)
		if got := w.Header().Get("Content-Language"); w.Code != 200 || got != c.want {
			t.Errorf("Accept-Language %.40q: status %d, language %q, want %q", c.accept, w.Code, got, c.want)
		}
	}
}

// TestPublicResponseHeaders: every public answer says what it is and how
// long it may be cached; the page keeps the strict framing and base policy.
func TestPublicResponseHeaders(t *testing.T) {
	h, _ := newTestServer(t, 10)
	for _, c := range []struct{ url, ctype string }{
		{"/", "text/html; charset=utf-8"},
		{"/transparency?period=2026-10", "text/html; charset=utf-8"},
		{"/transparency.json?period=2026-10", "application/json; charset=utf-8"},
		{"/api/v1/report?period=2026-10", "application/json; charset=utf-8"},
		{"/transparency.csv?period=2026-10", "text/csv; charset=utf-8"},
	} {
		w := get(t, h, c.url)
		if w.Code != 200 || w.Header().Get("Content-Type") != c.ctype {
			t.Errorf("%s: %d %q, want 200 %q", c.url, w.Code, w.Header().Get("Content-Type"), c.ctype)
		}
		if cc := w.Header().Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
			t.Errorf("%s: Cache-Control %q, want a max-age", c.url, cc)
		}
	}
	csp := get(t, h, "/transparency").Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("page CSP %q lacks %s", csp, want)
		}
	}
	if cd := get(t, h, "/transparency.csv?from=2026-10-01&to=2026-10-15").Header().Get("Content-Disposition"); cd != `attachment; filename="vigie-transparency-2026-10-01_2026-10-15.csv"` {
		t.Errorf("CSV Content-Disposition %q", cd)
	}
	// An error is not cached as if it were the figures.
	if w := get(t, h, "/transparency?period=garbage"); w.Code != 400 || strings.Contains(w.Header().Get("Cache-Control"), "public") {
		t.Errorf("bad period: %d, Cache-Control %q", w.Code, w.Header().Get("Cache-Control"))
	}
}
