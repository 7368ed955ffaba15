package public

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"vigie/api/httperr"
	"vigie/moderation"
	"vigie/reports"
)

// between returns the text of body from the first start to the next end.
func between(t *testing.T, body, start, end string) string {
	t.Helper()
	_, rest, ok := strings.Cut(body, start)
	if !ok {
		t.Fatalf("page lacks %q", start)
	}
	in, _, _ := strings.Cut(rest, end)
	return in
}

// TestLegendHasSwatches: each legend entry carries a swatch that paints in
// its series' colour: an SVG rect with the bars' class (a fill on an HTML
// span paints nothing).
func TestLegendHasSwatches(t *testing.T) {
	h, _ := newTestServer(t, 50)
	for _, lang := range []string{"fr", "en"} {
		legend := between(t, get(t, h, "/transparency?period=2026-10&lang="+lang).Body.String(), `id="legend"`, "</ul>")
		for _, class := range []string{"pub", "ref", "rei"} {
			if !regexp.MustCompile(`<svg[^>]*><rect class="` + class + `" width="12" height="12"`).MatchString(legend) {
				t.Errorf("%s: legend has no %s swatch: %s", lang, class, legend)
			}
		}
	}
}

var axisLabel = regexp.MustCompile(`<text x="[0-9.]+" y="260" dy="-10" text-anchor="middle">([^<]+)</text>`)

// TestAxisDatesInTheReadersLanguage: the chart's dates are written the
// language's way ("12-01" reads as the 12th of January in French), by day
// for days and weeks, by month for months.
func TestAxisDatesInTheReadersLanguage(t *testing.T) {
	h, _ := newTestServer(t, 50)
	for _, c := range []struct{ url, first, later string }{
		{"/transparency?period=2026-10&lang=fr", "1er oct.", "4 oct."},
		{"/transparency?period=2026-10&lang=en", "Oct 1", "Oct 4"},
		{"/transparency?period=2026-Q4&lang=fr", "1er oct.", "5 oct."}, // weeks from Monday, the first cut by the period
		{"/transparency?from=2025-01-01&to=2026-12-01&lang=fr", "janv. 2025", "mars 2025"},
		{"/transparency?from=2025-01-01&to=2026-12-01&lang=en", "Jan 2025", "Mar 2025"},
	} {
		var labels []string
		for _, m := range axisLabel.FindAllStringSubmatch(get(t, h, c.url).Body.String(), -1) {
			labels = append(labels, m[1])
		}
		if len(labels) < 2 || labels[0] != c.first || labels[1] != c.later {
			t.Errorf("%s: axis labels %q, want %q, %q, …", c.url, labels, c.first, c.later)
		}
	}
}

// TestDateInputsFollowThePageLanguage: the date boxes ask for the page's
// language, say which format a plain text box expects, and the period is
// written out in the language's words.
func TestDateInputsFollowThePageLanguage(t *testing.T) {
	h, _ := newTestServer(t, 50)
	for _, c := range []struct{ lang, placeholder, hint, period string }{
		{"fr", "aaaa-mm-jj", "Dates au format aaaa-mm-jj", "du 1er octobre 2026 au 31 octobre 2026"},
		{"en", "yyyy-mm-dd", "Dates as yyyy-mm-dd", "1 October 2026 to 31 October 2026"},
	} {
		body := get(t, h, "/transparency?period=2026-10&lang="+c.lang).Body.String()
		for _, name := range []string{"from", "to"} {
			in := between(t, body, `name="`+name+`"`, ">")
			if !strings.Contains(body, `<input type="date" lang="`+c.lang+`" name="`+name+`"`) ||
				!strings.Contains(in, `placeholder="`+c.placeholder+`"`) || !strings.Contains(in, `aria-describedby="dates-hint"`) {
				t.Errorf("%s: %s input lacks lang, placeholder or hint: %s", c.lang, name, in)
			}
		}
		if hint := between(t, body, `id="dates-hint"`, "</span>"); !strings.Contains(hint, c.hint) {
			t.Errorf("%s: date hint %q, want %q", c.lang, hint, c.hint)
		}
		if !strings.Contains(body, c.period) {
			t.Errorf("%s: page does not write the period as %q", c.lang, c.period)
		}
	}
}

// TestEmptyLogSaysSo: before the first event the page says in a sentence
// that nothing has been recorded, instead of "Données arrêtées au aucun
// événement".
func TestEmptyLogSaysSo(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	Register(r, Deps{Index: reports.NewIndex(reports.Options{}), Clock: fixedClock{testNow}})
	for _, c := range []struct{ lang, want, broken string }{
		{"fr", "Aucun événement n&#39;a encore été enregistré\u202f: tous les chiffres sont à zéro.", "arrêtées au aucun"},
		{"en", "No event has been recorded yet: every figure is zero.", "as of no event"},
	} {
		w := get(t, r, "/transparency?lang="+c.lang)
		body := w.Body.String()
		if w.Code != 200 || strings.Count(body, c.want) != 2 { // under the headline and in the footer
			t.Errorf("%s: status %d, %d times %q, want it under the headline and in the footer", c.lang, w.Code, strings.Count(body, c.want), c.want)
		}
		if strings.Contains(body, c.broken) {
			t.Errorf("%s: page still reads %q", c.lang, c.broken)
		}
	}
}

