package facebook

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/moderation"
)

// specExample is the spec's example delivery byte for byte, with its \u00e9
// escapes and escaped slashes.
const specExample = `{"object":"page","entry":[{"id":"111122223333444","time":1717171800,"changes":[{"field":"feed","value":{
 "from":{"id":"7000000000000001","name":"Ana Souza"},
 "post":{"status_type":"added_photos","is_published":true,"id":"111122223333444_555566667777888"},
 "message":"Caf\u00e9 ferm\u00e9 \u2014 lien http:\/\/x.example",
 "post_id":"111122223333444_555566667777888","comment_id":"555566667777888_900000000000001",
 "created_time":1717171798,"item":"comment","parent_id":"111122223333444_555566667777888","verb":"add"}}]}]}`

func unix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

func ptr[T any](v T) *T { return &v }

func TestParseSpecExample(t *testing.T) {
	d, err := ParseDelivery([]byte(specExample))
	if err != nil {
		t.Fatal(err)
	}
	want := Delivery{
		Changes: []Change{{
			PageID:      "111122223333444",
			Verb:        VerbAdd,
			CommentID:   "555566667777888_900000000000001",
			PostID:      "111122223333444_555566667777888",
			ParentID:    "111122223333444_555566667777888",
			From:        moderation.Author{ID: "7000000000000001", Name: "Ana Souza"},
			Message:     "Café fermé — lien http://x.example",
			CreatedTime: unix(1717171798),
		}},
		Ignored: map[IgnoreReason]int{},
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("delivery (-want +got):\n%s", diff)
	}
	n := ToNewComment(d.Changes[0])
	wantNew := moderation.NewComment{
		Source:     "facebook:111122223333444",
		ExternalID: "555566667777888_900000000000001",
		Text:       "Café fermé — lien http://x.example",
		Author:     moderation.Author{ID: "7000000000000001", Name: "Ana Souza"},
		ThreadID:   "111122223333444_555566667777888",
		CreatedAt:  unix(1717171798),
	}
	if diff := cmp.Diff(wantNew, n); diff != "" {
		t.Errorf("new comment (-want +got):\n%s", diff)
	}
	if err := n.Validate(moderation.DefaultLimits); err != nil {
		t.Errorf("the spec's comment does not validate: %v", err)
	}
}

// TestParseMixedDelivery: two pages, a top-level comment and its reply, a
// reaction, an edit, the page's own reply, posts, other fields and items,
// an unknown verb, unreadable values, hide/unhide by the page, a remove with
// only the author's id and a photo-only comment.
func TestParseMixedDelivery(t *testing.T) {
	body, err := os.ReadFile("testdata/delivery-mixed.json")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseDelivery(body)
	if err != nil {
		t.Fatal(err)
	}
	ana := moderation.Author{ID: "7001", Name: "Ana Souza"}
	page2 := moderation.Author{ID: "222", Name: "Autre Page"}
	want := Delivery{
		Changes: []Change{
			{PageID: "111", Verb: VerbAdd, CommentID: "555_901", PostID: "111_555", ParentID: "111_555",
				From: ana, Message: "Premier été", CreatedTime: unix(1717171798)},
			{PageID: "111", Verb: VerbAdd, CommentID: "555_902", PostID: "111_555", ParentID: "555_901",
				From: moderation.Author{ID: "7002", Name: "Bo"}, Message: "Réponse", CreatedTime: unix(1717171799)},
			{PageID: "111", Verb: VerbEdited, CommentID: "555_901", PostID: "111_555", ParentID: "111_555",
				From: ana, Message: "Premier été, corrigé", CreatedTime: unix(1717171798)},
			{PageID: "222", Verb: VerbHide, CommentID: "600_1", PostID: "222_600", ParentID: "222_600",
				From: page2, CreatedTime: unix(1717171890), IsHidden: ptr(true)},
			{PageID: "222", Verb: VerbUnhide, CommentID: "600_1", PostID: "222_600", ParentID: "222_600",
				From: page2, CreatedTime: unix(1717171895), IsHidden: ptr(false)},
			{PageID: "222", Verb: VerbRemove, CommentID: "600_2", PostID: "222_600", ParentID: "222_600",
				From: moderation.Author{ID: "7006"}, CreatedTime: unix(1717171896)},
			{PageID: "222", Verb: VerbAdd, CommentID: "600_3", PostID: "222_600", ParentID: "222_600",
				From: moderation.Author{ID: "7007", Name: "Eve"}, CreatedTime: unix(1717171897), HasMedia: true},
		},
		Ignored: map[IgnoreReason]int{
			IgnoredReaction:    1,
			IgnoredPageComment: 1,
			IgnoredPost:        2,
			IgnoredOtherField:  1,
			IgnoredOtherItem:   1,
			IgnoredUnknownVerb: 1,
			IgnoredMalformed:   2,
		},
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("delivery (-want +got):\n%s", diff)
	}
	if !d.Changes[3].ByPage() || d.Changes[5].ByPage() {
		t.Error("ByPage: want the page's hide by the page and the author's remove not")
	}
}

