package main

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)
var unknownField = regexp.MustCompile(`field (\S+) not found in type`)

// explainYAML rewrites yaml.v3's errors ("line 3: field x not found in type
// main.ServerConfig") so that each names the full key ("server.x") as well
// as the line: an operator should not need to know our Go types.
func explainYAML(raw []byte, err error) error {
	var root yaml.Node
	_ = yaml.NewDecoder(bytes.NewReader(raw)).Decode(&root)
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	out := make([]string, 0, len(msgs))
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: ")
		sm := yamlLine.FindStringSubmatch(m)
		if sm == nil {
			out = append(out, m)
			continue
		}
		line, _ := strconv.Atoi(sm[1])
		key := keyAtLine(&root, line, "")
		what := sm[2]
		if u := unknownField.FindStringSubmatch(what); u != nil {
			what = "unknown key " + strconv.Quote(u[1])
		}
		if key != "" {
			out = append(out, fmt.Sprintf("%s (line %d): %s", key, line, what))
		} else {
			out = append(out, fmt.Sprintf("line %d: %s", line, what))
		}
	}
	return errors.New(strings.Join(out, "; "))
}

// keyAtLine finds the dotted path of the mapping key or value on a line.
func keyAtLine(n *yaml.Node, line int, prefix string) string {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if k := keyAtLine(c, line, prefix); k != "" {
				return k
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			path := k.Value
			if prefix != "" {
				path = prefix + "." + k.Value
			}
			if k.Line == line {
				return path
			}
			if sub := keyAtLine(v, line, path); sub != "" {
				return sub
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			path := fmt.Sprintf("%s[%d]", prefix, i)
			if c.Line == line && c.Kind == yaml.ScalarNode {
				return path
			}
			if sub := keyAtLine(c, line, path); sub != "" {
				return sub
			}
		}
	}
	return ""
}
