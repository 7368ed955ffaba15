package reports_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"vigie/api/public"
	"vigie/reports"
)

// TestPageHasNoPersonalData serves the public page, JSON and CSV over the
// seeded domain history and looks for every text, author name and id, and
// platform comment id in them.
func TestPageHasNoPersonalData(t *testing.T) {
	s := seedHistory(t)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	public.Register(r, public.Deps{Index: reports.NewIndex(reports.Options{}), Source: s.store,
		Policy: func() reports.Policy { return s.policy }, Clock: s.clock})
	for _, url := range []string{"/transparency?period=2026-11", "/transparency?period=2026-11&lang=en",
		"/transparency.json?period=2026-11", "/transparency.csv?period=2026-Q4", "/api/v1/report?from=2026-11-01&to=2026-12-31"} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", url, nil))
		body := w.Body.String()
		if w.Code != 200 {
			t.Errorf("%s: status %d", url, w.Code)
		}
		for _, secret := range append(append([]string{}, s.texts...), s.private...) {
			if strings.Contains(body, secret) {
				t.Errorf("%s contains personal data %q", url, secret)
			}
		}
	}
}
