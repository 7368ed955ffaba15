package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigie/moderation"
)

// Repeated wrong passwords make the login wait (429 with Retry-After);
// once that time has passed the right password goes through.
func TestLoginIsThrottled(t *testing.T) {
	s := newTestServer(t)
	s.addUser(t, "mod", moderation.RoleModerator)
	b := s.newBrowser(t)
	for i := range 5 {
		if p := b.submitLogin("mod", "wrong-password", ""); p.Status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: status %d, want 401", i+1, p.Status)
		}
	}
	p := b.submitLogin("mod", passwordOf("mod"), "")
	if p.Status != http.StatusTooManyRequests {
		t.Fatalf("after 5 failures: status %d, want 429", p.Status)
	}
	wait, err := strconv.Atoi(p.Header.Get("Retry-After"))
	if err != nil || wait < 1 {
		t.Fatalf("Retry-After %q, want whole seconds >= 1", p.Header.Get("Retry-After"))
	}
	if b.cookie("vigie_session") != "" {
		t.Fatal("a throttled login set a session cookie")
	}
	s.Clock.Advance(time.Duration(wait) * time.Second)
	if p := b.submitLogin("mod", passwordOf("mod"), ""); p.Status != http.StatusSeeOther || p.Location() != "/moderation/" {
		t.Fatalf("after Retry-After: status %d to %q, want 303 to /moderation/", p.Status, p.Location())
	}
}

// Logging out ends the session on the server: a copy of the old cookie
// opens nothing. Logging out is a change, so it needs the CSRF token.
func TestLogoutEndsTheSession(t *testing.T) {
	s := newTestServer(t)
	mod := s.loginAs(t, "mod", moderation.RoleModerator)
	old := mod.cookie("vigie_session")
	if p := mod.postForm("/moderation/logout", url.Values{}); p.Status != http.StatusForbidden {
		t.Fatalf("logout without CSRF: status %d, want 403", p.Status)
	}
	if p := mod.submit("/moderation/logout", nil); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/moderation/login") {
		t.Fatalf("logout: status %d to %q, want 303 to the login", p.Status, p.Location())
	}
	stolen := s.newBrowser(t)
	u, _ := url.Parse(s.URL + "/")
	stolen.http.Jar.SetCookies(u, []*http.Cookie{{Name: "vigie_session", Value: old, Path: "/"}})
	if p := stolen.get("/moderation/"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/moderation/login") {
		t.Errorf("old cookie after logout: status %d to %q, want 303 to the login", p.Status, p.Location())
	}
	wantError(t, stolen.api("GET", "/api/v1/queue", nil, ""), http.StatusUnauthorized, "unauthorized")
}

// After login the browser goes where next= says only inside the UI.
func TestLoginDoesNotFollowOffsiteNext(t *testing.T) {
	s := newTestServer(t)
	s.addUser(t, "mod", moderation.RoleModerator)
	cases := []struct{ next, want string }{
		{"//evil.example", "/moderation/"},
		{"https://evil.example", "/moderation/"},
		{"https://evil.example/moderation/", "/moderation/"},
		{"/\\evil.example", "/moderation/"},
		{"/moderation/\\\\evil.example", "/moderation/"},
		{"javascript:alert(1)", "/moderation/"},
		{"/moderation/login?next=//evil.example", "/moderation/"},
		{"/moderation/audits", "/moderation/audits"},
	}
	for _, tc := range cases {
		t.Run(tc.next, func(t *testing.T) {
			b := s.newBrowser(t)
			p := b.submitLogin("mod", passwordOf("mod"), tc.next)
			if p.Status != http.StatusSeeOther || p.Location() != tc.want {
				t.Fatalf("login: status %d to %q, want 303 to %q", p.Status, p.Location(), tc.want)
			}
			// Signed in, the login page redirects at once: same rule.
			if p := b.get("/moderation/login?next=" + url.QueryEscape(tc.next)); p.Location() != tc.want {
				t.Errorf("login page when signed in: to %q, want %q", p.Location(), tc.want)
			}
		})
	}
}

// The session cookie is out of scripts' and other sites' reach (HttpOnly,
// SameSite=Lax) and the session ends after SessionTTL whatever the cookie
// says.
func TestSessionCookieIsGuardedAndExpires(t *testing.T) {
	s := newTestServer(t)
	s.addUser(t, "mod", moderation.RoleModerator)
	b := s.newBrowser(t)
	p := b.submitLogin("mod", passwordOf("mod"), "")
	var sess *http.Cookie
	for _, c := range (&http.Response{Header: p.Header}).Cookies() {
		if c.Name == "vigie_session" {
			sess = c
		}
	}
	if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" || sess.Secure {
		t.Fatalf("session cookie %+v, want HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP", sess)
	}
	b.readCSRF()
	s.Clock.Advance(moderation.SessionTTL - time.Second)
	if p := b.get("/moderation/"); p.Status != http.StatusOK {
		t.Fatalf("just before expiry: status %d, want 200", p.Status)
	}
	s.Clock.Advance(2 * time.Second)
	if p := b.get("/moderation/"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/moderation/login") {
		t.Errorf("after expiry: status %d to %q, want 303 to the login", p.Status, p.Location())
	}
	wantError(t, b.api("POST", "/api/v1/queue/claim", map[string]any{}, b.csrf), http.StatusUnauthorized, "unauthorized")
}

// The login form carries its own CSRF check (a cookie and a field that
// must agree): a form posted from elsewhere signs nobody in.
func TestLoginFormFromElsewhereIsRefused(t *testing.T) {
	s := newTestServer(t)
	s.addUser(t, "mod", moderation.RoleModerator)
	for _, tc := range []struct {
		name string
		csrf string
	}{{"no token", ""}, {"a made-up token", "forged"}} {
		t.Run(tc.name, func(t *testing.T) {
			b := s.newBrowser(t)
			p := b.postForm("/moderation/login", url.Values{"name": {"mod"}, "password": {passwordOf("mod")}, "csrf": {tc.csrf}})
			if p.Status != http.StatusForbidden || b.cookie("vigie_session") != "" {
				t.Errorf("status %d, session cookie %q; want 403 and none", p.Status, b.cookie("vigie_session"))
			}
		})
	}
}

// TestHugeFormIsRefusedBeforeItIsRead: a 2 MiB form on a page route gets
// 413, whether or not a session comes with it, and logs nobody in.
func TestHugeFormIsRefusedBeforeItIsRead(t *testing.T) {
	s := newTestServer(t)
	body := "name=" + strings.Repeat("a", 2<<20) + "&password=x"
	for _, path := range []string{"/moderation/login", "/moderation/comments/1/decision"} {
		resp, err := http.Post(s.URL+path, "application/x-www-form-urlencoded", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%s with a 2 MiB form: %d, want 413", path, resp.StatusCode)
		}
	}
}
