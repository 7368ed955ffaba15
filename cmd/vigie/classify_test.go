package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"vigie/rules"
)

// sharedData holds the labelled comments nobody on the project wrote.
const sharedData = "../../../shared/data"

// classifyStreamOf runs classifyStream on the lines with the given number of
// workers and returns stdout, stderr and how many comments were judged
// twice.
func classifyStreamOf(t *testing.T, rs *rules.Ruleset, in string, workers int) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(in), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	rejudged, err := classifyStream(context.Background(), env, rs, workers)
	if err != nil {
		t.Fatalf("%d workers: %v", workers, err)
	}
	return out.String(), errb.String(), rejudged
}

// defaultRules are the rules of a config with every key at its default.
func defaultRules(t testing.TB) *rules.Ruleset {
	t.Helper()
	cfg, _ := testConfig(t)
	_, rs, err := configRules(&Env{Getenv: func(string) string { return "" }}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// sharedTexts reads the text column of the dev and train CSV files.
func sharedTexts(t testing.TB) []string {
	t.Helper()
	var texts []string
	for _, dir := range []string{"dev", "train"} {
		files, _ := filepath.Glob(filepath.Join(sharedData, dir, "*.csv"))
		for _, name := range files {
			f, err := os.Open(name)
			if err != nil {
				t.Fatal(err)
			}
			r := csv.NewReader(f)
			r.FieldsPerRecord = -1
			recs, err := r.ReadAll()
			f.Close()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, rec := range recs[1:] {
				texts = append(texts, strings.Join(strings.Fields(rec[0]), " "))
			}
		}
	}
	if len(texts) == 0 {
		t.Skipf("no CSV files under %s/{dev,train}: the shared data lives in /work/shared/data", sharedData)
	}
	return texts
}

// Judging in parallel gives, line for line, the answers of the sequential
// loop: on real comments, and on the cases where order matters, with the
// same text from several authors and one author posting too often, right
// after one another (so that a worker judges a comment before the ones
// just before it are in the history, and the writer must judge it again).
func TestClassifyParallelAnswersAsSequential(t *testing.T) {
	rs := defaultRules(t)
	texts := sharedTexts(t)
	var lines []string
	jsonLine := func(text, author string) string {
		return fmt.Sprintf(`{"text":%q,"author":{"id":%q}}`, text, author)
	}
	for i := range 3000 {
		// Real comments, some twice (plain lines share one empty author
		// key), with a burst of history cases every 500 lines.
		lines = append(lines, texts[(i*7)%len(texts)])
		if i%500 == 250 {
			copyText := texts[i%len(texts)] + " — votre graphique est faux, corrigez-le"
			for a := range 5 {
				lines = append(lines, jsonLine(copyText, fmt.Sprintf("reader-%d-%d", i, a)))
			}
			for k := range 13 {
				lines = append(lines, jsonLine(fmt.Sprintf("Message numéro %d de la série %d, encore un avis sur la loi", k, i), fmt.Sprintf("flooder-%d", i)))
			}
			lines = append(lines, "", "caf\xe9", `{"text":1}`)
		}
	}
	in := strings.Join(lines, "\n") + "\n"

	seqOut, seqErr, _ := classifyStreamOf(t, rs, in, 1)
	if n := strings.Count(seqOut, "\n"); n != len(lines) {
		t.Fatalf("sequential: %d answers for %d lines", n, len(lines))
	}
	// History rules must have fired, or this test would prove nothing
	// about them.
	for _, rule := range []string{`"rule":"core.repeated"`, `"rule":"core.flood"`} {
		if !strings.Contains(seqOut, rule) {
			t.Fatalf("no verdict names %s: the input no longer exercises history rules", rule)
		}
	}
	for _, workers := range []int{2, 4} {
		out, errOut, rejudged := classifyStreamOf(t, rs, in, workers)
		if out != seqOut {
			t.Errorf("%d workers: answers differ from the sequential ones at %s", workers, firstDiff(seqOut, out))
		}
		if errOut != seqErr {
			t.Errorf("%d workers: stderr differs:\n%s\nwant:\n%s", workers, errOut, seqErr)
		}
		t.Logf("%d workers: %d of %d comments judged twice", workers, rejudged, len(lines))
		if rejudged == 0 || rejudged > len(lines)/10 {
			t.Errorf("%d workers: %d comments judged twice; want some (the bursts) and few", workers, rejudged)
		}
	}
}

// firstDiff names the first line where two outputs differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range min(len(w), len(g)) {
		if w[i] != g[i] {
			return fmt.Sprintf("line %d:\n got %.300s\nwant %.300s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("the end: %d lines, want %d", len(g), len(w))
}

// A read error stops classify after the answers to the lines before it,
// in parallel as in sequence.
func TestClassifyParallelStopsAtReadError(t *testing.T) {
	rs := defaultRules(t)
	for _, workers := range []int{1, 3} {
		var out, errb bytes.Buffer
		in := &failingReader{data: []byte("Bonjour à tous\nEspèce de connard\nTroisième ligne")}
		env := &Env{Stdin: in, Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
		_, err := classifyStream(context.Background(), env, rs, workers)
		if err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "disk gone") {
			t.Errorf("%d workers: err %v, want the read error of line 3", workers, err)
		}
		if n := strings.Count(out.String(), "\n"); n != 2 || !strings.Contains(out.String(), `"refuse"`) {
			t.Errorf("%d workers: want the 2 answers before the error, got:\n%s", workers, out.String())
		}
	}
}

// failingReader returns its data, then an error instead of EOF.
type failingReader struct {
	data []byte
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, fmt.Errorf("disk gone")
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// BenchmarkClassifyStream is classify's whole loop, reading, judging on
// every core, writing, over the shared texts (one op: every text once),
// without the process start-up that bench/rulesbench/whole adds.
func BenchmarkClassifyStream(b *testing.B) {
	rs := defaultRules(b)
	texts := sharedTexts(b)
	in := strings.Join(texts, "\n") + "\n"
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		env := &Env{Stdin: strings.NewReader(in), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
		if _, err := classifyStream(context.Background(), env, rs, runtime.GOMAXPROCS(0)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(texts))/1e3, "µs/comment")
}

// A slow stream is answered line by line, not when the output buffer
// fills or the input ends (tail -f | vigie classify): each answer,
// verdict or error, comes before the next line is sent.
func TestClassifyAnswersASlowStreamAsItComes(t *testing.T) {
	rs := defaultRules(t)
	for _, workers := range []int{1, 2} {
		inR, inW := io.Pipe()
		outR, outW := io.Pipe()
		env := &Env{Stdin: inR, Stdout: outW, Stderr: io.Discard, Getenv: func(string) string { return "" }}
		done := make(chan error, 1)
		go func() {
			_, err := classifyStream(context.Background(), env, rs, workers)
			outW.CloseWithError(err)
			done <- err
		}()
		answers := bufio.NewReader(outR)
		for _, line := range []string{"bonjour, merci pour ces précisions", "{not json", "Tu es un connard."} {
			if _, err := io.WriteString(inW, line+"\n"); err != nil {
				t.Fatal(err)
			}
			got := make(chan string, 1)
			go func() {
				s, _ := answers.ReadString('\n')
				got <- s
			}()
			select {
			case s := <-got:
				if !strings.HasSuffix(s, "}\n") {
					t.Fatalf("%d workers, %q: answer %q", workers, line, s)
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("%d workers: no answer to %q while the input stays open", workers, line)
			}
		}
		inW.Close()
		if err := <-done; err != nil {
			t.Fatalf("%d workers: %v", workers, err)
		}
	}
}
