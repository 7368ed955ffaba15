package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/api/intake"
	"vigie/moderation"
	"vigie/rules"
)

// The review queue over JSON: everything the moderator UI does, for
// scripts, with the same authorisation (session or personal token).

type queueItemJSON struct {
	CommentID   int64          `json:"comment_id"`
	Priority    float64        `json:"priority"`
	Score       float64        `json:"score"`
	Category    string         `json:"category,omitempty"`
	Language    string         `json:"language,omitempty"`
	Source      string         `json:"source"`
	Reason      string         `json:"reason"`
	Fingerprint string         `json:"fingerprint,omitempty"`
	ReceivedAt  time.Time      `json:"received_at"`
	ClaimedBy   string         `json:"claimed_by,omitempty"`
	LeaseUntil  *time.Time     `json:"lease_until,omitempty"`
	Text        string         `json:"text"`
	Author      intake.Author  `json:"author"`
	ThreadID    string         `json:"thread_id,omitempty"`
	ParentID    string         `json:"parent_id,omitempty"`
	Verdict     *rules.Verdict `json:"verdict"`
	// Protected lists the protected categories (criticism): a refusal
	// then needs a note.
	Protected []string `json:"protected,omitempty"`
}

func queueItemOf(e moderation.QueueEntry, now time.Time) queueItemJSON {
	it, cm := e.Item, e.Comment
	out := queueItemJSON{
		CommentID: it.CommentID, Priority: it.Priority, Score: it.Score, Category: it.Category, Language: it.Language,
		Source: it.Source, Reason: it.Reason, Fingerprint: it.Fingerprint, ReceivedAt: it.ReceivedAt,
		Text: cm.Text, Author: intake.Author{ID: cm.Author.ID, Name: cm.Author.Name}, ThreadID: cm.ThreadID,
		ParentID: cm.ParentID, Verdict: cm.Verdict, Protected: cm.Protected(),
	}
	if it.Claimed(now) {
		lu := it.LeaseUntil
		out.ClaimedBy, out.LeaseUntil = it.Holder, &lu
	}
	return out
}

type queueStatsJSON struct {
	Depth   int64      `json:"depth"`
	Claimed int64      `json:"claimed"`
	Oldest  *time.Time `json:"oldest_received_at"`
}

func statsJSON(st moderation.QueueStats) queueStatsJSON {
	out := queueStatsJSON{Depth: st.Depth, Claimed: st.Claimed}
	if !st.Oldest.IsZero() {
		out.Oldest = &st.Oldest
	}
	return out
}

// queueFilterOf reads the queue's filters from the query string.
func queueFilterOf(c *gin.Context) (moderation.QueueFilter, error) {
	f := moderation.QueueFilter{
		Category: c.Query("category"), Language: c.Query("language"), Source: c.Query("source"),
		Reason: c.Query("reason"), Fingerprint: c.Query("fingerprint"), AuthorID: c.Query("author"),
		Unclaimed: c.Query("unclaimed") == "true",
	}
	if f.AuthorID != "" && f.Source == "" {
		return f, moderation.Errorf(moderation.ErrInvalid, "source", "an author filter needs the source too")
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return f, moderation.Errorf(moderation.ErrInvalid, "limit", "limit must be between 1 and 500")
		}
		f.Limit = n
	}
	return f, nil
}

// GET /api/v1/queue
func (s *Server) getQueue(c *gin.Context) error {
	f, err := queueFilterOf(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	entries, err := s.svc.Queue(ctx, s.queueFilter(c, f)) // scope.go: the user's pages
	if err != nil {
		return err
	}
	st, err := s.queueStats(c)
	if err != nil {
		return err
	}
	now := s.svc.Now()
	items := make([]queueItemJSON, len(entries))
	for i, e := range entries {
		items[i] = queueItemOf(e, now)
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "stats": statsJSON(st)})
	return nil
}

type claimRequest struct {
	CommentIDs []int64 `json:"comment_ids"`
	Category   string  `json:"category"`
	Language   string  `json:"language"`
	Source     string  `json:"source"`
	Reason     string  `json:"reason"`
}

// POST /api/v1/queue/claim: the next free comment (matching the filters),
// or the listed comments, leased to the caller.
func (s *Server) postClaim(c *gin.Context) error {
	var req claimRequest
	if err := s.decodeBody(c, &req, true); err != nil {
		return err
	}
	ctx, actor := c.Request.Context(), currentUser(c).Actor()
	if len(req.CommentIDs) > 0 {
		if err := s.checkComments(c, req.CommentIDs); err != nil {
			return err
		}
		items, err := s.svc.ClaimComments(ctx, actor, req.CommentIDs)
		if err != nil {
			return err
		}
		out := make([]gin.H, len(items))
		for i, it := range items {
			out[i] = gin.H{"comment_id": it.CommentID, "lease_until": it.LeaseUntil}
		}
		c.JSON(http.StatusOK, gin.H{"claimed": out})
		return nil
	}
	e, err := s.svc.Claim(ctx, actor, s.queueFilter(c, moderation.QueueFilter{Category: req.Category, Language: req.Language, Source: req.Source, Reason: req.Reason}))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"item": queueItemOf(e, s.svc.Now())})
	return nil
}

