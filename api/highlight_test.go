package api

import (
	"reflect"
	"testing"

	"vigie/rules"
)

func TestHighlightCutsAtByteSpans(t *testing.T) {
	text := "Espèce de connard, va !"
	for _, tc := range []struct {
		name string
		ms   []rules.Match
		want []segment
	}{
		{"one match", []rules.Match{{Rule: "fr.insult", Start: 11, End: 18}},
			[]segment{{Text: "Espèce de "}, {Text: "connard", Mark: true, Rules: "fr.insult"}, {Text: ", va !"}}},
		{"overlapping matches merge", []rules.Match{{Rule: "a", Start: 11, End: 15}, {Rule: "b", Start: 13, End: 18}},
			[]segment{{Text: "Espèce de "}, {Text: "connard", Mark: true, Rules: "a, b"}, {Text: ", va !"}}},
		{"span inside a character is dropped", []rules.Match{{Rule: "x", Start: 4, End: 6}},
			[]segment{{Text: text}}},
		{"span past the end is dropped", []rules.Match{{Rule: "x", Start: 20, End: 99}},
			[]segment{{Text: text}}},
		{"shadow rules are not shown", []rules.Match{{Rule: "x", Start: 11, End: 18, Shadow: true}},
			[]segment{{Text: text}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := highlight(text, tc.ms); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("highlight = %#v\nwant %#v", got, tc.want)
			}
		})
	}
}
