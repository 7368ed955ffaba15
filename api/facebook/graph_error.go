package facebook

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"vigie/moderation"
)

// Class is what the outbox worker does about a failed Graph call. The zero
// value means unset.
type Class int8

const (
	Transient              Class = iota + 1 // retry with backoff: codes 1, 2, 5xx, network errors, timeouts
	Throttled                               // retry, no sooner than RetryAfter: 4, 17, 32, 613, 80001
	Permanent                               // stop and show it: 10, 200-299, 368, other 4xx
	TokenInvalid                            // stop and alert the operator: 190, or no token configured
	NotFoundOrNoPermission                  // code 100: gone, or not ours to touch; confirm with Get
)

var classNames = [...]string{"", "transient", "throttled", "permanent", "token_invalid", "not_found_or_no_permission"}

// String is fit for a metric label.
func (c Class) String() string {
	if c < 0 || int(c) >= len(classNames) {
		return fmt.Sprintf("class(%d)", int8(c))
	}
	return classNames[c]
}

// Retry reports whether the same call may succeed later.
func (c Class) Retry() bool { return c == Transient || c == Throttled }

// GraphError is a failed Graph API call: Meta's error object when it
// answered, the transport error when it did not. No field holds the token.
type GraphError struct {
	Op         string // hide, unhide, delete, get, posts, comments
	Object     string // the comment, post or page the call was about
	HTTPStatus int    // 0 when no answer came
	Code       int    // Meta's error code, 0 when none
	Subcode    int    // error_subcode (33: the object does not exist or is not ours)
	Type       string // OAuthException, GraphMethodException, ...
	Message    string
	TraceID    string        // fbtrace_id, for Meta's support
	RetryAfter time.Duration // from X-Business-Use-Case-Usage, 0 when absent
	Err        error         // the transport error when no answer came
}

func (e *GraphError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "facebook %s %s: ", e.Op, e.Object)
	switch {
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	case e.Code != 0:
		fmt.Fprintf(&b, "code %d", e.Code)
		if e.Subcode != 0 {
			fmt.Fprintf(&b, "/%d", e.Subcode)
		}
		fmt.Fprintf(&b, " (HTTP %d): %s", e.HTTPStatus, e.Message)
	default:
		fmt.Fprintf(&b, "HTTP %d: %s", e.HTTPStatus, e.Message)
	}
	if e.TraceID != "" {
		fmt.Fprintf(&b, " [fbtrace_id %s]", e.TraceID)
	}
	return b.String()
}

func (e *GraphError) Unwrap() error { return e.Err }

// Class sorts the error by what to do about it, as the spec lists the
// codes; without a known code, by HTTP status.
func (e *GraphError) Class() Class {
	switch c := e.Code; {
	case c == 190:
		return TokenInvalid
	case c == 100:
		return NotFoundOrNoPermission
	case c == 4 || c == 17 || c == 32 || c == 613 || c == 80001:
		return Throttled
	case c == 1 || c == 2:
		return Transient
	case c == 10 || c >= 200 && c <= 299 || c == 368:
		return Permanent
	}
	switch s := e.HTTPStatus; {
	case s == 0, s >= 500:
		return Transient
	case s == http.StatusTooManyRequests:
		return Throttled
	case s >= 400:
		return Permanent
	}
	// A 2xx we could not read (a proxy's page, success false): try again.
	return Transient
}

// ClassOf classes any error a Client method returns: a *GraphError by its
// code, a missing token as TokenInvalid, an id unfit for the Graph API or
// a paging limit as Permanent, a cancelled call as Transient.
func ClassOf(err error) Class {
	var gerr *GraphError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &gerr):
		return gerr.Class()
	case errors.Is(err, ErrNoToken):
		return TokenInvalid
	case errors.Is(err, moderation.ErrInvalid), errors.Is(err, ErrPagingLimit):
		return Permanent
	}
	return Transient
}

// Exponential backoff with full jitter (a uniform wait between zero and the
// ceiling) spreads the retries of many workers after a shared outage.
const (
	backoffBase = time.Second
	backoffCap  = 15 * time.Minute
)

