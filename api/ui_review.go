package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
	"vigie/rules"
)

// reviewView is the review page: the comment with what matched, why, its
// thread, its author's history and its own history.
type reviewView struct {
	Comment    moderation.Comment
	Segments   []segment
	Verdict    *rules.Verdict
	Matches    []matchRow
	Item       *moderation.ReviewItem
	Claimed    bool // by someone else
	Mine       bool
	Parent     *moderation.Comment
	History    map[string]int64
	Events     []moderation.Event
	Categories []rules.Category
	Group      int // other pending copies of the same text
	CanUndo    bool
	Appeals    []moderation.Appeal
	Msg        string
	// Protected: flagged as criticism; a refusal needs a reason.
	Protected bool
}

type matchRow struct {
	rules.Match
	Label string
	// Explain is what the policy says of the rule's category: why such a
	// passage matters, in the moderator's language.
	Explain string
}

// GET /moderation/comments/{id}
func (s *Server) uiReview(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.checkComment(c, id); err != nil {
		return err
	}
	ctx, st := c.Request.Context(), s.svc.Store()
	if a, open, err := s.svc.InBlindAudit(ctx, id); err != nil {
		return err
	} else if open {
		// The page would show the automated decision the audit samples.
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/moderation/audits/%d?msg=blind_audit", a.ID))
		return nil
	}
	cm, err := st.Comment(ctx, id)
	if err != nil {
		return err
	}
	v := reviewView{Comment: cm, Verdict: cm.Verdict, Categories: s.svc.Rules().Categories(), Msg: uiMessage(c.Query("msg")),
		Protected: protectedRow(cm)}
	lang := s.lang(c)
	if cm.Verdict != nil {
		v.Segments = highlight(cm.Text, cm.Verdict.Matches)
		for _, m := range cm.Verdict.Matches {
			if m.Shadow {
				continue
			}
			row := matchRow{Match: m, Label: m.Category}
			if cat, ok := s.svc.Rules().Category(m.Category); ok && cat.Label[lang] != "" {
				row.Label, row.Explain = cat.Label[lang], cat.Description[lang]
			}
			v.Matches = append(v.Matches, row)
		}
	} else {
		v.Segments = []segment{{Text: cm.Text}}
	}
	now, me := s.svc.Now(), currentUser(c).Actor()
	if it, err := st.ReviewItem(ctx, id); err == nil {
		v.Item, v.Mine = &it, it.HeldBy(me, now)
		v.Claimed = it.Claimed(now) && !v.Mine
		if it.Fingerprint != "" {
			copies, err := s.svc.Queue(ctx, s.queueFilter(c, moderation.QueueFilter{Fingerprint: it.Fingerprint, Limit: 1000}))
			if err != nil {
				return err
			}
			v.Group = len(copies)
		}
	} else if !errors.Is(err, moderation.ErrNotFound) {
		return err
	}
	if cm.ParentID != "" {
		if p, err := st.CommentBySource(ctx, cm.Source, cm.ParentID); err == nil {
			v.Parent = &p
		}
	}
	counts, err := st.AuthorCounts(ctx, cm.Source, cm.Author.ID)
	if err != nil {
		return err
	}
	v.History = map[string]int64{}
	for k, n := range counts {
		v.History[k.String()] = n
	}
	if v.Events, err = st.Events(ctx, id); err != nil {
		return err
	}
	if n := len(v.Events); n > 0 {
		last := v.Events[n-1]
		v.CanUndo = last.Actor == me && last.Route == moderation.RouteReview && now.Sub(last.At) <= moderation.UndoWindow
	}
	if v.Appeals, err = s.svc.Appeals(ctx, moderation.AppealFilter{CommentID: id}); err != nil {
		return err
	}
	s.render(c, http.StatusOK, "review", "queue", v)
	return nil
}

