// Package intake decodes what comes in from outside as JSON, one way for
// every way in: the HTTP API, `vigie import` and `vigie classify`. It is
// strict on purpose: a field the sender misspelt, a number where a string
// belongs, invalid UTF-8 or a lone surrogate escape would otherwise be
// dropped or changed without a word, and Vigie would judge a comment nobody
// wrote.
package intake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Error codes, as the HTTP API reports them.
const (
	CodeInvalidUTF8   = "invalid_utf8"
	CodeMalformedJSON = "malformed_json"
	CodeInvalid       = "invalid"
)

// Error is a refused input: a code, the field at fault (if any), a message.
type Error struct {
	Code    string
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" && !strings.HasPrefix(e.Message, e.Field) {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// DecodeStrict decodes exactly one JSON object into v: invalid UTF-8, lone
// surrogate escapes, unknown fields, mistyped fields, a key given twice (or
// twice in different cases) and trailing data are errors naming what is
// wrong.
func DecodeStrict(body []byte, v any) error {
	if err := CheckJSONText(body); err != nil {
		return &Error{Code: CodeInvalidUTF8, Message: "request body: " + err.Error()}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if err := checkKeys(body, v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return &Error{Code: CodeMalformedJSON, Message: "request body has data after the JSON object"}
	}
	return nil
}

// CheckJSONText refuses JSON text whose strings would not decode to the
// characters sent: invalid UTF-8, or a \uXXXX escape of a lone surrogate
// (encoding/json turns both into U+FFFD without a word).
func CheckJSONText(b []byte) error {
	if !utf8.Valid(b) {
		return errors.New("not valid UTF-8")
	}
	if HasLoneSurrogate(b) {
		return errors.New(`an unpaired surrogate escape (such as \ud800) is not a character`)
	}
	return nil
}

// HasLoneSurrogate reports whether a JSON text has a \uXXXX escape of a
// UTF-16 surrogate that is not the first half of a pair followed by its
// second half. Outside strings a backslash is a JSON syntax error, left to
// the decoder.
func HasLoneSurrogate(b []byte) bool {
	in := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			in = !in
		case c == '\\' && in && i+1 < len(b):
			if b[i+1] != 'u' {
				i++ // a one-letter escape, \" and \\ included
				continue
			}
			r, ok := hex4(b, i+2)
			switch {
			case !ok:
				i++ // malformed: the decoder will say so
			case r >= 0xdc00 && r <= 0xdfff:
				return true // a second half with no first
			case r >= 0xd800 && r < 0xdc00:
				if i+11 < len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
					if r2, ok := hex4(b, i+8); ok && r2 >= 0xdc00 && r2 <= 0xdfff {
						i += 11
						continue
					}
				}
				return true // a first half with no second
			default:
				i += 5
			}
		}
	}
	return false
}

// hex4 reads four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var timeErr *time.ParseError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return &Error{Code: CodeMalformedJSON, Message: "request body must be one JSON object"}
	case errors.As(err, &typeErr):
		return &Error{Code: CodeInvalid, Field: typeErr.Field,
			Message: typeErr.Field + " must be a JSON " + jsonKind(typeErr.Type.Kind().String())}
	case errors.As(err, &timeErr):
		return &Error{Code: CodeInvalid, Field: "created_at",
			Message: "created_at must be an RFC 3339 time such as 2026-11-27T10:00:00Z"}
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &Error{Code: CodeMalformedJSON, Message: "request body is not a valid JSON object"}
	}
	// encoding/json has no type for this one; its wording is stable.
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		f = strings.Trim(f, `"`)
		return &Error{Code: CodeInvalid, Field: f, Message: "unknown field " + f}
	}
	return &Error{Code: CodeMalformedJSON, Message: "request body is not a valid JSON object"}
}

// jsonKind names a Go kind the way a JSON client thinks of it.
func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	case "bool":
		return "boolean"
	case "ptr":
		return "value of the documented type"
	}
	return "number"
}
