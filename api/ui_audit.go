package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
	"vigie/rules"
)

type auditsView struct {
	Counts map[string]int64
	Open   []moderation.Audit
	Msg    string
}

// GET /moderation/audits
func (s *Server) uiAudits(c *gin.Context) error {
	ctx := c.Request.Context()
	counts, err := s.svc.CountAudits(ctx)
	if err != nil {
		return err
	}
	open, err := s.svc.Audits(ctx, moderation.AuditFilter{State: moderation.AuditOpen, Limit: 50})
	if err == nil {
		open, err = s.auditsInScope(c, open) // scope.go
	}
	if err != nil {
		return err
	}
	v := auditsView{Counts: map[string]int64{}, Open: open, Msg: uiMessage(c.Query("msg"))}
	for k, n := range counts {
		v.Counts[k.String()] = n
	}
	s.render(c, http.StatusOK, "audits", "audits", v)
	return nil
}

// POST /moderation/audits/claim
func (s *Server) uiClaimAudit(c *gin.Context) error {
	a, err := s.claimAudit(c) // scope.go
	if errors.Is(err, moderation.ErrNotFound) {
		c.Redirect(http.StatusSeeOther, "/moderation/audits?msg=audit_none")
		return nil
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/moderation/audits/%d", a.ID))
	return nil
}

// auditView is one audit. While it is open the page shows the text only:
// not the verdict, the status, the category or what matched.
type auditView struct {
	Audit      moderation.Audit
	Comment    moderation.Comment
	Open       bool
	Categories []rules.Category
	// Revealed once decided.
	Automated  *moderation.Event
	Decision   *moderation.Event
	Overturned bool
	Segments   []segment
}

// GET /moderation/audits/{id}
func (s *Server) uiAudit(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.checkAudit(c, id); err != nil {
		return err
	}
	ctx := c.Request.Context()
	a, err := s.svc.GetAudit(ctx, id)
	if err != nil {
		return err
	}
	cm, err := s.svc.Store().Comment(ctx, a.CommentID)
	if err != nil {
		return err
	}
	v := auditView{Audit: a, Comment: cm, Open: a.State == moderation.AuditOpen, Categories: s.svc.Rules().Categories()}
	if !v.Open {
		evs, err := s.svc.Store().Events(ctx, a.CommentID)
		if err != nil {
			return err
		}
		for i := range evs {
			switch evs[i].Seq {
			case a.EventSeq:
				v.Automated = &evs[i]
			case a.DecisionSeq:
				v.Decision = &evs[i]
			}
		}
		v.Overturned = a.State == moderation.AuditOverturned
		v.Segments = []segment{{Text: cm.Text}}
		if cm.Verdict != nil {
			v.Segments = highlight(cm.Text, cm.Verdict.Matches)
		}
	}
	s.render(c, http.StatusOK, "audit", "audits", v)
	return nil
}

// POST /moderation/audits/{id}/decision (form)
func (s *Server) uiDecideAudit(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.checkAudit(c, id); err != nil {
		return err
	}
	_, err = s.svc.DecideAudit(c.Request.Context(), currentUser(c).Actor(), id, c.PostForm("action"), c.PostForm("category"), c.PostForm("note"))
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/moderation/audits/%d", id))
	return nil
}

type appealsView struct {
	Rows []appealRow
	Msg  string
}

type appealRow struct {
	Appeal  moderation.Appeal
	Comment moderation.Comment
}

// GET /moderation/appeals
func (s *Server) uiAppeals(c *gin.Context) error {
	ctx := c.Request.Context()
	as, err := s.svc.Appeals(ctx, moderation.AppealFilter{State: moderation.AppealOpen, Limit: 200})
	if err == nil {
		as, err = s.appealsInScope(c, as) // scope.go
	}
	if err != nil {
		return err
	}
	v := appealsView{Msg: uiMessage(c.Query("msg"))}
	for _, a := range as {
		cm, err := s.svc.Store().Comment(ctx, a.CommentID)
		if err != nil {
			return err
		}
		v.Rows = append(v.Rows, appealRow{Appeal: a, Comment: cm})
	}
	s.render(c, http.StatusOK, "appeals", "appeals", v)
	return nil
}

// POST /moderation/appeals/{id}/decision (form)
func (s *Server) uiDecideAppeal(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.checkAppeal(c, id); err != nil {
		return err
	}
	if _, err := s.svc.DecideAppeal(c.Request.Context(), currentUser(c).Actor(), id, c.PostForm("action"), c.PostForm("note")); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/moderation/appeals?msg=appeal_decided")
	return nil
}
