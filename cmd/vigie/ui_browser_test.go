package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"vigie/moderation/i18n"
	"vigie/reports"
)

// The moderator UI in headless Chromium against the real server process:
// what a moderator does all day, with the keyboard and with the mouse, with
// and without JavaScript, and the hostile text they read while doing it.

// TestBrowserUI runs the scenarios in one headless Chromium (skipped
// locally when it is missing, failed in CI), each with its own server and
// its own browser context (cookies are per host, not per port).
func TestBrowserUI(t *testing.T) {
	bin := ""
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(n); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed (apt-get install -y chromium)")
		}
		t.Skip("chromium is not installed; apt-get install -y chromium to run this test")
	}
	vigieBinary(t) // built once, before any clock runs
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	browser, cancel := chromedp.NewContext(actx)
	defer cancel()
	browser, cancel = context.WithTimeout(browser, 3*time.Minute)
	defer cancel()
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	t.Run("QueueKeyboardAppealAndReport", func(t *testing.T) { uiQueueKeyboardAppealAndReport(t, browser) })
	t.Run("HostileTextShownAsText", func(t *testing.T) { uiHostileTextShownAsText(t, browser) })
	t.Run("WithoutJavaScript", func(t *testing.T) { uiWithoutJavaScript(t, browser) })
	t.Run("CrisisSwitchBannerAndReport", func(t *testing.T) { uiCrisisSwitchBannerAndReport(t, browser) }) // crisis_browser_test.go
}

