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

	"vigie/moderation"
	"vigie/reports"
)

//go:embed templates/*.html
var templateFS embed.FS

type pageTemplate struct{ t *template.Template }

func mustParse() *pageTemplate {
	funcs := template.FuncMap{
		"T":   T,
		"f1":  func(x float64) string { return fmt.Sprintf("%.1f", x) },
		"add": func(a, b float64) float64 { return a + b },
		// colon follows each language's typography: French puts a narrow
		// no-break space before it, English nothing.
		"colon": func(lang string) string {
			if lang == "fr" {
				return "\u202f:"
			}
			return ":"
		},
	}
	return &pageTemplate{t: template.Must(template.New("page").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))}
}

// Render writes the page for one report; exported for benchmarks.
func (p *pageTemplate) render(buf *bytes.Buffer, v *page) error {
	return p.t.ExecuteTemplate(buf, "page.html", v)
}

func (h *handler) page(c *gin.Context) {
	lang := langOf(c)
	loc := h.Index.Location()
	status := http.StatusOK
	r, p, err := h.report(c)
	var msg string
	if err != nil {
		// A bad period still gets the page (for the current month) with
		// the message, so the form is there to correct it.
		var fe *moderation.FieldError
		if !errors.As(err, &fe) {
			h.Log.Error("transparency: page", "err", err)
			c.String(http.StatusInternalServerError, "%s", T(lang, "error"))
			return
		}
		status, msg = http.StatusBadRequest, fe.Message
		p = reports.MonthOf(h.Clock.Now(), loc)
		if r, err = h.Index.Report(p, reports.ReportOptions{Policy: h.Policy(), Now: h.Clock.Now()}); err != nil {
			c.String(http.StatusInternalServerError, "%s", T(lang, "error"))
			return
		}
	}
	v := buildPage(lang, r, h.Policy(), h.Settings, loc)
	v.Error = msg
	v.decorate(c.Request.URL.Query(), p, h.Clock.Now().In(loc))
	var buf bytes.Buffer
	if err := h.tmpl.render(&buf, v); err != nil {
		h.Log.Error("transparency: render", "err", err)
		c.String(http.StatusInternalServerError, "%s", T(lang, "error"))
		return
	}
	c.Header("Content-Language", lang)
	c.Header("Vary", "Accept-Language")
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	if status == http.StatusOK {
		c.Header("Cache-Control", "public, max-age=60") // as the JSON and CSV
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
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
	v.OtherLang = "en"
	if v.Lang == "en" {
		v.OtherLang = "fr"
	}
	sw := cloneValues(keep)
	sw.Set("lang", v.OtherLang)
	v.SwitchURL = "/transparency?" + sw.Encode()
	v.JSONURL = "/transparency.json?" + keep.Encode()
	v.CSVURL = "/transparency.csv?" + keep.Encode()
	if p.Kind == "custom" {
		v.From, v.To = q.Get("from"), q.Get("to")
	} else {
		v.PeriodValue = p.Label
		v.From, v.To = p.From.Format("2006-01-02"), p.To.Format("2006-01-02")
	}
	link := func(label string) quickLink {
		u := url.Values{"period": {label}, "lang": {v.Lang}}
		return quickLink{Label: label, URL: "/transparency?" + u.Encode(), Current: label == p.Label}
	}
	var months, quarters, years quickGroup
	months.Label, quarters.Label, years.Label = T(v.Lang, "months"), T(v.Lang, "quarters"), T(v.Lang, "years")
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	for i := 5; i >= 0; i-- {
		months.Links = append(months.Links, link(first.AddDate(0, -i, 0).Format("2006-01")))
	}
	q0 := time.Date(now.Year(), time.Month((int(now.Month())-1)/3*3+1), 1, 0, 0, 0, 0, now.Location())
	for i := 3; i >= 0; i-- {
		t := q0.AddDate(0, -3*i, 0)
		quarters.Links = append(quarters.Links, link(fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1)))
	}
	for i := 2; i >= 0; i-- {
		years.Links = append(years.Links, link(fmt.Sprint(now.Year()-i)))
	}
	v.Quick = []quickGroup{months, quarters, years}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
