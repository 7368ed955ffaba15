package facebook_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"vigie/api/facebook"
	"vigie/moderation"
	"vigie/rules"
	"vigie/storage"
)

// world is a moderation service over a real SQLite file, with pages 111 and
// 222 configured (refusals hide, review left visible).
type world struct {
	db   *storage.DB
	svc  *moderation.Service
	proc *facebook.Processor
}

var testPages = moderation.PagePolicy{
	"facebook:111": {Refuse: moderation.ActionHide},
	"facebook:222": {Refuse: moderation.ActionHide},
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := storage.Open(ctx, storage.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "vigie.db")}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rs, err := rules.Load(rules.DefaultSettings(), rules.Options{Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	svc := moderation.NewService(db, rs, moderation.Options{Platform: testPages})
	return &world{db: db, svc: svc, proc: facebook.NewProcessor(svc, db, testPages, log)}
}

// handle stores a delivery in the inbox and processes it, like the
// webhook and its worker.
func (w *world) handle(t *testing.T, body string) {
	t.Helper()
	d := moderation.Delivery{Platform: "facebook", Body: []byte(body)}
	if err := w.db.PutDelivery(context.Background(), &d); err != nil {
		t.Fatal(err)
	}
	if err := w.proc.Handle(context.Background(), d); err != nil {
		t.Fatal(err)
	}
}

// state is every comment with its status, text and the routes of its events.
func (w *world) state(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	evs, err := w.db.EventsAfter(ctx, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	routes := map[int64][]string{}
	for _, e := range evs {
		routes[e.CommentID] = append(routes[e.CommentID], e.Route.String()+">"+e.To.String())
	}
	for id, rs := range routes {
		c, err := w.svc.Store().Comment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		out[c.Source+"/"+c.ExternalID] = fmt.Sprintf("%s %q parent=%q events=%s", c.Status, c.Text, c.ParentID, strings.Join(rs, ","))
	}
	return out
}

// change is one feed change in a delivery.
func change(verb, commentID, fromID, message string, extra string) string {
	post := "111_500"
	if strings.HasPrefix(commentID, "600") {
		post = "222_600"
	}
	parent := post
	if extra != "" {
		parent = extra
	}
	from := fmt.Sprintf(`"from":{"id":%q,"name":"Someone %s"},`, fromID, fromID)
	msg := ""
	if message != "" {
		msg = fmt.Sprintf(`"message":%q,`, message)
	}
	return fmt.Sprintf(`{"field":"feed","value":{%s%s"post_id":%q,"comment_id":%q,"parent_id":%q,"created_time":1717171798,"item":"comment","verb":%q}}`,
		from, msg, post, commentID, parent, verb)
}

func delivery(entries ...string) string {
	return `{"object":"page","entry":[` + strings.Join(entries, ",") + `]}`
}

func entry(pageID string, changes ...string) string {
	return fmt.Sprintf(`{"id":%q,"time":1717171800,"changes":[%s]}`, pageID, strings.Join(changes, ","))
}

// TestOneDeliveryGivesExactlyTheExpectedCommentsAndEvents: two pages, a
// top-level comment, a reply, a reaction, an edit, the page's own comment,
// an edit that arrives before its add, and a page Vigie does not moderate.
func TestOneDeliveryGivesExactlyTheExpectedCommentsAndEvents(t *testing.T) {
	w := newWorld(t)
	body := delivery(
		entry("111",
			change("add", "500_1", "7001", "Merci pour cet article très clair", ""),
			change("add", "500_2", "7002", "Je suis d'accord avec vous", "500_1"),
			`{"field":"feed","value":{"item":"reaction","verb":"add","reaction_type":"like","post_id":"111_500","from":{"id":"7003"}}}`,
			change("edited", "500_1", "7001", "Espèce de connard", ""),
			change("add", "500_3", "111", "Merci à tous pour vos commentaires", ""),
		),
		entry("222",
			change("edited", "600_1", "8001", "Bonjour à tous, bonne journée", ""),
			change("add", "600_1", "8001", "Bonjour", ""),
		),
		entry("333", change("add", "700_1", "9001", "Une page que Vigie ne modère pas", "")),
	)
	w.handle(t, body)
	want := map[string]string{
		"facebook:111/500_1": `refused "Espèce de connard" parent="" events=rules>published,edit>refused`,
		"facebook:111/500_2": `published "Je suis d'accord avec vous" parent="500_1" events=rules>published`,
		"facebook:222/600_1": `published "Bonjour à tous, bonne journée" parent="" events=rules>published`,
	}
	got := w.state(t)
	if len(got) != len(want) {
		t.Errorf("%d comments, want %d: %v", len(got), len(want), got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s:\n got  %s\n want %s", k, got[k], v)
		}
	}
	// The same delivery three times (Meta retries, or a crash before the
	// inbox row was marked done) leaves the same state as once.
	w.handle(t, body)
	w.handle(t, strings.ReplaceAll(body, `"time":1717171800`, `"time":1717171999`))
	if again := w.state(t); fmt.Sprint(again) != fmt.Sprint(got) {
		t.Errorf("after three deliveries:\n%v\nafter one:\n%v", again, got)
	}
}

// TestRemovalBeforeItsAddWithdrawsTheComment: out of order, a remove comes
// first; the add that follows is taken in and withdrawn at once.
func TestRemovalBeforeItsAddWithdrawsTheComment(t *testing.T) {
	w := newWorld(t)
	w.handle(t, delivery(entry("111", change("remove", "500_9", "7009", "", ""))))
	w.handle(t, delivery(entry("111", change("add", "500_9", "7009", "Un commentaire vite effacé", ""))))
	w.handle(t, delivery(entry("111", change("remove", "500_9", "7009", "", ""))))
	got := w.state(t)["facebook:111/500_9"]
	if want := `withdrawn "Un commentaire vite effacé" parent="" events=rules>published,platform>withdrawn`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestOutsideHidesAreRecordedAndOurOwnEchoesAreNot: Meta reports every hide
// as done by the Page. A hide of a published comment was someone else's
// (recorded, status kept); the hide that follows our own refusal is our
// echo (nothing recorded).
func TestOutsideHidesAreRecordedAndOurOwnEchoesAreNot(t *testing.T) {
	w := newWorld(t)
	w.handle(t, delivery(entry("111",
		change("add", "500_1", "7001", "Merci pour ces précisions", ""),
		change("add", "500_2", "7002", "Espèce de connard", ""),
	)))
	w.handle(t, delivery(entry("111",
		change("hide", "500_1", "111", "", ""),
		change("hide", "500_2", "111", "", ""),
		change("hide", "500_1", "111", "", ""),
	)))
	got := w.state(t)
	if want := `published "Merci pour ces précisions" parent="" events=rules>published,platform>published`; got["facebook:111/500_1"] != want {
		t.Errorf("outside hide:\n got  %s\n want %s", got["facebook:111/500_1"], want)
	}
	if want := `refused "Espèce de connard" parent="" events=rules>refused`; got["facebook:111/500_2"] != want {
		t.Errorf("our own echo:\n got  %s\n want %s", got["facebook:111/500_2"], want)
	}
}

// TestUnreadableDeliveryFailsPermanently: a body that is not a delivery is
// kept failed (the worker will not retry it forever), never dropped.
func TestUnreadableDeliveryFailsPermanently(t *testing.T) {
	w := newWorld(t)
	err := w.proc.Handle(context.Background(), moderation.Delivery{ID: 1, Body: []byte(`{"object":"instagram","entry":[]}`)})
	var pe *moderation.PlatformError
	if !asPlatformError(err, &pe) || !pe.Permanent {
		t.Errorf("got %v, want a permanent PlatformError", err)
	}
	if ids, err := facebook.PageIDs([]byte(delivery(entry("111"), entry("222")))); err != nil || strings.Join(ids, ",") != "111,222" {
		t.Errorf("PageIDs = %v, %v", ids, err)
	}
}

func asPlatformError(err error, pe **moderation.PlatformError) bool { return errors.As(err, pe) }
