package rules

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ReadExamples reads labelled comments for training: CSV
// text,label[,lang,category] with an optional header row (as Eval). Unlike
// Eval, a bad row is an error: a model must not silently train on less
// than it was given.
func ReadExamples(r io.Reader, name string) ([]Example, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	textCol, labelCol := 0, 1
	var out []Example
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if first && hasCol(rec, "label") {
			textCol, labelCol = colIndex(rec, "text", 0), colIndex(rec, "label", 1)
			continue
		}
		if len(rec) <= max(textCol, labelCol) {
			return nil, fmt.Errorf("%s:%d: want text,label[,lang,category], got %d field(s)", name, line, len(rec))
		}
		var label int
		switch strings.TrimSpace(rec[labelCol]) {
		case "1":
			label = 1
		case "0":
		default:
			return nil, fmt.Errorf("%s:%d: label %q: want 0 or 1", name, line, rec[labelCol])
		}
		out = append(out, Example{Text: rec[textCol], Label: label})
	}
}
