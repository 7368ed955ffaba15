package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The harness of the moderator UI's browser tests (ui_browser_test.go):
// a real `vigie serve` process with its first-run admin, intake through
// the API, and one Chromium tab that records every JavaScript dialog and
// uncaught exception.

const uiPassword = "correct-horse-battery-staple"

// uiEnv is one server and one browser tab logged in as its admin.
type uiEnv struct {
	t    *testing.T
	srv  *server
	base string
	ctx  context.Context
	dir  string // screenshots

	mu      sync.Mutex
	dialogs []string // JavaScript dialogs that opened
	thrown  []string // uncaught JavaScript exceptions
}

// uiStart starts a server with configExtra appended to its config, and a
// tab of the browser in a browser context of its own.
func uiStart(t *testing.T, browser context.Context, configExtra string) *uiEnv {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, "server:\n  addr: 127.0.0.1:0\ndatabase:\n  dsn: data/vigie.db\nlog:\n  level: info\n"+configExtra)
	e := &uiEnv{t: t, srv: startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken, "VIGIE_ADMIN_PASSWORD="+uiPassword)}
	e.base = "http://" + e.srv.addr
	if e.dir = os.Getenv("VIGIE_ARTIFACTS"); e.dir == "" {
		e.dir = t.TempDir()
	}
	if err := os.MkdirAll(e.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancelTab := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	ctx, cancelTime := context.WithTimeout(ctx, time.Minute)
	t.Cleanup(func() { cancelTime(); cancelTab() })
	e.ctx = ctx
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			e.mu.Lock()
			e.dialogs = append(e.dialogs, string(ev.Type)+": "+ev.Message)
			e.mu.Unlock()
			// A dialog blocks the page: close it from outside the event loop.
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{})
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := fmt.Sprintf("%s at %s:%d", d.Text, d.URL, d.LineNumber+1)
			if d.Exception != nil {
				msg += ": " + d.Exception.Description
			}
			e.mu.Lock()
			e.thrown = append(e.thrown, msg)
			e.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		if len(e.thrown) > 0 {
			t.Errorf("the UI's script threw: %q", e.thrown)
		}
	})
	return e
}

// do runs browser steps; a failure names the page it happened on.
func (e *uiEnv) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	if err := chromedp.Do(e.ctx, steps...); err != nil {
		loc, _ := chromedp.Run(e.ctx, chromedp.Evaluate[string](`location.href`))
		e.t.Fatalf("%s (at %s): %v\n%s", what, loc, err, e.srv.log())
	}
}

// uiEval evaluates a script in the tab.
func uiEval[T any](e *uiEnv, js string) T {
	e.t.Helper()
	v, err := chromedp.Run(e.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		e.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// until waits for a script to become true. The script runs through the
// DevTools protocol, not in the page, so the UI's CSP does not block it.
func (e *uiEnv) until(what, js string) {
	e.t.Helper()
	for end := time.Now().Add(10 * time.Second); ; {
		if ok, err := chromedp.Run(e.ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
		if time.Now().After(end) {
			loc, _ := chromedp.Run(e.ctx, chromedp.Evaluate[string](`location.href`))
			e.t.Fatalf("%s: still not true after 10 s at %s: %s", what, loc, js)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// shot writes a full-page PNG to the artefacts folder.
func (e *uiEnv) shot(name string) {
	e.t.Helper()
	png, err := chromedp.Run(e.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		e.t.Fatal(err)
	}
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		e.t.Fatal(err)
	}
	e.t.Logf("screenshot: %s", p)
}

// viewport sets the tab's size; narrow means a phone's layout viewport.
func (e *uiEnv) viewport(w, h int64) {
	e.t.Helper()
	e.do("viewport", chromedp.EmulateViewport(w, h, chromedp.EmulateScale(1)))
}

// scheme emulates the system's light or dark preference.
func (e *uiEnv) scheme(v string) {
	e.t.Helper()
	_, err := chromedp.Call(e.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}}})
	if err != nil {
		e.t.Fatal(err)
	}
}

// noSideScroll checks that the page fits the viewport's width.
func (e *uiEnv) noSideScroll(page string) {
	e.t.Helper()
	if sw, iw := uiEval[int](e, `document.documentElement.scrollWidth`), uiEval[int](e, `window.innerWidth`); sw > iw {
		wide := uiEval[[]string](e, `Array.from(document.querySelectorAll("body *")).filter(el => el.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(el => el.tagName + "." + el.className)`)
		e.t.Errorf("%s scrolls sideways at %d px: scrollWidth %d; too wide: %v", page, iw, sw, wide)
	}
}

func (e *uiEnv) login(lang string) {
	e.t.Helper()
	e.do("log in",
		chromedp.Navigate(e.base+"/moderation/login?lang="+lang),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "admin"),
		chromedp.SendKeys(chromedp.ID("password"), uiPassword),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.CSS("header nav")))
	if path := uiEval[string](e, `location.pathname`); path != "/moderation/" {
		e.t.Fatalf("after logging in the browser is at %s, want the queue", path)
	}
}

