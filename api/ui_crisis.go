package api

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
)

// crisisPageRow is one page on the crisis admin page.
type crisisPageRow struct {
	ID, Name string
	On       bool // its own crisis runs (a crisis of all pages shows apart)
}

type crisisView struct {
	Pages    []crisisPageRow
	AllOn    bool
	Ongoing  []moderation.CrisisPeriod
	History  []moderation.CrisisPeriod // newest first
	Error    string
	AllPages string
}

// GET /moderation/admin/crisis: each page's state, the switch, the history.
func (s *Server) uiCrisis(c *gin.Context) error {
	s.renderCrisis(c, http.StatusOK, "")
	return nil
}

func (s *Server) renderCrisis(c *gin.Context, status int, errMsg string) {
	st := s.svc.Crisis()
	v := crisisView{Ongoing: st.Ongoing(), AllOn: false, Error: errMsg, AllPages: moderation.AllPages}
	on := map[string]bool{}
	for _, p := range v.Ongoing {
		on[p.Page] = true
	}
	v.AllOn = on[moderation.AllPages]
	for _, pg := range s.svc.Pages().List() {
		v.Pages = append(v.Pages, crisisPageRow{ID: pg.ID, Name: pg.Name, On: on[pg.ID]})
	}
	all := st.Periods()
	for i := len(all) - 1; i >= 0; i-- {
		v.History = append(v.History, all[i])
	}
	s.render(c, status, "crisis", "crisis", v)
}

// POST /moderation/admin/crisis (page, action, reason, confirm): the switch.
// The confirmation box must be ticked: a crisis hides comments on the
// platform, not something to set off with a stray click.
func (s *Server) uiSwitchCrisis(c *gin.Context) error {
	if c.PostForm("confirm") != "1" {
		s.renderCrisis(c, http.StatusBadRequest, "crisis_need_confirm")
		return nil
	}
	e, err := s.switchCrisis(c, c.PostForm("page"), c.PostForm("action"), c.PostForm("reason"))
	if err != nil {
		return err
	}
	msg := "crisis_stopped"
	if e.Category == moderation.CrisisStart {
		msg = "crisis_started"
	}
	c.Redirect(http.StatusSeeOther, "/moderation/admin/crisis?msg="+url.QueryEscape(msg))
	return nil
}
