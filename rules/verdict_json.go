package rules

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends v's JSON to b: the very bytes MarshalJSON gives
// (encoding/json, HTML characters escaped), without reflection. `vigie
// classify` writes one verdict per comment, and encoding/json's
// reflection was a tenth of its CPU. TestAppendJSONEqualsMarshalJSON and
// FuzzAppendJSON hold the two to the same bytes; a field added to Verdict
// or Match without its line here fails them.
func (v Verdict) AppendJSON(b []byte) ([]byte, error) {
	action := v.Action.String()
	if action == "" {
		return b, fmt.Errorf("json: error calling MarshalJSON for type rules.Action: cannot marshal unset action %d", int8(v.Action))
	}
	b = append(b, `{"action":`...)
	b = AppendJSONString(b, action)
	if v.Category != "" {
		b = append(b, `,"category":`...)
		b = AppendJSONString(b, v.Category)
	}
	b = append(b, `,"score":`...)
	var err error
	if b, err = appendJSONFloat(b, v.Score); err != nil {
		return b, err
	}
	b = append(b, `,"language":`...)
	b = AppendJSONString(b, v.Language)
	b = append(b, `,"matches":[`...)
	for i, m := range v.Matches {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"rule":`...)
		b = AppendJSONString(b, m.Rule)
		b = append(b, `,"category":`...)
		b = AppendJSONString(b, m.Category)
		b = append(b, `,"start":`...)
		b = strconv.AppendInt(b, int64(m.Start), 10)
		b = append(b, `,"end":`...)
		b = strconv.AppendInt(b, int64(m.End), 10)
		b = append(b, `,"text":`...)
		b = AppendJSONString(b, m.Text)
		if m.Shadow {
			b = append(b, `,"shadow":true`...)
		}
		b = append(b, '}')
	}
	b = append(b, `],"ruleset_version":`...)
	b = AppendJSONString(b, v.RulesetVersion)
	if len(v.Protected) > 0 {
		b = append(b, `,"protected":[`...)
		for i, p := range v.Protected {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendJSONString(b, p)
		}
		b = append(b, ']')
	}
	if v.ModelRule != "" {
		b = append(b, `,"model_rule":`...)
		b = AppendJSONString(b, v.ModelRule)
	}
	if v.ModelScore != 0 {
		b = append(b, `,"model_score":`...)
		if b, err = appendJSONFloat(b, v.ModelScore); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// appendJSONFloat formats f as encoding/json does a float64.
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, 64))
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 becomes e-9, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

const hexDigits = "0123456789abcdef"

// AppendJSONString quotes s as encoding/json does with HTML escaping:
// <, > and & as \u003c, \u003e, \u0026; control characters as \b, \f,
// \n, \r, \t or \u00XX; invalid UTF-8 as \ufffd; U+2028 and U+2029
// escaped.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
