package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/moderation"
)

// The token the receiver's URL carries: it must never reach the log.
const hookToken = "s3cr3t-hook-token"

// syncBuffer is a log destination safe for the writer's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// receiver is a real HTTP server on loopback that gives the answers of
// answer, one per request (200 past the end), and keeps what it took.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	requests int
	accepted [][]byte
}

type answer struct {
	status     int
	retryAfter string
}

func newReceiver(t *testing.T, answers ...answer) *receiver {
	t.Helper()
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		n := r.requests
		r.requests++
		r.mu.Unlock()
		if req.URL.Query().Get("token") != hookToken || req.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		if n < len(answers) {
			if a := answers[n]; a.status/100 != 2 {
				if a.retryAfter != "" {
					w.Header().Set("Retry-After", a.retryAfter)
				}
				http.Error(w, "not now", a.status)
				return
			}
		}
		r.mu.Lock()
		r.accepted = append(r.accepted, body)
		r.mu.Unlock()
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) url() string { return r.URL + "/hook?token=" + hookToken }

func (r *receiver) counts() (requests int, accepted [][]byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests, r.accepted
}

// testPush is a push with the real HTTP client and millisecond waits,
// which it records (and waits for real unless noWait).
func testPush(url string, log *syncBuffer, noWait bool) (*checkpointPush, *[]time.Duration) {
	p := newCheckpointPush(url, slog.New(slog.NewTextHandler(log, nil)), time.Minute)
	p.base, p.maxWait = time.Millisecond, 8*time.Millisecond
	var waits []time.Duration
	p.sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		if noWait {
			return ctx.Err()
		}
		return sleepCtx(ctx, d)
	}
	return p, &waits
}

