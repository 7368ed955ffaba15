package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"vigie/api"
	"vigie/moderation"
)

// importLine is one JSONL line: the intake API's body. source defaults to
// "import:<file name>" and external_id to the line number, so importing the
// same file twice adds nothing.
type importLine struct {
	Source     string            `json:"source"`
	ExternalID json.RawMessage   `json:"external_id"`
	Text       *string           `json:"text"`
	Author     moderation.Author `json:"author"`
	ThreadID   string            `json:"thread_id"`
	ParentID   string            `json:"parent_id"`
	CreatedAt  *time.Time        `json:"created_at"`
}

type importJob struct {
	line int
	n    moderation.NewComment
}

type importTally struct {
	mu                       sync.Mutex
	byStatus                 map[moderation.Status]int
	created, dup, bad, total int
}

func runImport(ctx context.Context, env *Env, args []string) error {
	fs, cfgPath := flags(env, "import")
	workers := fs.Int("workers", 32, "concurrent intakes (commits are grouped across them)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &usageError{"usage: vigie import [--config config.yaml] FILE.jsonl"}
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, _ := f.Stat()

	app, err := openApp(ctx, env, *cfgPath)
	if err != nil {
		return err
	}
	defer app.Close()

	var bar *progressbar.ProgressBar
	if env.IsTerminal && st != nil {
		bar = progressbar.DefaultBytes(st.Size(), "importing")
	}
	t := &importTally{byStatus: map[moderation.Status]int{}}
	jobs := make(chan importJob, *workers*2)
	var wg sync.WaitGroup
	for range max(1, *workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				res, err := app.Service.Intake(ctx, j.n)
				t.record(env, j.line, res, err)
			}
		}()
	}

	start := time.Now()
	source := "import:" + filepath.Base(path)
	lines := newLineReader(f, maxImportLine)
	line := 0
	for ctx.Err() == nil {
		raw, size, err := lines.next()
		if err == io.EOF {
			break
		}
		line++
		if bar != nil {
			_ = bar.Add(size)
		}
		if errors.Is(err, errLineTooLong) {
			t.record(env, line, moderation.IntakeResult{}, err)
			continue
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		n, err := parseImportLine(raw, source, line)
		if err != nil {
			t.record(env, line, moderation.IntakeResult{}, err)
			continue
		}
		jobs <- importJob{line, n}
	}
	close(jobs)
	wg.Wait()
	if bar != nil {
		_ = bar.Finish()
		fmt.Fprintln(env.Stderr)
	}
	fmt.Fprintf(env.Stdout, "imported %d new comments from %d lines in %s (published %d, refused %d, pending %d); %d already known; %d lines skipped\n",
		t.created, t.total, time.Since(start).Round(time.Millisecond),
		t.byStatus[moderation.StatusPublished], t.byStatus[moderation.StatusRefused], t.byStatus[moderation.StatusPending], t.dup, t.bad)
	if ctx.Err() != nil {
		return errors.New("interrupted: the lines above were committed; run the import again to finish (known lines are skipped)")
	}
	if t.bad > 0 {
		return fmt.Errorf("%d lines skipped (listed above)", t.bad)
	}
	return nil
}

func (t *importTally) record(env *Env, line int, res moderation.IntakeResult, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total++
	switch {
	case err != nil:
		t.bad++
		fmt.Fprintf(env.Stderr, "line %d: %v\n", line, err)
	case res.Created:
		t.created++
		t.byStatus[res.Comment.Status]++
	default:
		t.dup++
	}
}

// maxImportLine bounds one JSONL line: a comment is at most 512 KiB of text.
const maxImportLine = 2 << 20

var errLineTooLong = fmt.Errorf("line longer than %d bytes, skipped", maxImportLine)

// lineReader reads lines of bounded length; a longer line is skipped whole
// and reported, so one bad line cannot stop an import or exhaust memory.
type lineReader struct {
	r   *bufio.Reader
	max int
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns a line without its newline and the bytes it took.
func (l *lineReader) next() ([]byte, int, error) {
	var buf []byte
	size, long := 0, false
	for {
		chunk, err := l.r.ReadSlice('\n')
		size += len(chunk)
		if !long {
			if len(buf)+len(chunk) > l.max+1 { // +1: the newline
				long, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue // the line goes on
		case err == io.EOF && size == 0:
			return nil, 0, io.EOF
		case err != nil && err != io.EOF:
			return nil, size, err
		case long:
			return nil, size, errLineTooLong
		}
		return bytes.TrimSuffix(buf, []byte("\n")), size, nil
	}
}

func parseImportLine(raw []byte, source string, line int) (moderation.NewComment, error) {
	if err := api.CheckJSONText(raw); err != nil {
		return moderation.NewComment{}, err
	}
	var l importLine
	if err := json.Unmarshal(raw, &l); err != nil {
		return moderation.NewComment{}, fmt.Errorf("malformed JSON: %v", err)
	}
	if l.Text == nil {
		return moderation.NewComment{}, errors.New("text: missing")
	}
	n := moderation.NewComment{Source: l.Source, Text: *l.Text, Author: l.Author, ThreadID: l.ThreadID, ParentID: l.ParentID}
	if n.Source == "" {
		n.Source = source
	}
	switch {
	case len(l.ExternalID) == 0 || string(l.ExternalID) == "null":
		n.ExternalID = strconv.Itoa(line)
	default:
		// Accept ids given as strings or numbers.
		var s string
		if err := json.Unmarshal(l.ExternalID, &s); err != nil {
			var num json.Number
			if err := json.Unmarshal(l.ExternalID, &num); err != nil {
				return n, errors.New("external_id: must be a string or a number")
			}
			s = num.String()
		}
		n.ExternalID = s
	}
	if l.CreatedAt != nil {
		n.CreatedAt = *l.CreatedAt
	}
	return n, nil
}
