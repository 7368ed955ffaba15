package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
)

// mountCrisis adds crisis mode's switch: the admin page and the API, both
// admin only (the session's CSRF check covers the form and a cookie POST).
func (s *Server) mountCrisis(ui, v1 *gin.RouterGroup, admin gin.HandlerFunc) {
	ui.GET("/admin/crisis", admin, s.uiHandle(s.uiCrisis))
	ui.POST("/admin/crisis", admin, s.uiHandle(s.uiSwitchCrisis))
	v1.GET("/crisis", admin, s.handle(s.getCrisis))
	v1.POST("/pages/:page/crisis", admin, s.handle(s.postCrisis))
}

// crisisRequest is the body of POST /api/v1/pages/{page}/crisis.
type crisisRequest struct {
	Action string `json:"action"` // "start" or "stop"
	Reason string `json:"reason"`
}

// crisisEventJSON is a crisis switch as the API answers it.
type crisisEventJSON struct {
	Seq    int64     `json:"seq"`
	Page   string    `json:"page"`
	Action string    `json:"action"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Reason string    `json:"reason"`
	Hash   string    `json:"hash"`
}

// POST /api/v1/pages/{page}/crisis {"action":"start"|"stop","reason":"…"}
// ({page} "*" or "all": every page). Starting a page already in crisis, or
// stopping one that is not, is a 409.
func (s *Server) postCrisis(c *gin.Context) error {
	body, err := readBody(c, s.maxBody)
	if err != nil {
		return err
	}
	var req crisisRequest
	if err := decodeJSON(body, &req); err != nil {
		return err
	}
	e, err := s.switchCrisis(c, c.Param("page"), req.Action, req.Reason)
	if err != nil {
		return err
	}
	page, _, _ := moderation.CrisisPage(&e)
	c.JSON(http.StatusCreated, gin.H{"event": crisisEventJSON{Seq: e.Seq, Page: page, Action: e.Category, At: e.At,
		Actor: e.Actor, Reason: e.Note, Hash: e.Hash}, "ongoing": s.svc.Crisis().Ongoing()})
	return nil
}

// GET /api/v1/crisis: every crisis period, and those in force.
func (s *Server) getCrisis(c *gin.Context) error {
	c.JSON(http.StatusOK, gin.H{"periods": nonNil(s.svc.Crisis().Periods()), "ongoing": nonNil(s.svc.Crisis().Ongoing())})
	return nil
}

func nonNil(ps []moderation.CrisisPeriod) []moderation.CrisisPeriod {
	if ps == nil {
		return []moderation.CrisisPeriod{}
	}
	return ps
}

// switchCrisis is the switch both ways in share: the action checked, the
// actor the signed-in admin.
func (s *Server) switchCrisis(c *gin.Context, page, action, reason string) (moderation.Event, error) {
	if page == "all" {
		page = moderation.AllPages
	}
	if action != moderation.CrisisStart && action != moderation.CrisisStop {
		return moderation.Event{}, moderation.Errorf(moderation.ErrInvalid, "action", `action must be "start" or "stop"`)
	}
	return s.svc.SwitchCrisis(c.Request.Context(), moderation.CrisisSwitch{
		Page: page, Start: action == moderation.CrisisStart, Actor: currentUser(c).Actor(), Reason: reason})
}
