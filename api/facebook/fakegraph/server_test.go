package fakegraph

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestTokenIsCheckedPerPage: the error shapes and codes Meta answers for a
// missing, invalid or other page's token, all with HTTP 400.
func TestTokenIsCheckedPerPage(t *testing.T) {
	s := seeded(t)
	for _, c := range []struct {
		name, method, path, token string
		code, subcode             int
	}{
		{"no token", "GET", "/v21.0/5_1", "", 104, 0},
		{"unknown token", "GET", "/v21.0/5_1", "tok-x", 190, 0},
		{"unknown token on hide", "POST", "/v21.0/5_1", "tok-x", 190, 0},
		{"other page's token", "POST", "/v21.0/5_1", tokenB, 100, 33},
		{"other page's posts", "GET", "/v21.0/111/posts", tokenB, 100, 33},
	} {
		var form url.Values
		if c.method == "POST" {
			form = hideForm("true")
		}
		r := call(t, c.method, s.URL()+c.path, c.token, form)
		code, sub := r.errorCode()
		if r.status != http.StatusBadRequest || code != c.code || sub != c.subcode {
			t.Errorf("%s: HTTP %d code %d/%d, want 400 code %d/%d", c.name, r.status, code, sub, c.code, c.subcode)
		}
		e, _ := r.body["error"].(map[string]any)
		for _, key := range []string{"message", "type", "code", "fbtrace_id"} {
			if _, ok := e[key]; !ok {
				t.Errorf("%s: error object has no %q: %v", c.name, key, r.body)
			}
		}
	}
	if hidden := s.comments["5_1"].Hidden; hidden {
		t.Error("a refused call hid the comment")
	}
	r := call(t, "GET", s.URL()+"/v21.0/5_1?access_token="+tokenA, "", nil)
	if r.status != http.StatusOK {
		t.Errorf("token as access_token parameter: HTTP %d %v", r.status, r.body)
	}
}

func TestHideUnhideDelete(t *testing.T) {
	s := seeded(t)
	steps := []struct {
		name, method, id, isHidden string
		status, code, subcode      int
		hidden, deleted            bool
	}{
		{"hide", "POST", "5_1", "true", 200, 0, 0, true, false},
		{"hide again is harmless", "POST", "5_1", "true", 200, 0, 0, true, false},
		{"unhide", "POST", "5_1", "false", 200, 0, 0, false, false},
		{"is_hidden not a boolean", "POST", "5_1", "yes", 400, 100, 0, false, false},
		{"the page's own comment cannot be hidden", "POST", "5_3", "true", 400, 100, 0, false, false},
		{"delete", "DELETE", "5_1", "", 200, 0, 0, false, true},
		{"delete again: gone", "DELETE", "5_1", "", 400, 100, 33, false, true},
		{"hide once deleted: gone", "POST", "5_1", "true", 400, 100, 33, false, true},
		{"get once deleted: gone", "GET", "5_1", "", 400, 100, 33, false, true},
		{"a comment that never was", "POST", "5_999", "true", 400, 100, 33, false, false},
	}
	for _, st := range steps {
		var form url.Values
		if st.method == "POST" {
			form = hideForm(st.isHidden)
		}
		r := call(t, st.method, s.URL()+"/v21.0/"+st.id, tokenA, form)
		code, sub := r.errorCode()
		if r.status != st.status || code != st.code || sub != st.subcode {
			t.Errorf("%s: HTTP %d code %d/%d, want %d code %d/%d", st.name, r.status, code, sub, st.status, st.code, st.subcode)
		}
		if st.status == 200 && st.method != "GET" && r.body["success"] != true {
			t.Errorf("%s: answer %v, want success true", st.name, r.body)
		}
		if c, _ := s.Comment(st.id); c.Hidden != st.hidden || c.Deleted != st.deleted {
			t.Errorf("%s: hidden %v deleted %v, want %v %v", st.name, c.Hidden, c.Deleted, st.hidden, st.deleted)
		}
	}
	want := []Call{
		{Op: OpHide, Method: "POST", Path: "/v21.0/5_1", Object: "5_1", IsHidden: "true", Status: 200},
		{Op: OpHide, Method: "POST", Path: "/v21.0/5_1", Object: "5_1", IsHidden: "true", Status: 200},
		{Op: OpHide, Method: "POST", Path: "/v21.0/5_1", Object: "5_1", IsHidden: "true", Status: 400, Code: 100},
	}
	if diff := cmp.Diff(want, s.CallsFor(OpHide, "5_1")); diff != "" {
		t.Errorf("hide calls (-want +got):\n%s", diff)
	}
}

func TestGetComment(t *testing.T) {
	s := seeded(t)
	for _, c := range []struct {
		name, path string
		want       map[string]any
		code       int
	}{
		{"default fields", "/v21.0/5_1", map[string]any{"id": "5_1", "message": "Café",
			"from": map[string]any{"id": "7", "name": "Ana"}, "created_time": "2024-05-31T16:01:00+0000"}, 0},
		{"reply with the fields Vigie asks", "/v21.0/5_2?fields=id,message,from,created_time,is_hidden,parent",
			map[string]any{"id": "5_2", "message": "reply", "from": map[string]any{"id": "8", "name": "Bo"},
				"created_time": "2024-05-31T16:02:00+0000", "is_hidden": false,
				"parent": map[string]any{"id": "5_1", "message": "Café", "created_time": "2024-05-31T16:01:00+0000",
					"from": map[string]any{"id": "7", "name": "Ana"}}}, 0},
		{"top-level has no parent", "/v21.0/5_1?fields=id,parent,can_hide", map[string]any{"id": "5_1", "can_hide": true}, 0},
		{"page's own comment", "/v21.0/5_3?fields=can_hide", map[string]any{"id": "5_3", "can_hide": false}, 0},
		{"a field comments do not have", "/v21.0/5_1?fields=id,likes_everything", nil, 100},
	} {
		r := call(t, "GET", s.URL()+c.path, tokenA, nil)
		if code, _ := r.errorCode(); code != c.code {
			t.Errorf("%s: code %d, want %d (%v)", c.name, code, c.code, r.body)
			continue
		}
		if c.want != nil {
			if diff := cmp.Diff(c.want, r.body); diff != "" {
				t.Errorf("%s (-want +got):\n%s", c.name, diff)
			}
		}
	}
}

