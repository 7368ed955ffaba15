package facebook

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigie/moderation"
)

// TestDedupKeyIgnoresEntryTime: Meta's duplicates may differ only in
// entry.time; the key must not see it, and must see the rest.
func TestDedupKeyIgnoresEntryTime(t *testing.T) {
	resent := strings.Replace(specExample, `"time":1717171800`, `"time":1717179999`, 1)
	if resent == specExample {
		t.Fatal("the test did not change entry.time")
	}
	a, err := ParseDelivery([]byte(specExample))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseDelivery([]byte(resent))
	if err != nil {
		t.Fatal(err)
	}
	if ka, kb := DedupKey(a.Changes[0]), DedupKey(b.Changes[0]); ka != kb {
		t.Errorf("keys differ with entry.time only: %s vs %s", ka, kb)
	}
}

func TestDedupKeyTellsChangesApart(t *testing.T) {
	base := Change{PageID: "1", Verb: VerbAdd, CommentID: "5_9", PostID: "1_5", Message: "Bonjour", CreatedTime: unix(100)}
	for _, c := range []struct {
		name string
		edit func(*Change)
		same bool
	}{
		{"the same change", func(*Change) {}, true},
		{"another author name (Meta renamed)", func(c *Change) { c.From.Name = "X" }, true},
		{"another message", func(c *Change) { c.Message = "Bonjour !" }, false},
		{"another verb", func(c *Change) { c.Verb = VerbEdited }, false},
		{"another time", func(c *Change) { c.CreatedTime = unix(101) }, false},
		{"another comment", func(c *Change) { c.CommentID = "5_10" }, false},
		{"message differing in normalisation only", func(c *Change) { c.Message = "Bonjour" + "\u0301" }, false},
	} {
		other := base
		c.edit(&other)
		if same := DedupKey(base) == DedupKey(other); same != c.same {
			t.Errorf("%s: same key = %v, want %v", c.name, same, c.same)
		}
	}
}

func TestToNewCommentMapsThreadAndParent(t *testing.T) {
	author := moderation.Author{ID: "7", Name: "Ana"}
	for _, c := range []struct {
		name   string
		change Change
		want   moderation.NewComment
	}{
		{"top-level: parent is the post",
			Change{PageID: "1", Verb: VerbAdd, CommentID: "5_9", PostID: "1_5", ParentID: "1_5", From: author, Message: "m", CreatedTime: unix(9)},
			moderation.NewComment{Source: "facebook:1", ExternalID: "5_9", Text: "m", Author: author, ThreadID: "1_5", CreatedAt: unix(9)}},
		{"reply: parent is the comment",
			Change{PageID: "1", Verb: VerbAdd, CommentID: "5_10", PostID: "1_5", ParentID: "5_9", From: author, Message: "r", CreatedTime: unix(9)},
			moderation.NewComment{Source: "facebook:1", ExternalID: "5_10", Text: "r", Author: author, ThreadID: "1_5", ParentID: "5_9", CreatedAt: unix(9)}},
		{"edit of an unseen comment is an intake",
			Change{PageID: "1", Verb: VerbEdited, CommentID: "5_9", PostID: "1_5", ParentID: "1_5", From: author, Message: "e", CreatedTime: unix(9)},
			moderation.NewComment{Source: "facebook:1", ExternalID: "5_9", Text: "e", Author: author, ThreadID: "1_5", CreatedAt: unix(9)}},
		{"no parent_id sent: top-level",
			Change{PageID: "1", Verb: VerbAdd, CommentID: "5_9", PostID: "1_5", From: author, Message: "m"},
			moderation.NewComment{Source: "facebook:1", ExternalID: "5_9", Text: "m", Author: author, ThreadID: "1_5"}},
		{"hide: the page is not the author, the hide time not the creation",
			Change{PageID: "1", Verb: VerbHide, CommentID: "5_9", PostID: "1_5", ParentID: "1_5", From: moderation.Author{ID: "1", Name: "Page"}, CreatedTime: unix(99)},
			moderation.NewComment{Source: "facebook:1", ExternalID: "5_9", ThreadID: "1_5"}},
	} {
		if diff := cmp.Diff(c.want, ToNewComment(c.change)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
}

func TestSourceRoundTrip(t *testing.T) {
	if got := Source("111"); got != "facebook:111" {
		t.Errorf("Source = %q", got)
	}
	for _, c := range []struct {
		source, page string
		ok           bool
	}{
		{"facebook:111", "111", true},
		{"facebook:", "", false},
		{"api:111", "", false},
		{"import:facebook:111", "", false},
	} {
		page, ok := PageIDOf(c.source)
		if page != c.page || ok != c.ok {
			t.Errorf("PageIDOf(%q) = (%q, %v), want (%q, %v)", c.source, page, ok, c.page, c.ok)
		}
	}
}
