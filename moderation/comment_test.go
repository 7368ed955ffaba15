package moderation

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNewCommentValidateNamesTheField(t *testing.T) {
	ok := NewComment{Source: "api:test", ExternalID: "1", Text: "Bonjour"}
	cases := []struct {
		name  string
		edit  func(*NewComment)
		field string
	}{
		{"valid", func(*NewComment) {}, ""},
		{"no source", func(n *NewComment) { n.Source = " " }, "source"},
		{"control char in source", func(n *NewComment) { n.Source = "api\x00x" }, "source"},
		{"no external id", func(n *NewComment) { n.ExternalID = "" }, "external_id"},
		{"long external id", func(n *NewComment) { n.ExternalID = strings.Repeat("1", 300) }, "external_id"},
		{"no text", func(n *NewComment) { n.Text = "" }, "text"},
		{"invalid UTF-8", func(n *NewComment) { n.Text = "caf\xe9" }, "text"},
		{"too long", func(n *NewComment) { n.Text = strings.Repeat("é", 6) }, "text"},
		{"bad author name", func(n *NewComment) { n.Author.Name = "\xff" }, "author.name"},
		{"control char in author name", func(n *NewComment) { n.Author.Name = "Ana\x1b[31m" }, "author.name"},
		{"NUL in text", func(n *NewComment) { n.Text = "a\x00b" }, "text"},
		{"C1 control in author name", func(n *NewComment) { n.Author.Name = "Ana\u009b31m" }, "author.name"},
		{"line separator in author id", func(n *NewComment) { n.Author.ID = "u\u2028x" }, "author.id"},
		{"paragraph separator in thread id", func(n *NewComment) { n.ThreadID = "t\u2029" }, "thread_id"},
		{"right-to-left name", func(n *NewComment) { n.Author.Name = "مريم" }, ""},
		{"created_at a year-0 time east of UTC", func(n *NewComment) {
			n.CreatedAt = time.Date(0, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3600))
		}, "created_at"},
		{"created_at past 9999 in UTC", func(n *NewComment) {
			n.CreatedAt = time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("", -2*3600))
		}, "created_at"},
		{"created_at in 9999", func(n *NewComment) { n.CreatedAt = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC) }, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := ok
			tc.edit(&n)
			err := n.Validate(Limits{MaxTextBytes: 10})
			if tc.field == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want ErrInvalid on %q", err, tc.field)
			}
		})
	}
}

func TestRecentCountsWithinTheWindow(t *testing.T) {
	r := NewRecent(time.Hour)
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for i := range 5 {
		r.Add(t0.Add(time.Duration(i)*time.Minute), "author"+string(rune('a'+i)), "fp")
	}
	r.Add(t0, "authora", "other")
	if got := r.SameTextAuthors("fp", t0); got != 5 {
		t.Errorf("same text authors %d, want 5", got)
	}
	if got := r.AuthorPosts("authora", t0); got != 2 {
		t.Errorf("author posts %d, want 2", got)
	}
	// Two hours later the old entries are gone.
	r.Add(t0.Add(2*time.Hour), "authorz", "fp")
	if got := r.SameTextAuthors("fp", t0.Add(time.Hour)); got != 1 {
		t.Errorf("after expiry: %d authors, want 1", got)
	}
	if got := r.AuthorPosts("authora", t0); got != 0 {
		t.Errorf("after expiry: %d posts, want 0", got)
	}
}
