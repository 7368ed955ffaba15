package api_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/api"
	"vigie/api/public"
	"vigie/moderation"
	"vigie/moderation/moderationtest"
	"vigie/reports"
	"vigie/rules"
	"vigie/storage"
)

// Two intake tokens, long enough for any minimum length.
const (
	tokenA = "limits-test-token-a-0123456789abcdef"
	tokenB = "limits-test-token-b-0123456789abcdef"
)

// limitedServer is the real HTTP stack on loopback over a real SQLite file,
// with the public pages mounted, the given limits on a fake clock and,
// optionally, trusted proxies, the Facebook webhook and TLS.
type limitedServer struct {
	URL      string
	Clock    *moderationtest.Clock
	DB       *storage.DB
	Accounts *moderation.Accounts
	client   *http.Client
}

// limitedOptions are what a limits test may add to the server.
type limitedOptions struct {
	Trusted []string
	// Facebook mounts the webhook (app secret whSecret, page 111).
	Facebook bool
	// TLS serves HTTPS (httptest's certificate) instead of plain HTTP.
	TLS bool
}

func newLimitedServer(t *testing.T, l api.Limits, trusted ...string) *limitedServer {
	t.Helper()
	return newLimitedServerWith(t, l, limitedOptions{Trusted: trusted})
}