// POST /api/v1/queue/release
func (s *Server) postRelease(c *gin.Context) error {
	var req struct {
		CommentIDs []int64 `json:"comment_ids"`
	}
	if err := s.decodeBody(c, &req, false); err != nil {
		return err
	}
	if err := s.svc.Release(c.Request.Context(), currentUser(c).Actor(), req.CommentIDs); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"released": len(req.CommentIDs)})
	return nil
}

type decisionRequest struct {
	Action   string `json:"action"`
	Category string `json:"category"`
	Note     string `json:"note"`
}

// POST /api/v1/comments/{id}/decision
func (s *Server) postDecision(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.checkComment(c, id); err != nil {
		return err
	}
	var req decisionRequest
	if err := s.decodeBody(c, &req, false); err != nil {
		return err
	}
	e, err := s.svc.Review(c.Request.Context(), currentUser(c).Actor(), moderation.ReviewDecision{
		CommentID: id, Action: req.Action, Category: req.Category, Note: req.Note})
	if err != nil {
		return s.localized(c, err) // a refusal of criticism without a reason: 400, field note
	}
	c.JSON(http.StatusOK, gin.H{"event": toEventJSON(e)})
	return nil
}

// POST /api/v1/queue/decisions: one decision on many comments (a
// selection, or every pending copy of one text), one event each.
func (s *Server) postBulkDecision(c *gin.Context) error {
	var req struct {
		CommentIDs  []int64 `json:"comment_ids"`
		Fingerprint string  `json:"fingerprint"`
		decisionRequest
	}
	if err := s.decodeBody(c, &req, false); err != nil {
		return err
	}
	ctx, actor := c.Request.Context(), currentUser(c).Actor()
	ids := req.CommentIDs
	if err := s.checkComments(c, ids); err != nil { // scope.go: named ids of another page are refused
		return err
	}
	if req.Fingerprint != "" {
		// The copies on the user's pages only: a group spanning pages is
		// decided page by page.
		entries, err := s.svc.Queue(ctx, s.queueFilter(c, moderation.QueueFilter{Fingerprint: req.Fingerprint, Limit: 1000}))
		if err != nil {
			return err
		}
		for _, e := range entries {
			ids = append(ids, e.Item.CommentID)
		}
	}
	if len(ids) == 0 {
		return moderation.Errorf(moderation.ErrInvalid, "comment_ids", "select comments or a fingerprint")
	}
	if len(ids) > 1000 {
		return moderation.Errorf(moderation.ErrInvalid, "comment_ids", "at most 1000 comments at once")
	}
	results := s.svc.ReviewMany(ctx, actor, ids, moderation.ReviewDecision{Action: req.Action, Category: req.Category, Note: req.Note})
	out := make([]gin.H, len(results))
	done := 0
	for i, r := range results {
		if r.Err != nil {
			_, d := describe(s.localized(c, r.Err))
			out[i] = gin.H{"comment_id": r.CommentID, "error": d}
			continue
		}
		done++
		out[i] = gin.H{"comment_id": r.CommentID, "event": toEventJSON(r.Event)}
	}
	c.JSON(http.StatusOK, gin.H{"decided": done, "results": out})
	return nil
}

// POST /api/v1/comments/{id}/undo
func (s *Server) postUndo(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.checkComment(c, id); err != nil {
		return err
	}
	e, err := s.svc.Undo(c.Request.Context(), currentUser(c).Actor(), id, "")
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"event": toEventJSON(e)})
	return nil
}

// POST /api/v1/comments/{id}/reexamine: a moderator's own second look at a
// decided comment (reinstate a refusal, or remove a publication with a reason).
func (s *Server) postReexamine(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.checkComment(c, id); err != nil {
		return err
	}
	var req decisionRequest
	if err := s.decodeBody(c, &req, false); err != nil {
		return err
	}
	e, err := s.svc.Reexamine(c.Request.Context(), currentUser(c).Actor(), id, req.Action, req.Category, req.Note)
	if err != nil {
		return s.localized(c, err)
	}
	c.JSON(http.StatusOK, gin.H{"event": toEventJSON(e)})
	return nil
}

func pathID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, &Error{Status: http.StatusBadRequest, Code: "invalid", Field: "id", Message: "id must be a positive integer"}
	}
	return id, nil
}

// decodeBody reads a JSON body strictly; an empty body is {} when allowed.
func (s *Server) decodeBody(c *gin.Context, v any, emptyOK bool) error {
	body, err := readBody(c, s.maxBody)
	if err != nil {
		return err
	}
	if len(body) == 0 && emptyOK {
		return nil
	}
	return decodeJSON(body, v)
}

func toEventJSON(e moderation.Event) eventJSON {
	from := "new"
	if e.From != 0 {
		from = e.From.String()
	}
	ids := e.RuleIDs
	if ids == nil {
		ids = []string{}
	}
	ej := eventJSON{
		Seq: e.Seq, At: e.At, Actor: e.Actor, From: from, To: e.To.String(), Route: e.Route.String(),
		Automation: e.Automation.String(), Category: e.Category, RuleIDs: ids,
		RulesetVersion: e.RulesetVersion, Note: e.Note, PrevHash: e.PrevHash, Hash: e.Hash,
	}
	if e.IsPurge() {
		ej.Summary = "purged (retention)" // the API speaks English; the UI says it through i18n (route_purge)
	}
	return ej
}