// POST /moderation/comments/{id}/reexamine (form): reinstate a refusal or
// remove a publication with a reason.
func (s *Server) uiReexamine(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.checkComment(c, id); err != nil {
		return err
	}
	_, err = s.svc.Reexamine(c.Request.Context(), currentUser(c).Actor(), id, c.PostForm("action"), c.PostForm("category"), c.PostForm("note"))
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/moderation/comments/%d?msg=reexamined", id))
	return nil
}

// POST /moderation/comments/{id}/appeal (form): a moderator opens an
// appeal on a refused comment (for an author who wrote in, say).
func (s *Server) uiOpenAppeal(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.checkComment(c, id); err != nil {
		return err
	}
	if _, err := s.svc.OpenAppeal(c.Request.Context(), id, currentUser(c).Actor(), c.PostForm("statement")); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/moderation/appeals?msg=appeal_opened")
	return nil
}

// groupView is every pending copy of one text, decided together.
type groupView struct {
	Fingerprint string
	Rows        []queueRow
	Authors     int
	Categories  []rules.Category
	// Category is the reason the rules gave the copies, offered first; a
	// refusal still needs one chosen (publication ignores it).
	Category string
	// Protected: the copies are flagged as criticism; a refusal needs a reason.
	Protected bool
}

// GET /moderation/groups/{fingerprint}
func (s *Server) uiGroup(c *gin.Context) error {
	fp := c.Param("fingerprint")
	entries, err := s.svc.Queue(c.Request.Context(), s.queueFilter(c, moderation.QueueFilter{Fingerprint: fp, Limit: 1000}))
	if err != nil {
		return err
	}
	authors := map[string]bool{}
	for _, e := range entries {
		authors[e.Comment.Author.ID] = true
	}
	v := groupView{Fingerprint: fp, Rows: s.rowsOf(c, entries), Authors: len(authors), Categories: s.svc.Rules().Categories()}
	if len(entries) > 0 {
		v.Category = entries[0].Item.Category
	}
	for _, r := range v.Rows {
		v.Protected = v.Protected || r.Protected
	}
	s.render(c, http.StatusOK, "group", "queue", v)
	return nil
}

// POST /moderation/groups/{fingerprint}/decision (form): one decision for
// every copy (or the ticked ones), one event each.
func (s *Server) uiGroupDecide(c *gin.Context) error {
	fp := c.Param("fingerprint")
	ctx, actor := c.Request.Context(), currentUser(c).Actor()
	// The copies on the user's pages only (scope.go).
	entries, err := s.svc.Queue(ctx, s.queueFilter(c, moderation.QueueFilter{Fingerprint: fp, Limit: 1000}))
	if err != nil {
		return err
	}
	picked := map[string]bool{}
	for _, v := range c.PostFormArray("id") {
		picked[v] = true
	}
	var ids []int64
	for _, e := range entries {
		if len(picked) == 0 || picked[fmt.Sprint(e.Item.CommentID)] {
			ids = append(ids, e.Item.CommentID)
		}
	}
	if len(ids) == 0 {
		return moderation.Errorf(moderation.ErrInvalid, "id", "no pending copy left to decide")
	}
	d := moderation.ReviewDecision{Action: c.PostForm("action"), Category: c.PostForm("category"), Note: c.PostForm("note")}
	if err := groupNeedsReason(entries, ids, d); err != nil {
		return err
	}
	failed := 0
	for _, r := range s.svc.ReviewMany(ctx, actor, ids, d) {
		if r.Err != nil {
			failed++
		}
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/moderation/?msg=group_decided&n=%d&failed=%d", len(ids)-failed, failed))
	return nil
}

// uiMessage keeps only the messages the UI knows (the query string is the
// user's to edit).
func uiMessage(key string) string {
	switch key {
	case "decided_publish", "decided_refuse", "undone", "reexamined", "appeal_opened", "queue_empty",
		"group_decided", "appeal_decided", "audit_none", "logged_out", "password_changed", "user_added", "user_saved", "platform_retried", "blind_audit", "crisis_started", "crisis_stopped",
		"model_promoted", "model_retired":
		return "msg_" + key
	}
	return ""
}
