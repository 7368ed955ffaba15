package rules

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Problem is one mistake found in a rules file, at a line (1-based; 0 when
// it concerns the whole file).
type Problem struct {
	Line    int
	Message string
}

// FileError lists every problem found in one rules file, so that a rule
// writer fixes them all after one run of `vigie rules check`. Error prints
// one "file:line: message" per line.
type FileError struct {
	File     string
	Problems []Problem
}

func (e *FileError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		if p.Line > 0 {
			lines[i] = fmt.Sprintf("%s:%d: %s", e.File, p.Line, p.Message)
		} else {
			lines[i] = fmt.Sprintf("%s: %s", e.File, p.Message)
		}
	}
	return strings.Join(lines, "\n")
}

// problems collects the problems of several files (compile merges packs)
// and of the settings, in the order found.
type problems struct {
	files    []*FileError
	settings []error
}

func (ps *problems) add(file string, line int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	for _, f := range ps.files {
		if f.File == file {
			f.Problems = append(f.Problems, Problem{line, msg})
			return
		}
	}
	ps.files = append(ps.files, &FileError{File: file, Problems: []Problem{{line, msg}}})
}

// addErr records a problem that is not in a file ("settings", config keys).
func (ps *problems) addErr(err error) { ps.settings = append(ps.settings, err) }

func (ps *problems) empty() bool { return len(ps.files) == 0 && len(ps.settings) == 0 }

// err is nil without problems, the *FileError itself for one file, and the
// files' errors joined otherwise. Problems are sorted by line.
func (ps *problems) err() error {
	var errs []error
	for _, f := range ps.files {
		slices.SortStableFunc(f.Problems, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
		f.Problems = slices.Compact(f.Problems)
		errs = append(errs, f)
	}
	errs = append(errs, ps.settings...)
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

// suggest is ` (did you mean "x"?)` when one of the known names is within
// two edits of the unknown one, else "".
func suggest(unknown string, known []string) string {
	if c := closest(unknown, known); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

// closest is the known name within two edits of unknown, or "".
func closest(unknown string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := levenshtein(strings.ToLower(unknown), k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// levenshtein is the edit distance between two short names.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, sub)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
