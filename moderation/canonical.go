package moderation

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Canonical gives a source and an external id one spelling: trimmed, in
// NFC, and the source's kind ("api", "facebook", "import") in lower case.
// Without it " api:A", "API:A" and the NFD form of "api:É" would be three
// sources, and one comment could be taken in three times.
func (n *NewComment) Canonical() {
	n.Source = norm.NFC.String(strings.TrimSpace(n.Source))
	if kind, rest, ok := strings.Cut(n.Source, ":"); ok && strings.ToLower(kind) != kind {
		n.Source = strings.ToLower(kind) + ":" + rest // only then: intake's hot path
	}
	n.ExternalID = norm.NFC.String(strings.TrimSpace(n.ExternalID))
}

// identifier reports whether s may name a source or an id: printable, and
// free of the format characters (bidi controls, zero-width spaces, joiners,
// BOM) that make two different ids look the same, or one look like another.
func identifier(s string) bool {
	if !printable(s) {
		return false
	}
	for _, r := range s {
		if unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

// hasVisible reports whether a text has something to read once invisible
// characters (spaces, format characters such as U+200B and U+FEFF, and
// controls) are set aside.
func hasVisible(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) && !unicode.IsControl(r) {
			return true
		}
	}
	return false
}
