package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"vigie/moderation"
	"vigie/reports"
	"vigie/storage"
)

// Test clients of the moderator UI and its API: a browser that signs in
// through the real login form and keeps its cookies, and scripts that use
// personal tokens.

// storageSQLite is a SQLite file of the test's own.
func storageSQLite(t testing.TB) storage.Config {
	return storage.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "vigie.db")}
}

// fakeSOR stands for the statements-of-reasons export: these tests are
// about who may call it, not what it writes.
func fakeSOR(_ context.Context, w io.Writer, _, _ string, _ reports.Period) error {
	_, err := io.WriteString(w, "{}\n")
	return err
}

// passwordOf is the password addUser gives an account.
func passwordOf(name string) string { return name + "-secret-pw" }

// addUser creates an account directly in the domain (setting up, not the
// thing under test).
func (s *testServer) addUser(t testing.TB, name string, role moderation.Role) {
	t.Helper()
	if _, err := s.Accounts.AddUser(context.Background(), name, role, passwordOf(name)); err != nil {
		t.Fatal(err)
	}
}

// personalToken issues a personal API token, as `vigie user token` does.
func (s *testServer) personalToken(t testing.TB, name string) string {
	t.Helper()
	tok, err := s.Accounts.IssueToken(context.Background(), name, "test script")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// page is an answer as a browser sees it, redirects not followed.
type page struct {
	Status int
	Header http.Header
	Body   string
}

// Location is where a redirect points.
func (p page) Location() string { return p.Header.Get("Location") }

// browser is a cookie jar and the CSRF token of its session.
type browser struct {
	t    testing.TB
	s    *testServer
	http *http.Client
	csrf string
}

func (s *testServer) newBrowser(t testing.TB) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, s: s, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// loginAs creates an account with role and signs it in.
func (s *testServer) loginAs(t testing.TB, name string, role moderation.Role) *browser {
	t.Helper()
	s.addUser(t, name, role)
	return s.login(t, name, passwordOf(name))
}

// login signs in through the form and fails the test unless it worked.
func (s *testServer) login(t testing.TB, name, password string) *browser {
	t.Helper()
	b := s.newBrowser(t)
	if p := b.submitLogin(name, password, ""); p.Status != http.StatusSeeOther || p.Location() != "/moderation/" {
		t.Fatalf("login %s: status %d to %q, want 303 to /moderation/: %.300s", name, p.Status, p.Location(), p.Body)
	}
	b.readCSRF()
	return b
}

var (
	hiddenCSRF = regexp.MustCompile(`name="csrf" value="([^"]*)"`)
	metaCSRF   = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)">`)
)

// submitLogin does what a person does: open the form (which sets the
// vigie_login cookie), fill it in, send it.
func (b *browser) submitLogin(name, password, next string) page {
	b.t.Helper()
	form := b.get("/moderation/login?next=" + url.QueryEscape(next))
	m := hiddenCSRF.FindStringSubmatch(form.Body)
	if form.Status != http.StatusOK || m == nil {
		b.t.Fatalf("login form: status %d, csrf field %v: %.300s", form.Status, m, form.Body)
	}
	v := url.Values{"name": {name}, "password": {password}, "csrf": {html.UnescapeString(m[1])}}
	if next != "" {
		v.Set("next", next)
	}
	return b.postForm("/moderation/login", v)
}

// readCSRF takes the session's token from a page's meta tag, as the
// UI's script does.
func (b *browser) readCSRF() {
	b.t.Helper()
	p := b.get("/moderation/")
	m := metaCSRF.FindStringSubmatch(p.Body)
	if p.Status != http.StatusOK || m == nil || m[1] == "" {
		b.t.Fatalf("queue page: status %d, no CSRF token: %.300s", p.Status, p.Body)
	}
	b.csrf = html.UnescapeString(m[1])
}

func (b *browser) send(req *http.Request) page {
	b.t.Helper()
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return page{Status: resp.StatusCode, Header: resp.Header, Body: string(body)}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.s.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.send(req)
}

