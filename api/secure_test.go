package api_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"vigie/api"
	"vigie/moderation"
)

// signIn goes through the login form as a browser would, sending hdr with
// both requests, and returns the cookies the server set: the form's
// vigie_login, then the session's vigie_session.
func (s *limitedServer) signIn(t *testing.T, name, password string, hdr ...string) (form, session *http.Cookie) {
	t.Helper()
	client := *s.client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	send := func(method, body string, extra ...string) (*http.Response, string) {
		req, err := http.NewRequest(method, s.URL+"/moderation/login", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range [][]string{hdr, extra} {
			for i := 0; i+1 < len(h); i += 2 {
				req.Header.Set(h[i], h[i+1])
			}
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := send("GET", "")
	form = cookieNamed(resp, "vigie_login")
	m := regexp.MustCompile(`name="csrf" value="([^"]*)"`).FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || form == nil || m == nil {
		t.Fatalf("login form: status %d, cookie %v, csrf field %v", resp.StatusCode, form, m)
	}
	v := url.Values{"name": {name}, "password": {password}, "csrf": {html.UnescapeString(m[1])}}
	resp, body = send("POST", v.Encode(), "Content-Type", "application/x-www-form-urlencoded", "Cookie", "vigie_login="+form.Value)
	session = cookieNamed(resp, "vigie_session")
	if resp.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("login: status %d, session cookie %v: %.300s", resp.StatusCode, session, body)
	}
	return form, session
}

func cookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// X-Forwarded-Proto decides the Secure flag of the cookies only when the
// connection's peer is a trusted proxy: a client talking plain HTTP to the
// server cannot pass for HTTPS, whatever it sends. TLS to the server itself
// is secure without any header.
func TestForwardedProtoOnlyFromTrustedProxies(t *testing.T) {
	const https = "X-Forwarded-Proto"
	for _, c := range []struct {
		name       string
		o          limitedOptions
		hdr        []string
		wantSecure bool
	}{
		{"direct plain HTTP claiming https", limitedOptions{}, []string{https, "https"}, false},
		{"a proxy is trusted, but not this peer", limitedOptions{Trusted: []string{"10.0.0.1", "192.168.0.0/16"}}, []string{https, "https"}, false},
		{"trusted proxy saying https", limitedOptions{Trusted: []string{"127.0.0.1"}}, []string{https, "https"}, true},
		{"trusted proxy (CIDR) saying HTTPS", limitedOptions{Trusted: []string{"127.0.0.0/8"}}, []string{https, "HTTPS"}, true},
		{"trusted proxy saying http", limitedOptions{Trusted: []string{"127.0.0.1"}}, []string{https, "http"}, false},
		{"trusted proxy saying nothing", limitedOptions{Trusted: []string{"127.0.0.1"}}, nil, false},
		{"direct TLS", limitedOptions{TLS: true}, nil, true},
		{"direct TLS claiming http", limitedOptions{TLS: true}, []string{https, "http"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newLimitedServerWith(t, api.Limits{}, c.o)
			if _, err := s.Accounts.AddUser(context.Background(), "mod", moderation.RoleModerator, passwordOf("mod")); err != nil {
				t.Fatal(err)
			}
			form, session := s.signIn(t, "mod", passwordOf("mod"), c.hdr...)
			if form.Secure != c.wantSecure || session.Secure != c.wantSecure {
				t.Errorf("Secure: login form cookie %v, session cookie %v; want %v", form.Secure, session.Secure, c.wantSecure)
			}
			if !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie %+v: want HttpOnly and SameSite=Lax whatever the scheme", session)
			}
		})
	}
}