// Acceptance 1: log in; the queue shows borderline comments with their
// matches marked; keyboard decisions move the selection and land in the
// comment's history; u takes one back; an appeal reinstated with the mouse
// is counted as wrongly removed on the public page and in the JSON report.
func uiQueueKeyboardAppealAndReport(t *testing.T, browser context.Context) {
	e := uiStart(t, browser, "")
	pending := map[int64]uiComment{}
	for _, c := range []uiComment{
		e.seed("q1", "Il m'a traité de connard et je vous emmerde", "u1", "Claire Dubois", "pending"),
		e.seed("q2", "Abrutis, je vous emmerde", "u2", "محمد الأمين", "pending"),
		e.seed("q3", "Des idiots, ces élus. Je vous emmerde tous.", "u3", "Jean-Édouard Martin", "pending"),
	} {
		pending[c.ID] = c
	}
	e.seed("p1", "Merci pour ces explications très claires.", "u4", "Anne", "published")
	refused := e.seed("r1", "Espèce de connard", "u5", "Bruno", "refused")

	e.do("login page", chromedp.Navigate(e.base+"/moderation/login?lang=fr"), chromedp.WaitVisible(chromedp.ID("name")))
	e.shot("ui-login.png")
	e.login("fr")
	e.do("queue", chromedp.WaitVisible(chromedp.CSS("#queue li.item.selected")))
	ids := uiEval[[]int64](e, `Array.from(document.querySelectorAll("#queue li.item")).map(li => +li.dataset.id)`)
	if len(ids) != len(pending) {
		t.Fatalf("queue shows %v, want the %d pending comments", ids, len(pending))
	}
	for _, id := range ids {
		c := pending[id]
		marks := uiEval[[]string](e, fmt.Sprintf(`Array.from(document.querySelectorAll('#queue li[data-id="%d"] .text mark')).map(m => m.textContent)`, id))
		if want := uiMarked(c.Text, c.Verdict.Matches); uiJS(marks) != uiJS(want) {
			t.Errorf("comment %d %q: marked %q, want the verdict's spans %q", id, c.Text, marks, want)
		}
	}
	e.shot("ui-queue.png")
	e.scheme("dark")
	e.shot("ui-queue-dark.png")
	e.scheme("light")
	e.do("help", chromedp.KeyEvent("?"))
	e.until("help open", `document.getElementById("help").open`)
	e.do("help", chromedp.KeyEvent("?"))
	e.until("help closed", `!document.getElementById("help").open`)

	// Keyboard: r refuses the selected comment, the selection moves on.
	first, second := ids[0], ids[1]
	selected := `document.querySelector("#queue li.selected")?.dataset.id === "%d"`
	if !uiEval[bool](e, fmt.Sprintf(selected, first)) {
		t.Fatalf("the first comment of the queue is not selected")
	}
	e.do("press r", chromedp.KeyEvent("r"))
	e.until("selection after r", fmt.Sprintf(selected, second))
	if ev := e.lastEvent(first, "review"); ev.To != "refused" || ev.Actor != "moderator:admin" {
		t.Errorf("after r: last event %+v, want a refusal by moderator:admin", ev)
	}
	// u takes it back within the window: a real event, route undo.
	e.do("press u", chromedp.KeyEvent("u"))
	if ev := e.lastEvent(first, "undo"); ev.To != "pending" || ev.Actor != "moderator:admin" {
		t.Errorf("after u: last event %+v, want back to pending by moderator:admin", ev)
	}
	e.until("selection back on the undone comment", fmt.Sprintf(selected, first))
	e.do("press p", chromedp.KeyEvent("p"))
	e.until("selection after p", fmt.Sprintf(selected, second))
	if ev := e.lastEvent(first, "review"); ev.To != "published" {
		t.Errorf("after p: last event %+v, want a publication", ev)
	}

	// The review page shows the same history.
	e.do("review page", chromedp.Navigate(fmt.Sprintf("%s/moderation/comments/%d", e.base, first)),
		chromedp.WaitVisible(chromedp.ID("events")))
	rows := uiEval[[]string](e, `Array.from(document.querySelectorAll("#events tbody tr")).map(tr => tr.innerText)`)
	var reviews, undos int
	for _, r := range rows {
		if strings.Contains(r, "moderator:admin") && strings.Contains(r, i18n.T("fr", "route_review")) {
			reviews++
		}
		if strings.Contains(r, "moderator:admin") && strings.Contains(r, i18n.T("fr", "route_undo")) {
			undos++
		}
	}
	if reviews != 2 || undos != 1 {
		t.Errorf("review page history: %d review and %d undo rows by moderator:admin, want 2 and 1:\n%s", reviews, undos, strings.Join(rows, "\n"))
	}

	// The review page of a pending comment, the one moderators read most.
	e.do("pending review page", chromedp.Navigate(fmt.Sprintf("%s/moderation/comments/%d", e.base, second)),
		chromedp.WaitVisible(chromedp.ID("decide-form")))
	marks := uiEval[[]string](e, `Array.from(document.querySelectorAll("#comment .text mark")).map(m => m.textContent)`)
	if want := uiMarked(pending[second].Text, pending[second].Verdict.Matches); uiJS(marks) != uiJS(want) {
		t.Errorf("review page marks %q, want %q", marks, want)
	}
	e.shot("ui-review.png")

	// There the keys submit the page's form, which opens the next comment;
	// u then takes back the decision just made.
	e.do("press p on the review page", chromedp.KeyEvent("p"))
	// (the keys work once the new page's script has run: it marks <html>)
	e.until("the next comment opened", fmt.Sprintf(`new URLSearchParams(location.search).get("undo") === "%d" && document.readyState === "complete" && document.documentElement.classList.contains("js")`, second))
	if ev := e.lastEvent(second, "review"); ev.To != "published" || ev.Actor != "moderator:admin" {
		t.Errorf("after p on the review page: last event %+v, want a publication by moderator:admin", ev)
	}
	e.do("press u after the redirect", chromedp.KeyEvent("u"))
	e.lastEvent(second, "undo")
	e.until("back on the undone comment", fmt.Sprintf(`location.pathname === "/moderation/comments/%d" && !!document.getElementById("decide-form")`, second))

	e.viewport(390, 844)
	e.noSideScroll("review page")
	e.shot("ui-review-390.png")
	e.do("queue at 390 px", chromedp.Navigate(e.base+"/moderation/"), chromedp.WaitVisible(chromedp.ID("queue")))
	e.noSideScroll("queue")
	e.shot("ui-queue-390.png")
	e.viewport(1280, 900)

	// An appeal by the author (through the intake token), reinstated with the mouse.
	var opened struct{ Appeal struct{ ID int64 } }
	out := e.api("POST", fmt.Sprintf("/api/v1/comments/%d/appeal", refused.ID), `{"statement":"Je citais quelqu'un."}`, http.StatusCreated)
	if err := json.Unmarshal(out, &opened); err != nil || opened.Appeal.ID == 0 {
		t.Fatalf("appeal: %s %v", out, err)
	}
	button := fmt.Sprintf(`form[action="/moderation/appeals/%d/decision"] button[value="reinstate"]`, opened.Appeal.ID)
	e.do("reinstate on appeal", chromedp.Navigate(e.base+"/moderation/appeals"),
		chromedp.WaitVisible(chromedp.CSS(button)), chromedp.Click(chromedp.CSS(button)))
	e.until("back on the appeals page", `new URLSearchParams(location.search).get("msg") === "appeal_decided"`)
	if ev := e.lastEvent(refused.ID, "appeal"); ev.From != "refused" || ev.To != "published" {
		t.Errorf("after reinstating: last event %+v, want refused → published", ev)
	}

	var rep reports.Report
	if err := json.Unmarshal(e.api("GET", "/api/v1/report", "", http.StatusOK), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Headline.WronglyRemoved != 1 {
		t.Errorf("GET /api/v1/report: wrongly_removed %d, want 1", rep.Headline.WronglyRemoved)
	}
	for _, lang := range []string{"fr", "en"} {
		e.do("public page", chromedp.Navigate(e.base+"/transparency?lang="+lang), chromedp.WaitVisible(chromedp.ID("headline")))
		label := i18n.T(lang, "pub_wrongly_removed")
		n := uiEval[string](e, fmt.Sprintf(`(Array.from(document.querySelectorAll("#headline li")).find(li => li.textContent.includes(%s))?.querySelector(".num")?.textContent || "").replace(/\D/g, "")`, uiJS(label)))
		if n != "1" {
			t.Errorf("/transparency?lang=%s: the %q figure reads %q, want 1", lang, label, n)
		}
	}
	e.viewport(390, 844)
	e.noSideScroll("public page")
	e.shot("ui-public-390.png")
}

// Acceptance 3: a hostile text and an author name with U+202E are shown
// as text on every page where they appear, and no dialog opens. The UI's
// Content-Security-Policy is bypassed here, so that the escaping alone is
// tested: an injected script would run and open its dialog.
func uiHostileTextShownAsText(t *testing.T, browser context.Context) {
	e := uiStart(t, browser, "reports:\n  audit_rate: 1\n") // every automated decision is audited
	const payload = `<script>alert(1)</script><img src=x onerror=alert(2)>`
	const name = "Mallory\u202Egnp.exe"
	published := e.seed("x1", payload, "m1", name, "published")
	pending := e.seed("x2", payload+" Il m'a traité de connard et je vous emmerde", "m2", name, "pending", "x1")
	e.seed("x3", pending.Text, "m3", name, "pending") // a second copy: the group page
	refused := e.seed("x4", payload+" Espèce de connard", "m4", name, "refused")
	e.api("POST", fmt.Sprintf("/api/v1/comments/%d/appeal", refused.ID), uiJS(map[string]string{"statement": payload}), http.StatusCreated)

	if _, err := chromedp.Call(e.ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	e.login("en")
	check := func(where string, showsAuthor bool) {
		t.Helper()
		if !uiEval[bool](e, `document.body.innerText.includes("<script>alert(1)</script><img src=x onerror=alert(2)>")`) {
			t.Errorf("%s: the hostile text is not shown as text", where)
		}
		if made := uiEval[[]string](e, `Array.from(document.querySelectorAll("img, [onerror], script:not([src$='/moderation/static/ui.js'])")).map(el => el.outerHTML)`); len(made) > 0 {
			t.Errorf("%s: elements made from comment text: %q", where, made)
		}
		// Every text node with the name sits in a <bdi>, so its U+202E cannot
		// turn the rest of the line around.
		names := uiEval[[]bool](e, `(() => {
			const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), out = [];
			while (w.nextNode()) if (w.currentNode.data.includes("Mallory")) out.push(!!w.currentNode.parentElement.closest("bdi"));
			return out; })()`)
		if showsAuthor && len(names) == 0 {
			t.Errorf("%s: the author's name is not shown", where)
		}
		for _, inBdi := range names {
			if !inBdi {
				t.Errorf("%s: the author's name is shown outside a <bdi>", where)
			}
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		if len(e.dialogs) > 0 {
			t.Fatalf("%s: JavaScript dialogs opened: %q", where, e.dialogs)
		}
	}
	check("queue", true)
	group := uiEval[string](e, `document.querySelector(".groups a")?.getAttribute("href") || ""`)
	// While its blind audit is open, a comment's page would show the
	// automated decision: it sends the moderator to the audit instead.
	e.do("comment in a blind audit", chromedp.Navigate(fmt.Sprintf("%s/moderation/comments/%d", e.base, published.ID)),
		chromedp.WaitVisible(chromedp.CSS(`form.decide button[value="publish"]`)))
	if uiEval[bool](e, `document.querySelector("#comment") !== null`) {
		t.Error("the page of a comment in an open blind audit shows the comment and its decision")
	}
	// The blind audits (the author is not shown: the text alone is judged),
	// each decided with the mouse: the published one confirmed, the refused
	// one confirmed with its reason (its appeal stays open).
	e.do("audits", chromedp.Navigate(e.base+"/moderation/audits"),
		chromedp.Click(chromedp.CSS(`form[action="/moderation/audits/claim"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form.decide button[value="publish"]`)))
	check("blind audit", false)
	e.shot("ui-audit.png")
	e.do("decide the audit", chromedp.Click(chromedp.CSS(`form.decide button[value="publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(".result-box")))
	check("decided audit", false)
	e.do("second audit", chromedp.Navigate(e.base+"/moderation/audits"),
		chromedp.Click(chromedp.CSS(`form[action="/moderation/audits/claim"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form.decide button[value="refuse"]`)),
		chromedp.SetValue(chromedp.CSS(`form.decide select[name="category"]`), "insult"),
		chromedp.Click(chromedp.CSS(`form.decide button[value="refuse"]`)),
		chromedp.WaitVisible(chromedp.CSS(".result-box")))
	for _, p := range []struct {
		path, wait, shot string
		showsAuthor      bool
	}{
		{fmt.Sprintf("/moderation/comments/%d", pending.ID), "#comment", "", true},
		{fmt.Sprintf("/moderation/comments/%d", refused.ID), "#comment", "", true},
		{fmt.Sprintf("/moderation/comments/%d", published.ID), "#comment", "", true},
		{group, "form.group-form", "ui-group.png", true},
		{"/moderation/appeals", "ol.queue", "ui-appeals.png", true},
	} {
		if p.path == "" {
			t.Fatal("the queue links no group of identical texts")
		}
		e.do(p.path, chromedp.Navigate(e.base+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
		check(p.path, p.showsAuthor)
		if p.shot != "" {
			e.shot(p.shot)
		}
	}
}

// Without JavaScript every action is a form that posts and redirects, and
// no key hint promises what only the script does.
func uiWithoutJavaScript(t *testing.T, browser context.Context) {
	e := uiStart(t, browser, "")
	if _, err := chromedp.Call(e.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	c := e.seed("n1", "Il m'a traité de connard et je vous emmerde", "u1", "Claire", "pending")
	e.login("en")
	if uiEval[bool](e, `getComputedStyle(document.querySelector(".hint")).display !== "none"`) {
		t.Error("the keyboard hint shows although the keys cannot work")
	}
	publish := fmt.Sprintf(`li[data-id="%d"] button[value="publish"]`, c.ID)
	e.do("publish with the mouse", chromedp.Click(chromedp.CSS(publish)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if ev := e.lastEvent(c.ID, "review"); ev.To != "published" || ev.Actor != "moderator:admin" {
		t.Errorf("after the form: last event %+v, want a publication by moderator:admin", ev)
	}
	e.do("undo with the mouse", chromedp.Navigate(fmt.Sprintf("%s/moderation/comments/%d", e.base, c.ID)),
		chromedp.Click(chromedp.CSS("#undo-form button")), chromedp.WaitVisible(chromedp.ID("decide-form")))
	e.lastEvent(c.ID, "undo")
	e.do("refuse on the review page", chromedp.Click(chromedp.CSS(`#decide-form button[value="refuse"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if ev := e.lastEvent(c.ID, "review"); ev.To != "refused" {
		t.Errorf("after the review form: last event %+v, want a refusal", ev)
	}
}
