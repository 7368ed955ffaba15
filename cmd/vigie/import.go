package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"vigie/api/intake"
	"vigie/moderation"
)

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
	sourceFlag := fs.String("source", "", "source of lines without one (default: import:<file name>@<digest of its content>; give one to import a file that grows)")
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
				if err == nil && !res.Created && res.Comment.PurgedAt.IsZero() && res.Comment.Text != j.n.Text {
					err = fmt.Errorf("%s/%s is already stored with another text: not imported (give another --source or external_id)", j.n.Source, j.n.ExternalID)
				}
				t.record(env, j.line, res, err)
			}
		}()
	}

	start := time.Now()
	source := *sourceFlag
	if source == "" {
		if source, err = importSource(f); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stderr, "source of lines without one: %s\n", source)
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
	buf []byte // a line longer than the reader's buffer, reused
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns a line without its newline and the bytes it took. The line
// is only valid until the next call: it is the reader's own buffer when
// the line fits in it (every caller copies what it keeps; a copy per line
// was a tenth of classify's allocations).
func (l *lineReader) next() ([]byte, int, error) {
	chunk, err := l.r.ReadSlice('\n')
	if err == nil || (err == io.EOF && len(chunk) > 0) {
		if len(chunk) > l.max+1 { // +1: the newline
			return nil, len(chunk), errLineTooLong
		}
		return bytes.TrimSuffix(chunk, []byte("\n")), len(chunk), nil
	}
	buf := l.buf[:0]
	size, long := 0, false
	for {
		size += len(chunk)
		if !long {
			if len(buf)+len(chunk) > l.max+1 {
				long, buf = true, buf[:0]
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			chunk, err = l.r.ReadSlice('\n')
			continue // the line goes on
		case err == io.EOF && size == 0:
			return nil, 0, io.EOF
		case err != nil && err != io.EOF:
			return nil, size, err
		}
		if cap(buf) <= 1<<20 {
			l.buf = buf // keep a buffer for the next long line, not a huge one
		}
		if long {
			return nil, size, errLineTooLong
		}
		return bytes.TrimSuffix(buf, []byte("\n")), size, nil
	}
}

// parseImportLine decodes one line exactly as the HTTP intake decodes its
// body (intake.Decode: unknown fields, numbers for ids and bad UTF-8 are
// refused alike). source defaults to the file's source and external_id to
// the line number, so importing the same file twice adds nothing.
func parseImportLine(raw []byte, source string, line int) (moderation.NewComment, error) {
	n, err := intake.Decode(raw)
	if err != nil {
		return n, err
	}
	if n.Source == "" {
		n.Source = source
	}
	if n.ExternalID == "" {
		n.ExternalID = strconv.Itoa(line)
	}
	return n, nil
}

// importSource is the default source of a file's lines: its name and a
// digest of its content. Two different files with the same name are two
// sources (before, the second one's lines were taken for copies of the
// first's and silently skipped); the same file imported again is the same
// source, so nothing is added twice.
func importSource(f *os.File) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	return fmt.Sprintf("import:%s@%x", filepath.Base(f.Name()), h.Sum(nil)[:6]), nil
}
