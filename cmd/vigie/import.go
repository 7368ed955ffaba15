package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/schollz/progressbar/v3"

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
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 2<<20)
	line := 0
	for sc.Scan() && ctx.Err() == nil {
		line++
		raw := sc.Bytes()
		if bar != nil {
			_ = bar.Add(len(raw) + 1)
		}
		if len(raw) == 0 {
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
	if err := sc.Err(); err != nil {
		return fmt.Errorf("line %d: %w", line+1, err)
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

func parseImportLine(raw []byte, source string, line int) (moderation.NewComment, error) {
	if !utf8.Valid(raw) {
		return moderation.NewComment{}, errors.New("not valid UTF-8")
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