// Backoff is the wait before retry number attempt (0 for the first retry):
// uniform in [0, min(15 min, 1 s × 2^attempt)). rnd returns a number in
// [0, 1); nil means math/rand.
func Backoff(attempt int, rnd func() float64) time.Duration {
	ceiling := backoffCap
	if attempt < 0 {
		attempt = 0
	}
	if attempt < 30 && backoffBase<<attempt < backoffCap {
		ceiling = backoffBase << attempt
	}
	if rnd == nil {
		rnd = rand.Float64
	}
	f := rnd()
	if f < 0 || f >= 1 {
		f = 0
	}
	return time.Duration(f * float64(ceiling))
}

// RetryDelay is the wait before retrying after err: the backoff, but never
// less than the time Meta says the page needs to regain access.
func RetryDelay(err error, attempt int, rnd func() float64) time.Duration {
	d := Backoff(attempt, rnd)
	var gerr *GraphError
	if errors.As(err, &gerr) && gerr.RetryAfter > d {
		return gerr.RetryAfter
	}
	return d
}

// answerError reads Meta's error object out of an answer, or nil when the
// answer is a success. A 2xx carrying an error object is an error too.
func answerError(op, object string, resp *http.Response, data []byte) *GraphError {
	var env struct {
		Error *struct {
			Message   string `json:"message"`
			Type      string `json:"type"`
			Code      int    `json:"code"`
			Subcode   int    `json:"error_subcode"`
			FBTraceID string `json:"fbtrace_id"`
		} `json:"error"`
	}
	_ = json.Unmarshal(data, &env) // an unreadable body is judged by its status alone
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	if ok && env.Error == nil {
		return nil
	}
	e := &GraphError{Op: op, Object: object, HTTPStatus: resp.StatusCode, RetryAfter: regainAccess(resp.Header)}
	if env.Error == nil {
		e.Message = http.StatusText(resp.StatusCode)
		return e
	}
	e.Code, e.Subcode, e.Type = env.Error.Code, env.Error.Subcode, env.Error.Type
	e.Message, e.TraceID = env.Error.Message, env.Error.FBTraceID
	return e
}

// maxRegain bounds a wait read from a header, so a garbled value cannot
// park an action for days.
const maxRegain = 24 * time.Hour

// regainAccess reads X-Business-Use-Case-Usage:
// {"<business id>":[{"type":"pages","call_count":100,...,"estimated_time_to_regain_access":5}]}
// and returns the longest estimated_time_to_regain_access (minutes) in it,
// or 0 when the header is absent or unreadable.
func regainAccess(h http.Header) time.Duration {
	v := h.Get("X-Business-Use-Case-Usage")
	if v == "" {
		return 0
	}
	var usage map[string][]struct {
		Minutes float64 `json:"estimated_time_to_regain_access"`
	}
	if json.Unmarshal([]byte(v), &usage) != nil {
		return 0
	}
	var longest float64
	for _, entries := range usage {
		for _, u := range entries {
			longest = max(longest, u.Minutes)
		}
	}
	if wait := longest * float64(time.Minute); wait < float64(maxRegain) {
		return time.Duration(wait) // compared as a float first: a huge value would overflow
	}
	return maxRegain
}

const redacted = "[REDACTED]"

// scrub takes the token out of everything the error will print: Meta's
// message and the transport error's URL (a paging link may carry it).
func scrub(e *GraphError, token string) *GraphError {
	if token == "" {
		return e
	}
	forms := []string{token, url.QueryEscape(token), url.PathEscape(token)}
	clean := func(s string) string {
		for _, f := range forms {
			if f != "" {
				s = strings.ReplaceAll(s, f, redacted)
			}
		}
		return s
	}
	e.Message = clean(e.Message)
	var uerr *url.Error
	if errors.As(e.Err, &uerr) {
		e.Err = &url.Error{Op: uerr.Op, URL: clean(uerr.URL), Err: uerr.Err}
	}
	if e.Err != nil && strings.Contains(e.Err.Error(), token) {
		e.Err = scrubbedError{msg: clean(e.Err.Error()), err: e.Err}
	}
	return e
}

// scrubbedError prints a cleaned message but keeps the chain for errors.Is
// (context.DeadlineExceeded, net errors).
type scrubbedError struct {
	msg string
	err error
}

func (s scrubbedError) Error() string { return s.msg }
func (s scrubbedError) Unwrap() error { return s.err }
