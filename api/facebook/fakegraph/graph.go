package fakegraph

import (
	"net/http"
	"regexp"
	"strings"
	"time"
)

var versionPattern = regexp.MustCompile(`^v[0-9]+\.[0-9]+$`)

// request is a Graph call as routed: what it does and to what.
type request struct {
	op       Op
	object   string
	edge     string // "posts", "comments" or ""
	isHidden string
	token    string
}

// ServeHTTP answers Graph API calls, and the /_fake/ endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_fake/") {
		s.serveAdmin(w, r)
		return
	}
	_ = r.ParseForm() // a malformed body leaves the form empty, which the checks below refuse
	req := route(r)
	call := Call{Op: req.op, Method: r.Method, Path: r.URL.Path, Object: req.object, IsHidden: req.isHidden}
	a, scripted := s.answer(r, req)
	call.Status, call.Code, call.Scripted = a.status, a.code, scripted
	s.record(call)
	a.write(w)
}

// answer runs a scripted fault if one is queued, else the real call.
func (s *Server) answer(r *http.Request, req request) (answer, bool) {
	f, scripted := s.nextFault(req.op, req.object)
	if scripted && f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done(): // the client gave up; a Slow call still does its work
			t.Stop()
		}
	}
	if scripted && f.Status != 0 {
		return graphError(f), true
	}
	return s.handle(r, req), scripted
}

// route reads the operation, object and token of a call.
func route(r *http.Request) request {
	req := request{op: OpOther, token: token(r)}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 || len(parts) > 3 || !versionPattern.MatchString(parts[0]) || parts[1] == "" {
		return req
	}
	req.object = parts[1]
	if len(parts) == 3 {
		req.edge = parts[2]
	}
	switch {
	case req.edge == "" && r.Method == http.MethodGet:
		req.op = OpGet
	case req.edge == "" && r.Method == http.MethodDelete:
		req.op = OpDelete
	case req.edge == "" && r.Method == http.MethodPost:
		req.isHidden = r.Form.Get("is_hidden")
		switch req.isHidden {
		case "true", "1":
			req.op = OpHide
		case "false", "0":
			req.op = OpUnhide
		}
	case req.edge == "posts" && r.Method == http.MethodGet:
		req.op = OpPosts
	case req.edge == "comments" && r.Method == http.MethodGet:
		req.op = OpComments
	}
	return req
}

// token reads the access token as Meta does: an Authorization header
// (Bearer or OAuth) or the access_token parameter.
func token(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		for _, scheme := range []string{"Bearer ", "OAuth "} {
			if t, ok := strings.CutPrefix(h, scheme); ok {
				return strings.TrimSpace(t)
			}
		}
	}
	return r.Form.Get("access_token")
}

// handle performs a call on the fake's state.
func (s *Server) handle(r *http.Request, req request) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.token == "" {
		return badRequest(104, "An access token is required to request this resource.")
	}
	tokenPage, known := s.tokenPage(req.token)
	if !known {
		return badRequest(190, "Invalid OAuth access token - Cannot parse access token")
	}
	switch {
	case req.op == OpOther && req.object == "":
		return badRequest(2500, "Unknown path components: "+r.URL.Path)
	case req.op == OpOther && r.Method == http.MethodPost && req.edge == "":
		return badRequest(100, "(#100) Param is_hidden must be true or false")
	case req.op == OpOther:
		return notFound() // Meta's "does not support this operation"
	}
	page := s.pageOf(req.object)
	if c := s.comments[req.object]; page == "" || page != tokenPage || c != nil && c.Deleted {
		// Unknown, deleted and not ours look the same, as on Meta.
		return notFound()
	}
	switch req.op {
	case OpGet:
		return s.get(req.object, r.Form.Get("fields"))
	case OpHide, OpUnhide:
		return s.setHidden(req.object, req.op == OpHide)
	case OpDelete:
		return s.delete(req.object)
	case OpPosts:
		return s.listPosts(r, req)
	case OpComments:
		return s.listComments(r, req)
	}
	return notFound()
}

func (s *Server) get(id, fields string) answer {
	if c := s.comments[id]; c != nil {
		return s.renderComment(c, fields)
	}
	if p := s.posts[id]; p != nil {
		return renderPost(p, fields)
	}
	return ok(map[string]string{"id": id, "name": s.pages[id].Name})
}

func (s *Server) setHidden(id string, hidden bool) answer {
	c := s.comments[id]
	if c == nil {
		return notFound() // posts are not hidden through this call in the fake
	}
	if hidden && c.From.ID == s.pageOf(id) {
		return badRequest(100, "(#100) A comment by the Page itself cannot be hidden.")
	}
	c.Hidden = hidden
	return success()
}

func (s *Server) delete(id string) answer {
	c := s.comments[id]
	if c == nil {
		return notFound() // posts are not deleted through this call in the fake
	}
	c.Deleted = true
	return success()
}
