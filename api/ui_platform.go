package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
)

// PlatformAdmin is what the admin page of platform actions needs: the
// outbox's figures, its failed actions, and putting one back to do once
// its cause is fixed (storage.DB).
type PlatformAdmin interface {
	OutboxStats(ctx context.Context) (moderation.OutboxStats, error)
	OutboxItems(ctx context.Context, state moderation.OutboxState, limit int) ([]moderation.OutboxItem, error)
	RequeueOutbox(ctx context.Context, id int64, now time.Time) error
}

type platformView struct {
	Stats  moderation.OutboxStats
	Failed []moderation.OutboxItem
}

// GET /moderation/admin/platform: what Vigie owes the pages it acts on
// (hide, unhide, delete), and above all what failed for good: an expired
// page token is an alert until an admin renews it and retries.
func (s *Server) uiPlatform(c *gin.Context) error {
	if s.platform == nil {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no platform is connected"}
	}
	ctx := c.Request.Context()
	st, err := s.platform.OutboxStats(ctx)
	if err != nil {
		return err
	}
	failed, err := s.platform.OutboxItems(ctx, moderation.OutboxFailed, 200)
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "platform", "platform", platformView{Stats: st, Failed: failed})
	return nil
}

// POST /moderation/admin/platform/{id}/retry
func (s *Server) uiRetryPlatform(c *gin.Context) error {
	if s.platform == nil {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no platform is connected"}
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.platform.RequeueOutbox(c.Request.Context(), id, s.svc.Now()); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/moderation/admin/platform?msg=platform_retried")
	return nil
}

// platformAlerts counts the alerts an admin must see on every page.
func (s *Server) platformAlerts(ctx context.Context) int64 {
	if s.platform == nil {
		return 0
	}
	st, err := s.platform.OutboxStats(ctx)
	if err != nil {
		s.log.Warn("outbox stats", "err", err)
		return 0
	}
	return st.Alerts
}
