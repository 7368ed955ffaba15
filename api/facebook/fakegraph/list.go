package fakegraph

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// graphTime is how the Graph API writes times: ISO 8601 with a "+0000"
// offset, not RFC 3339.
const graphTime = "2006-01-02T15:04:05-0700"

const (
	defaultLimit = 25 // Meta's default page size
	maxLimit     = 100
)

// fieldList reads a fields parameter, or the node's default fields.
// Meta refuses a field a node does not have; so does the fake.
func fieldList(fields, node, defaults string, known map[string]bool) ([]string, *answer) {
	if fields == "" {
		fields = defaults
	}
	list := strings.Split(fields, ",")
	for i, f := range list {
		list[i] = strings.TrimSpace(f)
		if !known[list[i]] {
			a := badRequest(100, "(#100) Tried accessing nonexisting field ("+list[i]+") on node type ("+node+")")
			return nil, &a
		}
	}
	return list, nil
}

var commentFields = map[string]bool{"id": true, "message": true, "from": true, "created_time": true,
	"is_hidden": true, "parent": true, "can_hide": true}

// commentJSON renders a comment with the fields asked for. The caller
// holds s.mu.
func (s *Server) commentJSON(c *Comment, fields []string) map[string]any {
	out := map[string]any{"id": c.ID}
	for _, f := range fields {
		switch f {
		case "message":
			out[f] = c.Message
		case "from":
			out[f] = map[string]string{"id": c.From.ID, "name": c.From.Name}
		case "created_time":
			out[f] = c.CreatedTime.UTC().Format(graphTime)
		case "is_hidden":
			out[f] = c.Hidden
		case "can_hide":
			out[f] = c.From.ID != s.pageOf(c.ID)
		case "parent":
			if p := s.comments[c.ParentID]; p != nil {
				out[f] = map[string]any{"id": p.ID, "message": p.Message,
					"created_time": p.CreatedTime.UTC().Format(graphTime),
					"from":         map[string]string{"id": p.From.ID, "name": p.From.Name}}
			}
		}
	}
	return out
}

func (s *Server) renderComment(c *Comment, fields string) answer {
	list, bad := fieldList(fields, "Comment", "id,message,from,created_time", commentFields)
	if bad != nil {
		return *bad
	}
	return ok(s.commentJSON(c, list))
}

var postFields = map[string]bool{"id": true, "message": true, "created_time": true}

func postJSON(p *Post, fields []string) map[string]any {
	out := map[string]any{"id": p.ID}
	for _, f := range fields {
		switch f {
		case "message":
			out[f] = p.Message
		case "created_time":
			out[f] = p.CreatedTime.UTC().Format(graphTime)
		}
	}
	return out
}

func renderPost(p *Post, fields string) answer {
	list, bad := fieldList(fields, "Post", "id,message,created_time", postFields)
	if bad != nil {
		return *bad
	}
	return ok(postJSON(p, list))
}

// listPosts lists a page's posts, newest first, since/until in unix
// seconds or RFC 3339. The caller holds s.mu.
func (s *Server) listPosts(r *http.Request, req request) answer {
	if s.pages[req.object] == nil {
		return badRequest(100, "(#100) Tried accessing nonexisting field (posts)")
	}
	since, okSince := parseTime(r.Form.Get("since"))
	until, okUntil := parseTime(r.Form.Get("until"))
	if !okSince || !okUntil {
		return badRequest(100, "(#100) since and until must be unix times or ISO 8601")
	}
	fields, bad := fieldList(r.Form.Get("fields"), "Post", "id,message,created_time", postFields)
	if bad != nil {
		return *bad
	}
	var posts []*Post
	for _, p := range s.posts {
		if p.PageID == req.object && (since.IsZero() || !p.CreatedTime.Before(since)) &&
			(until.IsZero() || p.CreatedTime.Before(until)) {
			posts = append(posts, p)
		}
	}
	sort.Slice(posts, func(i, j int) bool {
		if !posts[i].CreatedTime.Equal(posts[j].CreatedTime) {
			return posts[i].CreatedTime.After(posts[j].CreatedTime)
		}
		return posts[i].ID > posts[j].ID
	})
	items := make([]any, len(posts))
	for i, p := range posts {
		items[i] = postJSON(p, fields)
	}
	return paginate(r, req.token, items)
}

// listComments lists a post's comments (filter toplevel, Meta's default,
// or stream with the replies) or a comment's replies, oldest first unless
// order=reverse_chronological. The caller holds s.mu.
func (s *Server) listComments(r *http.Request, req request) answer {
	fields, bad := fieldList(r.Form.Get("fields"), "Comment", "id,message,from,created_time", commentFields)
	if bad != nil {
		return *bad
	}
	filter, order := r.Form.Get("filter"), r.Form.Get("order")
	var keep func(*Comment) bool
	switch {
	case filter != "" && filter != "toplevel" && filter != "stream",
		order != "" && order != "chronological" && order != "reverse_chronological":
		return badRequest(100, "(#100) filter must be toplevel or stream, order chronological or reverse_chronological")
	case s.posts[req.object] != nil && filter == "stream":
		keep = func(c *Comment) bool { return c.PostID == req.object }
	case s.posts[req.object] != nil:
		keep = func(c *Comment) bool { return c.PostID == req.object && c.ParentID == "" }
	case s.comments[req.object] != nil:
		keep = func(c *Comment) bool { return c.ParentID == req.object }
	default:
		return badRequest(100, "(#100) Tried accessing nonexisting field (comments)")
	}
	comments := s.sortedComments(keep)
	if order == "reverse_chronological" {
		for i, j := 0, len(comments)-1; i < j; i, j = i+1, j-1 {
			comments[i], comments[j] = comments[j], comments[i]
		}
	}
	items := make([]any, len(comments))
	for i := range comments {
		items[i] = s.commentJSON(&comments[i], fields)
	}
	return paginate(r, req.token, items)
}

func parseTime(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, true
	}
	if sec, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(sec, 0), true
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

// paginate cuts a list at limit and the after cursor, and links the next
// page with an absolute URL that, as Meta's does, carries the access token.
func paginate(r *http.Request, token string, items []any) answer {
	limit := defaultLimit
	if v := r.Form.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return badRequest(100, "(#100) limit must be a positive integer")
		}
		limit = min(n, maxLimit)
	}
	offset := 0
	if v := r.Form.Get("after"); v != "" {
		n, ok := decodeCursor(v)
		if !ok || n > len(items) {
			return badRequest(100, "(#100) Invalid cursor")
		}
		offset = n
	}
	end := min(offset+limit, len(items))
	body := map[string]any{"data": items[offset:end]}
	if end > offset {
		paging := map[string]any{"cursors": map[string]string{"before": encodeCursor(offset), "after": encodeCursor(end)}}
		if end < len(items) {
			paging["next"] = nextLink(r, token, encodeCursor(end))
		}
		body["paging"] = paging
	}
	return ok(body)
}

func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset)))
}

func decodeCursor(c string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	v, found := strings.CutPrefix(string(b), "offset:")
	n, err := strconv.Atoi(v)
	return n, found && err == nil && n >= 0
}

func nextLink(r *http.Request, token, after string) string {
	q := url.Values{}
	for k, v := range r.URL.Query() {
		q[k] = v
	}
	q.Set("after", after)
	q.Set("access_token", token)
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
	return u.String()
}
