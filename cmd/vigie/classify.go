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
	"runtime"
	"runtime/debug"
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
	_, err = classifyStream(ctx, env, rs, runtime.GOMAXPROCS(0))
	return err
}

// classifyStream answers every line of env.Stdin on env.Stdout. With more
// than one worker the comments are judged in parallel and the answers
// written in input order, the same answers as with one worker (see
// classifyParallel). It returns how many comments the parallel path had to
// judge a second time.
func classifyStream(ctx context.Context, env *Env, rs *rules.Ruleset, workers int) (rejudged int, err error) {
	a, b := rs.Windows()
	recent := moderation.NewRecent(max(a, b))
	// A large buffer (one write per ~200 answers: with 4 KB, writing was
	// ~1,400 system calls for 20,000 comments, on the one goroutine that
	// writes), flushed whenever no further input is at hand, so that a
	// slow stream (tail -f | vigie classify) is answered line by line.
	out := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer func() {
		if ferr := out.Flush(); err == nil {
			err = ferr
		}
	}()
	if workers <= 1 {
		return 0, classifySequential(ctx, env, rs, recent, out)
	}
	return classifyParallel(ctx, env, rs, recent, out, workers)
}

// newVerdictEncoder writes one JSON value per line, as every answer of
// classify is written.
func newVerdictEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// classifyGC trades memory for CPU in this batch command, unless the
// operator set GOGC or GOMEMLIMIT: its live heap is small (~12 MB: rules,
// model, language table) and churns one verdict per line, so the
// collector ran 8 times over 20,000 comments and cost ~9% of the CPU;
// at GOGC=400 it runs 3 times (RSS 70 → 93 MB), and a 256 MiB soft limit
// keeps a huge input line from letting the heap grow unchecked. main calls
// it for the process (Run, which tests call in-process, does not).
func classifyGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(256 << 20)
	}
}

// verdictLine is v as one line of JSON: MarshalJSON's bytes (an Encoder
// would only compact them again), made by AppendJSON without reflection
// (encoding/json was a sixth of classify's CPU).
func verdictLine(v rules.Verdict) ([]byte, error) {
	return appendVerdictLine(make([]byte, 0, 512), v)
}

// appendVerdictLine appends verdictLine(v) to b.
func appendVerdictLine(b []byte, v rules.Verdict) ([]byte, error) {
	b, err := v.AppendJSON(b)
	return append(b, '\n'), err
}

// classifySequential judges one line after the other.
func classifySequential(ctx context.Context, env *Env, rs *rules.Ruleset, recent *moderation.Recent, out *bufio.Writer) error {
	enc := newVerdictEncoder(out)
	lines := newLineReader(env.Stdin, maxImportLine)
	for line := 1; ; line++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var j classifyJob
		readClassifyLine(lines, line, &j)
		switch {
		case j.fatal == io.EOF:
			return nil
		case j.fatal != nil:
			return j.fatal
		case j.bad != nil:
			err := writeBadLine(env, enc, &j)
			if err == nil && lines.r.Buffered() == 0 {
				err = out.Flush()
			}
			if err != nil {
				return err
			}
			continue
		}
		v := rs.Classify(j.in, recent)
		recent.Add(j.in.At, j.in.AuthorKey, v.Fingerprint)
		b, err := verdictLine(v)
		if err == nil {
			_, err = out.Write(b)
		}
		if err == nil && lines.r.Buffered() == 0 {
			err = out.Flush() // the next line may be long in coming
		}
		if err != nil {
			return err
		}
	}
}

// classifyJob is one input line on its way through classify.
type classifyJob struct {
	line  int
	in    rules.Input
	bad   error // a bad line: answered with an error object
	fatal error // the input itself failed (or io.EOF): stop after the lines before
	v     rules.Verdict
	json  [2]int           // v encoded by the worker: batch.out[json[0]:json[1]] (empty: not encoded)
	rec   recordingHistory // what Classify asked the history, and the answers
}

// classifyBatch is consecutive lines handed to one worker: one hand-over
// per batch rather than per line keeps the goroutines from waiting on one
// another, which costs most on a busy machine.
//
// Batches are used again once written (a free list), jobs, answers and
// all: the lines' own allocations were half of classify's, and fresh
// memory costs page faults as well as collections.
type classifyBatch struct {
	jobs []classifyJob
	out  []byte        // the worker's answers, one after the other
	done chan struct{} // receives once the worker is done with every job
}

// reset makes b ready for new lines, keeping its memory.
func (b *classifyBatch) reset() {
	for i := range b.jobs {
		b.jobs[i] = classifyJob{rec: recordingHistory{asked: b.jobs[i].rec.asked[:0]}}
	}
	b.jobs = b.jobs[:0]
	b.out = b.out[:0]
}

// next is a cleared job at the end of the batch.
func (b *classifyBatch) next() *classifyJob {
	if len(b.jobs) < cap(b.jobs) {
		b.jobs = b.jobs[:len(b.jobs)+1]
	} else {
		b.jobs = append(b.jobs, classifyJob{})
	}
	return &b.jobs[len(b.jobs)-1]
}

// maxBatch bounds the lines of one batch; a batch also ends where the
// input has no more bytes read ahead, so that a slow stream is answered
// as it comes.
const maxBatch = 64

