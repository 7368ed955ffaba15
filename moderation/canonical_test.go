package moderation

import (
	"errors"
	"testing"
)

func TestSourcesAndIDsHaveOneSpelling(t *testing.T) {
	want := NewComment{Source: "api:Élysée", ExternalID: "é-1"}
	for _, in := range []NewComment{
		{Source: "api:Élysée", ExternalID: "é-1"},
		{Source: " API:Élysée ", ExternalID: " é-1\t"},
		{Source: "Api:E\u0301lyse\u0301e", ExternalID: "e\u0301-1"}, // NFD
	} {
		in.Canonical()
		if in.Source != want.Source || in.ExternalID != want.ExternalID {
			t.Errorf("Canonical gave %q/%q, want %q/%q", in.Source, in.ExternalID, want.Source, want.ExternalID)
		}
	}
}

func TestInvisibleTextsAndTrickyIDsAreRefused(t *testing.T) {
	ok := NewComment{Source: "api:a", ExternalID: "1", Text: "bonjour"}
	for _, tc := range []struct {
		name  string
		edit  func(*NewComment)
		field string
	}{
		{"zero-width spaces only", func(n *NewComment) { n.Text = "\u200b\u200b" }, "text"},
		{"a BOM only", func(n *NewComment) { n.Text = "\ufeff" }, "text"},
		{"spaces and joiners", func(n *NewComment) { n.Text = " \u200d\u2060 \n" }, "text"},
		{"bidi override in the source", func(n *NewComment) { n.Source = "api:\u202egnp" }, "source"},
		{"zero-width space in the id", func(n *NewComment) { n.ExternalID = "1\u200b" }, "external_id"},
		{"isolate in the id", func(n *NewComment) { n.ExternalID = "\u20661\u2069" }, "external_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := ok
			tc.edit(&n)
			n.Canonical()
			err := n.Validate(DefaultLimits)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want ErrInvalid on %s", err, tc.field)
			}
		})
	}
	n := ok
	n.Text = "\u200bbonjour\u200b"
	if err := n.Validate(DefaultLimits); err != nil {
		t.Errorf("a text with something visible is refused: %v", err)
	}
}
