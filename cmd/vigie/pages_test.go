package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"vigie/reports"
)

func TestPagesConfigErrorsNameTheKey(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"bad id", "pages:\n- {id: Ministère, sources: [\"api:a\"]}\n", "pages[0].id"},
		{"source on two pages", "pages:\n- {id: a, sources: [\"api:x\"]}\n- {id: b, sources: [\"api:x\"]}\n", `listed by pages "a" and "b"`},
		{"unknown page key", "pages:\n- {id: a, moderator: [alice]}\n", "moderator"},
		{"unknown rules key", "pages:\n- {id: a, rules: {threshold: {refuse: 2}}}\n", "threshold"},
		{"unknown crisis key", "pages:\n- {id: a, crisis: {hide: true}}\n", "hide"},
		{"bad platform", "pages:\n- {id: a, platform: tiktok}\n", "pages[0].platform"},
		{"blank moderator", "pages:\n- {id: a, moderators: [\" \"]}\n", "pages[0].moderators[0]"},
		{"token on an unknown page", "intake:\n  api_tokens:\n  - {digest: sha256:abababababababababababababababababababababababababababababababab, scopes: [intake], sources: [\"page:nope\"]}\n",
			`intake.api_tokens[0].sources[0]: no page "nope"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.yaml), envMap(nil))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error naming %q", err, tc.want)
			}
		})
	}
}

// A Facebook page no entry lists is a page of its own; one an entry lists
// is that entry's; page: in a token's sources is the page's sources.
func TestPagesFromConfig(t *testing.T) {
	cfg, err := ParseConfig([]byte("pages:\n- {id: interieur, name: Intérieur, sources: [\"facebook:111\", \"api:cms\"]}\n"), envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Facebook.Pages = []FacebookPage{{ID: "111", Name: "Ministère"}, {ID: "222", Name: "Préfecture"}}
	pages, err := cfg.pages()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range pages.List() {
		ids = append(ids, p.ID+"="+p.Name)
	}
	if got := strings.Join(ids, ","); got != "interieur=Intérieur,fb-222=Préfecture,default=Default" {
		t.Errorf("pages %s", got)
	}
	if pages.IDOf("facebook:222") != "fb-222" || pages.IDOf("api:cms") != "interieur" {
		t.Error("sources resolve to the wrong pages")
	}
	got, err := cfg.pageSources("k", []string{"page:interieur", "api:other"})
	if err != nil || strings.Join(got, ",") != "facebook:111,api:cms,api:other" {
		t.Errorf("token sources %v (%v)", got, err)
	}
	if _, err := cfg.pageSources("k", []string{"page:default"}); err == nil {
		t.Error("page:default accepted as a token source")
	}
}

// twoPagesConfig: page a with the default rules, page b stricter (refuse at
// 0.4), and the text that tells them apart.
const twoPagesConfig = `server:
  addr: 127.0.0.1:0
database:
  dsn: data/vigie.db
pages:
  - id: a
    name: Page A
    platform: api
    sources: ["api:a"]
  - id: b
    name: "Page <b>B</b>"
    platform: api
    sources: ["api:b"]
    rules: {thresholds: {refuse: 0.4, review: 0.2}}
    crisis: {rules: {thresholds: {review: 0.1}}, hide_pending: true}
`

// The pages end to end: each page's rules at intake, a broken override
// refused on SIGHUP with the running rules kept, the public per-page
// reports (adding up to the all-pages one, unknown page 404 in the
// reader's language), `vigie pages` and `vigie report --page`.
func TestPagesServeReportAndList(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, twoPagesConfig)
	srv := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken)
	client := &http.Client{Timeout: 10 * time.Second}
	post := func(src, id, text string) string {
		t.Helper()
		code, body, err := srv.post(client, fmt.Sprintf(`{"source":%q,"external_id":%q,"text":%q}`, src, id, text))
		if err != nil || code != http.StatusCreated {
			t.Fatalf("post %s: %d %s %v", id, code, body, err)
		}
		var r struct{ Status string }
		_ = json.Unmarshal(body, &r)
		return r.Status
	}
	text := "Écrivez-moi à camille.1@example.org pour la suite"
	if a, b := post("api:a", "1", text), post("api:b", "1", text); a != "pending" || b != "refused" {
		t.Fatalf("same text: page a %s, page b %s; want pending and refused", a, b)
	}
	post("api:elsewhere", "1", "Merci pour ces explications très claires.")

	// A broken override (a pack that does not exist) refuses the reload.
	writeFile(t, cfg, strings.Replace(twoPagesConfig, "rules: {thresholds: {refuse: 0.4, review: 0.2}}", "rules: {packs: [missing.yaml]}", 1))
	hangup(t, srv)
	waitLog(t, srv, "rules reload refused")
	if b := post("api:b", "2", strings.Replace(text, "camille.1", "camille.2", 1)); b != "refused" {
		t.Fatalf("after a refused reload page b's rules changed: %s", b)
	}

	get := func(path, lang string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+srv.addr+path, nil)
		req.Header.Set("Accept-Language", lang)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get("/transparency", "fr")
	if code != 200 || !strings.Contains(body, `href="/transparency/p/b?period=`) || !strings.Contains(body, "Page &lt;b&gt;B&lt;/b&gt;") {
		t.Errorf("/transparency: %d, want the pages listed with their names escaped", code)
	}
	if code, body := get("/transparency/p/b", "en"); code != 200 || !strings.Contains(body, "Page &lt;b&gt;B&lt;/b&gt;") || !strings.Contains(body, `action="/transparency/p/b"`) {
		t.Errorf("/transparency/p/b: %d, want the page's report", code)
	}
	if code, body := get("/transparency/p/nope", "en"); code != 404 || !strings.Contains(body, "There is no page with this name") {
		t.Errorf("unknown page: %d, want 404 in English:\n%s", code, body)
	}
	if code, body := get("/transparency/p/nope", "fr"); code != 404 || !strings.Contains(body, "Aucune page ne porte ce nom") {
		t.Errorf("unknown page: %d, want 404 in French:\n%s", code, body)
	}
	if code, _ := get("/transparency/p/nope.json", "fr"); code != 404 {
		t.Errorf("unknown page JSON: %d, want 404", code)
	}
	received := func(path string) (int64, *reports.PageInfo) {
		t.Helper()
		code, body := get(path, "fr")
		var r reports.Report
		if err := json.Unmarshal([]byte(body), &r); code != 200 || err != nil {
			t.Fatalf("%s: %d %v", path, code, err)
		}
		return r.Headline.Received, r.Page
	}
	all, _ := received("/transparency.json")
	a, pa := received("/transparency/p/a.json")
	b, pb := received("/transparency/p/b.json")
	d, _ := received("/transparency/p/default.json")
	if all != 4 || a != 1 || b != 2 || d != 1 || pa == nil || pa.ID != "a" || pb.Name != "Page <b>B</b>" {
		t.Errorf("received: all %d, a %d (%+v), b %d (%+v), default %d; want 4 = 1 + 2 + 1", all, a, pa, b, pb, d)
	}
	if code, body := get("/transparency/p/b.csv", "fr"); code != 200 || !strings.Contains(body, "meta,,,page_id,b") {
		t.Errorf("/transparency/p/b.csv: %d, want the page's id in meta", code)
	}
	srv.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-srv.done; err != nil {
		t.Fatalf("exit: %v", err)
	}

	writeFile(t, cfg, twoPagesConfig)
	code, out, errOut := run(t, "", "pages", "--config", cfg)
	if code != 0 {
		t.Fatalf("vigie pages: %d %s", code, errOut)
	}
	// id, name, platform, received, published, refused, pending, ...
	rows := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			rows[f[0]] = strings.Join(f, " ")
		}
	}
	for id, want := range map[string]string{
		"a":       "a Page A api 1 0 0 1 api:a",
		"b":       "b Page <b>B</b> api 2 0 2 0 api:b",
		"default": "default Default other 1 1 0 0",
	} {
		if !strings.HasPrefix(rows[id], want) {
			t.Errorf("vigie pages, page %s: %q, want %q...\n%s", id, rows[id], want, out)
		}
	}
	code, out, errOut = run(t, "", "report", "--page", "b", "--format", "csv", "--from", "2000-01-01", "--to", "2100-01-01", "--config", cfg)
	if code != 0 || !strings.Contains(out, "meta,,,page_id,b") || !strings.Contains(out, "cohort,total,,received,2") {
		t.Errorf("vigie report --page b: %d %s\n%s", code, errOut, out)
	}
	if code, _, errOut := run(t, "", "report", "--page", "nope", "--config", cfg); code == 0 || !strings.Contains(errOut, `no page "nope"`) {
		t.Errorf("report --page nope: %d %s", code, errOut)
	}
}
