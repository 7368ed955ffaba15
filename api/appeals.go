package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
)

type appealJSON struct {
	ID          int64      `json:"id"`
	CommentID   int64      `json:"comment_id"`
	OpenedAt    time.Time  `json:"opened_at"`
	OpenedBy    string     `json:"opened_by"`
	Statement   string     `json:"statement,omitempty"`
	State       string     `json:"state"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	DecisionSeq int64      `json:"decision_seq,omitempty"`
}

func toAppealJSON(a moderation.Appeal) appealJSON {
	out := appealJSON{ID: a.ID, CommentID: a.CommentID, OpenedAt: a.OpenedAt, OpenedBy: a.OpenedBy,
		Statement: a.Statement, State: a.State.String(), DecidedBy: a.DecidedBy, DecisionSeq: a.DecisionSeq}
	if !a.DecidedAt.IsZero() {
		out.DecidedAt = &a.DecidedAt
	}
	return out
}

// POST /api/v1/comments/{id}/appeal: by the source's intake token on the
// author's behalf, or by a moderator.
func (s *Server) postAppeal(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req struct {
		Statement string `json:"statement"`
	}
	if err := s.decodeBody(c, &req, true); err != nil {
		return err
	}
	by := moderation.ActorAuthor
	if u, ok := userOf(c); ok {
		by = u.Actor()
		if err := s.checkComment(c, id); err != nil { // scope.go
			return err
		}
	} else {
		cm, err := s.svc.Store().Comment(c.Request.Context(), id)
		if err != nil {
			return err
		}
		if err := sourceAllowed(c, cm.Source, ""); err != nil {
			return err
		}
	}
	a, err := s.svc.OpenAppeal(c.Request.Context(), id, by, req.Statement)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, gin.H{"appeal": toAppealJSON(a)})
	return nil
}

// GET /api/v1/appeals?state=open
func (s *Server) getAppeals(c *gin.Context) error {
	f := moderation.AppealFilter{Limit: 200}
	if v := c.Query("state"); v != "" {
		st, err := moderation.ParseAppealState(v)
		if err != nil {
			return err
		}
		f.State = st
	}
	as, err := s.svc.Appeals(c.Request.Context(), f)
	if err == nil {
		as, err = s.appealsInScope(c, as)
	}
	if err != nil {
		return err
	}
	out := make([]appealJSON, len(as))
	for i, a := range as {
		out[i] = toAppealJSON(a)
	}
	c.JSON(http.StatusOK, gin.H{"appeals": out})
	return nil
}

// POST /api/v1/appeals/{id}/decision {"action":"uphold"|"reinstate","note"}
func (s *Server) postAppealDecision(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.checkAppeal(c, id); err != nil {
		return err
	}
	var req struct {
		Action string `json:"action"`
		Note   string `json:"note"`
	}
	if err := s.decodeBody(c, &req, false); err != nil {
		return err
	}
	e, err := s.svc.DecideAppeal(c.Request.Context(), currentUser(c).Actor(), id, req.Action, req.Note)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"event": toEventJSON(e)})
	return nil
}

type auditJSON struct {
	ID        int64     `json:"id"`
	CommentID int64     `json:"comment_id"`
	SampledAt time.Time `json:"sampled_at"`
	State     string    `json:"state"`
	ClaimedBy string    `json:"claimed_by,omitempty"`
	// Text is what the moderator judges. The automated verdict, the
	// status and the category are left out until the audit is decided:
	// the audit is blind, or it measures nothing.
	Text     string `json:"text"`
	Language string `json:"language,omitempty"`
	Source   string `json:"source"`
	// Revealed only once decided.
	Automated *eventJSON `json:"automated_decision,omitempty"`
	Decision  *eventJSON `json:"decision,omitempty"`
}

// auditOf builds an audit's JSON; the automated decision only once closed.
func (s *Server) auditOf(c *gin.Context, a moderation.Audit) (auditJSON, error) {
	ctx := c.Request.Context()
	cm, err := s.svc.Store().Comment(ctx, a.CommentID)
	if err != nil {
		return auditJSON{}, err
	}
	out := auditJSON{ID: a.ID, CommentID: a.CommentID, SampledAt: a.SampledAt, State: a.State.String(),
		Text: cm.Text, Language: cm.Language, Source: cm.Source}
	if a.Claimed(s.svc.Now()) {
		out.ClaimedBy = a.Holder
	}
	if a.State == moderation.AuditOpen {
		return out, nil
	}
	evs, err := s.svc.Store().Events(ctx, a.CommentID)
	if err != nil {
		return auditJSON{}, err
	}
	for _, e := range evs {
		ej := toEventJSON(e)
		switch e.Seq {
		case a.EventSeq:
			out.Automated = &ej
		case a.DecisionSeq:
			out.Decision = &ej
		}
	}
	return out, nil
}

// GET /api/v1/audits?state=open
func (s *Server) getAudits(c *gin.Context) error {
	f := moderation.AuditFilter{Limit: 200}
	if v := c.DefaultQuery("state", "open"); v != "any" {
		st, err := moderation.ParseAuditState(v)
		if err != nil {
			return err
		}
		f.State = st
	}
	as, err := s.svc.Audits(c.Request.Context(), f)
	if err == nil {
		as, err = s.auditsInScope(c, as)
	}
	if err != nil {
		return err
	}
	out := make([]auditJSON, 0, len(as))
	for _, a := range as {
		j, err := s.auditOf(c, a)
		if err != nil {
			return err
		}
		out = append(out, j)
	}
	c.JSON(http.StatusOK, gin.H{"audits": out})
	return nil
}

// POST /api/v1/audits/claim: the oldest open audit, leased to the caller.
func (s *Server) postAuditClaim(c *gin.Context) error {
	a, err := s.claimAudit(c) // scope.go
	if err != nil {
		return err
	}
	j, err := s.auditOf(c, a)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"audit": j})
	return nil
}

// POST /api/v1/audits/{id}/decision {"action":"publish"|"refuse","category","note"}:
// the answer reveals the automated decision and whether it was overturned.
func (s *Server) postAuditDecision(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.checkAudit(c, id); err != nil {
		return err
	}
	var req decisionRequest
	if err := s.decodeBody(c, &req, false); err != nil {
		return err
	}
	ctx := c.Request.Context()
	out, err := s.svc.DecideAudit(ctx, currentUser(c).Actor(), id, req.Action, req.Category, req.Note)
	if err != nil {
		return err
	}
	a, err := s.svc.GetAudit(ctx, id)
	if err != nil {
		return err
	}
	j, err := s.auditOf(c, a)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"audit": j, "overturned": out.Overturned})
	return nil
}
