package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"vigie/moderation"
	"vigie/rules"
)

// runClassify judges comments from stdin without a database: one JSON object
// with a "text" field per line, or a plain text line; one verdict per line.
func runClassify(ctx context.Context, env *Env, args []string) error {
	fs, cfgPath := flags(env, "classify")
	if err := parse(fs, args); err != nil {
		return err
	}
	_, rs, err := configRules(env, *cfgPath)
	if err != nil {
		return err
	}
	a, b := rs.Windows()
	recent := moderation.NewRecent(max(a, b))
	in := bufio.NewScanner(env.Stdin)
	in.Buffer(make([]byte, 64<<10), 4<<20)
	out := bufio.NewWriter(env.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	line := 0
	for in.Scan() {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		line++
		raw := in.Text()
		if strings.TrimSpace(raw) == "" {
			continue
		}
		text, author, err := classifyInput(raw)
		if err != nil {
			// One bad line must not stop the stream: say which and go on.
			fmt.Fprintf(env.Stderr, "line %d: %v\n", line, err)
			if err := enc.Encode(map[string]any{"line": line, "error": err.Error()}); err != nil {
				return err
			}
			continue
		}
		now := time.Now()
		key := moderation.AuthorKey("classify", author)
		v := rs.Classify(rules.Input{Text: text, Source: "classify", AuthorKey: key, At: now}, recent)
		recent.Add(now, key, v.Fingerprint)
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	return in.Err()
}

// classifyInput reads one line: a JSON object with "text" (and optionally
// "author":{"id"}) or, if it does not start with "{", the text itself.
func classifyInput(raw string) (text, author string, err error) {
	if !utf8.ValidString(raw) {
		return "", "", fmt.Errorf("not valid UTF-8")
	}
	if !strings.HasPrefix(strings.TrimSpace(raw), "{") {
		return raw, "", nil
	}
	var obj struct {
		Text   *string `json:"text"`
		Author struct {
			ID string `json:"id"`
		} `json:"author"`
	}
	if err := json.Unmarshal([]byte(raw), &obj); err != nil {
		return "", "", fmt.Errorf("malformed JSON: %v", err)
	}
	if obj.Text == nil {
		return "", "", fmt.Errorf("missing \"text\" field")
	}
	return *obj.Text, obj.Author.ID, nil
}
