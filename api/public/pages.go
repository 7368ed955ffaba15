package public

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/api/httperr"
	"vigie/moderation"
	"vigie/moderation/i18n"
	"vigie/reports"
)

// Each configured page has its own report at /transparency/p/{id}, with
// its JSON and CSV at /transparency/p/{id}.json and .csv: the same page and
// schema as the all-pages report, limited to the page's comments, plus the
// page's id and name. The all-pages page links every page's.

// pageLink is one page in the list of the all-pages report.
type pageLink struct {
	Name, URL string
}

func reportOptions(pol reports.Policy, now time.Time, pg *reports.PageInfo) reports.ReportOptions {
	o := reports.ReportOptions{Policy: pol, Now: now}
	if pg != nil {
		o.Page, o.PageName = pg.ID, pg.Name
	}
	return o
}

// pages is the configured pages; empty when there is only the default one.
func (h *handler) pages() []reports.PageInfo {
	if h.Pages == nil {
		return nil
	}
	return h.Pages()
}

// perPage serves /transparency/p/{id}[.json|.csv].
func (h *handler) perPage(c *gin.Context) {
	id, kind := c.Param("page"), "html"
	for _, ext := range []string{".json", ".csv"} {
		if s, ok := strings.CutSuffix(id, ext); ok {
			id, kind = s, ext
			break // one extension: "x.csv.json" is no page, not x's CSV
		}
	}
	var pg *reports.PageInfo
	for _, p := range h.pages() {
		if p.ID == id {
			pg = &p
			break
		}
	}
	if pg == nil {
		err := moderation.Errorf(moderation.ErrNotFound, "page", "no page %q", clip(id))
		if kind != "html" {
			h.failJSON(c, err)
			return
		}
		lang := langOf(c)
		c.Header("Cache-Control", "no-store")
		h.writeHTML(c, http.StatusNotFound, lang, "error.html", errorView{Lang: lang, Status: http.StatusNotFound,
			Message: i18n.T(lang, "pub_page_unknown"), RequestID: c.GetString(httperr.RequestIDKey), BackURL: "/transparency?lang=" + lang})
		return
	}
	switch kind {
	case ".json":
		h.jsonFor(c, pg)
	case ".csv":
		h.csvFor(c, pg)
	default:
		h.pageFor(c, pg)
	}
}

// addPages names the page of a per-page report, or lists the pages on the
// all-pages one.
func (h *handler) addPages(v *page, pg *reports.PageInfo) {
	v.Page = pg
	if pg != nil {
		v.Base = "/transparency/p/" + pg.ID
		return
	}
	v.Base = "/transparency"
	for _, p := range h.pages() {
		v.Pages = append(v.Pages, pageLink{Name: p.Name, URL: "/transparency/p/" + p.ID})
	}
}

// base is the report's route.
func (v *page) base() string {
	if v.Base == "" {
		return "/transparency"
	}
	return v.Base
}