// TestPagingFollowsAbsoluteNext: lists come in pages linked by an absolute
// paging.next that carries the access token, as Meta's do.
func TestPagingFollowsAbsoluteNext(t *testing.T) {
	s := seeded(t)
	for i := range 5 {
		must(t, s.AddPost(Post{ID: fmt.Sprintf("111_%d", 10+i), PageID: pageA, CreatedTime: t0.Add(time.Duration(i+1) * time.Hour)}))
	}
	since := t0.Add(90 * time.Minute).Unix()
	next := fmt.Sprintf("%s/v21.0/111/posts?limit=2&since=%d", s.URL(), since)
	var ids []string
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		token := tokenA
		if pages > 0 {
			u, err := url.Parse(next)
			must(t, err)
			if u.Query().Get("access_token") != tokenA || u.Scheme != "http" || u.Host == "" {
				t.Fatalf("next %q is not absolute with the token", next)
			}
			token = ""
		}
		r := call(t, "GET", next, token, nil)
		if r.status != 200 {
			t.Fatalf("HTTP %d %v", r.status, r.body)
		}
		for _, d := range r.body["data"].([]any) {
			ids = append(ids, d.(map[string]any)["id"].(string))
		}
		next = ""
		if p, ok := r.body["paging"].(map[string]any); ok {
			next, _ = p["next"].(string)
		}
	}
	want := []string{"111_14", "111_13", "111_12", "111_11"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("posts since, newest first (-want +got):\n%s", diff)
	}
}

func TestListComments(t *testing.T) {
	s := seeded(t)
	must(t, s.AddComment(Comment{ID: "5_4", PostID: postA, From: Author{"7", "Ana"}, Message: "gone", CreatedTime: t0.Add(4 * time.Minute)}))
	call(t, "DELETE", s.URL()+"/v21.0/5_4", tokenA, nil)
	call(t, "POST", s.URL()+"/v21.0/5_2", tokenA, hideForm("true"))
	for _, c := range []struct {
		name, path string
		want       []string
	}{
		{"top-level only by default", "/v21.0/111_5/comments", []string{"5_1"}},
		{"stream has the replies, hidden ones too", "/v21.0/111_5/comments?filter=stream", []string{"5_1", "5_2", "5_3"}},
		{"reverse order", "/v21.0/111_5/comments?filter=stream&order=reverse_chronological", []string{"5_3", "5_2", "5_1"}},
		{"replies of a comment", "/v21.0/5_1/comments", []string{"5_2", "5_3"}},
	} {
		r := call(t, "GET", s.URL()+c.path, tokenA, nil)
		var ids []string
		for _, d := range r.body["data"].([]any) {
			ids = append(ids, d.(map[string]any)["id"].(string))
		}
		if diff := cmp.Diff(c.want, ids); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
}

func TestUnknownPathsAndMethods(t *testing.T) {
	s := seeded(t)
	for _, c := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/5_1", 2500},
		{"GET", "/v21.0/5_1/likes/x", 2500},
		{"PUT", "/v21.0/5_1", 100},
		{"POST", "/v21.0/5_1", 100}, // no is_hidden
		{"GET", "/v21.0/5_1/reactions", 100},
	} {
		r := call(t, c.method, s.URL()+c.path, tokenA, url.Values{})
		if code, _ := r.errorCode(); r.status != 400 || code != c.code {
			t.Errorf("%s %s: HTTP %d code %d, want 400 code %d", c.method, c.path, r.status, code, c.code)
		}
	}
}

// TestConcurrentCallsAreSafe: workers hide comments in parallel while a
// test reads the calls; run with -race.
func TestConcurrentCallsAreSafe(t *testing.T) {
	s := seeded(t)
	const n = 40
	for i := range n {
		must(t, s.AddComment(Comment{ID: fmt.Sprintf("5_%d", 100+i), PostID: postA, From: Author{"7", "Ana"}, Message: "m"}))
	}
	s.Script(OpHide, "", ServerError(), ServerError())
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			id := fmt.Sprintf("5_%d", 100+i)
			for range 3 {
				if r := call(t, "POST", s.URL()+"/v21.0/"+id, tokenA, hideForm("true")); r.status == 200 {
					return
				}
			}
		})
		wg.Go(func() { _ = s.Calls() })
	}
	wg.Wait()
	for i := range n {
		if c, _ := s.Comment(fmt.Sprintf("5_%d", 100+i)); !c.Hidden {
			t.Errorf("comment %s not hidden", c.ID)
		}
	}
	if got := len(s.CallsFor(OpHide, "")); got != n+2 {
		t.Errorf("%d hide calls, want %d (two answered 500)", got, n+2)
	}
}
