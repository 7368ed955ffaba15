package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"vigie/api/intake"
	"vigie/moderation"
	"vigie/rules"
)

// runClassify judges comments from stdin without a database: one JSON object
// with a "text" field per line, or a plain text line; one answer per line,
// in the same order: a verdict, or for a blank or bad line an object with
// "line" and "error".
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
	lines := newLineReader(env.Stdin, maxImportLine)
	out := bufio.NewWriter(env.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for line := 1; ; line++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		raw, _, err := lines.next()
		switch {
		case err == io.EOF:
			return nil
		case err != nil && !errors.Is(err, errLineTooLong):
			return fmt.Errorf("line %d: %w", line, err) // the input itself failed
		}
		var text, author string
		if err == nil {
			text, author, err = classifyInput(raw)
		}
		if err != nil {
			// One bad line must not stop the stream: say which and go on,
			// with an answer in its place so that output line n is the
			// answer to input line n.
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
}

// classifyInput reads one line: a JSON object with "text" (and optionally
// "author":{"id"}) or, if it does not start with "{", the text itself.
func classifyInput(raw []byte) (text, author string, err error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return "", "", errors.New("blank line, no comment")
	}
	if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		if !utf8.Valid(raw) {
			return "", "", errors.New("not valid UTF-8")
		}
		return string(raw), "", nil
	}
	if err := intake.CheckJSONText(raw); err != nil {
		return "", "", err
	}
	var obj struct {
		Text   *string `json:"text"`
		Author struct {
			ID string `json:"id"`
		} `json:"author"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return "", "", fmt.Errorf("malformed JSON: %v", err)
	}
	if obj.Text == nil {
		return "", "", fmt.Errorf("missing \"text\" field")
	}
	return *obj.Text, obj.Author.ID, nil
}