type uiMatch struct {
	Rule       string `json:"rule"`
	Start, End int
	Shadow     bool `json:"shadow"`
}

type uiEvent struct {
	Actor, From, To, Route string
}

type uiComment struct {
	ID      int64  `json:"id"`
	Text    string `json:"text"`
	Status  string `json:"status"`
	Verdict struct {
		Matches []uiMatch `json:"matches"`
	} `json:"verdict"`
	Events []uiEvent `json:"events"`
}

// seed posts a comment through intake and checks the status it got; a
// parent is the external id of the comment it answers.
func (e *uiEnv) seed(ext, text, authorID, authorName, want string, parent ...string) uiComment {
	e.t.Helper()
	in := map[string]any{"source": "api:ui", "external_id": ext, "text": text, "thread_id": "post-1",
		"author": map[string]string{"id": authorID, "name": authorName}}
	if len(parent) > 0 {
		in["parent_id"] = parent[0]
	}
	body, _ := json.Marshal(in)
	code, out, err := e.srv.post(http.DefaultClient, string(body))
	if err != nil || code != http.StatusCreated {
		e.t.Fatalf("intake %s: %d %s %v", ext, code, out, err)
	}
	var c uiComment
	if err := json.Unmarshal(out, &c); err != nil {
		e.t.Fatal(err)
	}
	if c.Status != want {
		e.t.Fatalf("intake %q: status %s, want %s (pick another text): %s", text, c.Status, want, out)
	}
	c.Text = text
	return c
}

// api calls the JSON API with the intake token.
func (e *uiEnv) api(method, path, body string, wantCode int) []byte {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testAPIToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantCode {
		e.t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, out, wantCode)
	}
	return out
}

func (e *uiEnv) comment(id int64) uiComment {
	e.t.Helper()
	var c uiComment
	if err := json.Unmarshal(e.api("GET", fmt.Sprintf("/api/v1/comments/%d", id), "", http.StatusOK), &c); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// lastEvent waits for the comment's last event to have the route (the
// decision is acknowledged to the page before the test reads the API, but
// a form's redirect is not).
func (e *uiEnv) lastEvent(id int64, route string) uiEvent {
	e.t.Helper()
	var c uiComment
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if c = e.comment(id); len(c.Events) > 0 && c.Events[len(c.Events)-1].Route == route {
			return c.Events[len(c.Events)-1]
		}
	}
	e.t.Fatalf("comment %d: no last event of route %s in %+v", id, route, c.Events)
	return uiEvent{}
}

// uiMarked is what the page must mark in a text: the verdict's byte spans
// that are not in shadow mode, overlapping ones merged.
func uiMarked(text string, ms []uiMatch) []string {
	var spans [][2]int
	for _, m := range ms {
		if !m.Shadow {
			spans = append(spans, [2]int{m.Start, m.End})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	var out []string
	for i := 0; i < len(spans); {
		s, end := spans[i][0], spans[i][1]
		for i++; i < len(spans) && spans[i][0] <= end; i++ {
			end = max(end, spans[i][1])
		}
		out = append(out, text[s:end])
	}
	return out
}

func uiJS(v any) string { b, _ := json.Marshal(v); return string(b) }
