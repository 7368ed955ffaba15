package facebook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/api/facebook/fakegraph"
	"vigie/moderation"
)

const (
	fbPage, fbToken = "111", "page-token-s3cr3t"
	fbPost          = "111_5"
)

var t0 = time.Date(2024, 5, 31, 16, 0, 0, 0, time.UTC)

// fakePage returns a fake with one page, one post, a top-level comment
// (5_1) and a reply to it (5_2), and a client for it.
func fakePage(t *testing.T) (*fakegraph.Server, *Client) {
	t.Helper()
	s := fakegraph.New()
	t.Cleanup(s.Close)
	mustOK(t, s.AddPage(fakegraph.Page{ID: fbPage, Name: "Page", Token: fbToken}))
	mustOK(t, s.AddPost(fakegraph.Post{ID: fbPost, PageID: fbPage, CreatedTime: t0}))
	mustOK(t, s.AddComment(fakegraph.Comment{ID: "5_1", PostID: fbPost, From: fakegraph.Author{ID: "7", Name: "Ana"},
		Message: "Café fermé", CreatedTime: t0.Add(time.Minute)}))
	mustOK(t, s.AddComment(fakegraph.Comment{ID: "5_2", PostID: fbPost, ParentID: "5_1",
		From: fakegraph.Author{ID: "8", Name: "Bo"}, Message: "Réponse", CreatedTime: t0.Add(2 * time.Minute)}))
	c, err := NewClient(s.URL(), "v21.0", StaticTokens{fbPage: fbToken}, &http.Client{Timeout: 2 * time.Second})
	mustOK(t, err)
	return s, c
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestHideUnhideDeleteOnTheFake(t *testing.T) {
	s, c := fakePage(t)
	ctx := context.Background()
	mustOK(t, c.Hide(ctx, fbPage, "5_1", true))
	if got, _ := s.Comment("5_1"); !got.Hidden {
		t.Error("hide: comment not hidden")
	}
	mustOK(t, c.Hide(ctx, fbPage, "5_1", false))
	if got, _ := s.Comment("5_1"); got.Hidden {
		t.Error("unhide: comment still hidden")
	}
	mustOK(t, c.Delete(ctx, fbPage, "5_2"))
	if got, _ := s.Comment("5_2"); !got.Deleted {
		t.Error("delete: comment not deleted")
	}
	want := []fakegraph.Call{
		{Op: fakegraph.OpHide, Method: "POST", Path: "/v21.0/5_1", Object: "5_1", IsHidden: "true", Status: 200},
		{Op: fakegraph.OpUnhide, Method: "POST", Path: "/v21.0/5_1", Object: "5_1", IsHidden: "false", Status: 200},
		{Op: fakegraph.OpDelete, Method: "DELETE", Path: "/v21.0/5_2", Object: "5_2", Status: 200},
	}
	if diff := cmp.Diff(want, s.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	// A delete retried after a lost answer meets code 100; the GET confirms.
	for _, err := range []error{c.Delete(ctx, fbPage, "5_2"), getErr(c.Get(ctx, fbPage, "5_2"))} {
		var gerr *GraphError
		if !errors.As(err, &gerr) || gerr.Class() != NotFoundOrNoPermission || gerr.Subcode != 33 {
			t.Errorf("after delete: %v, want code 100/33 classed not-found-or-no-permission", err)
		}
	}
}

func getErr(_ Comment, err error) error { return err }

func TestGetReadsTheComment(t *testing.T) {
	_, c := fakePage(t)
	mustOK(t, c.Hide(context.Background(), fbPage, "5_2", true))
	got, err := c.Get(context.Background(), fbPage, "5_2")
	mustOK(t, err)
	want := Comment{ID: "5_2", ParentID: "5_1", From: moderation.Author{ID: "8", Name: "Bo"},
		Message: "Réponse", CreatedTime: t0.Add(2 * time.Minute), IsHidden: true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("comment (-want +got):\n%s", diff)
	}
}

// TestCatchUpAndWebhookShareADedupKey: a comment read by the sync gives
// the same key as the webhook's add, so taking in both does it once.
func TestCatchUpAndWebhookShareADedupKey(t *testing.T) {
	_, c := fakePage(t)
	comments, err := c.PostComments(context.Background(), fbPage, fbPost)
	mustOK(t, err)
	body := fmt.Sprintf(`{"object":"page","entry":[{"id":"111","time":1,"changes":[{"field":"feed","value":`+
		`{"from":{"id":"7","name":"Ana"},"post_id":"111_5","comment_id":"5_1","parent_id":"111_5",`+
		`"created_time":%d,"item":"comment","verb":"add","message":"Caf\u00e9 ferm\u00e9"}}]}]}`, t0.Add(time.Minute).Unix())
	d, err := ParseDelivery([]byte(body))
	mustOK(t, err)
	fromSync := comments[0].Change(fbPage)
	if diff := cmp.Diff(d.Changes[0], fromSync); diff != "" {
		t.Errorf("change from the sync (-webhook +sync):\n%s", diff)
	}
	if DedupKey(fromSync) != DedupKey(d.Changes[0]) {
		t.Error("the sync and the webhook give different dedup keys")
	}
	if reply := comments[1].Change(fbPage); reply.ParentCommentID() != "5_1" || reply.ThreadID() != fbPost {
		t.Errorf("reply from the sync: %+v", reply)
	}
}

// TestThrottledTwiceThenHiddenOnce is the outbox worker's loop in small:
// 80001 twice, backing off as told, then one successful hide.
func TestThrottledTwiceThenHiddenOnce(t *testing.T) {
	s, c := fakePage(t)
	s.Script(fakegraph.OpHide, "5_1", fakegraph.Throttle(2), fakegraph.Throttle(2))
	var waits []time.Duration
	for attempt := 0; ; attempt++ {
		err := c.Hide(context.Background(), fbPage, "5_1", true)
		if err == nil {
			break
		}
		if cl := ClassOf(err); cl != Throttled || attempt > 5 {
			t.Fatalf("attempt %d: %v classed %v, want throttled", attempt, err, cl)
		}
		waits = append(waits, RetryDelay(err, attempt, func() float64 { return 0.5 }))
	}
	if diff := cmp.Diff([]time.Duration{2 * time.Minute, 2 * time.Minute}, waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	var done int
	for _, call := range s.CallsFor(fakegraph.OpHide, "5_1") {
		if call.OK() {
			done++
		}
	}
	if got, _ := s.Comment("5_1"); !got.Hidden || done != 1 {
		t.Errorf("hidden %v after %d successful hides, want hidden once", got.Hidden, done)
	}
}

func TestGraphErrorsAreClassified(t *testing.T) {
	graph := func(status, code int) fakegraph.Fault {
		return fakegraph.Fault{Status: status, Code: code, Type: "OAuthException", Message: fmt.Sprintf("(#%d) x", code)}
	}
	for _, c := range []struct {
		name  string
		fault fakegraph.Fault
		class Class
		retry time.Duration
	}{
		{"page throttled, 3 minutes", fakegraph.Throttle(3), Throttled, 3 * time.Minute},
		{"app throttled (4)", graph(400, 4), Throttled, 0},
		{"user throttled (17)", graph(400, 17), Throttled, 0},
		{"custom throttled (32)", graph(400, 32), Throttled, 0},
		{"throttled (613)", graph(400, 613), Throttled, 0},
		{"5xx with code 2", fakegraph.ServerError(), Transient, 0},
		{"unknown code 1", graph(400, 1), Transient, 0},
		{"5xx without a known code", graph(503, 0), Transient, 0},
		{"token expired (190)", fakegraph.InvalidToken(), TokenInvalid, 0},
		{"gone or not ours (100/33)", fakegraph.NotFound(), NotFoundOrNoPermission, 0},
		{"permission (10)", graph(403, 10), Permanent, 0},
		{"permission (200)", graph(403, 200), Permanent, 0},
		{"permission (299)", graph(403, 299), Permanent, 0},
		{"policy block (368)", graph(400, 368), Permanent, 0},
		{"another 4xx", graph(400, 12345), Permanent, 0},
	} {
		s, cl := fakePage(t)
		s.Script(fakegraph.OpHide, "", c.fault)
		err := cl.Hide(context.Background(), fbPage, "5_1", true)
		var gerr *GraphError
		if !errors.As(err, &gerr) {
			t.Errorf("%s: %v is not a *GraphError", c.name, err)
			continue
		}
		if gerr.Class() != c.class || ClassOf(err) != c.class || gerr.RetryAfter != c.retry {
			t.Errorf("%s: class %v retry after %v, want %v %v (%v)", c.name, gerr.Class(), gerr.RetryAfter, c.class, c.retry, err)
		}
		if gerr.Code != c.fault.Code || gerr.HTTPStatus != c.fault.Status || gerr.TraceID == "" || gerr.Op != "hide" || gerr.Object != "5_1" {
			t.Errorf("%s: fields %+v do not match the answer", c.name, gerr)
		}
	}
}

func TestTimeoutAndNetworkErrorsAreTransient(t *testing.T) {
	s, _ := fakePage(t)
	slow, err := NewClient(s.URL(), "v21.0", StaticTokens{fbPage: fbToken}, &http.Client{Timeout: 100 * time.Millisecond})
	mustOK(t, err)
	s.Script(fakegraph.OpHide, "5_1", fakegraph.Timeout(5*time.Second))
	err = slow.Hide(context.Background(), fbPage, "5_1", true)
	var netErr interface{ Timeout() bool }
	if ClassOf(err) != Transient || !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Errorf("timeout: %v classed %v, want a transient timeout", err, ClassOf(err))
	}

	closed := fakegraph.New()
	closed.Close()
	down, err := NewClient(closed.URL(), "v21.0", StaticTokens{fbPage: fbToken}, nil)
	mustOK(t, err)
	if err := down.Delete(context.Background(), fbPage, "5_1"); ClassOf(err) != Transient {
		t.Errorf("connection refused: %v classed %v, want transient", err, ClassOf(err))
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := slow.Hide(ctx, fbPage, "5_1", true); !errors.Is(err, context.Canceled) || ClassOf(err) != Transient {
		t.Errorf("cancelled: %v classed %v, want context.Canceled, transient", err, ClassOf(err))
	}
}

// TestRefusedBeforeAnyCall: a missing token, or an id unfit for a path, is
// an error of ours: nothing reaches the Graph API.
func TestRefusedBeforeAnyCall(t *testing.T) {
	s, c := fakePage(t)
	ctx := context.Background()
	for _, cs := range []struct {
		name  string
		err   error
		is    error
		class Class
	}{
		{"page without a token", c.Hide(ctx, "999", "5_1", true), ErrNoToken, TokenInvalid},
		{"comment id climbing the path", c.Hide(ctx, fbPage, "../me", true), moderation.ErrInvalid, Permanent},
		{"comment id with a query", c.Delete(ctx, fbPage, "5_1?method=delete"), moderation.ErrInvalid, Permanent},
		{"empty comment id", getErr(c.Get(ctx, fbPage, "")), moderation.ErrInvalid, Permanent},
		{"page id with a slash", c.Hide(ctx, "111/feed", "5_1", true), moderation.ErrInvalid, Permanent},
	} {
		if !errors.Is(cs.err, cs.is) || ClassOf(cs.err) != cs.class {
			t.Errorf("%s: %v classed %v, want %v classed %v", cs.name, cs.err, ClassOf(cs.err), cs.is, cs.class)
		}
	}
	if calls := s.Calls(); len(calls) != 0 {
		t.Errorf("calls reached the fake: %+v", calls)
	}
}

// recordingTransport keeps every URL and Authorization header sent.
type recordingTransport struct {
	mu    sync.Mutex
	urls  []string
	auths []string
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.urls = append(r.urls, req.URL.String())
	r.auths = append(r.auths, req.Header.Get("Authorization"))
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// TestTokenNeverInURLsNorErrors: the token travels in a header only, also
// when following Meta's paging.next (which carries it), and an error that
// quotes it prints it redacted.
func TestTokenNeverInURLsNorErrors(t *testing.T) {
	s, _ := fakePage(t)
	for i := range 120 { // two pages of 100
		mustOK(t, s.AddComment(fakegraph.Comment{ID: fmt.Sprintf("5_%d", 100+i), PostID: fbPost, Message: "m"}))
	}
	rt := &recordingTransport{}
	c, err := NewClient(s.URL(), "v21.0", StaticTokens{fbPage: fbToken}, &http.Client{Transport: rt})
	mustOK(t, err)
	c.MaxPages = 1
	_, err = c.PostComments(context.Background(), fbPage, fbPost)
	if !errors.Is(err, ErrPagingLimit) {
		t.Fatalf("err %v, want the paging limit", err)
	}
	s.Script(fakegraph.OpHide, "", fakegraph.Fault{Status: 400, Code: 190, Type: "OAuthException",
		Message: "Error validating access token " + fbToken + " (" + strings.ReplaceAll(fbToken, "-", "%2D") + ")"})
	err = c.Hide(context.Background(), fbPage, "5_1", true)
	if err == nil || strings.Contains(err.Error(), fbToken) || !strings.Contains(err.Error(), "[REDACTED]") {
		t.Errorf("error %q, want the token redacted", err)
	}
	c.MaxPages = 0
	_, err = c.PostComments(context.Background(), fbPage, fbPost)
	mustOK(t, err)
	for i, u := range rt.urls {
		if strings.Contains(u, fbToken) || strings.Contains(u, "access_token") {
			t.Errorf("request URL %s carries the token", u)
		}
		if rt.auths[i] != "Bearer "+fbToken {
			t.Errorf("request %s: Authorization %q", u, rt.auths[i])
		}
	}
}