// classifyParallel judges comments on several goroutines and writes the
// answers in input order, identical to classifySequential's.
//
// Flood and repeated-post rules depend on order: comment n must see the
// history of comments 1..n-1, exactly. A worker judges comment n against
// the shared history as it is at that moment, which may still lack some
// of the comments just before n, and records each question Classify asks
// it with the answer. The writer, which adds comments to the history in
// input order, asks those questions again once 1..n-1 are in: when every
// answer is the same, the verdict is the one the sequential loop would
// have reached (Classify is a pure function of the comment and of those
// answers) and is kept; otherwise the writer judges the comment again
// against the complete history. So only comments whose author or text
// came moments before (among the lines in flight) are judged twice.
func classifyParallel(ctx context.Context, env *Env, rs *rules.Ruleset, recent *moderation.Recent, out *bufio.Writer, workers int) (rejudged int, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *classifyBatch, 2*workers)
	order := make(chan *classifyBatch, 4*workers) // bounds the lines in flight
	free := make(chan *classifyBatch, 4*workers+2)

	go func() { // the reader: one goroutine, so that lines keep their order
		defer close(order)
		defer close(batches)
		lines := newLineReader(env.Stdin, maxImportLine)
		for line := 1; ; {
			var b *classifyBatch
			select {
			case b = <-free:
				b.reset()
			default:
				b = &classifyBatch{jobs: make([]classifyJob, 0, maxBatch), done: make(chan struct{}, 1)}
			}
			for len(b.jobs) < maxBatch {
				j := b.next()
				readClassifyLine(lines, line, j)
				line++
				if j.fatal != nil || lines.r.Buffered() == 0 {
					break
				}
			}
			last := b.jobs[len(b.jobs)-1].fatal != nil // read before b is handed over
			select {
			case order <- b:
			case <-ctx.Done():
				return
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
			if last {
				return
			}
		}
	}()
	for range workers {
		go func() {
			for b := range batches {
				for i := range b.jobs {
					j := &b.jobs[i]
					if j.bad != nil || j.fatal != nil {
						continue
					}
					j.rec.h = recent
					j.v = rs.Classify(j.in, &j.rec)
					start := len(b.out)
					if out, err := appendVerdictLine(b.out, j.v); err == nil {
						b.out, j.json = out, [2]int{start, len(out)}
					} else {
						b.out = b.out[:start]
					}
				}
				b.done <- struct{}{}
			}
		}()
	}

	enc := newVerdictEncoder(out)
	for b := range order {
		select {
		case <-b.done:
		case <-ctx.Done():
			return rejudged, ctx.Err()
		}
		for i := range b.jobs {
			j := &b.jobs[i]
			if ctx.Err() != nil {
				return rejudged, ctx.Err()
			}
			switch {
			case j.fatal == io.EOF:
				return rejudged, nil
			case j.fatal != nil:
				return rejudged, j.fatal
			case j.bad != nil:
				if err := writeBadLine(env, enc, j); err != nil {
					return rejudged, err
				}
				continue
			}
			if !sameAnswers(j.rec.asked, recent) {
				rejudged++
				j.v = rs.Classify(j.in, recent)
				j.json = [2]int{}
			}
			recent.Add(j.in.At, j.in.AuthorKey, j.v.Fingerprint)
			line := b.out[j.json[0]:j.json[1]]
			if len(line) == 0 {
				line, err = verdictLine(j.v)
			}
			if err == nil {
				_, err = out.Write(line)
			}
			if err != nil {
				return rejudged, err
			}
		}
		if len(order) == 0 { // no further line at hand: answer what came
			if err := out.Flush(); err != nil {
				return rejudged, err
			}
		}
		select {
		case free <- b:
		default:
		}
	}
	return rejudged, ctx.Err()
}

// historyQuery is one question Classify asked its History.
type historyQuery struct {
	sameText bool   // SameTextAuthors(key, since), else AuthorPosts(key, since)
	key      string // author key or text fingerprint
	since    time.Time
	answer   int
}

func (q historyQuery) ask(h rules.History) int {
	if q.sameText {
		return h.SameTextAuthors(q.key, q.since)
	}
	return h.AuthorPosts(q.key, q.since)
}

// recordingHistory answers from h and remembers the questions and answers.
type recordingHistory struct {
	h     rules.History
	asked []historyQuery
}

func (r *recordingHistory) AuthorPosts(authorKey string, since time.Time) int {
	q := historyQuery{key: authorKey, since: since}
	q.answer = q.ask(r.h)
	r.asked = append(r.asked, q)
	return q.answer
}

func (r *recordingHistory) SameTextAuthors(fingerprint string, since time.Time) int {
	q := historyQuery{sameText: true, key: fingerprint, since: since}
	q.answer = q.ask(r.h)
	r.asked = append(r.asked, q)
	return q.answer
}

// sameAnswers tells whether h answers every recorded question as before.
func sameAnswers(asked []historyQuery, h rules.History) bool {
	for _, q := range asked {
		if q.ask(h) != q.answer {
			return false
		}
	}
	return true
}

// readClassifyLine reads and decodes input line number line. The time of
// a comment is taken here, in input order, as history rules expect.
func readClassifyLine(lines *lineReader, line int, j *classifyJob) {
	j.line = line
	raw, _, err := lines.next()
	switch {
	case err == io.EOF:
		j.fatal = io.EOF
		return
	case err != nil && !errors.Is(err, errLineTooLong):
		j.fatal = fmt.Errorf("line %d: %w", line, err) // the input itself failed
		return
	}
	var text, author string
	if err == nil {
		text, author, err = classifyInput(raw)
	}
	if err != nil {
		j.bad = err
		return
	}
	j.in = rules.Input{Text: text, Source: "classify", AuthorKey: moderation.AuthorKey("classify", author), At: time.Now()}
}

// writeBadLine answers a bad line. One bad line must not stop the stream:
// say which and go on, with an answer in its place so that output line n
// is the answer to input line n.
func writeBadLine(env *Env, enc *json.Encoder, j *classifyJob) error {
	fmt.Fprintf(env.Stderr, "line %d: %v\n", j.line, j.bad)
	return enc.Encode(map[string]any{"line": j.line, "error": j.bad.Error()})
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