func newLimitedServerWith(t *testing.T, l api.Limits, o limitedOptions) *limitedServer {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := storage.Open(ctx, storage.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "vigie.db")}, log)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rules.Load(rules.DefaultSettings(), rules.Options{Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	clock := moderationtest.NewClock(testEpoch)
	svc := moderation.NewService(db, rs, moderation.Options{Clock: clock, Limits: moderation.Limits{MaxTextBytes: 4096}})
	grant := api.Grant{Scopes: api.Scopes, Sources: []string{"*"}}
	tokens := api.NewTokens([]api.TokenSpec{
		{Digest: hashToken(tokenA), Grant: api.Grant{Name: "a", Scopes: grant.Scopes, Sources: grant.Sources}},
		{Digest: hashToken(tokenB), Grant: api.Grant{Name: "b", Scopes: grant.Scopes, Sources: grant.Sources}},
	})
	l.Now = clock.Now
	accounts := moderation.NewAccounts(db, clock)
	deps := api.Deps{Service: svc, Tokens: tokens, Accounts: accounts, Log: log,
		Ping: db.Ping, Ready: db.Ready, Limits: l, TrustedProxies: o.Trusted,
		Mount: []func(gin.IRouter){func(r gin.IRouter) {
			public.Register(r, public.Deps{Index: reports.NewIndex(reports.Options{}), Source: db, Clock: clock, Log: log})
		}}}
	if o.Facebook {
		deps.Facebook = &api.FacebookDeps{AppSecret: whSecret, VerifyToken: "verify-me",
			Pages: map[string]bool{"111": true}, Inbox: db, Outbox: db}
	}
	srv := httptest.NewUnstartedServer(api.New(deps))
	if o.TLS {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(func() {
		srv.Close()
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return &limitedServer{URL: srv.URL, Clock: clock, DB: db, Accounts: accounts, client: srv.Client()}
}

type answer struct {
	Status     int
	RetryAfter string
	Body       string
	Header     http.Header
}

// call sends one request; hdr are header name, value pairs.
func (s *limitedServer) call(t *testing.T, method, path, body string, hdr ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After"), Body: string(b), Header: resp.Header}
}

func (s *limitedServer) intake(t *testing.T, token string, n int) answer {
	t.Helper()
	return s.call(t, "POST", "/api/v1/comments",
		fmt.Sprintf(`{"source":"api:test","external_id":"%s-%d","text":"Merci pour ces explications."}`, token[:20], n),
		"Authorization", "Bearer "+token)
}

// wantLimited checks a 429: Retry-After in whole seconds (at least 1), and
// the API's JSON error with code rate_limited. It returns the wait.
func wantLimited(t *testing.T, what string, a answer) time.Duration {
	t.Helper()
	if a.Status != http.StatusTooManyRequests {
		t.Fatalf("%s: status %d, want 429: %.200s", what, a.Status, a.Body)
	}
	secs, err := strconv.Atoi(a.RetryAfter)
	if err != nil || secs < 1 {
		t.Fatalf("%s: Retry-After %q, want whole seconds >= 1", what, a.RetryAfter)
	}
	if !strings.Contains(a.Body, `"code":"rate_limited"`) || !strings.Contains(a.Body, `"request_id":`) {
		t.Errorf("%s: body %.200s, want the JSON error with code rate_limited and a request id", what, a.Body)
	}
	return time.Duration(secs) * time.Second
}

// metric reads one sample of the server's /metrics, e.g.
// `vigie_http_rate_limited_total{class="public"}`.
func (s *limitedServer) metric(t *testing.T, series string) float64 {
	t.Helper()
	a := s.call(t, "GET", "/metrics", "")
	sc := bufio.NewScanner(strings.NewReader(a.Body))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("no %s in /metrics", series)
	return 0
}

// The probe that found the problem: 2,000 requests with a wrong token. The
// first few get 401; then the address gets 429 without its token being
// looked at (the right token included), until Retry-After has passed.
func TestWrongTokensHit429Quickly(t *testing.T) {
	s := newLimitedServer(t, api.Limits{AuthFailures: api.Rate{PerSecond: 1, Burst: 20}})
	counts := map[int]int{}
	var last answer
	for i := range 2000 {
		last = s.intake(t, "wrong-token-0123456789-wrong-token", i)
		counts[last.Status]++
	}
	if counts[401] != 20 || counts[429] != 1980 {
		t.Fatalf("answers %v, want 20 × 401 then 1980 × 429", counts)
	}
	wait := wantLimited(t, "wrong token after the burst", last)
	wantLimited(t, "right token from the same address while limited", s.intake(t, tokenA, 1))
	wantLimited(t, "/metrics from the same address while limited", s.call(t, "GET", "/metrics", ""))
	s.Clock.Advance(wait)
	if a := s.intake(t, tokenA, 2); a.Status != http.StatusCreated && a.Status != http.StatusOK {
		t.Fatalf("right token after Retry-After: status %d, want it taken in: %s", a.Status, a.Body)
	}
	if got := s.metric(t, `vigie_http_rate_limited_total{class="auth_failures"}`); got != 1982 {
		t.Errorf("limited requests counted %v, want 1982", got)
	}
	// Health checks are never limited.
	s.Clock.Advance(-wait)
	for range 30 {
		s.intake(t, "wrong-token-0123456789-wrong-token", 0)
	}
	if a := s.call(t, "GET", "/healthz", ""); a.Status != http.StatusOK {
		t.Errorf("/healthz while the address is limited: %d, want 200", a.Status)
	}
}

// Each intake token has its own bucket: one spent does not stop another,
// and it refills after Retry-After.
func TestIntakeIsLimitedPerToken(t *testing.T) {
	s := newLimitedServer(t, api.Limits{Intake: api.Rate{PerSecond: 0.5, Burst: 3}})
	for i := range 3 {
		if a := s.intake(t, tokenA, i); a.Status != http.StatusCreated && a.Status != http.StatusOK {
			t.Fatalf("intake %d within the burst: status %d: %s", i, a.Status, a.Body)
		}
	}
	wait := wantLimited(t, "4th intake of token A", s.intake(t, tokenA, 3))
	if wait != 2*time.Second {
		t.Errorf("Retry-After %s, want 2s (one request at 0.5/s)", wait)
	}
	if a := s.intake(t, tokenB, 0); a.Status != http.StatusCreated && a.Status != http.StatusOK {
		t.Fatalf("token B while A is limited: status %d, want it taken in: %s", a.Status, a.Body)
	}
	s.Clock.Advance(wait)
	if a := s.intake(t, tokenA, 4); a.Status != http.StatusCreated && a.Status != http.StatusOK {
		t.Fatalf("token A after Retry-After: status %d: %s", a.Status, a.Body)
	}
	wantLimited(t, "token A again at once", s.intake(t, tokenA, 5))
	if got := s.metric(t, `vigie_http_rate_limited_total{class="intake"}`); got != 2 {
		t.Errorf("limited intakes counted %v, want 2", got)
	}
}

// The login form is limited per address; the answer is a page in the
// reader's language.
func TestLoginIsLimitedPerAddress(t *testing.T) {
	s := newLimitedServer(t, api.Limits{Login: api.Rate{PerSecond: 0.1, Burst: 2}})
	for i := range 2 {
		// No CSRF cookie: 403, but the attempt counts.
		if a := s.call(t, "POST", "/moderation/login", "", "Content-Type", "application/x-www-form-urlencoded"); a.Status != http.StatusForbidden {
			t.Fatalf("login %d: status %d, want 403 (no CSRF cookie)", i, a.Status)
		}
	}
	for _, c := range []struct{ accept, lang, text string }{
		{"en-GB,en;q=0.9", "en", "Too many requests came from your address. Try again in 10 s."},
		{"fr-FR", "fr", "Trop de requêtes sont venues de votre adresse. Réessayez dans 10 s."},
	} {
		a := s.call(t, "POST", "/moderation/login", "", "Accept-Language", c.accept)
		if a.Status != http.StatusTooManyRequests || a.RetryAfter != "10" {
			t.Fatalf("%s: status %d, Retry-After %q, want 429 and 10", c.lang, a.Status, a.RetryAfter)
		}
		if !strings.Contains(a.Body, `<html lang="`+c.lang+`">`) || !strings.Contains(a.Body, c.text) ||
			!strings.HasPrefix(a.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: page %q, want an HTML page saying %q", c.lang, a.Body, c.text)
		}
	}
	// The form itself (GET) is not a login attempt.
	if a := s.call(t, "GET", "/moderation/login", ""); a.Status != http.StatusOK {
		t.Errorf("login form while limited: %d, want 200", a.Status)
	}
	s.Clock.Advance(10 * time.Second)
	if a := s.call(t, "POST", "/moderation/login", ""); a.Status != http.StatusForbidden {
		t.Errorf("login after Retry-After: %d, want 403 (through the limit, stopped by CSRF)", a.Status)
	}
}

// The public report is limited per address: JSON for the data routes, a
// page in the reader's language for /transparency.
func TestPublicReportIsLimitedPerAddress(t *testing.T) {
	s := newLimitedServer(t, api.Limits{Public: api.Rate{PerSecond: 1, Burst: 4}})
	for _, p := range []string{"/transparency.json", "/transparency.csv", "/api/v1/report", "/transparency"} {
		if a := s.call(t, "GET", p, ""); a.Status != http.StatusOK {
			t.Fatalf("%s within the burst: %d", p, a.Status)
		}
	}
	wantLimited(t, "/api/v1/report", s.call(t, "GET", "/api/v1/report?period=2026", ""))
	wantLimited(t, "/transparency.csv", s.call(t, "GET", "/transparency.csv", ""))
	page := s.call(t, "GET", "/transparency?lang=en", "", "Accept-Language", "fr")
	if page.Status != http.StatusTooManyRequests || page.RetryAfter != "1" || !strings.Contains(page.Body, `lang="en"`) ||
		!strings.Contains(page.Body, "Too many requests") || page.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("page: %d, Retry-After %q, Cache-Control %q, body %.300s; want 429, 1, no-store and an English page",
			page.Status, page.RetryAfter, page.Header.Get("Cache-Control"), page.Body)
	}
	// The landing page and the rest of the site are not report routes.
	if a := s.call(t, "GET", "/", ""); a.Status != http.StatusOK {
		t.Errorf("/ while the report is limited: %d", a.Status)
	}
	s.Clock.Advance(time.Second)
	if a := s.call(t, "GET", "/transparency.json", ""); a.Status != http.StatusOK {
		t.Errorf("after Retry-After: %d, want 200", a.Status)
	}
	if got := s.metric(t, `vigie_http_rate_limited_total{class="public"}`); got != 3 {
		t.Errorf("limited report requests counted %v, want 3", got)
	}
}

// X-Forwarded-For names the client only when the peer is a trusted proxy:
// by default a client cannot pick a fresh address for each request.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	limits := api.Limits{Public: api.Rate{PerSecond: 1, Burst: 1}}
	untrusted := newLimitedServer(t, limits)
	untrusted.call(t, "GET", "/transparency.json", "", "X-Forwarded-For", "203.0.113.1")
	wantLimited(t, "untrusted peer, new X-Forwarded-For", untrusted.call(t, "GET", "/transparency.json", "", "X-Forwarded-For", "203.0.113.2"))

	proxied := newLimitedServer(t, limits, "127.0.0.1")
	for _, ip := range []string{"203.0.113.1", "203.0.113.2"} {
		if a := proxied.call(t, "GET", "/transparency.json", "", "X-Forwarded-For", ip); a.Status != http.StatusOK {
			t.Fatalf("trusted proxy, client %s: %d, want 200 (its own bucket)", ip, a.Status)
		}
	}
	wantLimited(t, "trusted proxy, same client again", proxied.call(t, "GET", "/transparency.json", "", "X-Forwarded-For", "203.0.113.1"))
	// One IPv6 subscriber holds a /64: its addresses share a bucket.
	proxied.call(t, "GET", "/transparency.json", "", "X-Forwarded-For", "2001:db8:1:2::1")
	wantLimited(t, "same IPv6 /64", proxied.call(t, "GET", "/transparency.json", "", "X-Forwarded-For", "2001:db8:1:2:ffff::9"))
}

// A flood of distinct addresses cannot grow the limiter without bound: at
// most MaxKeys buckets per class are kept.
func TestFloodOfAddressesKeepsMemoryBounded(t *testing.T) {
	s := newLimitedServer(t, api.Limits{Public: api.Rate{PerSecond: 1, Burst: 5}, AuthFailures: api.Rate{PerSecond: 1, Burst: 5}, MaxKeys: 100}, "127.0.0.1")
	for i := range 1000 {
		ip := fmt.Sprintf("198.51.%d.%d", i/250, i%250+1)
		if a := s.call(t, "GET", "/transparency.json?period=2026", "", "X-Forwarded-For", ip); a.Status != http.StatusOK {
			t.Fatalf("address %d: %d, want 200", i, a.Status)
		}
		s.call(t, "POST", "/api/v1/comments", `{}`, "X-Forwarded-For", ip, "Authorization", "Bearer wrong-wrong-wrong-wrong")
	}
	for _, class := range []string{"public", "auth_failures"} {
		if n := s.metric(t, `vigie_http_rate_limit_buckets{class="`+class+`"}`); n != 100 {
			t.Errorf("%s: %v buckets after 1,000 addresses, want the cap of 100", class, n)
		}
	}
}