func TestParseDeliveryRefusesWhatIsNotAPageDelivery(t *testing.T) {
	for _, c := range []struct {
		name, body, field string
	}{
		{"empty body", ``, "body"},
		{"malformed JSON", `{"object":"page","entry":[`, "body"},
		{"trailing data", `{"object":"page","entry":[]} {}`, "body"},
		{"an array", `[{"object":"page"}]`, "body"},
		{"invalid UTF-8 in a message", "{\"object\":\"page\",\"entry\":[],\"x\":\"caf\xe9\"}", "body"},
		{"entry of the wrong type", `{"object":"page","entry":{}}`, "body"},
		{"object user", `{"object":"user","entry":[]}`, "object"},
		{"object instagram", `{"object":"instagram","entry":[]}`, "object"},
		{"no object", `{"entry":[]}`, "object"},
	} {
		_, err := ParseDelivery([]byte(c.body))
		var fe *moderation.FieldError
		if !errors.Is(err, moderation.ErrInvalid) || !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: error %v, want ErrInvalid on field %q", c.name, err, c.field)
		}
	}
}

// TestParseDeliveryToleratesMetaVariations: ids written as integers and an
// ISO 8601 created_time are read; an empty delivery is no error.
func TestParseDeliveryToleratesMetaVariations(t *testing.T) {
	for _, c := range []struct {
		name, value string
		want        Change
	}{
		{"integer ids", `{"from":{"id":7001,"name":"A"},"post_id":"1_5","comment_id":"5_9","parent_id":"1_5","created_time":1717171798,"item":"comment","verb":"add","message":"m"}`,
			Change{PageID: "1", Verb: VerbAdd, CommentID: "5_9", PostID: "1_5", ParentID: "1_5",
				From: moderation.Author{ID: "7001", Name: "A"}, Message: "m", CreatedTime: unix(1717171798)}},
		{"ISO 8601 created_time", `{"from":{"id":"7001"},"post_id":"1_5","comment_id":"5_9","parent_id":"1_5","created_time":"2024-05-31T16:09:58+0000","item":"comment","verb":"add","message":"m"}`,
			Change{PageID: "1", Verb: VerbAdd, CommentID: "5_9", PostID: "1_5", ParentID: "1_5",
				From: moderation.Author{ID: "7001"}, Message: "m", CreatedTime: unix(1717171798)}},
		{"created_time as a string of seconds", `{"post_id":"1_5","comment_id":"5_9","created_time":"1717171798","item":"comment","verb":"remove"}`,
			Change{PageID: "1", Verb: VerbRemove, CommentID: "5_9", PostID: "1_5", CreatedTime: unix(1717171798)}},
	} {
		body := `{"object":"page","entry":[{"id":1,"time":1,"changes":[{"field":"feed","value":` + c.value + `}]}]}`
		d, err := ParseDelivery([]byte(body))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if diff := cmp.Diff([]Change{c.want}, d.Changes); diff != "" {
			t.Errorf("%s: changes (-want +got):\n%s", c.name, diff)
		}
	}
	d, err := ParseDelivery([]byte(`{"object":"page","entry":[{"id":"1","time":1,"messaging":[{}]}]}`))
	if err != nil || len(d.Changes) != 0 {
		t.Errorf("a delivery without changes: got %+v, %v; want none, no error", d, err)
	}
}

func TestParseDeliveryBadValueFieldsAreMalformed(t *testing.T) {
	for _, value := range []string{
		`{"item":"comment","verb":"add","comment_id":"5_9","created_time":"yesterday"}`,
		`{"item":"comment","verb":"add","comment_id":"5_9","created_time":1.5}`,
		`{"item":"comment","verb":"add","comment_id":-3}`,
		`{"item":"comment","verb":"add","comment_id":"5_9","message":42}`,
	} {
		body := `{"object":"page","entry":[{"id":"1","changes":[{"field":"feed","value":` + value + `}]}]}`
		d, err := ParseDelivery([]byte(body))
		if err != nil {
			t.Errorf("%s: %v, want the change skipped", value, err)
			continue
		}
		if len(d.Changes) != 0 || d.Ignored[IgnoredMalformed] != 1 {
			t.Errorf("%s: got %+v, want one malformed change", value, d)
		}
	}
}

func TestParseDeliveryBigDelivery(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"object":"page","entry":[{"id":"1","time":1,"changes":[`)
	for i := range 1000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"field":"feed","value":{"from":{"id":"7","name":"N"},"post_id":"1_5","comment_id":"5_` +
			strings.Repeat("9", i%7+1) + `","parent_id":"1_5","created_time":1,"item":"comment","verb":"add","message":"` +
			strings.Repeat("é", 100) + `"}}`)
	}
	b.WriteString(`]}]}`)
	d, err := ParseDelivery([]byte(b.String()))
	if err != nil || len(d.Changes) != 1000 {
		t.Fatalf("got %d changes, %v; want 1000", len(d.Changes), err)
	}
}

func TestParseDeliveryRefusesIDsUnfitForAPath(t *testing.T) {
	for _, c := range []struct{ name, page, comment, post string }{
		{"comment id with a slash", "1", "5/../me", "1_5"},
		{"comment id with a query", "1", "5_9?fields=x", "1_5"},
		{"percent-encoded comment id", "1", "5_9%2F", "1_5"},
		{"page id with a space", "1 2", "5_9", "1_5"},
		{"post id with a dot", "1", "5_9", "1.5"},
		{"overlong comment id", "1", strings.Repeat("9", 129), "1_5"},
	} {
		body := `{"object":"page","entry":[{"id":"` + c.page + `","changes":[{"field":"feed","value":` +
			`{"item":"comment","verb":"add","comment_id":"` + c.comment + `","post_id":"` + c.post + `","message":"m"}}]}]}`
		d, err := ParseDelivery([]byte(body))
		if err != nil || len(d.Changes) != 0 || d.Ignored[IgnoredMalformed] != 1 {
			t.Errorf("%s: got %+v, %v; want one malformed change", c.name, d, err)
		}
	}
}
