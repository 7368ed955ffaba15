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

// TestBrowserWithoutJavaScript loads the page in headless Chromium with
// JavaScript disabled, from a real server on a loopback port, and checks the
// headline, the chart and the tables in French and English; screenshots go
// to $VIGIE_ARTIFACTS (or a temporary folder, logged).
func TestBrowserWithoutJavaScript(t *testing.T) {
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
	base := "http://" + ln.Addr().String()

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
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	for _, c := range []struct{ lang, title, received string }{
		{"fr", "Rapport de transparence", "reçus"},
		{"en", "Moderation transparency report", "received"},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/transparency?period=2026-Q4&lang="+c.lang)); err != nil {
			t.Fatalf("%s: %v", c.lang, err)
		}
		h1, err := chromedp.Run(ctx, chromedp.Text("h1"))
		if err != nil {
			t.Fatal(err)
		}
		headline, err := chromedp.Run(ctx, chromedp.Text("#headline"))
		if err != nil {
			t.Fatal(err)
		}
		bars, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#chart rect").length`))
		if err != nil {
			t.Fatal(err)
		}
		tables, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("table").length`))
		if err != nil {
			t.Fatal(err)
		}
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(80))
		if err != nil {
			t.Fatal(err)
		}
		top, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "transparency-"+c.lang+"-top.png"), top, 0o644); err != nil {
			t.Fatal(err)
		}
		svg, err := chromedp.Run(ctx, chromedp.Screenshot("#chart"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "transparency-"+c.lang+"-chart.png"), svg, 0o644); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(h1, c.title) || !strings.Contains(headline, c.received) {
			t.Errorf("%s: title %q, headline %q", c.lang, h1, headline)
		}
		if n := len(strings.Fields(headline)); n < 8 {
			t.Errorf("%s: headline shows too little: %q", c.lang, headline)
		}
		// The four numbers the page shows are the report's, as the JSON
		// export gives them for the same period.
		nums, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#headline .num")).map(e => e.textContent)`))
		if err != nil {
			t.Fatal(err)
		}
		want := headlineFromJSON(t, base+"/transparency.json?period=2026-Q4")
		var got []string
		for _, n := range nums {
			got = append(got, strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1 // thousands separators differ by language
			}, n))
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: headline numbers %v, want %v (received, published, refused, wrongly removed from the JSON)", c.lang, got, want)
		}
		if bars == 0 || tables < 10 {
			t.Errorf("%s: %d chart bars, %d tables", c.lang, bars, tables)
		}
		p := filepath.Join(dir, "transparency-"+c.lang+".jpg")
		if err := os.WriteFile(p, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
}

// headlineFromJSON reads the four headline figures from the JSON export.
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
	if h.Received == 0 {
		t.Fatal("the seeded history has no comment in the period: the comparison would prove nothing")
	}
	return []string{fmt.Sprint(h.Received), fmt.Sprint(h.Published), fmt.Sprint(h.Refused), fmt.Sprint(h.WronglyRemoved)}
}
