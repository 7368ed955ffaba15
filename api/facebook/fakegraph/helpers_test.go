package fakegraph

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const (
	pageA, tokenA = "111", "tok-a"
	pageB, tokenB = "222", "tok-b"
	postA         = "111_5"
	postB         = "222_6"
)

var t0 = time.Date(2024, 5, 31, 16, 0, 0, 0, time.UTC)

// seeded returns a running fake with two pages, a post each, and on page A
// a top-level comment, a reply to it and the page's own reply.
func seeded(t *testing.T) *Server {
	t.Helper()
	s := New()
	t.Cleanup(s.Close)
	must(t, s.AddPage(Page{ID: pageA, Name: "Page A", Token: tokenA}))
	must(t, s.AddPage(Page{ID: pageB, Name: "Page B", Token: tokenB}))
	must(t, s.AddPost(Post{ID: postA, PageID: pageA, Message: "post", CreatedTime: t0}))
	must(t, s.AddPost(Post{ID: postB, PageID: pageB, Message: "post b", CreatedTime: t0}))
	must(t, s.AddComment(Comment{ID: "5_1", PostID: postA, From: Author{"7", "Ana"}, Message: "Café", CreatedTime: t0.Add(time.Minute)}))
	must(t, s.AddComment(Comment{ID: "5_2", PostID: postA, ParentID: "5_1", From: Author{"8", "Bo"}, Message: "reply", CreatedTime: t0.Add(2 * time.Minute)}))
	must(t, s.AddComment(Comment{ID: "5_3", PostID: postA, ParentID: "5_1", From: Author{pageA, "Page A"}, Message: "merci", CreatedTime: t0.Add(3 * time.Minute)}))
	must(t, s.AddComment(Comment{ID: "6_1", PostID: postB, From: Author{"9", "Cy"}, Message: "b", CreatedTime: t0.Add(time.Minute)}))
	return s
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type reply struct {
	status int
	header http.Header
	body   map[string]any
}

// errorCode returns Meta's error code and subcode, 0 when not an error.
func (r reply) errorCode() (code, subcode int) {
	e, _ := r.body["error"].(map[string]any)
	if e == nil {
		return 0, 0
	}
	c, _ := e["code"].(float64)
	sc, _ := e["error_subcode"].(float64)
	return int(c), int(sc)
}

// call sends a Graph request with the token in a Bearer header ("" for
// none) and form as the body of a POST.
func call(t *testing.T, method, rawURL, token string, form url.Values) reply {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, rawURL, body)
	must(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	r := reply{status: resp.StatusCode, header: resp.Header}
	if err := json.NewDecoder(resp.Body).Decode(&r.body); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %v", method, rawURL, err)
	}
	return r
}

func hideForm(v string) url.Values { return url.Values{"is_hidden": {v}} }