// signedCheckpoint is a real signed statement, as JSON, and its key.
func signedCheckpoint(t *testing.T) ([]byte, *moderation.CheckpointSigner) {
	t.Helper()
	seed, _, err := moderation.NewCheckpointKey()
	if err != nil {
		t.Fatal(err)
	}
	s, err := moderation.ParseCheckpointKey(seed)
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(s.Sign(42, strings.Repeat("ab", 32), time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	return body, s
}

// checkLog: no token in the log, and the number of give-up lines.
func checkLog(t *testing.T, log string, givenUp int) {
	t.Helper()
	if strings.Contains(log, hookToken) || strings.Contains(log, "token=") {
		t.Errorf("the log shows the URL's token:\n%s", log)
	}
	if n := strings.Count(log, "given up"); n != givenUp {
		t.Errorf("%d give-up lines in the log, want %d:\n%s", n, givenUp, log)
	}
}

// A receiver that answers 503 twice, then takes the checkpoint, gets it
// once, intact and verifiable, after waits that double.
func TestCheckpointPushRetriesUntilAccepted(t *testing.T) {
	body, signer := signedCheckpoint(t)
	rcv := newReceiver(t, answer{status: 503}, answer{status: 503})
	var log syncBuffer
	p, waits := testPush(rcv.url(), &log, false)
	if !p.send(context.Background(), body) {
		t.Fatalf("push failed:\n%s", log.String())
	}
	requests, accepted := rcv.counts()
	if requests != 3 || len(accepted) != 1 {
		t.Fatalf("%d requests, %d accepted; want 3 and 1", requests, len(accepted))
	}
	if !bytes.Equal(accepted[0], body) {
		t.Errorf("the receiver got %s, want %s", accepted[0], body)
	}
	var c moderation.Checkpoint
	if err := json.Unmarshal(accepted[0], &c); err != nil || c.Verify(signer.PublicKey()) != nil {
		t.Errorf("the checkpoint received does not verify: %+v, %v", c, err)
	}
	if fmt.Sprint(*waits) != "[1ms 2ms]" || p.failed.Load() != 0 {
		t.Errorf("waits %v, failures %d; want [1ms 2ms] and 0", *waits, p.failed.Load())
	}
	checkLog(t, log.String(), 0)
	if n := strings.Count(log.String(), "retrying"); n != 2 || !strings.Contains(log.String(), "url="+rcv.URL+"/hook ") {
		t.Errorf("%d retry lines (want 2), naming the URL without its query:\n%s", n, log.String())
	}
}

// A 4xx other than 408 and 429 is the receiver refusing the checkpoint: one
// attempt, one give-up line. 408, 429 and 5xx are tried again.
func TestCheckpointPushStatuses(t *testing.T) {
	body, _ := signedCheckpoint(t)
	for _, c := range []struct {
		status   int
		requests int
	}{
		{400, 1}, {401, 1}, {403, 1}, {404, 1}, {410, 1}, {413, 1}, {422, 1},
		{408, 2}, {429, 2}, {500, 2}, {502, 2}, {503, 2}, {504, 2},
	} {
		rcv := newReceiver(t, answer{status: c.status})
		var log syncBuffer
		p, waits := testPush(rcv.url(), &log, false)
		ok := p.send(context.Background(), body)
		requests, accepted := rcv.counts()
		if requests != c.requests || ok != (c.requests == 2) || len(accepted) != c.requests-1 || len(*waits) != c.requests-1 {
			t.Errorf("%d: %d requests, sent %v, %d accepted, waits %v; want %d requests", c.status, requests, ok, len(accepted), *waits, c.requests)
		}
		if c.requests == 1 {
			checkLog(t, log.String(), 1)
			if p.failed.Load() != 1 || !strings.Contains(log.String(), fmt.Sprintf("refused: %d", c.status)) {
				t.Errorf("%d: failures %d, log:\n%s", c.status, p.failed.Load(), log.String())
			}
		} else {
			checkLog(t, log.String(), 0)
		}
	}
}

// A receiver that is down: the push gives up after the bounded attempts,
// its waits doubling up to the cap; one log line, one failure counted.
func TestCheckpointPushReceiverDown(t *testing.T) {
	body, _ := signedCheckpoint(t)
	rcv := newReceiver(t)
	url := rcv.url()
	rcv.Close()
	var log syncBuffer
	p, waits := testPush(url, &log, false)
	if p.send(context.Background(), body) {
		t.Fatal("a push to a closed port succeeded")
	}
	if fmt.Sprint(*waits) != "[1ms 2ms 4ms 8ms 8ms]" || p.failed.Load() != 1 {
		t.Errorf("waits %v, failures %d; want [1ms 2ms 4ms 8ms 8ms] (6 attempts) and 1", *waits, p.failed.Load())
	}
	checkLog(t, log.String(), 1)
	if !strings.Contains(log.String(), "attempts=6") {
		t.Errorf("the give-up line does not count the attempts:\n%s", log.String())
	}
}

// Retry-After (seconds or a date) is waited when longer than the backoff;
// one that falls past the checkpoint interval ends the push at once; the
// end of the context (shutdown) ends the waits.
func TestCheckpointPushRetryAfter(t *testing.T) {
	body, _ := signedCheckpoint(t)
	date := time.Now().Add(5 * time.Second).UTC().Format(http.TimeFormat)
	rcv := newReceiver(t, answer{status: 429, retryAfter: "3"}, answer{status: 503, retryAfter: date}, answer{status: 503, retryAfter: "soon"})
	var log syncBuffer
	p, waits := testPush(rcv.url(), &log, true)
	if !p.send(context.Background(), body) {
		t.Fatalf("push failed:\n%s", log.String())
	}
	if w := *waits; len(w) != 3 || w[0] != 3*time.Second || w[1] < 3*time.Second || w[1] > 6*time.Second || w[2] != 4*time.Millisecond {
		t.Errorf("waits %v; want 3s, about 5s (the date), then the backoff 4ms (unreadable header)", w)
	}

	rcv = newReceiver(t, answer{status: 503, retryAfter: "3600"})
	log = syncBuffer{}
	p, waits = testPush(rcv.url(), &log, true)
	if p.send(context.Background(), body) || len(*waits) != 0 || !strings.Contains(log.String(), "after the checkpoint interval") {
		t.Errorf("a Retry-After past the interval: waits %v, log:\n%s", *waits, log.String())
	}
	checkLog(t, log.String(), 1)

	rcv = newReceiver(t, answer{status: 503}, answer{status: 503})
	log = syncBuffer{}
	p, waits = testPush(rcv.url(), &log, false)
	ctx, cancel := context.WithCancel(context.Background())
	p.sleep = func(ctx context.Context, d time.Duration) error {
		*waits = append(*waits, d)
		cancel() // shutdown, during the wait
		return sleepCtx(ctx, time.Hour)
	}
	if p.send(ctx, body) {
		t.Error("a push stopped during its wait succeeded")
	}
	if requests, _ := rcv.counts(); requests != 1 || !strings.Contains(log.String(), "stopped: context canceled") {
		t.Errorf("%d requests after the stop (want 1), log:\n%s", requests, log.String())
	}
	checkLog(t, log.String(), 1)
}

// The whole round on a real SQLite file: each checkpoint is appended to the
// file whatever the push does, a push given up on is counted, and a push
// that succeeds after retries sends exactly the appended line.
func TestCheckpointAppendedWhateverThePush(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	down := newReceiver(t)
	downURL := down.url()
	down.Close()
	writeFile(t, cfg, fmt.Sprintf("server:\n  addr: 127.0.0.1:0\ndatabase:\n  dsn: data/vigie.db\n"+
		"checkpoints:\n  every: 1h\n  append_file: checkpoints.jsonl\n  post_url: %q\n", downURL))
	importNumbered(t, cfg, 3, "Commentaire %d : merci")
	var log syncBuffer
	env := &Env{Stdout: io.Discard, Stderr: &log, Getenv: func(string) string { return "" }}
	ctx := context.Background()
	app, err := openApp(ctx, env, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	_, signer := signedCheckpoint(t)
	pub := &checkpointPublisher{app: app, signer: signer}
	pub.push, _ = testPush(downURL, &log, false)
	pub.push.log = app.Log

	pub.once(ctx)
	lines := readLines(t, filepath.Join(dir, "checkpoints.jsonl"))
	var c moderation.Checkpoint
	if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &c) != nil || c.Seq != 3 || c.Verify(signer.PublicKey()) != nil {
		t.Fatalf("append file after a failed push: %q", lines)
	}
	if pub.push.failed.Load() != 1 || pub.signed.Load() != 1 || pub.appendFailed.Load() != 0 {
		t.Errorf("%d post failures, %d signed, %d append failures counted; want 1, 1, 0", pub.push.failed.Load(), pub.signed.Load(), pub.appendFailed.Load())
	}
	checkLog(t, log.String(), 1)

	rcv := newReceiver(t, answer{status: 503}, answer{status: 503})
	pub.push, _ = testPush(rcv.url(), &log, false)
	pub.push.log = app.Log
	if _, err := app.Service.Intake(ctx, moderation.NewComment{Source: "api:cp", ExternalID: "x", Text: "Encore merci"}); err != nil {
		t.Fatal(err)
	}
	pub.once(ctx)
	lines = readLines(t, filepath.Join(dir, "checkpoints.jsonl"))
	requests, accepted := rcv.counts()
	if len(lines) != 2 || requests != 3 || len(accepted) != 1 || strings.TrimSpace(string(accepted[0])) != lines[1] {
		t.Fatalf("%d lines appended, %d requests, received %q; want 2, 3 and the second line %q", len(lines), requests, accepted, lines[len(lines)-1])
	}
	checkLog(t, log.String(), 1)

	// An append file that cannot be written is counted, and the post
	// still goes out.
	app.Config.Checkpoints.AppendFile = "."
	if _, err := app.Service.Intake(ctx, moderation.NewComment{Source: "api:cp", ExternalID: "y", Text: "Et encore merci"}); err != nil {
		t.Fatal(err)
	}
	pub.once(ctx)
	if requests, _ := rcv.counts(); pub.appendFailed.Load() != 1 || pub.signed.Load() != 3 || requests != 4 {
		t.Errorf("%d append failures, %d signed, %d requests; want 1, 3, 4", pub.appendFailed.Load(), pub.signed.Load(), requests)
	}
}

// A post_url the config refuses is named without its query.
func TestCheckpointPostURLErrorHidesTheToken(t *testing.T) {
	err := CheckpointsConfig{Every: time.Hour, PostURL: "ftp://example.org/hook?token=" + hookToken}.validate()
	if err == nil || strings.Contains(err.Error(), hookToken) || !strings.Contains(err.Error(), "ftp://example.org/hook") {
		t.Errorf("validate: %v", err)
	}
}
