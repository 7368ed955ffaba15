package intake

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
)

// checkKeys refuses an object with the same key twice, two keys that differ
// only in case, and a key that names a field of v in another case.
// encoding/json matches keys case-insensitively and keeps the last:
// {"text":"bonjour","TEXT":"…"} would be stored as the second text while a
// proxy or an audit log reading keys exactly sees the first. Every object
// at every depth is checked. Syntax errors are left to the decoder, which
// names them better.
func checkKeys(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	type frame struct {
		object bool
		typ    reflect.Type      // the struct the object decodes into, if known
		keys   map[string]string // folded → as sent
		key    string            // the key whose value comes next ("" for a key next)
	}
	var stack []frame
	next := structOf(reflect.TypeOf(v)) // the type of the next value
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		top := len(stack) - 1
		if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
			fr := frame{object: d == '{', keys: map[string]string{}}
			if fr.object && next != nil && next.Kind() == reflect.Struct {
				fr.typ = next
			}
			stack = append(stack, fr)
			next = elemOf(next)
			continue
		}
		if _, ok := tok.(json.Delim); ok { // '}' or ']'
			stack = stack[:top]
			if top--; top >= 0 && stack[top].object {
				stack[top].key = ""
			}
			continue
		}
		if top < 0 || !stack[top].object {
			continue // a value in an array
		}
		f := &stack[top]
		if f.key != "" { // a scalar value: the next token is a key
			f.key = ""
			continue
		}
		k, _ := tok.(string)
		folded := strings.ToLower(k)
		if prev, dup := f.keys[folded]; dup {
			msg := "duplicate key " + k
			if prev != k {
				msg = "keys " + prev + " and " + k + " differ only in case"
			}
			return &Error{Code: CodeInvalid, Field: k, Message: msg}
		}
		f.keys[folded] = k
		f.key = k
		next = nil
		if f.typ != nil {
			ft, exact, other := fieldOf(f.typ, k)
			if ft != nil && !exact {
				return &Error{Code: CodeInvalid, Field: k, Message: "unknown field " + k + " (keys are case-sensitive: " + other + ")"}
			}
			next = structOf(ft)
		}
	}
}

// fieldOf finds the field a key names, as encoding/json would (ignoring
// case), and says whether the key is its JSON name exactly.
func fieldOf(t reflect.Type, key string) (typ reflect.Type, exact bool, name string) {
	for i := range t.NumField() {
		f := t.Field(i)
		if n := jsonName(f); n == key {
			return f.Type, true, n
		} else if strings.EqualFold(n, key) {
			typ, name = f.Type, n
		}
	}
	return typ, false, name
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

// structOf is the struct type behind pointers, or the type of the elements
// of a slice, or nil: only structs have fields to check keys against.
func structOf(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || (t.Kind() != reflect.Struct && t.Kind() != reflect.Slice && t.Kind() != reflect.Array) {
		return nil
	}
	return t
}

// elemOf is the type of what an array holds (for a slice frame); a struct
// frame's values get their type from their key instead.
func elemOf(t reflect.Type) reflect.Type {
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		return structOf(t.Elem())
	}
	return nil
}
