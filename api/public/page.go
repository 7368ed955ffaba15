package public

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/api/httperr"
	"vigie/moderation"
	"vigie/moderation/i18n"
	"vigie/reports"
)

//go:embed templates/*.html
var templateFS embed.FS

// parseTemplates parses the public pages once, at Register.
func parseTemplates() *template.Template {
	funcs := template.FuncMap{
		"T":     i18n.T,
		"colon": i18n.Colon,
		"f1":    func(x float64) string { return fmt.Sprintf("%.1f", x) },
		"add":   func(a, b float64) float64 { return a + b },
	}
	return template.Must(template.New("public").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
}

// csp is the public pages' policy: they load nothing (inline style only, no
// script), post nowhere else and may not be framed.
const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// writeHTML renders a public page and answers it with the headers every
// public page carries. It renders into a buffer first, so a template error
// becomes an error page rather than half a page.
func (h *handler) writeHTML(c *gin.Context, status int, lang, name string, data any) {
	var buf bytes.Buffer
	if err := h.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		if name == "error.html" { // the last resort failed: say it plainly
			h.Log.Error("transparency: render error page", "err", err)
			c.String(http.StatusInternalServerError, "%s", i18n.T(lang, "pub_err_internal"))
			return
		}
		h.failHTML(c, lang, fmt.Errorf("render %s: %w", name, err))
		return
	}
	c.Header("Content-Language", lang)
	c.Header("Vary", "Accept-Language")
	c.Header("Content-Security-Policy", csp)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func (h *handler) page(c *gin.Context) { h.pageFor(c, nil) }

// pageFor is the report page of one page (pages.go), or of all with nil.
func (h *handler) pageFor(c *gin.Context, pg *reports.PageInfo) {
	lang := langOf(c)
	loc := h.Index.Location()
	status, msg := http.StatusOK, ""
	r, p, err := h.report(c, pg)
	var fe *moderation.FieldError
	if errors.As(err, &fe) && errors.Is(err, moderation.ErrInvalid) {
		// A bad period still gets the page (for the current month) with
		// the message in the reader's language, so the form is there to
		// correct it.
		status, _ = httperr.StatusOf(err)
		msg = periodMessage(lang, fe, c.Request.URL.Query())
		p = reports.MonthOf(h.Clock.Now(), loc)
		r, err = h.cache.get(h.Index, p, reportOptions(h.Policy(), h.Clock.Now(), pg)) // cached too: a bad query is free to repeat
	}
	if err != nil {
		h.failHTML(c, lang, err)
		return
	}
	v := buildPage(lang, r, h.Policy(), h.Settings, loc)
	v.Error = msg
	h.addPages(v, pg)
	v.decorate(c.Request.URL.Query(), p, h.Clock.Now().In(loc))
	if status == http.StatusOK {
		c.Header("Cache-Control", "public, max-age=60") // as the JSON and CSV
	}
	h.writeHTML(c, status, lang, "page.html", v)
}

// decorate adds the links and form values that depend on the request.
func (v *page) decorate(q url.Values, p reports.Period, now time.Time) {
	keep := url.Values{}
	for _, k := range []string{"period", "from", "to"} {
		if s := q.Get(k); s != "" {
			keep.Set(k, s)
		}
	}
	if len(keep) == 0 {
		keep.Set("period", p.Label)
	}
	v.OtherLang = otherLang(v.Lang)
	sw := cloneValues(keep)
	sw.Set("lang", v.OtherLang)
	v.SwitchURL = v.base() + "?" + sw.Encode()
	v.JSONURL = v.base() + ".json?" + keep.Encode()
	v.CSVURL = v.base() + ".csv?" + keep.Encode()
	if p.Kind == "custom" {
		v.From, v.To = q.Get("from"), q.Get("to")
	} else {
		v.PeriodValue = p.Label
		v.From, v.To = p.From.Format("2006-01-02"), p.To.Format("2006-01-02")
	}
	v.Quick = quickLinks(v.base(), v.Lang, p.Label, now)
	for i := range v.Pages {
		v.Pages[i].URL += "?" + keep.Encode() + "&lang=" + v.Lang
	}
}

// quickLinks are the last six months, four quarters and three years, named
// in the reader's language and linked by their period code.
func quickLinks(base, lang, current string, now time.Time) []quickGroup {
	link := func(code, label string) quickLink {
		u := url.Values{"period": {code}, "lang": {lang}}
		return quickLink{Label: label, URL: base + "?" + u.Encode(), Current: code == current}
	}
	months := quickGroup{Label: i18n.T(lang, "pub_months")}
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	for i := 5; i >= 0; i-- {
		m := first.AddDate(0, -i, 0)
		months.Links = append(months.Links, link(m.Format("2006-01"), i18n.Month(lang, m)))
	}
	quarters := quickGroup{Label: i18n.T(lang, "pub_quarters")}
	q0 := time.Date(now.Year(), time.Month((int(now.Month())-1)/3*3+1), 1, 0, 0, 0, 0, now.Location())
	for i := 3; i >= 0; i-- {
		t := q0.AddDate(0, -3*i, 0)
		n := (int(t.Month())-1)/3 + 1
		quarters.Links = append(quarters.Links, link(fmt.Sprintf("%d-Q%d", t.Year(), n), i18n.Quarter(lang, t.Year(), n)))
	}
	years := quickGroup{Label: i18n.T(lang, "pub_years")}
	for i := 2; i >= 0; i-- {
		y := fmt.Sprint(now.Year() - i)
		years.Links = append(years.Links, link(y, y))
	}
	return []quickGroup{months, quarters, years}
}

func otherLang(lang string) string {
	if lang == "en" {
		return "fr"
	}
	return "en"
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
