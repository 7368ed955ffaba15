package public

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLandingPage: / says what the site is in the reader's language and
// links the public report and the moderator login, with the public page's
// headers and no script; HEAD answers as GET does.
func TestLandingPage(t *testing.T) {
	h, _ := newTestServer(t, 10)
	pageCSP := get(t, h, "/transparency").Header().Get("Content-Security-Policy")
	for _, c := range []struct{ url, accept, lang, want string }{
		{"/", "", "fr", "Ce site modère les commentaires"},
		{"/?lang=en", "", "en", "This site moderates the comments"},
		{"/", "en-GB,en;q=0.9,fr;q=0.5", "en", "This site moderates the comments"},
		{"/?lang=fr", "en", "fr", "Le rapport de transparence dit"},
	} {
		w := get(t, h, c.url, "Accept-Language", c.accept)
		body := w.Body.String()
		if w.Code != 200 || w.Header().Get("Content-Type") != "text/html; charset=utf-8" || w.Header().Get("Content-Language") != c.lang {
			t.Fatalf("%s (%s): %d %q in %q, want 200 HTML in %s", c.url, c.accept, w.Code, w.Header().Get("Content-Type"), w.Header().Get("Content-Language"), c.lang)
		}
		for _, must := range []string{c.want, `<html lang="` + c.lang + `">`, `href="/transparency?lang=` + c.lang + `"`,
			`href="/moderation/login?lang=` + c.lang + `"`} {
			if !strings.Contains(body, must) {
				t.Errorf("%s (%s): page lacks %s", c.url, c.accept, must)
			}
		}
		if strings.Contains(strings.ToLower(body), "<script") {
			t.Errorf("%s: the landing page has a script", c.url)
		}
		if csp := w.Header().Get("Content-Security-Policy"); csp == "" || csp != pageCSP {
			t.Errorf("%s: CSP %q, want the report page's %q", c.url, csp, pageCSP)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("HEAD", "/?lang=en", nil))
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/html; charset=utf-8" || w.Header().Get("Content-Language") != "en" {
		t.Errorf("HEAD /: %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Header().Get("Content-Language"))
	}
}
