package public

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// homeView is the landing page: what the site is, and the two ways in.
type homeView struct {
	Lang, OtherLang, SwitchURL string
	ReportURL, LoginURL        string
}

// home is the landing page at /. It has the public report's look and
// headers, and no JavaScript; the language is chosen as on the report and
// carried over to both links.
func (h *handler) home(c *gin.Context) {
	lang := langOf(c)
	v := homeView{Lang: lang, OtherLang: otherLang(lang), SwitchURL: "/?lang=" + otherLang(lang),
		ReportURL: "/transparency?lang=" + lang, LoginURL: "/moderation/login?lang=" + lang}
	c.Header("Cache-Control", "public, max-age=300")
	h.writeHTML(c, http.StatusOK, lang, "home.html", v)
}
