package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
	"vigie/moderation/i18n"
)

// mountModeration adds the moderator UI and its JSON API.
func (s *Server) mountModeration(r *gin.Engine) {
	r.GET("/moderation/static/*file", staticHandler())

	read, decide := s.requireUser(moderation.PermRead), s.requireUser(moderation.PermDecide)
	ui := r.Group("/moderation")
	ui.GET("/login", s.uiHandle(s.uiLoginForm))
	ui.POST("/login", s.uiHandle(s.uiLogin))
	ui.POST("/logout", read, s.uiHandle(s.uiLogout))
	ui.GET("/", read, s.uiHandle(s.uiQueue))
	ui.GET("/comments/:id", read, s.uiHandle(s.uiReview))
	ui.GET("/groups/:fingerprint", read, s.uiHandle(s.uiGroup))
	ui.GET("/audits", read, s.uiHandle(s.uiAudits))
	ui.GET("/audits/:id", read, s.uiHandle(s.uiAudit))
	ui.GET("/appeals", read, s.uiHandle(s.uiAppeals))
	ui.POST("/queue/claim", decide, s.uiHandle(s.uiClaimNext))
	ui.POST("/comments/:id/decision", decide, s.uiHandle(s.uiDecide))
	ui.POST("/comments/:id/undo", decide, s.uiHandle(s.uiUndo))
	ui.POST("/comments/:id/reexamine", decide, s.uiHandle(s.uiReexamine))
	ui.POST("/comments/:id/appeal", decide, s.uiHandle(s.uiOpenAppeal))
	ui.POST("/groups/:fingerprint/decision", decide, s.uiHandle(s.uiGroupDecide))
	ui.POST("/audits/claim", decide, s.uiHandle(s.uiClaimAudit))
	ui.POST("/audits/:id/decision", decide, s.uiHandle(s.uiDecideAudit))
	ui.POST("/appeals/:id/decision", decide, s.uiHandle(s.uiDecideAppeal))

	admin := s.requireUser(moderation.PermAdmin)
	ui.GET("/admin/rules", admin, s.uiHandle(s.uiRules))
	ui.POST("/admin/rules/check", admin, s.uiHandle(s.uiCheckRules))
	ui.GET("/admin/models", admin, s.uiHandle(s.uiModels))
	ui.POST("/admin/models/:id/promote", admin, s.uiHandle(s.uiPromoteModel))
	ui.POST("/admin/models/:id/retire", admin, s.uiHandle(s.uiRetireModel))
	ui.GET("/admin/users", admin, s.uiHandle(s.uiUsers))
	ui.POST("/admin/users", admin, s.uiHandle(s.uiAddUser))
	ui.POST("/admin/users/:name/role", admin, s.uiHandle(s.uiSetRole))
	ui.POST("/admin/users/:name/password", admin, s.uiHandle(s.uiSetPassword))
	ui.POST("/admin/users/:name/disable", admin, s.uiHandle(s.uiSetDisabled(true)))
	ui.POST("/admin/users/:name/enable", admin, s.uiHandle(s.uiSetDisabled(false)))
	ui.GET("/admin/platform", admin, s.uiHandle(s.uiPlatform))
	ui.POST("/admin/platform/:id/retry", admin, s.uiHandle(s.uiRetryPlatform))

	v1 := r.Group("/api/v1", s.jsonBodies())
	v1.GET("/export/sor", admin, s.handle(s.getSOR))
	v1.POST("/comments/:id/appeal", s.intakeOrUser(ScopeIntake, moderation.PermDecide), s.handle(s.postAppeal))
	v1.GET("/queue", read, s.handle(s.getQueue))
	v1.POST("/queue/claim", decide, s.handle(s.postClaim))
	v1.POST("/queue/release", decide, s.handle(s.postRelease))
	v1.POST("/queue/decisions", decide, s.handle(s.postBulkDecision))
	v1.POST("/comments/:id/decision", decide, s.handle(s.postDecision))
	v1.POST("/comments/:id/undo", decide, s.handle(s.postUndo))
	v1.POST("/comments/:id/reexamine", decide, s.handle(s.postReexamine))
	v1.GET("/appeals", read, s.handle(s.getAppeals))
	v1.POST("/appeals/:id/decision", decide, s.handle(s.postAppealDecision))
	v1.GET("/audits", read, s.handle(s.getAudits))
	v1.POST("/audits/claim", decide, s.handle(s.postAuditClaim))
	v1.POST("/audits/:id/decision", decide, s.handle(s.postAuditDecision))
	s.mountCrisis(ui, v1, admin) // crisis.go
}

// view is what every UI page shows around its content.
func (s *Server) view(c *gin.Context, nav string, data any) uiView {
	u := currentUser(c)
	v := uiView{Lang: s.lang(c), Nav: nav, User: uiUser{Name: u.Name, Role: u.Role.String()}, CSRF: csrfToken(c),
		Path: c.Request.URL.Path, Now: s.svc.Now(), Data: data, IsAdmin: can(c, moderation.PermAdmin), CanAct: can(c, moderation.PermDecide)}
	if id, err := strconv.ParseInt(c.Query("undo"), 10, 64); err == nil && id > 0 && v.CanAct {
		v.Undo = id
	}
	if m := uiMessage(c.Query("msg")); m != "" {
		v.Flash = i18n.T(v.Lang, m)
	}
	if v.IsAdmin {
		v.Alerts, v.HasPlatform = s.platformAlerts(c.Request.Context()), s.platform != nil
	}
	// The crisis banner (crisis.go), on every page of every role.
	v.Crises = s.svc.Crisis().Ongoing()
	if st, err := s.queueStats(c); err == nil { // scope.go: the user's pages
		v.Stats = st
	}
	return v
}

// lang is the UI language: ?lang= (remembered in a cookie), then the
// remembered choice, then Accept-Language, then French.
func (s *Server) lang(c *gin.Context) string {
	q := c.Query("lang")
	if i18n.Supported(q) {
		if old, _ := c.Cookie(langCookie); old != q {
			http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, Secure: s.secure(c), SameSite: http.SameSiteLaxMode})
		}
	}
	remembered, _ := c.Cookie(langCookie)
	return i18n.Negotiate(c.GetHeader("Accept-Language"), q, remembered)
}

const langCookie = "vigie_lang"
