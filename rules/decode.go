package rules

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Decoding a rules file key by key, rather than with yaml.v3's strict
// decoder in one go, so that one run reports every unknown key and every
// value of the wrong type (the strict decoder stops at the first bad
// rule's compile error, and its messages name Go types: "field wrods not
// found in type rules.ruleSpec"), each at its own line and in the words of
// the file's format.

// decodeFile reads a rules file. A YAML syntax error is the only problem
// then (nothing after it can be read). Otherwise the returned spec holds
// everything that could be read, and the problems everything that could
// not: categories with a problem are left out, rules are kept with the
// keys that could not be read marked (ruleSpec.badKeys).
func decodeFile(data []byte) (*fileSpec, []Problem) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, []Problem{syntaxProblem(err)}
	}
	if len(root.Content) == 0 {
		return nil, []Problem{{0, "empty rules file"}}
	}
	doc := resolve(root.Content[0])
	if doc.Kind != yaml.MappingNode {
		return nil, []Problem{{doc.Line, "a rules file is a mapping of keys (version, name, categories, sets, rules…), not " + nodeWhat(doc)}}
	}
	d := &decoder{}
	fs := &fileSpec{keyLines: map[string]int{}, setLines: map[string]int{}}
	d.fields(doc, reflect.ValueOf(fs).Elem(), "at the top of the file", func(key string, k, v *yaml.Node) bool {
		fs.keyLines[key] = k.Line
		switch key {
		case "rules":
			d.rules(v, fs)
			return true
		case "categories":
			d.categories(v, fs)
			return true
		case "sets":
			if v = resolve(v); v.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(v.Content); i += 2 {
					fs.setLines[v.Content[i].Value] = v.Content[i].Line
				}
			}
		}
		return false
	})
	if fs.Version != 0 && fs.Version != 1 {
		d.add(fs.keyLines["version"], "version %d is not supported (write version: 1)", fs.Version)
	}
	return fs, d.probs
}

type decoder struct {
	probs    []Problem
	onBadKey func(key string) // told of every key whose value could not be read
}

func (d *decoder) add(line int, format string, args ...any) {
	d.probs = append(d.probs, Problem{line, fmt.Sprintf(format, args...)})
}

// rules reads the list of rules; a rule with a problem is left out.
func (d *decoder) rules(n *yaml.Node, fs *fileSpec) {
	if n = resolve(n); n.Kind != yaml.SequenceNode {
		if !isNull(n) {
			d.add(n.Line, "rules: want a list of rules (each starting with \"- id: ...\"), got %s", nodeWhat(n))
		}
		return
	}
	for _, item := range n.Content {
		item = resolve(item)
		if item.Kind != yaml.MappingNode {
			d.add(item.Line, "a rule is a mapping (id: ..., kind: ..., ...), got %s", nodeWhat(item))
			continue
		}
		sp := ruleSpec{line: item.Line, lines: map[string]int{}, badKeys: map[string]bool{}}
		d.onBadKey = func(key string) { sp.badKeys[key] = true }
		d.fields(item, reflect.ValueOf(&sp).Elem(), "in a rule", func(key string, k, _ *yaml.Node) bool {
			sp.lines[key] = k.Line
			return false
		})
		d.onBadKey = nil
		// Kept even with problems, so that Check also reports what
		// compiling it finds (but not again about its bad keys).
		fs.Rules = append(fs.Rules, sp)
	}
}

// categories reads the policy; a category with a problem is left out.
func (d *decoder) categories(n *yaml.Node, fs *fileSpec) {
	if n = resolve(n); n.Kind != yaml.SequenceNode {
		if !isNull(n) {
			d.add(n.Line, "categories: want a list of categories (each starting with \"- id: ...\"), got %s", nodeWhat(n))
		}
		return
	}
	for _, item := range n.Content {
		item = resolve(item)
		if item.Kind != yaml.MappingNode {
			d.add(item.Line, "a category is a mapping (id: ..., label: ..., ...), got %s", nodeWhat(item))
			continue
		}
		var c Category
		before := len(d.probs)
		d.fields(item, reflect.ValueOf(&c).Elem(), "in a category", nil)
		if len(d.probs) == before {
			fs.Categories = append(fs.Categories, c)
			fs.catLines = append(fs.catLines, item.Line)
		}
	}
}

