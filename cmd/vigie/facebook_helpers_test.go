package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"vigie/api/facebook"
	"vigie/api/facebook/fakegraph"
)

// The Facebook connector end to end: the real `vigie serve` binary, a fake
// Graph API in the test, deliveries signed as Meta signs them.

const (
	fbSecret = "app-secret-for-tests"
	fbPageA  = "111"
	fbPageB  = "222"
	fbPostA  = "111_555"
	fbPostB  = "222_600"
)

// fbSetup is a test's world: a config pointing facebook.graph_url at a
// fake Graph API that knows both pages, and the environment giving the
// secrets and page tokens.
type fbSetup struct {
	dir, cfg string
	fake     *fakegraph.Server
	env      []string
}

func newFbSetup(t *testing.T) *fbSetup {
	t.Helper()
	fake := fakegraph.New()
	t.Cleanup(fake.Close)
	for _, p := range []fakegraph.Page{{ID: fbPageA, Name: "Ministère", Token: "tok-a"}, {ID: fbPageB, Name: "Agence", Token: "tok-b"}} {
		if err := fake.AddPage(p); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []fakegraph.Post{{ID: fbPostA, PageID: fbPageA}, {ID: fbPostB, PageID: fbPageB}} {
		if err := fake.AddPost(p); err != nil {
			t.Fatal(err)
		}
	}
	s := &fbSetup{dir: t.TempDir(), fake: fake, env: []string{
		"VIGIE_API_TOKEN=" + testAPIToken, "VIGIE_ADMIN_PASSWORD=un mot de passe assez long",
		"VIGIE_FACEBOOK_APP_SECRET=" + fbSecret, "VIGIE_FACEBOOK_VERIFY_TOKEN=verify-me",
		"VIGIE_FACEBOOK_PAGE_TOKENS=" + fbPageA + ":tok-a," + fbPageB + ":tok-b",
	}}
	s.cfg = s.config(t, "config.yaml", "")
	return s
}

// config writes a config file in the setup's folder (all of them share its
// database) with extra keys under facebook:.
func (s *fbSetup) config(t *testing.T, name, facebookKeys string) string {
	t.Helper()
	p := filepath.Join(s.dir, name)
	writeFile(t, p, "server:\n  addr: 127.0.0.1:0\ndatabase:\n  dsn: data/vigie.db\nlog:\n  level: info\n"+
		"facebook:\n  graph_url: "+s.fake.URL()+"\n"+facebookKeys)
	return p
}

// comment puts a comment on the fake page, for Vigie to hide and unhide.
func (s *fbSetup) comment(t *testing.T, id, postID string) {
	t.Helper()
	if err := s.fake.AddComment(fakegraph.Comment{ID: id, PostID: postID, From: fakegraph.Author{ID: "7001", Name: "Ana"}, Message: "..."}); err != nil {
		t.Fatal(err)
	}
}

// fbChange is one change of a delivery, in Meta's shape.
func fbChange(item, verb, commentID, postID, parentID, fromID, message string, created int64) string {
	v := map[string]any{"item": item, "verb": verb, "post_id": postID, "parent_id": parentID,
		"from": map[string]string{"id": fromID, "name": "Person " + fromID}, "created_time": created}
	if commentID != "" {
		v["comment_id"] = commentID
	}
	if message != "" {
		v["message"] = message
	}
	b, _ := json.Marshal(map[string]any{"field": "feed", "value": v})
	return string(b)
}

// fbDelivery wraps changes per page into a delivery.
func fbDelivery(entries map[string][]string) string {
	var es []string
	for _, page := range []string{fbPageA, fbPageB} {
		if cs, ok := entries[page]; ok {
			es = append(es, fmt.Sprintf(`{"id":%q,"time":1717171800,"changes":[%s]}`, page, strings.Join(cs, ",")))
		}
	}
	return `{"object":"page","entry":[` + strings.Join(es, ",") + `]}`
}

// fbDeliver posts a delivery signed with the app secret; it must be stored.
func fbDeliver(t *testing.T, s *server, body string) {
	t.Helper()
	req, _ := http.NewRequest("POST", "http://"+s.addr+"/webhooks/facebook", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(facebook.SignatureHeader, facebook.Sign(fbSecret, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("delivery: status %d, want 200: %s", resp.StatusCode, b)
	}
}

// scrapeMetrics reads the series of /metrics (untyped: name with labels → value).
func scrapeMetrics(t *testing.T, s *server) map[string]float64 {
	t.Helper()
	_, m := scrapeMetricsAt(t, "http://"+s.addr+"/metrics", "")
	return m
}

// scrapeMetricsAt reads a metrics page at url, with a bearer token unless
// token is empty, and gives its status with its series.
func scrapeMetricsAt(t *testing.T, url, token string) (int, map[string]float64) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := map[string]float64{}
	for _, l := range strings.Split(string(b), "\n") {
		if name, v, ok := strings.Cut(l, " "); ok && strings.HasPrefix(name, "vigie_") {
			m[name], _ = strconv.ParseFloat(v, 64)
		}
	}
	return resp.StatusCode, m
}

// fbSettle waits until every stored delivery is applied and every owed
// action done or given up: the outbox's retries back off by up to 1 s, 2 s,
// 4 s, so this polls against a deadline.
func fbSettle(t *testing.T, s *server) map[string]float64 {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		m := scrapeMetrics(t, s)
		if m["vigie_inbox_pending"] == 0 && m["vigie_outbox_pending"] == 0 {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("not settled: inbox %v pending, outbox %v pending\n%s", m["vigie_inbox_pending"], m["vigie_outbox_pending"], s.log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// fbView is a comment as GET /api/v1/comments/{id} shows it.
type fbView struct {
	ID         int64  `json:"id"`
	Source     string `json:"source"`
	ExternalID string `json:"external_id"`
	ThreadID   string `json:"thread_id"`
	ParentID   string `json:"parent_id"`
	Text       string `json:"text"`
	Status     string `json:"status"`
	Events     []struct {
		From, To, Route string
	} `json:"events"`
}

// history is the comment's events in one line: "new→published(rules) published→refused(edit)".
func (v fbView) history() string {
	var hs []string
	for _, e := range v.Events {
		hs = append(hs, fmt.Sprintf("%s→%s(%s)", e.From, e.To, e.Route))
	}
	return strings.Join(hs, " ")
}

// fbComments reads every comment through the API, by "source/external id".
// Ids are dense in a fresh database; a run of misses ends the scan.
func fbComments(t *testing.T, s *server) map[string]fbView {
	t.Helper()
	out := map[string]fbView{}
	for id, misses := 1, 0; misses < 20; id++ {
		code, body := fbDo(t, s, "GET", fmt.Sprintf("/api/v1/comments/%d", id), testAPIToken, "")
		if code == http.StatusNotFound {
			misses++
			continue
		}
		misses = 0
		var v fbView
		if err := json.Unmarshal(body, &v); err != nil || v.ID != int64(id) {
			t.Fatalf("comment %d: %d %s", id, code, body)
		}
		out[v.Source+"/"+v.ExternalID] = v
	}
	return out
}

func fbDo(t *testing.T, s *server, method, path, token, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, "http://"+s.addr+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// fbCalls summarises the fake's calls on one comment: "hide:200 hide:400/80001".
func fbCalls(f *fakegraph.Server, object string) string {
	var cs []string
	for _, c := range f.Calls() {
		if c.Object != object {
			continue
		}
		s := fmt.Sprintf("%s:%d", c.Op, c.Status)
		if c.Code != 0 {
			s += fmt.Sprintf("/%d", c.Code)
		}
		cs = append(cs, s)
	}
	return strings.Join(cs, " ")
}

// fbWantUnhidden waits for the server to settle, then wants the comment
// hidden once and unhidden once on the page, and visible there now.
func fbWantUnhidden(t *testing.T, fx *fbSetup, s *server, object string) {
	t.Helper()
	fbSettle(t, s)
	if calls := fbCalls(fx.fake, object); calls != "hide:200 unhide:200" {
		t.Errorf("%s: calls %q, want a hide then an unhide", object, calls)
	}
	if c, _ := fx.fake.Comment(object); c.Hidden {
		t.Errorf("%s: still hidden on the page", object)
	}
}

func fbStop(t *testing.T, s *server, sig syscall.Signal) {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	err := <-s.done
	if sig == syscall.SIGTERM && err != nil {
		t.Fatalf("SIGTERM: exit %v, want 0\n%s", err, s.log())
	}
}

// fbRun runs one command line in-process with this environment.
func fbRun(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	code := Run(context.Background(), e, args)
	return code, out.String(), errb.String()
}
