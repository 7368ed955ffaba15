package api

import (
	"sort"
	"unicode/utf8"

	"vigie/rules"
)

// segment is a run of a comment's text, marked when a rule matched it.
type segment struct {
	Text  string
	Mark  bool
	Rules string // the rules that matched, for the title
}

// highlight cuts text at the verdict's byte spans so a template can mark
// what matched without ever building HTML by hand: each segment is
// escaped by html/template like any other text. Overlapping spans merge;
// spans outside the text or off a character boundary (a verdict of an
// older text, a purge) are dropped rather than trusted.
func highlight(text string, ms []rules.Match) []segment {
	type span struct {
		start, end int
		rules      string
	}
	var spans []span
	for _, m := range ms {
		if m.Shadow || m.Start < 0 || m.End > len(text) || m.Start >= m.End ||
			!boundary(text, m.Start) || !boundary(text, m.End) {
			continue
		}
		spans = append(spans, span{m.Start, m.End, m.Rule})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var merged []span
	for _, sp := range spans {
		if n := len(merged); n > 0 && sp.start <= merged[n-1].end {
			last := &merged[n-1]
			last.end = max(last.end, sp.end)
			if last.rules != sp.rules {
				last.rules += ", " + sp.rules
			}
			continue
		}
		merged = append(merged, sp)
	}
	var out []segment
	at := 0
	for _, sp := range merged {
		if sp.start > at {
			out = append(out, segment{Text: text[at:sp.start]})
		}
		out = append(out, segment{Text: text[sp.start:sp.end], Mark: true, Rules: sp.rules})
		at = sp.end
	}
	if at < len(text) {
		out = append(out, segment{Text: text[at:]})
	}
	return out
}

func boundary(s string, i int) bool { return i == len(s) || utf8.RuneStart(s[i]) }
