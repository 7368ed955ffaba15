package facebook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/api/facebook/fakegraph"
	"vigie/moderation"
)

// TestPostCommentsReadsEveryPage: 250 comments and replies come back in
// three pages, oldest first, each knowing its post and parent.
func TestPostCommentsReadsEveryPage(t *testing.T) {
	s, c := fakePage(t)
	want := []string{"5_1", "5_2"}
	for i := range 248 {
		id, parent := fmt.Sprintf("5_%d", 1000+i), ""
		if i%3 == 0 {
			parent = "5_1"
		}
		mustOK(t, s.AddComment(fakegraph.Comment{ID: id, PostID: fbPost, ParentID: parent, Message: "m",
			From: fakegraph.Author{ID: "9"}, CreatedTime: t0.Add(time.Hour + time.Duration(i)*time.Second)}))
		want = append(want, id)
	}
	comments, err := c.PostComments(context.Background(), fbPage, fbPost)
	mustOK(t, err)
	var got []string
	for _, cm := range comments {
		got = append(got, cm.ID)
		if cm.PostID != fbPost {
			t.Fatalf("comment %s has post %q", cm.ID, cm.PostID)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if comments[3].ParentID != "" || comments[2].ParentID != "5_1" {
		t.Errorf("parents: %q %q, want \"5_1\" then \"\"", comments[2].ParentID, comments[3].ParentID)
	}
	if n := len(s.CallsFor(fakegraph.OpComments, fbPost)); n != 3 {
		t.Errorf("%d list calls, want 3 pages", n)
	}
}

func TestPagePostsSince(t *testing.T) {
	s, c := fakePage(t)
	for i := range 150 {
		mustOK(t, s.AddPost(fakegraph.Post{ID: fmt.Sprintf("111_%d", 100+i), PageID: fbPage, Message: "p",
			CreatedTime: t0.Add(time.Duration(i+1) * time.Minute)}))
	}
	posts, err := c.PagePosts(context.Background(), fbPage, t0.Add(100*time.Minute))
	mustOK(t, err)
	if len(posts) != 51 || posts[0].ID != "111_249" || posts[50].ID != "111_199" {
		t.Fatalf("got %d posts from %v to %v, want 51 from 111_249 down to 111_199", len(posts), posts[0], posts[len(posts)-1])
	}
	want := Post{ID: "111_249", Message: "p", CreatedTime: t0.Add(150 * time.Minute)}
	if diff := cmp.Diff(want, posts[0]); diff != "" {
		t.Errorf("newest post (-want +got):\n%s", diff)
	}
	all, err := c.PagePosts(context.Background(), fbPage, time.Time{})
	mustOK(t, err)
	if len(all) != 151 {
		t.Errorf("without since: %d posts, want 151", len(all))
	}
}

func TestPagingIsBounded(t *testing.T) {
	s, c := fakePage(t)
	for i := range 450 {
		mustOK(t, s.AddComment(fakegraph.Comment{ID: fmt.Sprintf("5_%d", 1000+i), PostID: fbPost, Message: "m"}))
	}
	c.MaxPages = 2
	comments, err := c.PostComments(context.Background(), fbPage, fbPost)
	if !errors.Is(err, ErrPagingLimit) || ClassOf(err) != Permanent || len(comments) != 200 {
		t.Errorf("got %d comments, %v; want 200 and the paging limit", len(comments), err)
	}
}

// TestPagingStopsOnAFailedPage: what was read is returned with the error.
func TestPagingStopsOnAFailedPage(t *testing.T) {
	s, c := fakePage(t)
	for i := range 150 {
		mustOK(t, s.AddComment(fakegraph.Comment{ID: fmt.Sprintf("5_%d", 1000+i), PostID: fbPost, Message: "m"}))
	}
	s.Script(fakegraph.OpComments, fbPost, fakegraph.Slow(0), fakegraph.Throttle(1))
	comments, err := c.PostComments(context.Background(), fbPage, fbPost)
	if ClassOf(err) != Throttled || len(comments) != 100 {
		t.Errorf("got %d comments, %v; want the first page and a throttle", len(comments), err)
	}
}

// TestNextLinkToAnotherHostIsNotFollowed: the token goes with a request, so
// a paging.next that leaves the Graph API host is refused.
func TestNextLinkToAnotherHostIsNotFollowed(t *testing.T) {
	var elsewhereHits atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhereHits.Add(1)
		fmt.Fprint(w, `{"data":[]}`)
	}))
	defer elsewhere.Close()
	graph := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"data":[{"id":"5_1","message":"m"}],"paging":{"next":%q}}`, elsewhere.URL+"/v21.0/111_5/comments?after=x")
	}))
	defer graph.Close()
	c, err := NewClient(graph.URL, "v21.0", StaticTokens{fbPage: fbToken}, nil)
	mustOK(t, err)
	comments, err := c.PostComments(context.Background(), fbPage, fbPost)
	if !errors.Is(err, moderation.ErrInvalid) || len(comments) != 1 || elsewhereHits.Load() != 0 {
		t.Errorf("got %d comments, %v, %d calls elsewhere; want 1, ErrInvalid, 0", len(comments), err, elsewhereHits.Load())
	}
}

// TestUnexpectedSuccessAnswersAreTransient: a 200 that is not Graph's
// success (a proxy's page, success false, an error object) is retried.
func TestUnexpectedSuccessAnswersAreTransient(t *testing.T) {
	for _, body := range []string{
		`{"success":false}`,
		`<html>maintenance</html>`,
		`{"error":{"message":"(#2) Service temporarily unavailable","type":"OAuthException","code":2}}`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }))
		c, err := NewClient(srv.URL, "v21.0", StaticTokens{fbPage: fbToken}, nil)
		mustOK(t, err)
		err = c.Hide(context.Background(), fbPage, "5_1", true)
		if ClassOf(err) != Transient {
			t.Errorf("%s: %v classed %v, want transient", body, err, ClassOf(err))
		}
		srv.Close()
	}
}

func TestNewClientValidatesItsSettings(t *testing.T) {
	for _, c := range []struct {
		name, url, version, field string
		tokens                    TokenSource
	}{
		{"production", DefaultGraphURL, "v21.0", "", StaticTokens{}},
		{"with a path prefix", "http://127.0.0.1:8080/graph/", "v3.2", "", StaticTokens{}},
		{"no scheme", "graph.facebook.com", "v21.0", "graph_url", StaticTokens{}},
		{"ftp", "ftp://graph.facebook.com", "v21.0", "graph_url", StaticTokens{}},
		{"a query", "https://graph.facebook.com?access_token=x", "v21.0", "graph_url", StaticTokens{}},
		{"credentials", "https://u:p@graph.facebook.com", "v21.0", "graph_url", StaticTokens{}},
		{"version without v", "https://graph.facebook.com", "21.0", "graph_version", StaticTokens{}},
		{"version with a slash", "https://graph.facebook.com", "v21.0/me", "graph_version", StaticTokens{}},
		{"empty version", "https://graph.facebook.com", "", "graph_version", StaticTokens{}},
		{"no tokens", "https://graph.facebook.com", "v21.0", "tokens", nil},
	} {
		_, err := NewClient(c.url, c.version, c.tokens, nil)
		var fe *moderation.FieldError
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field || !errors.Is(err, moderation.ErrInvalid)):
			t.Errorf("%s: %v, want ErrInvalid on %s", c.name, err, c.field)
		}
	}
}

func TestClientWithAPathPrefix(t *testing.T) {
	s, _ := fakePage(t)
	var path string
	proxy := httptest.NewServer(http.StripPrefix("/graph", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.Path
		s.ServeHTTP(w, r)
	})))
	defer proxy.Close()
	c, err := NewClient(proxy.URL+"/graph/", "v21.0", StaticTokens{fbPage: fbToken}, nil)
	mustOK(t, err)
	mustOK(t, c.Hide(context.Background(), fbPage, "5_1", true))
	if path != "/v21.0/5_1" {
		t.Errorf("path %q, want /v21.0/5_1 under the prefix", path)
	}
}