// postForm posts a form as it is, CSRF token or not.
func (b *browser) postForm(path string, v url.Values) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.s.URL+path, strings.NewReader(v.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

// submit posts a form of a page: with the session's CSRF token.
func (b *browser) submit(path string, v url.Values) page {
	b.t.Helper()
	w := url.Values{"csrf": {b.csrf}}
	for k, vs := range v {
		w[k] = vs
	}
	return b.postForm(path, w)
}

// api calls the JSON API with the session cookie and, when csrf is not
// empty, that token in X-CSRF-Token (as the UI's script does).
func (b *browser) api(method, path string, body any, csrf string) response {
	b.t.Helper()
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			b.t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, b.s.URL+path, bytes.NewReader(raw))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	p := b.send(req)
	r := response{Status: p.Status, Raw: []byte(p.Body)}
	if strings.HasPrefix(p.Body, "{") {
		if err := json.Unmarshal(r.Raw, &r.Body); err != nil {
			b.t.Fatalf("answer is not JSON: %v: %s", err, p.Body)
		}
	}
	return r
}

// cookie is the value of the browser's cookie name for the server.
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.s.URL + "/")
	for _, c := range b.http.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// call sends JSON to the API with a Bearer token and decodes the answer.
func (s *testServer) call(t testing.TB, method, path, token string, body any) response {
	t.Helper()
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	}
	return s.do(t, method, path, token, raw)
}

// intake posts one comment with the intake token and returns its id and
// status.
func (s *testServer) intake(t testing.TB, ext, text, author string) (int64, string) {
	t.Helper()
	r := s.call(t, "POST", "/api/v1/comments", testToken, map[string]any{"source": "api:test", "external_id": ext,
		"text": text, "author": map[string]any{"id": author, "name": author}})
	if r.Status != http.StatusCreated {
		t.Fatalf("intake %s: status %d: %s", ext, r.Status, r.Raw)
	}
	return int64(r.Body["id"].(float64)), r.Body["status"].(string)
}

// Texts the default rules decide one way each, distinct so that the
// repeated-post rule never fires between them.
func pendingText(i int) string {
	return fmt.Sprintf("Écrivez-moi à camille.%d@example.org pour la suite", i)
}
func refusedText(i int) string {
	return fmt.Sprintf("Vous n'êtes qu'un connard, monsieur le ministre n°%d.", i)
}
func publishedText(i int) string {
	return fmt.Sprintf("Merci pour ces explications très claires sur le point %d.", i)
}

// intakeAs posts a comment and fails unless the rules gave it status.
func (s *testServer) intakeAs(t testing.TB, ext, text, status string) int64 {
	t.Helper()
	id, got := s.intake(t, ext, text, "author-"+ext)
	if got != status {
		t.Fatalf("intake %q: status %s, want %s", text, got, status)
	}
	return id
}

func (s *testServer) comment(t testing.TB, id int64) moderation.Comment {
	t.Helper()
	c, err := s.DB.Comment(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (s *testServer) events(t testing.TB, id int64) []moderation.Event {
	t.Helper()
	evs, err := s.DB.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// report computes this month's transparency figures from the store's
// event log, as the public page does.
func (s *testServer) report(t testing.TB) *reports.Report {
	t.Helper()
	ix := reports.NewIndex(reports.Options{})
	if err := ix.Sync(context.Background(), s.DB); err != nil {
		t.Fatal(err)
	}
	now := s.Clock.Now()
	r, err := ix.Report(reports.MonthOf(now, nil), reports.ReportOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// wantError checks the one JSON error shape.
func wantError(t testing.TB, r response, status int, code string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %.300s", r.Status, status, r.Raw)
	}
	e, _ := r.Body["error"].(map[string]any)
	if e == nil || e["code"] != code || e["message"] == "" || e["request_id"] == "" {
		t.Fatalf("error %v, want code %q with a message and a request id: %.300s", e, code, r.Raw)
	}
}
