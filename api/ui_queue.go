package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
	"vigie/rules"
)

// uiHandle adapts a page handler that returns an error: the error is shown
// as a page of the UI, in the user's language, with the request id.
func (s *Server) uiHandle(fn func(*gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			s.uiError(c, err)
		}
	}
}

func (s *Server) uiError(c *gin.Context, err error) {
	status, d := describe(s.localized(c, err))
	d.RequestID = requestID(c)
	if status >= 500 {
		s.log.Error("page failed", "request_id", d.RequestID, "path", c.FullPath(), "err", err)
	}
	s.render(c, status, "error", "", uiErrorView{Status: status, Code: d.Code, Message: d.Message, RequestID: d.RequestID})
	c.Abort()
}

type uiErrorView struct {
	Status        int
	Code, Message string
	RequestID     string
}

// queueRow is one pending comment in the queue page.
type queueRow struct {
	Item     moderation.ReviewItem
	Comment  moderation.Comment
	Segments []segment
	Claimed  bool
	Mine     bool
	Rules    []string
	// Protected: flagged as criticism (a badge, and a refusal needs a reason).
	Protected bool
}

type queueView struct {
	Rows       []queueRow
	Groups     []groupRow
	Filter     moderation.QueueFilter
	Categories []rules.Category
	Languages  []string
	NextPage   string
}

type groupRow struct {
	moderation.QueueGroup
	Text string
}

func (s *Server) rowsOf(c *gin.Context, entries []moderation.QueueEntry) []queueRow {
	now, me := s.svc.Now(), currentUser(c).Actor()
	rows := make([]queueRow, len(entries))
	for i, e := range entries {
		r := queueRow{Item: e.Item, Comment: e.Comment, Claimed: e.Item.Claimed(now), Mine: e.Item.HeldBy(me, now),
			Protected: protectedRow(e.Comment)}
		if v := e.Comment.Verdict; v != nil {
			r.Segments = highlight(e.Comment.Text, v.Matches)
			for _, m := range v.Matches {
				if !m.Shadow && !contains(r.Rules, m.Rule) {
					r.Rules = append(r.Rules, m.Rule)
				}
			}
		} else {
			r.Segments = []segment{{Text: e.Comment.Text}}
		}
		rows[i] = r
	}
	return rows
}

// GET /moderation/: the queue, by priority, with its filters and the texts
// waiting in several copies.
func (s *Server) uiQueue(c *gin.Context) error {
	f, err := queueFilterOf(c)
	if err != nil {
		return err
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	if after := c.Query("after"); after != "" {
		id, err := strconv.ParseInt(after, 10, 64)
		if err != nil {
			return moderation.Errorf(moderation.ErrInvalid, "after", "after must be a comment id")
		}
		it, err := s.svc.Store().ReviewItem(c.Request.Context(), id)
		if err == nil {
			f.After = &it
		}
	}
	ctx := c.Request.Context()
	entries, err := s.svc.Queue(ctx, s.queueFilter(c, f)) // scope.go: the user's pages
	if err != nil {
		return err
	}
	v := queueView{Rows: s.rowsOf(c, entries), Filter: f, Categories: s.svc.Rules().Categories(), Languages: []string{"fr", "en"}}
	if f.Fingerprint == "" && f.AuthorID == "" {
		groups, err := s.scopedGroups(ctx, c, 10)
		if err != nil {
			return err
		}
		for _, g := range groups {
			cm, err := s.svc.Store().Comment(ctx, g.Sample)
			if err != nil && !errors.Is(err, moderation.ErrNotFound) {
				return err
			}
			v.Groups = append(v.Groups, groupRow{QueueGroup: g, Text: cm.Text})
		}
	}
	if len(entries) == f.Limit {
		q := c.Request.URL.Query()
		q.Set("after", strconv.FormatInt(entries[len(entries)-1].Item.CommentID, 10))
		v.NextPage = "/moderation/?" + q.Encode()
	}
	s.render(c, http.StatusOK, "queue", "queue", v)
	return nil
}

// POST /moderation/queue/claim: take the next free comment and open it.
func (s *Server) uiClaimNext(c *gin.Context) error {
	e, err := s.svc.Claim(c.Request.Context(), currentUser(c).Actor(), s.queueFilter(c, moderation.QueueFilter{
		Category: c.PostForm("category"), Language: c.PostForm("language"), Source: c.PostForm("source")}))
	if errors.Is(err, moderation.ErrNotFound) {
		c.Redirect(http.StatusSeeOther, "/moderation/?msg=queue_empty")
		return nil
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/moderation/comments/%d", e.Item.CommentID))
	return nil
}

// POST /moderation/comments/{id}/decision (form): publish or refuse, then
// back to the queue, or on to the next comment with next=1.
func (s *Server) uiDecide(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.checkComment(c, id); err != nil {
		return err
	}
	ctx, actor := c.Request.Context(), currentUser(c).Actor()
	_, err = s.svc.Review(ctx, actor, moderation.ReviewDecision{CommentID: id, Action: c.PostForm("action"),
		Category: c.PostForm("category"), Note: c.PostForm("note")})
	if err != nil {
		return err
	}
	msg := "decided_" + c.PostForm("action")
	if c.PostForm("next") == "1" {
		if e, err := s.svc.Claim(ctx, actor, s.queueFilter(c, moderation.QueueFilter{})); err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/moderation/comments/%d?msg=%s&undo=%d", e.Item.CommentID, url.QueryEscape(msg), id))
			return nil
		}
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/moderation/?msg=%s&undo=%d", url.QueryEscape(msg), id))
	return nil
}

// POST /moderation/comments/{id}/undo (form)
func (s *Server) uiUndo(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.checkComment(c, id); err != nil {
		return err
	}
	if _, err := s.svc.Undo(c.Request.Context(), currentUser(c).Actor(), id, ""); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/moderation/comments/%d?msg=undone", id))
	return nil
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
