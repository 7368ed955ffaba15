package public

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vigie/reports"
)

// findChromium returns a headless-capable browser, or "" when none is installed.
func findChromium() string {
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// browser starts the public routes on a loopback port and a headless
// Chromium with JavaScript disabled (the pages must not need it). It
// returns the server's base URL, a browser context and the folder for
// screenshots: $VIGIE_ARTIFACTS, or a temporary folder.
func browser(t *testing.T) (string, context.Context, string) {
	t.Helper()
	bin := findChromium()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed (apt-get install -y chromium)")
		}
		t.Skip("chromium is not installed; apt-get install -y chromium to run this test")
	}
	h, _ := newTestServer(t, 600)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	dir := os.Getenv("VIGIE_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun,
		chromedp.Flag("blink-settings", "scriptEnabled=false"), chromedp.WindowSize(1200, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	return "http://" + ln.Addr().String(), ctx, dir
}

// run is chromedp.Run that fails the test on error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func save(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

// TestBrowserWithoutJavaScript loads the page in headless Chromium with
// JavaScript disabled and checks, in French and English: the headline and
// its five figures against the JSON export, the chart and the tables, the
// legend's colour swatches, and axis dates written the language's way.
func TestBrowserWithoutJavaScript(t *testing.T) {
	base, ctx, dir := browser(t)
	want := headlineFromJSON(t, base+"/transparency.json?period=2026-Q4")
	for _, c := range []struct{ lang, title, received, axisMonth string }{
		{"fr", "Rapport de transparence", "reçus", "oct."},
		{"en", "Moderation transparency report", "received", "Oct"},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/transparency?period=2026-Q4&lang="+c.lang)); err != nil {
			t.Fatalf("%s: %v", c.lang, err)
		}
		h1 := run(t, ctx, chromedp.Text(chromedp.CSS("h1")))
		headline := run(t, ctx, chromedp.Text(chromedp.CSS("#headline")))
		bars := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#chart rect").length`))
		tables := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("table").length`))
		save(t, dir, "transparency-"+c.lang+".jpg", run(t, ctx, chromedp.FullScreenshot(80)))
		save(t, dir, "transparency-"+c.lang+"-top.png", run(t, ctx, chromedp.CaptureScreenshot()))
		save(t, dir, "transparency-"+c.lang+"-chart.png", run(t, ctx, chromedp.Screenshot(chromedp.CSS("#chart"))))
		if !strings.Contains(h1, c.title) || !strings.Contains(headline, c.received) {
			t.Errorf("%s: title %q, headline %q", c.lang, h1, headline)
		}
		if bars == 0 || tables < 10 {
			t.Errorf("%s: %d chart bars, %d tables", c.lang, bars, tables)
		}
		// The five numbers the page shows are the report's, as the JSON
		// export gives them for the same period.
		nums := run(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#headline .num")).map(e => e.textContent)`))
		if got := digitsOnly(nums); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: headline numbers %v, want %v (received, published, refused, pending, wrongly removed from the JSON)", c.lang, got, want)
		}
		checkLegend(t, ctx, c.lang)
		axis := run(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#chart > text")).map(e => e.textContent)`))
		if joined := strings.Join(axis, " | "); !strings.Contains(joined, c.axisMonth) || isoDay.MatchString(joined) {
			t.Errorf("%s: axis dates %q, want the language's form (with %q), not MM-DD", c.lang, joined, c.axisMonth)
		}
	}
}

var isoDay = regexp.MustCompile(`\b\d\d-\d\d\b`)

// checkLegend: each legend entry has a visible swatch painted in its
// series' colour (a fill on an HTML span paints nothing).
func checkLegend(t *testing.T, ctx context.Context, lang string) {
	t.Helper()
	got := run(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#legend li")).map(li => {
		const s = li.querySelector("rect"); if (!s) return "none";
		const b = s.getBoundingClientRect();
		return getComputedStyle(s).fill + " " + Math.round(b.width) + "x" + Math.round(b.height);
	})`))
	want := []string{"rgb(47, 125, 79) 12x12", "rgb(179, 55, 47) 12x12", "rgb(208, 138, 18) 12x12"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s: legend swatches %q, want %q (published, refused, reinstated)", lang, got, want)
	}
}

// TestBrowserNarrowScreen: at 390 px wide (a phone), neither the report
// nor the landing page scrolls sideways, in either language; the report's
// screenshot at that width goes to the artefacts.
func TestBrowserNarrowScreen(t *testing.T) {
	base, ctx, dir := browser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, shot string }{
		{"/transparency?period=2026-Q4&lang=fr", "transparency-fr-390.png"},
		{"/transparency?period=2026-Q4&lang=en", "transparency-en-390.png"},
		{"/transparency?period=2026&lang=fr", ""}, // weekly bars, the longest tables
		{"/transparency?period=garbage&lang=fr", ""},
		{"/?lang=fr", "home-fr-390.png"},
		{"/?lang=en", ""},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+c.path)); err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		w := run(t, ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
		if len(w) != 2 || w[1] != 390 || w[0] > w[1] {
			t.Errorf("%s: scrollWidth, innerWidth = %v; the page scrolls sideways at 390 px (widest: %s)", c.path, w,
				run(t, ctx, chromedp.Evaluate[string](widest)))
		}
		if c.shot != "" {
			save(t, dir, c.shot, run(t, ctx, chromedp.FullScreenshot(100)))
		}
	}
}

// widest names the elements that stick out of the viewport, to say what to
// fix when the narrow-screen check fails.
const widest = `Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
	.slice(0, 5).map(e => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).join(", ")`

// digitsOnly keeps the digits of each number: separators differ by language.
func digitsOnly(nums []string) []string {
	var out []string
	for _, n := range nums {
		out = append(out, strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, n))
	}
	return out
}

// headlineFromJSON reads the five headline figures from the JSON export.
func headlineFromJSON(t *testing.T, url string) []string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r reports.Report
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	h := r.Headline
	if h.Received == 0 || r.Cohort.Totals.Pending == 0 {
		t.Fatal("the seeded history has no comment (or none pending) in the period: the comparison would prove nothing")
	}
	return []string{fmt.Sprint(h.Received), fmt.Sprint(h.Published), fmt.Sprint(h.Refused),
		fmt.Sprint(r.Cohort.Totals.Pending), fmt.Sprint(h.WronglyRemoved)}
}
