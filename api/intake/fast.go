package intake

import (
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"vigie/moderation"
)

// decodeFast is Decode for the body nearly every sender writes: one object
// whose keys are the documented names in their exact case, each at most
// once, with string values (null where DecodeStrict allows it) and an
// author object of id and name. It reads the body once, where DecodeStrict
// reads it three times (text check, decode, key check) and through
// reflection.
//
// It only ever accepts what Decode would accept, with the same result;
// anything else (a refusal, but also an unusual body such as an escaped
// key) answers ok = false and Decode takes the general path, which alone
// words refusals. Fuzz tests hold the two to that (fast_test.go).
func decodeFast(b []byte) (n moderation.NewComment, ok bool) {
	s := scanner{b: b}
	s.space()
	if !s.consume('{') {
		return n, false
	}
	const (
		seenSource = 1 << iota
		seenExternalID
		seenText
		seenAuthor
		seenThreadID
		seenParentID
		seenCreatedAt
	)
	var seen uint
	for first := true; ; first = false {
		s.space()
		if first && s.consume('}') {
			break
		}
		key, ok := s.key()
		if !ok {
			return n, false
		}
		s.space()
		if !s.consume(':') {
			return n, false
		}
		s.space()
		var bit uint
		switch string(key) {
		case "source":
			bit, ok = seenSource, s.stringOrNull(&n.Source)
		case "external_id":
			bit, ok = seenExternalID, s.stringOrNull(&n.ExternalID)
		case "thread_id":
			bit, ok = seenThreadID, s.stringOrNull(&n.ThreadID)
		case "parent_id":
			bit, ok = seenParentID, s.stringOrNull(&n.ParentID)
		case "text":
			// null leaves text missing, which the general path words.
			bit = seenText
			n.Text, ok = s.string()
		case "author":
			bit, ok = seenAuthor, s.author(&n.Author)
		case "created_at":
			bit, ok = seenCreatedAt, s.time(&n.CreatedAt)
		default:
			return n, false
		}
		if !ok || seen&bit != 0 {
			return n, false
		}
		seen |= bit
		s.space()
		if s.consume('}') {
			break
		}
		if !s.consume(',') {
			return n, false
		}
	}
	s.space()
	return n, seen&seenText != 0 && s.i == len(s.b)
}

// scanner reads JSON text forward; every method leaves i past what it read.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// consume reads c if it comes next.
func (s *scanner) consume(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) null() bool {
	if len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "null" {
		s.i += 4
		return true
	}
	return false
}

// key reads an object key without escapes or non-ASCII bytes: the names
// Vigie documents have neither, so another key is left to the general
// path. It returns the key's bytes in the body (callers switch on
// string(key), which does not copy).
func (s *scanner) key() ([]byte, bool) {
	if !s.consume('"') {
		return nil, false
	}
	start := s.i
	for ; s.i < len(s.b); s.i++ {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return nil, false
		}
	}
	return nil, false
}

func (s *scanner) stringOrNull(dst *string) bool {
	if s.null() {
		return true // encoding/json leaves a string alone on null
	}
	v, ok := s.string()
	if ok {
		*dst = v
	}
	return ok
}

// string reads a JSON string. It refuses what DecodeStrict refuses (invalid
// UTF-8, lone surrogate escapes, control characters, unknown escapes), so
// what it accepts decodes exactly as encoding/json decodes it.
func (s *scanner) string() (string, bool) {
	if !s.consume('"') {
		return "", false
	}
	start := s.i
	ascii := true
	for ; s.i < len(s.b); s.i++ {
		switch c := s.b[s.i]; {
		case c == '"':
			raw := s.b[start:s.i]
			s.i++
			if !ascii && !utf8.Valid(raw) {
				return "", false
			}
			return string(raw), true
		case c == '\\':
			s.i = start
			return s.escaped()
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", false
}

// escaped reads the rest of a string that has escapes, from its first
// character.
func (s *scanner) escaped() (string, bool) {
	start := s.i
	out := make([]byte, 0, 64)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			if !utf8.Valid(s.b[start : s.i-1]) {
				return "", false
			}
			return string(out), true
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			s.i++
			continue
		}
		if s.i+1 >= len(s.b) {
			return "", false
		}
		switch e := s.b[s.i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(s.b, s.i+2)
			if !ok {
				return "", false
			}
			s.i += 6
			if utf16.IsSurrogate(r) {
				// Only a first half followed by its second is a character.
				lo, ok := rune(0), false
				if r < 0xdc00 && s.i+1 < len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
					lo, ok = hex4(s.b, s.i+2)
				}
				if !ok || lo < 0xdc00 || lo > 0xdfff {
					return "", false
				}
				r = utf16.DecodeRune(r, lo)
				s.i += 6
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			return "", false
		}
		s.i += 2
	}
	return "", false
}

// author reads the author object (id and name, each at most once) or null.
func (s *scanner) author(a *moderation.Author) bool {
	if s.null() {
		return true
	}
	if !s.consume('{') {
		return false
	}
	var seenID, seenName bool
	for first := true; ; first = false {
		s.space()
		if first && s.consume('}') {
			return true
		}
		key, ok := s.key()
		if !ok {
			return false
		}
		s.space()
		if !s.consume(':') {
			return false
		}
		s.space()
		switch k := string(key); {
		case k == "id" && !seenID:
			seenID, ok = true, s.stringOrNull(&a.ID)
		case k == "name" && !seenName:
			seenName, ok = true, s.stringOrNull(&a.Name)
		default:
			return false
		}
		if !ok {
			return false
		}
		s.space()
		if s.consume('}') {
			return true
		}
		if !s.consume(',') {
			return false
		}
	}
}

// time reads created_at, a string or null, with time.Time's own
// UnmarshalJSON on the raw string as encoding/json calls it.
func (s *scanner) time(t *time.Time) bool {
	if s.null() {
		return true
	}
	start := s.i
	if _, ok := s.string(); !ok {
		return false
	}
	return t.UnmarshalJSON(s.b[start:s.i]) == nil
}
