package facebook_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"vigie/api/facebook"
	"vigie/api/facebook/fakegraph"
	"vigie/moderation"
	"vigie/moderation/moderationtest"
)

// page is the fake Graph server with page 111, its post and the comments
// the tests take in, and an outbox worker acting on it.
type page struct {
	*world
	fake   *fakegraph.Server
	worker *moderation.OutboxWorker
	clock  *moderationtest.Clock
}

func newPage(t *testing.T) *page {
	t.Helper()
	fake := fakegraph.New()
	t.Cleanup(fake.Close)
	for _, err := range []error{
		fake.AddPage(fakegraph.Page{ID: "111", Name: "Ministère", Token: "tok-111"}),
		fake.AddPost(fakegraph.Post{ID: "111_500", PageID: "111", Message: "Le vrai/faux du projet de loi"}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	client, err := facebook.NewClient(fake.URL(), "v21.0", facebook.StaticTokens{"111": "tok-111"}, &http.Client{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t)
	clock := moderationtest.NewClock(time.Now())
	worker := &moderation.OutboxWorker{Store: w.db, Platform: facebook.NewPlatform(client), Clock: clock, Holder: "test",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Random: func() float64 { return 1 }}
	return &page{world: w, fake: fake, worker: worker, clock: clock}
}

// comment takes a comment in on the fake page and through the webhook.
func (p *page) comment(t *testing.T, id, text string) moderation.Comment {
	t.Helper()
	if err := p.fake.AddComment(fakegraph.Comment{ID: id, PostID: "111_500", From: fakegraph.Author{ID: "7001", Name: "Ana"}, Message: text, CreatedTime: time.Now()}); err != nil {
		t.Fatal(err)
	}
	p.handle(t, delivery(entry("111", change("add", id, "7001", text, ""))))
	c, err := p.svc.Store().CommentBySource(context.Background(), "facebook:111", id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// settle runs the worker until nothing is due, moving the clock past each
// backoff, and returns how many rounds it took.
func (p *page) settle(t *testing.T) int {
	t.Helper()
	for round := 1; round <= 20; round++ {
		n, err := p.worker.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		st, err := p.db.OutboxStats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && st.Pending == 0 {
			return round
		}
		p.clock.Advance(16 * time.Minute) // past any backoff
	}
	t.Fatal("the outbox never settled")
	return 0
}

func (p *page) hidden(t *testing.T, id string) bool {
	t.Helper()
	c, ok := p.fake.Comment(id)
	if !ok {
		t.Fatalf("no comment %s on the fake page", id)
	}
	return c.Hidden
}

// TestRefusedIsHiddenAndReinstatedIsUnhidden: the refusal hides the comment
// on the page, the reinstatement shows it again, each exactly once.
func TestRefusedIsHiddenAndReinstatedIsUnhidden(t *testing.T) {
	p := newPage(t)
	c := p.comment(t, "500_1", "Espèce de connard")
	if c.Status != moderation.StatusRefused {
		t.Fatalf("status %s, want refused", c.Status)
	}
	p.settle(t)
	if !p.hidden(t, "500_1") || len(p.fake.CallsFor(fakegraph.OpHide, "500_1")) != 1 {
		t.Fatalf("hidden %v after %d hide calls, want hidden by one", p.hidden(t, "500_1"), len(p.fake.CallsFor(fakegraph.OpHide, "500_1")))
	}
	if _, err := p.svc.Reexamine(context.Background(), "moderator:ana", c.ID, "reinstate", "", "a quotation, not an insult"); err != nil {
		t.Fatal(err)
	}
	p.settle(t)
	if p.hidden(t, "500_1") || len(p.fake.CallsFor(fakegraph.OpUnhide, "500_1")) != 1 {
		t.Errorf("hidden %v after %d unhide calls, want shown by one", p.hidden(t, "500_1"), len(p.fake.CallsFor(fakegraph.OpUnhide, "500_1")))
	}
}

// TestThrottledTwiceThenHiddenOnce: 80001 twice, then success: the hide is
// done once, after two waits.
func TestOutboxThrottledTwiceThenHidesOnce(t *testing.T) {
	p := newPage(t)
	p.fake.Script(fakegraph.OpHide, "500_1", fakegraph.Throttle(1), fakegraph.Throttle(1))
	p.comment(t, "500_1", "Espèce de connard")
	p.clock.Advance(time.Minute) // the worker's clock past the decision's
	start := moderation.TruncateTime(p.clock.Now())
	n, err := p.worker.RunOnce(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("first round: %d, %v", n, err)
	}
	items, err := p.db.OutboxItems(context.Background(), moderation.OutboxPending, 10)
	if err != nil || len(items) != 1 || items[0].NextAt.Sub(start) < time.Minute {
		t.Fatalf("after a throttled try: %+v %v; want one pending item put off by at least the minute Meta asked", items, err)
	}
	p.settle(t)
	ok := 0
	for _, c := range p.fake.CallsFor(fakegraph.OpHide, "500_1") {
		if c.OK() {
			ok++
		}
	}
	if calls := len(p.fake.CallsFor(fakegraph.OpHide, "500_1")); calls != 3 || ok != 1 || !p.hidden(t, "500_1") {
		t.Errorf("%d hide calls, %d done, hidden %v; want 3 calls, 1 done, hidden", calls, ok, p.hidden(t, "500_1"))
	}
}

// TestExpiredTokenFailsWithAnAlert: code 190 cannot be retried away; the
// action is failed and marked for an admin.
func TestExpiredTokenFailsWithAnAlert(t *testing.T) {
	p := newPage(t)
	p.fake.Script(fakegraph.OpHide, "500_1", fakegraph.InvalidToken())
	p.comment(t, "500_1", "Espèce de connard")
	p.settle(t)
	st, err := p.db.OutboxStats(context.Background())
	if err != nil || st.Failed != 1 || st.Alerts != 1 || st.Pending != 0 {
		t.Errorf("stats %+v, %v; want one failed action with an alert", st, err)
	}
	if n := len(p.fake.CallsFor(fakegraph.OpHide, "500_1")); n != 1 {
		t.Errorf("%d hide calls, want 1 (no retry on 190)", n)
	}
}

// TestAlreadyDeletedIsConfirmedAndClosed: code 100 on a comment its author
// deleted is confirmed with a GET (also 100) and the action closed.
func TestAlreadyDeletedIsConfirmedAndClosed(t *testing.T) {
	p := newPage(t)
	p.comment(t, "500_1", "Espèce de connard")
	// The author deletes it on Facebook before the worker hides it.
	req, _ := http.NewRequest(http.MethodDelete, p.fake.URL()+"/v21.0/500_1", nil)
	req.Header.Set("Authorization", "Bearer tok-111")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	p.settle(t)
	st, err := p.db.OutboxStats(context.Background())
	if err != nil || st.Pending != 0 || st.Failed != 0 {
		t.Errorf("stats %+v, %v; want the action closed as done", st, err)
	}
	if n := len(p.fake.CallsFor(fakegraph.OpGet, "500_1")); n != 1 {
		t.Errorf("%d confirming GETs, want 1", n)
	}
}
