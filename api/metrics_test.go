package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"vigie/api"
)

// TestMadeUpMethodsDoNotGrowMetrics: 1,000 requests, each with a method of
// its own and no token, leave /metrics the size it was.
func TestMadeUpMethodsDoNotGrowMetrics(t *testing.T) {
	s := newTestServer(t)
	size := func() (int, string) {
		resp, err := http.Get(s.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		// Runtime figures (memory, GC) move on their own; the series are
		// what a made-up method would add.
		var series []string
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "vigie_http_") {
				name, _, _ := strings.Cut(l, " ")
				series = append(series, name)
			}
		}
		return len(series), strings.Join(series, "\n")
	}
	send := func(method string) {
		req, _ := http.NewRequest(method, s.URL+"/api/v1/comments", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	send("BREW") // the OTHER series exists from here on
	size()       // and so does the one of GET /metrics
	before, _ := size()
	for i := range 1000 {
		send(fmt.Sprintf("M%04d", i))
	}
	after, series := size()
	if after != before {
		t.Errorf("%d request series before, %d after 1,000 made-up methods", before, after)
	}
	if !strings.Contains(series, `method="OTHER"`) || strings.Contains(series, `method="M0001"`) {
		t.Errorf("made-up methods are not folded into OTHER:\n%s", series)
	}
}

// TestMadeUpPathsDoNotGrowMetrics: 1,000 requests to paths that exist
// nowhere leave the request series as they were (they are all
// route="unmatched", never the raw path).
func TestMadeUpPathsDoNotGrowMetrics(t *testing.T) {
	s := newTestServer(t)
	send := func(method, path string) {
		req, _ := http.NewRequest(method, s.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	// One of each kind first: their series exist from here on.
	send("M9999", "/x9999/1")
	send("GET", "/api/v1/comments/9999/x9999")
	scrape(t, s.URL, "")
	before := scrape(t, s.URL, "")
	for i := range 1000 {
		send(fmt.Sprintf("M%04d", i), fmt.Sprintf("/x%04d/%d", i, i*7))
		send("GET", fmt.Sprintf("/api/v1/comments/%d/x%d", i, i))
	}
	after := scrape(t, s.URL, "")
	if len(series(after, "vigie_http_")) != len(series(before, "vigie_http_")) {
		t.Errorf("%d request series before, %d after 2,000 made-up paths", len(series(before, "vigie_http_")), len(series(after, "vigie_http_")))
	}
	if strings.Contains(after, "x0001") || !strings.Contains(after, `route="unmatched"`) {
		t.Errorf("a raw path became a label:\n%s", strings.Join(series(after, "vigie_http_"), "\n"))
	}
}

// TestMetricsToken: with a token set, /metrics answers 401 without it or
// with a wrong one, and the series with it.
func TestMetricsToken(t *testing.T) {
	const tok = "metrics-token-0123456789abcdef"
	h := api.New(api.Deps{Metrics: api.MetricsOptions{Token: tok,
		ChainHead: func(context.Context) (int64, error) { return 42, nil }}})
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, bad := range []string{"", "wrong-token-0123456789abcdef", tok + "x"} {
		if code := scrapeCode(t, srv.URL, bad); code != http.StatusUnauthorized {
			t.Errorf("token %q: %d, want 401", bad, code)
		}
	}
	if body := scrape(t, srv.URL, tok); !strings.Contains(body, "vigie_chain_head_seq 42") {
		t.Errorf("with the token, no chain head series:\n%s", body)
	}
}

// TestMetricsElsewhere: with metrics served on another address, the main
// router has no /metrics and MetricsHandler serves it.
func TestMetricsElsewhere(t *testing.T) {
	h := api.New(api.Deps{Metrics: api.MetricsOptions{Elsewhere: true}})
	main := httptest.NewServer(h)
	defer main.Close()
	side := httptest.NewServer(h.MetricsHandler())
	defer side.Close()
	if code := scrapeCode(t, main.URL, ""); code != http.StatusNotFound {
		t.Errorf("main listener /metrics: %d, want 404", code)
	}
	if body := scrape(t, side.URL, ""); !strings.Contains(body, "vigie_http_request_duration_seconds") && !strings.Contains(body, "go_goroutines") {
		t.Errorf("metrics listener serves no series:\n%.500s", body)
	}
}

// TestIntakeSeriesBySourceKind: intake is counted by the kind of source,
// never the full source.
func TestIntakeSeriesBySourceKind(t *testing.T) {
	s := newTestServer(t)
	for i, src := range []string{"api:site-a", "api:site-b", "api:site-a"} {
		body := fmt.Sprintf(`{"source":%q,"external_id":"e%d","text":"bonjour à tous"}`, src, i)
		if r := s.do(t, "POST", "/api/v1/comments", testToken, []byte(body)); r.Status != http.StatusCreated {
			t.Fatalf("intake: %d %s", r.Status, r.Raw)
		}
	}
	body := scrape(t, s.URL, "")
	if !strings.Contains(body, `vigie_intake_comments_total{source_kind="api",status="published"} 3`) || strings.Contains(body, "site-a") {
		t.Errorf("intake series:\n%s", strings.Join(series(body, "vigie_intake_"), "\n"))
	}
}

// getMetrics asks base for /metrics, with token as Bearer when set.
func getMetrics(t *testing.T, base, token string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func scrapeCode(t *testing.T, base, token string) int {
	t.Helper()
	resp := getMetrics(t, base, token)
	resp.Body.Close()
	return resp.StatusCode
}

func scrape(t *testing.T, base, token string) string {
	t.Helper()
	resp := getMetrics(t, base, token)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d %s", resp.StatusCode, b)
	}
	return string(b)
}

// series lists the series names (with labels) that start with prefix.
func series(body, prefix string) []string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, prefix) {
			name, _, _ := strings.Cut(l, " ")
			out = append(out, name)
		}
	}
	return out
}

// TestDecisionsAndChainHeadSeries: after some traffic the decisions counter
// has each decision by action and route, a purge counts for none, and the
// chain head gauge follows the log.
func TestDecisionsAndChainHeadSeries(t *testing.T) {
	s := newServerWith(t, storageSQLite(t), serverOptions{LogMetrics: true})
	scrape(t, s.URL, "") // the counter starts at the head it finds
	s.intakeAs(t, "d1", publishedText(1), "published")
	s.intakeAs(t, "d2", refusedText(2), "refused")
	s.intakeAs(t, "d3", pendingText(3), "pending")
	if n, err := s.DB.Purge(context.Background(), testEpoch.Add(time.Hour)); err != nil || n != 3 {
		t.Fatalf("Purge = %d, %v", n, err)
	}
	body := scrape(t, s.URL, "")
	for _, want := range []string{
		`vigie_decisions_total{action="publish",route="rules"} 1`,
		`vigie_decisions_total{action="refuse",route="rules"} 1`,
		`vigie_decisions_total{action="review",route="rules"} 1`,
		"vigie_chain_head_seq 6", // 3 intakes, 3 purges
	} {
		if !strings.Contains(body, want) {
			t.Errorf("no %s in:\n%s", want, strings.Join(append(series(body, "vigie_decisions"), series(body, "vigie_chain")...), "\n"))
		}
	}
	if strings.Contains(body, `route="purge"`) {
		t.Errorf("a purge counted as a decision:\n%s", strings.Join(series(body, "vigie_decisions"), "\n"))
	}
}