// TestPendingCard: the headline has a card for the comments received in the
// period that still wait for a moderator, with the report's figure.
func TestPendingCard(t *testing.T) {
	h, _ := newTestServer(t, 300)
	var rep reports.Report
	if err := json.Unmarshal(get(t, h, "/transparency.json?period=2026-Q4").Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Cohort.Totals.Pending == 0 {
		t.Fatal("no pending comment in the seeded period: the test would prove nothing")
	}
	for _, c := range []struct{ lang, label string }{{"fr", "en attente d'un modérateur"}, {"en", "waiting for a moderator"}} {
		headline := between(t, get(t, h, "/transparency?period=2026-Q4&lang="+c.lang).Body.String(), `id="headline"`, "</ul>")
		want := fmt.Sprintf(`<li class="pen"><span class="num">%d</span> %s</li>`, rep.Cohort.Totals.Pending, c.label)
		if !strings.Contains(headline, strings.ReplaceAll(want, "'", "&#39;")) {
			t.Errorf("%s: headline lacks %s:\n%s", c.lang, want, headline)
		}
	}
}

// TestBadPeriodSpeaksTheReadersLanguage: a period the page cannot read
// gets the page (for the current month, so the form is there) with a 400
// and a message in the page's language, never the API's English.
func TestBadPeriodSpeaksTheReadersLanguage(t *testing.T) {
	h, _ := newTestServer(t, 20)
	for _, c := range []struct{ url, want string }{
		{"/transparency?period=garbage&lang=fr", "«\u202fgarbage\u202f» n&#39;est pas une période reconnue"},
		{"/transparency?period=garbage&lang=en", "&#34;garbage&#34; is not a period we know"},
		{"/transparency?from=2026-13-01&to=2026-12-01&lang=fr", "La date de début «\u202f2026-13-01\u202f»"},
		{"/transparency?from=2026-11-01&lang=fr", "Indiquez aussi la date de fin."},
		{"/transparency?from=2026-11-05&to=2026-11-01&lang=fr", "La date de fin doit suivre la date de début"},
		{"/transparency?from=2026-11-05&to=nope&lang=en", "The end date &#34;nope&#34; is not a yyyy-mm-dd date."},
		{"/transparency?period=" + strings.Repeat("x", 500) + "&lang=en", "&#34;" + strings.Repeat("x", 39) + "…&#34;"},
	} {
		w := get(t, h, c.url)
		alert := between(t, w.Body.String(), `role="alert"`, "</p>")
		if w.Code != 400 || w.Header().Get("Content-Type") != "text/html; charset=utf-8" || !strings.Contains(alert, c.want) {
			t.Errorf("%.60s: %d %q, alert %q; want 400 HTML with %q", c.url, w.Code, w.Header().Get("Content-Type"), alert, c.want)
		}
		for _, english := range []string{"is not YYYY", "is not a date YYYY-MM-DD", "is required", "must be after"} {
			if strings.Contains(alert, english) {
				t.Errorf("%.60s: the API's message %q leaks into the page", c.url, english)
			}
		}
	}
}

// TestServerErrorsByRouteKind: a failure answers JSON in the API's one
// shape on the JSON routes and a page in the reader's language on the HTML
// ones, both with the request id and neither with the internal details.
func TestServerErrorsByRouteKind(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	h := &handler{Deps: Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, tmpl: parseTemplates()}
	r := gin.New()
	r.Use(func(c *gin.Context) { c.Set(httperr.RequestIDKey, "req-42") })
	fail := map[string]error{
		"internal":    errors.New("open /var/lib/vigie/vigie.db: disk full"),
		"unavailable": fmt.Errorf("index: %w", moderation.ErrUnavailable),
	}
	r.GET("/page/:err", func(c *gin.Context) { h.failHTML(c, langOf(c), fail[c.Param("err")]) })
	r.GET("/json/:err", func(c *gin.Context) { h.failJSON(c, fail[c.Param("err")]) })
	for _, c := range []struct {
		url    string
		status int
		want   string
	}{
		{"/page/internal?lang=fr", 500, "Le rapport n&#39;a pas pu être calculé."},
		{"/page/internal?lang=en", 500, "The report could not be computed."},
		{"/page/unavailable?lang=fr", 503, "Le service est momentanément indisponible."},
		{"/json/internal", 500, `{"error":{"code":"internal","message":"internal error; quote the request id when reporting it","request_id":"req-42"}}`},
		{"/json/unavailable", 503, `{"error":{"code":"unavailable","message":"internal error; quote the request id when reporting it","request_id":"req-42"}}`},
	} {
		w := get(t, r, c.url)
		body := w.Body.String()
		if w.Code != c.status || !strings.Contains(body, c.want) || !strings.Contains(body, "req-42") {
			t.Errorf("%s: %d %s; want %d with %q and the request id", c.url, w.Code, body, c.status, c.want)
		}
		if strings.Contains(body, "disk full") || strings.Contains(body, "index:") {
			t.Errorf("%s: internal details in the answer: %s", c.url, body)
		}
		if strings.HasPrefix(c.url, "/page/") && (w.Header().Get("Content-Type") != "text/html; charset=utf-8" ||
			!strings.Contains(w.Header().Get("Content-Security-Policy"), "default-src 'none'") || w.Header().Get("Cache-Control") != "no-store") {
			t.Errorf("%s: headers %v, want an uncached HTML page with the public CSP", c.url, w.Header())
		}
	}
}
