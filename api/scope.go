package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
	"vigie/moderation/i18n"
)

// A moderator sees and decides only the pages assigned to them
// (moderation/pages.go). Every handler that reads or decides a comment by
// id checks its page here (403 when it is another's), and every list is
// filtered by the scope, in the query when it can be (the queue, its
// counts, its claims) or after reading (appeals, audits). An API token is
// limited by its sources instead (sourceAllowed): its scope here is all.

// scopeOf is what the request's user may see; everything for an admin,
// an API token or a deployment without pages.
func (s *Server) scopeOf(c *gin.Context) moderation.SourceScope {
	u, ok := userOf(c)
	if !ok {
		return moderation.SourceScope{}
	}
	return s.svc.Pages().ScopeOf(u)
}

// outOfScope is the answer for another page's comment, in the reader's
// language.
func (s *Server) outOfScope(c *gin.Context) error {
	lang := s.readerLang(c)
	if !isAPI(c) {
		lang = s.lang(c) // a page of the UI: its ?lang= too
	}
	return &Error{Status: http.StatusForbidden, Code: "out_of_scope", Message: i18n.T(lang, "err_out_of_scope")}
}

// checkComment refuses a comment outside the user's pages; a missing
// comment stays a 404.
func (s *Server) checkComment(c *gin.Context, id int64) error {
	return s.checkComments(c, []int64{id})
}

// checkComments refuses the lot when one is outside the user's pages.
func (s *Server) checkComments(c *gin.Context, ids []int64) error {
	sc := s.scopeOf(c)
	if !sc.Limited || len(ids) == 0 {
		return nil
	}
	ctx := c.Request.Context()
	if len(ids) == 1 {
		cm, err := s.svc.Store().Comment(ctx, ids[0])
		if err != nil {
			return err
		}
		return s.covers(c, sc, cm)
	}
	cs, err := s.svc.Store().CommentsByID(ctx, ids)
	if err != nil {
		return err
	}
	for _, cm := range cs {
		if err := s.covers(c, sc, cm); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) covers(c *gin.Context, sc moderation.SourceScope, cm moderation.Comment) error {
	if sc.Covers(cm.Source) {
		return nil
	}
	return s.outOfScope(c)
}

// queueFilter puts the user's scope into a queue filter.
func (s *Server) queueFilter(c *gin.Context, f moderation.QueueFilter) moderation.QueueFilter {
	f.Scope = s.scopeOf(c)
	return f
}

// queueStats counts the queue of the user's pages.
func (s *Server) queueStats(c *gin.Context) (moderation.QueueStats, error) {
	return s.svc.ScopedQueueStats(c.Request.Context(), s.scopeOf(c))
}

// checkAppeal refuses an appeal on another page's comment.
func (s *Server) checkAppeal(c *gin.Context, id int64) error {
	if !s.scopeOf(c).Limited {
		return nil
	}
	a, err := s.svc.GetAppeal(c.Request.Context(), id)
	if err != nil {
		return err
	}
	return s.checkComment(c, a.CommentID)
}

// checkAudit refuses an audit of another page's comment.
func (s *Server) checkAudit(c *gin.Context, id int64) error {
	if !s.scopeOf(c).Limited {
		return nil
	}
	a, err := s.svc.GetAudit(c.Request.Context(), id)
	if err != nil {
		return err
	}
	return s.checkComment(c, a.CommentID)
}

// appealsInScope keeps the appeals on the user's pages.
func (s *Server) appealsInScope(c *gin.Context, as []moderation.Appeal) ([]moderation.Appeal, error) {
	return inScope(s, c, as, func(a moderation.Appeal) int64 { return a.CommentID })
}

// auditsInScope keeps the audits on the user's pages.
func (s *Server) auditsInScope(c *gin.Context, as []moderation.Audit) ([]moderation.Audit, error) {
	return inScope(s, c, as, func(a moderation.Audit) int64 { return a.CommentID })
}

// inScope keeps the items whose comment is on the user's pages.
func inScope[T any](s *Server, c *gin.Context, items []T, commentID func(T) int64) ([]T, error) {
	keep, err := s.keepIDs(c, len(items), func(i int) int64 { return commentID(items[i]) })
	if err != nil {
		return nil, err
	}
	out := items[:0:0]
	for i, it := range items {
		if keep[i] {
			out = append(out, it)
		}
	}
	return out, nil
}

// keepIDs says which of n comments (by index) are in the user's scope.
func (s *Server) keepIDs(c *gin.Context, n int, id func(int) int64) ([]bool, error) {
	keep := make([]bool, n)
	sc := s.scopeOf(c)
	if !sc.Limited {
		for i := range keep {
			keep[i] = true
		}
		return keep, nil
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = id(i)
	}
	cs, err := s.svc.Store().CommentsByID(c.Request.Context(), ids)
	if err != nil {
		return nil, err
	}
	for i := range keep {
		cm, ok := cs[ids[i]]
		keep[i] = ok && sc.Covers(cm.Source)
	}
	return keep, nil
}

// claimAudit gives the user the oldest open audit. Audits are claimed
// oldest first whatever their page; a user limited to some pages is given
// the oldest open one of theirs that nobody holds, without a lease (an
// audit needs none to be decided), so no claim ever hands them another
// page's comment.
func (s *Server) claimAudit(c *gin.Context) (moderation.Audit, error) {
	sc := s.scopeOf(c)
	ctx, actor := c.Request.Context(), currentUser(c).Actor()
	if !sc.Limited {
		return s.svc.ClaimAudit(ctx, actor)
	}
	open, err := s.svc.Audits(ctx, moderation.AuditFilter{State: moderation.AuditOpen, Limit: 500})
	if err != nil {
		return moderation.Audit{}, err
	}
	mine, err := s.auditsInScope(c, open)
	if err != nil {
		return moderation.Audit{}, err
	}
	now := s.svc.Now()
	for _, a := range mine {
		if !a.Claimed(now) || a.Holder == actor {
			return a, nil
		}
	}
	return moderation.Audit{}, moderation.Errorf(moderation.ErrNotFound, "", "no open audit on your pages")
}

// scopedGroups lists the texts waiting in several copies on the user's pages.
func (s *Server) scopedGroups(ctx context.Context, c *gin.Context, limit int) ([]moderation.QueueGroup, error) {
	return s.svc.ScopedQueueGroups(ctx, limit, s.scopeOf(c))
}
