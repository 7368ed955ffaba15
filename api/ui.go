package api

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
	"vigie/moderation/i18n"
)

// The moderator UI: server-rendered pages (html/template, parsed once),
// one small script for the keyboard and the lease, no outside assets.
// Every page works with the mouse and without the script; the script only
// adds the keyboard and decides in place.

//go:embed templates/ui/*.html
var uiTemplateFS embed.FS

//go:embed static
var staticFS embed.FS

// uiCSP lets the UI run its own script (and nothing else): comment text is
// hostile, and html/template's escaping is the first line, this the second.
const uiCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// uiPages are the page templates, each a clone of the layout with its own
// "content".
type uiPages map[string]*template.Template

func parseUI() uiPages {
	funcs := template.FuncMap{
		"T":        i18n.T,
		"ago":      ago,
		"datetime": func(lang string, t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
		"excerpt":  excerpt,
		"status":   func(lang string, s moderation.Status) string { return i18n.T(lang, "status_"+s.String()) },
		"route":    func(lang string, r moderation.Route) string { return i18n.T(lang, "route_"+r.String()) },
	}
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(uiTemplateFS, "templates/ui/layout.html"))
	names, err := fs.Glob(uiTemplateFS, "templates/ui/*.html")
	if err != nil {
		panic(err)
	}
	pages := uiPages{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/ui/"), ".html")
		if name == "layout" {
			continue
		}
		pages[name] = template.Must(template.Must(base.Clone()).ParseFS(uiTemplateFS, n))
	}
	return pages
}

// uiView is what every page gets: who is looking, in which language, the
// CSRF token for its forms, and the page's own data.
type uiView struct {
	Lang    string
	Title   string
	Nav     string
	User    uiUser
	CSRF    string
	Path    string
	Flash   string
	Error   string
	Stats   moderation.QueueStats
	Now     time.Time
	Data    any
	IsAdmin bool
	CanAct  bool
	// Undo is the comment a form decision was just made on (?undo=): the
	// page offers to take it back, for those without the script's u key.
	Undo int64
	// Alerts counts failed platform actions an admin must act on.
	Alerts      int64
	HasPlatform bool
	// Crises are the crises in force: every page shows their banner.
	Crises []moderation.CrisisPeriod
}

type uiUser struct {
	Name, Role string
}

// render writes a page, or the error page if the template fails.
func (s *Server) render(c *gin.Context, status int, page, nav string, data any) {
	v := s.view(c, nav, data)
	v.Title = i18n.T(v.Lang, "title_"+page)
	var buf bytes.Buffer
	t, ok := s.ui[page]
	if !ok {
		s.abort(c, fmt.Errorf("no template %q", page))
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		s.abort(c, fmt.Errorf("render %s: %w", page, err))
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", uiCSP)
	h.Set("Cache-Control", "no-store") // pages show comments and personal data
	h.Set("Content-Language", v.Lang)
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// ago writes how long ago t was, in the largest sensible unit.
func ago(lang string, now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return fmt.Sprintf(i18n.T(lang, "ago_s"), int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf(i18n.T(lang, "ago_min"), int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf(i18n.T(lang, "ago_h"), int(d.Hours()))
	}
	return fmt.Sprintf(i18n.T(lang, "ago_d"), int(d.Hours()/24))
}

// excerpt shortens a text to n runes for a list.
func excerpt(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// staticHandler serves the UI's script and style sheet.
func staticHandler() gin.HandlerFunc {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	fsrv := http.StripPrefix("/moderation/static/", http.FileServer(http.FS(sub)))
	return func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(c.Writer, c.Request)
	}
}
