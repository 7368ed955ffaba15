package fakegraph

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"
)

// Page is a Facebook Page and its Page access token.
type Page struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Token string `json:"token"`
}

// Post is a post of a page.
type Post struct {
	ID          string    `json:"id"` // "<page>_<post object>"
	PageID      string    `json:"page_id"`
	Message     string    `json:"message"`
	CreatedTime time.Time `json:"created_time"`
}

// Author is who wrote a comment.
type Author struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Comment is a comment and its state on the page.
type Comment struct {
	ID          string    `json:"id"` // "<post object>_<comment>"
	PostID      string    `json:"post_id"`
	ParentID    string    `json:"parent_id,omitempty"` // the comment replied to, "" for top-level
	From        Author    `json:"from"`
	Message     string    `json:"message"`
	CreatedTime time.Time `json:"created_time"`
	Hidden      bool      `json:"is_hidden"`
	Deleted     bool      `json:"deleted"`
}

// Server is the fake Graph API. Its zero value is not usable: use New or
// NewUnstarted.
type Server struct {
	mu       sync.Mutex
	pages    map[string]*Page
	posts    map[string]*Post
	comments map[string]*Comment
	calls    []Call
	faults   map[faultKey][]Fault
	url      string
	http     *http.Server
}

// NewUnstarted returns an empty fake, an http.Handler that listens nowhere
// (for httptest.NewServer, or Start).
func NewUnstarted() *Server {
	return &Server{
		pages:    map[string]*Page{},
		posts:    map[string]*Post{},
		comments: map[string]*Comment{},
		faults:   map[faultKey][]Fault{},
	}
}

// New returns an empty fake serving on a loopback port; URL says where. It
// panics if it cannot listen, as httptest.NewServer does.
func New() *Server {
	s := NewUnstarted()
	if err := s.Start("127.0.0.1:0"); err != nil {
		panic("fakegraph: " + err.Error())
	}
	return s
}

// Start serves on addr in the background until Close.
func (s *Server) Start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	s.url, s.http = "http://"+ln.Addr().String(), srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }() // ErrServerClosed after Close
	return nil
}

// Serve serves on addr until ctx ends, for running the fake by hand.
func (s *Server) Serve(ctx context.Context, addr string) error {
	if err := s.Start(addr); err != nil {
		return err
	}
	<-ctx.Done()
	s.Close()
	return nil
}

// URL is the base URL to give the Graph API client, "" before Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// Close stops serving; calls held by a Delay are cut.
func (s *Server) Close() {
	s.mu.Lock()
	srv := s.http
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// AddPage adds a page, or replaces its name and token.
func (s *Server) AddPage(p Page) error {
	if p.ID == "" || p.Token == "" {
		return errors.New("fakegraph: a page needs an id and a token")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[p.ID] = &p
	return nil
}

// AddPost adds a post to a known page.
func (s *Server) AddPost(p Post) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.pages[p.PageID] == nil:
		return fmt.Errorf("fakegraph: post %s: no page %q", p.ID, p.PageID)
	case p.ID == "" || s.objectExists(p.ID):
		return fmt.Errorf("fakegraph: post id %q is empty or taken", p.ID)
	}
	if p.CreatedTime.IsZero() {
		p.CreatedTime = time.Now()
	}
	s.posts[p.ID] = &p
	return nil
}

// AddComment adds a comment (or a reply, ParentID set) to a known post.
func (s *Server) AddComment(c Comment) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.posts[c.PostID] == nil:
		return fmt.Errorf("fakegraph: comment %s: no post %q", c.ID, c.PostID)
	case c.ID == "" || s.objectExists(c.ID):
		return fmt.Errorf("fakegraph: comment id %q is empty or taken", c.ID)
	case c.ParentID != "" && (s.comments[c.ParentID] == nil || s.comments[c.ParentID].PostID != c.PostID):
		return fmt.Errorf("fakegraph: comment %s: no parent %q on post %s", c.ID, c.ParentID, c.PostID)
	}
	if c.CreatedTime.IsZero() {
		c.CreatedTime = time.Now()
	}
	c.CreatedTime = c.CreatedTime.Truncate(time.Second)
	s.comments[c.ID] = &c
	return nil
}

func (s *Server) objectExists(id string) bool {
	return s.pages[id] != nil || s.posts[id] != nil || s.comments[id] != nil
}

// Comment returns a comment's state, deleted or not.
func (s *Server) Comment(id string) (Comment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.comments[id]
	if !ok {
		return Comment{}, false
	}
	return *c, true
}

// Call is one request the fake answered.
type Call struct {
	Op       Op     `json:"op"`
	Method   string `json:"method"`
	Path     string `json:"path"`                // without the query
	Object   string `json:"object"`              // the comment, post or page in the path
	IsHidden string `json:"is_hidden,omitempty"` // as sent, on hide and unhide
	Status   int    `json:"status"`
	Code     int    `json:"code,omitempty"` // Meta's error code answered, 0 on success
	Scripted bool   `json:"scripted,omitempty"`
}

// OK reports whether the call succeeded.
func (c Call) OK() bool { return c.Status == http.StatusOK }

// Calls returns every call so far, in the order they were answered (a call
// held by a Delay is recorded when it is answered, after the client may
// have given up).
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsFor returns the calls of one operation on one object; object ""
// means any.
func (s *Server) CallsFor(op Op, object string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Op == op && (object == "" || c.Object == object) {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

// pageOf returns the page an object belongs to, "" when it is unknown.
// The caller holds s.mu.
func (s *Server) pageOf(id string) string {
	switch {
	case s.pages[id] != nil:
		return id
	case s.posts[id] != nil:
		return s.posts[id].PageID
	case s.comments[id] != nil:
		return s.posts[s.comments[id].PostID].PageID
	}
	return ""
}

// tokenPage returns the page a token belongs to. The caller holds s.mu.
func (s *Server) tokenPage(token string) (string, bool) {
	for _, p := range s.pages {
		if p.Token == token {
			return p.ID, true
		}
	}
	return "", false
}

// sortedComments returns the live comments matching keep, oldest first.
// The caller holds s.mu.
func (s *Server) sortedComments(keep func(*Comment) bool) []Comment {
	var out []Comment
	for _, c := range s.comments {
		if !c.Deleted && keep(c) {
			out = append(out, *c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedTime.Equal(out[j].CreatedTime) {
			return out[i].CreatedTime.Before(out[j].CreatedTime)
		}
		return out[i].ID < out[j].ID
	})
	return out
}