// fields decodes a mapping into the struct v, one key at a time: an
// unknown or repeated key is a problem, and so is a value of the wrong
// type. custom, when given, may take a key over (it returns true).
func (d *decoder) fields(n *yaml.Node, v reflect.Value, where string, custom func(key string, k, v *yaml.Node) bool) {
	known, names := yamlFields(v.Type())
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		key := k.Value
		if prev, dup := seen[key]; dup {
			d.add(k.Line, "%q is given twice %s (first at line %d)", key, where, prev)
			continue
		}
		seen[key] = k.Line
		idx, ok := known[key]
		if !ok {
			d.add(k.Line, "unknown key %q %s%s; known keys: %s", key, where, suggest(key, names), strings.Join(names, ", "))
			if c := closest(key, names); c != "" && d.onBadKey != nil {
				d.onBadKey(c) // "wrods": no need to say that words is missing
			}
			continue
		}
		if custom != nil && custom(key, k, val) {
			continue
		}
		f := v.Field(idx)
		if sub := resolve(val); f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Struct && sub.Kind == yaml.MappingNode {
			f.Set(reflect.New(f.Type().Elem()))
			parent := d.onBadKey // a bad key inside soften makes soften bad
			d.onBadKey = func(string) {
				if parent != nil {
					parent(key)
				}
			}
			d.fields(sub, f.Elem(), "in "+key, nil)
			d.onBadKey = parent
			continue
		}
		if err := val.Decode(f.Addr().Interface()); err != nil {
			d.add(resolve(val).Line, "%s: want %s, got %s", key, typeWords(f.Type()), nodeWhat(resolve(val)))
			if d.onBadKey != nil {
				d.onBadKey(key)
			}
		}
	}
}

// yamlFields maps the yaml names of a struct's fields to their index, and
// lists the names in declared order.
func yamlFields(t reflect.Type) (map[string]int, []string) {
	m := map[string]int{}
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		m[name] = i
		names = append(names, name)
	}
	return m, names
}

var durationType = reflect.TypeFor[Duration]()

// typeWords says what a field wants, in the words of the file format.
func typeWords(t reflect.Type) string {
	if t == durationType {
		return "a duration such as 10m or 24h"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return typeWords(t.Elem())
	case reflect.String:
		return "a text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "a list such as [a, b]"
		}
		return "a list"
	case reflect.Map:
		if t.Elem().Kind() == reflect.Slice {
			return "named lists such as {name: [a, b]}"
		}
		return "a mapping such as {fr: ..., en: ...}"
	case reflect.Struct:
		return "a mapping"
	}
	return t.Kind().String()
}

// nodeWhat describes what the file holds at n.
func nodeWhat(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
	return "something else"
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// resolve follows an alias (*name) to its anchor.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlParserProblems are the messages of yaml.v3's parser (parserc.go), as
// opposed to its scanner. yaml.v3 numbers the lines of parser errors from
// 0 and those of scanner errors from 1 (decode.go, parser.fail), so a
// parser error on line 2 says "line 1"; and when it says no line at all,
// the problem is on the first line.
var yamlParserProblems = []string{
	"did not find expected <stream-start>", "did not find expected <document start>", "found undefined tag handle",
	"did not find expected node content", "did not find expected '-' indicator", "did not find expected key",
	"did not find expected ',' or ']'", "did not find expected ',' or '}'", "found duplicate %YAML directive",
	"found incompatible YAML document", "found duplicate %TAG directive",
}

// yamlWords explains yaml.v3's syntax messages to a rule writer; the
// original follows in brackets, for searching.
var yamlWords = map[string]string{
	"did not find expected ',' or ']'":                "a list opened with [ is not closed with ] (or two items lack a comma between them)",
	"did not find expected ',' or '}'":                "a mapping opened with { is not closed with } (or two entries lack a comma between them)",
	"did not find expected key":                       "a line is not indented like the keys around it, or a list item (- ...) stands where a key was expected",
	"did not find expected '-' indicator":             "a list item that does not start with \"- \" or is not indented like the items before it",
	"did not find expected node content":              "a value is missing",
	"mapping values are not allowed in this context":  "a ':' where no key can start: put a value that contains \": \" in quotes, or check the indentation",
	"found a tab character that violates indentation": "a tab in the indentation: indent with spaces",
	"found character that cannot start any token":     "a character that cannot start a value (such as @, ` or %): put the value in quotes",
	"found unexpected end of stream":                  "the file ends inside a quoted text or a bracket: a quote or a bracket is not closed",
	"could not find expected ':'":                     "a key without ':' after it",
}

// syntaxProblem turns a yaml.v3 syntax error into a problem with the
// right line and words a rule writer understands.
func syntaxProblem(err error) Problem {
	msg, line := err.Error(), 1
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if isParserProblem(msg) {
			line++
		}
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	if w, ok := yamlWords[msg]; ok {
		msg = fmt.Sprintf("%s (YAML: %s)", w, msg)
	}
	return Problem{line, "not valid YAML: " + msg}
}

func isParserProblem(msg string) bool {
	for _, p := range yamlParserProblems {
		if msg == p {
			return true
		}
	}
	return false
}
