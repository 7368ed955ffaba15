package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// The push of a checkpoint to checkpoints.post_url, retried: a receiver
// that is restarting, overloaded or briefly out of reach still gets the
// statement. The checkpoint is already in the table, the public list and
// the append file when the push starts; the push only adds a copy
// elsewhere, so a push given up on is logged and counted, never fatal, and
// the next checkpoint covers its head.

// Retry bounds: waits of 1 s, 2 s, 4 s, 8 s, 16 s (each at most 30 s) between
// at most 6 attempts, all within the checkpoint interval.
const (
	checkpointPostAttempts = 6
	checkpointPostBase     = time.Second
	checkpointPostMaxWait  = 30 * time.Second
)

// checkpointPush sends checkpoints to one URL.
type checkpointPush struct {
	client *http.Client
	url    string
	log    *slog.Logger
	// attempts is the most tries of one checkpoint; base the first wait,
	// doubled after each failure up to maxWait. A Retry-After longer than
	// the backoff is waited instead.
	attempts      int
	base, maxWait time.Duration
	// budget bounds one push, waits and attempts together: the checkpoint
	// interval, so a push never runs into the next checkpoint's.
	budget time.Duration
	// sleep waits d or until ctx ends; tests record the waits.
	sleep func(ctx context.Context, d time.Duration) error
	// failed counts the pushes given up on.
	failed atomic.Int64
}

func newCheckpointPush(rawURL string, log *slog.Logger, budget time.Duration) *checkpointPush {
	return &checkpointPush{
		client: &http.Client{Timeout: 10 * time.Second}, url: rawURL, log: log,
		attempts: checkpointPostAttempts, base: checkpointPostBase, maxWait: checkpointPostMaxWait,
		budget: budget, sleep: sleepCtx,
	}
}

// send posts body until the receiver takes it, refuses it (a 4xx other
// than 408 and 429), the attempts or the budget run out, or ctx ends. It
// logs each retry and one line when it gives up, with the URL's scheme,
// host and path only: its query or user info may hold a token.
func (p *checkpointPush) send(ctx context.Context, body []byte) bool {
	where := redactURL(p.url)
	deadline := time.Now().Add(p.budget)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	for attempt := 1; ; attempt++ {
		retryAfter, err := p.post(ctx, body)
		if err == nil {
			if attempt > 1 {
				p.log.Info("checkpoint posted", "url", where, "attempts", attempt)
			}
			return true
		}
		wait := max(p.backoff(attempt), retryAfter)
		var refused *refusedError
		switch {
		case errors.As(err, &refused):
		case ctx.Err() != nil:
			err = fmt.Errorf("%w (stopped: %v)", err, context.Cause(ctx))
		case attempt >= p.attempts:
		case time.Now().Add(wait).After(deadline):
			err = fmt.Errorf("%w; the next attempt (in %s) would fall after the checkpoint interval", err, wait)
		default:
			p.log.Warn("checkpoint post failed; retrying", "url", where, "attempt", attempt, "in", wait, "err", err)
			if p.sleep(ctx, wait) == nil {
				continue
			}
			err = fmt.Errorf("%w (stopped: %v)", err, context.Cause(ctx))
		}
		p.failed.Add(1)
		p.log.Error("checkpoint post failed; given up until the next checkpoint", "url", where, "attempts", attempt, "err", err)
		return false
	}
}

// backoff is the wait after the given failed attempt: base, doubled at
// each attempt, at most maxWait.
func (p *checkpointPush) backoff(attempt int) time.Duration {
	d := p.base
	for i := 1; i < attempt && d < p.maxWait; i++ {
		d *= 2
	}
	return min(d, p.maxWait)
}

// refusedError is an answer that a retry would not change: the receiver
// refuses the request.
type refusedError struct{ status string }

func (e *refusedError) Error() string { return "refused: " + e.status }

// post makes one attempt. It returns how long the receiver asked to wait
// (Retry-After on 429 and 503) and, on failure, an error that never quotes
// the URL.
func (p *checkpointPush) post(ctx context.Context, body []byte) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return 0, errors.New("checkpoints.post_url is not a valid URL")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) { // its text quotes the URL, query included
			err = ue.Err
		}
		return 0, err
	}
	// Read a little of the answer so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch code := resp.StatusCode; {
	case code/100 == 2:
		return 0, nil
	case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
		return retryAfter(resp.Header.Get("Retry-After"), time.Now()), fmt.Errorf("answered %s", resp.Status)
	case code == http.StatusRequestTimeout || code/100 == 5:
		return 0, fmt.Errorf("answered %s", resp.Status)
	default:
		return 0, &refusedError{resp.Status}
	}
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date; 0 when
// absent or unreadable (the backoff applies).
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if s, err := strconv.ParseInt(h, 10, 64); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(min(s, 1<<30)) * time.Second // past any budget, without overflow
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// redactURL is what the log may say of a URL: scheme, host and path, never
// the query nor user info, where a token may sit.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unreadable URL)"
	}
	return u.Scheme + "://" + u.Host + u.Path
}

// sleepCtx waits d, or until ctx ends (its error then).
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
