package facebook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"vigie/moderation"
)

// TestClassWithoutAKnownCode: by HTTP status when Meta's code says nothing.
func TestClassWithoutAKnownCode(t *testing.T) {
	for _, c := range []struct {
		err  GraphError
		want Class
	}{
		{GraphError{Err: errors.New("connection reset")}, Transient},
		{GraphError{HTTPStatus: 502}, Transient},
		{GraphError{HTTPStatus: 429}, Throttled},
		{GraphError{HTTPStatus: 404}, Permanent},
		{GraphError{HTTPStatus: 400, Code: 12345}, Permanent},
		{GraphError{HTTPStatus: 200, Message: "answer without success: true"}, Transient},
		{GraphError{HTTPStatus: 500, Code: 190}, TokenInvalid}, // the code wins over the status
		{GraphError{HTTPStatus: 500, Code: 100, Subcode: 33}, NotFoundOrNoPermission},
	} {
		if got := c.err.Class(); got != c.want {
			t.Errorf("%+v: class %v, want %v", c.err, got, c.want)
		}
	}
}

func TestClassOf(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want Class
	}{
		{"nil", nil, 0},
		{"wrapped graph error", fmt.Errorf("outbox 7: %w", &GraphError{Code: 80001}), Throttled},
		{"no token", fmt.Errorf("x: %w", ErrNoToken), TokenInvalid},
		{"bad id", moderation.Errorf(moderation.ErrInvalid, "external_id", "bad"), Permanent},
		{"deadline", context.DeadlineExceeded, Transient},
		{"anything else", errors.New("?"), Transient},
	} {
		if got := ClassOf(c.err); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if Throttled.String() != "throttled" || NotFoundOrNoPermission.String() != "not_found_or_no_permission" || Class(42).String() != "class(42)" {
		t.Error("class names")
	}
	if !Transient.Retry() || !Throttled.Retry() || Permanent.Retry() || TokenInvalid.Retry() || NotFoundOrNoPermission.Retry() {
		t.Error("Retry: only transient and throttled errors are retried")
	}
}

func TestBackoffIsExponentialWithFullJitter(t *testing.T) {
	top := func() float64 { return 0.999999999 }
	for _, c := range []struct {
		name    string
		attempt int
		rnd     func() float64
		want    time.Duration
	}{
		{"first retry, no wait drawn", 0, func() float64 { return 0 }, 0},
		{"first retry, at most 1 s", 0, top, time.Second},
		{"half of 4 s", 2, func() float64 { return 0.5 }, 2 * time.Second},
		{"fourth retry, at most 8 s", 3, top, 8 * time.Second},
		{"capped at 15 min", 10, top, 15 * time.Minute},
		{"huge attempt, no overflow", 1000, top, 15 * time.Minute},
		{"negative attempt as the first", -4, top, time.Second},
		{"a broken random source waits nothing extra", 3, func() float64 { return 7 }, 0},
	} {
		got := Backoff(c.attempt, c.rnd).Round(time.Millisecond)
		if got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	for attempt := range 40 {
		if d := Backoff(attempt, nil); d < 0 || d > 15*time.Minute {
			t.Errorf("attempt %d: %v out of [0, 15 min]", attempt, d)
		}
	}
}

func TestRetryDelayHonoursTheRegainTime(t *testing.T) {
	half := func() float64 { return 0.5 }
	throttled := &GraphError{Code: 80001, RetryAfter: 5 * time.Minute}
	for _, c := range []struct {
		name    string
		err     error
		attempt int
		want    time.Duration
	}{
		{"regain time longer than the backoff", throttled, 0, 5 * time.Minute},
		{"backoff longer than the regain time", throttled, 12, 450 * time.Second},
		{"no regain time", &GraphError{Code: 2}, 1, time.Second},
		{"not a graph error", errors.New("x"), 1, time.Second},
	} {
		if got := RetryDelay(c.err, c.attempt, half); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestRegainAccessHeader(t *testing.T) {
	for _, c := range []struct {
		name, header string
		want         time.Duration
	}{
		{"absent", "", 0},
		{"Meta's shape", `{"1234":[{"type":"pages","call_count":100,"total_cputime":25,"total_time":25,"estimated_time_to_regain_access":7}]}`, 7 * time.Minute},
		{"the longest of several", `{"1":[{"estimated_time_to_regain_access":2},{"estimated_time_to_regain_access":9}],"2":[{"estimated_time_to_regain_access":4}]}`, 9 * time.Minute},
		{"no estimate", `{"1":[{"type":"pages","call_count":80}]}`, 0},
		{"not JSON", `call_count=100`, 0},
		{"absurd estimate", `{"1":[{"estimated_time_to_regain_access":1e9}]}`, 24 * time.Hour},
		{"negative estimate", `{"1":[{"estimated_time_to_regain_access":-5}]}`, 0},
	} {
		h := http.Header{}
		if c.header != "" {
			h.Set("X-Business-Use-Case-Usage", c.header)
		}
		if got := regainAccess(h); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestGraphErrorMessage(t *testing.T) {
	for _, c := range []struct {
		err  GraphError
		want string
	}{
		{GraphError{Op: "hide", Object: "5_1", HTTPStatus: 400, Code: 100, Subcode: 33, Message: "gone", TraceID: "Ab"},
			"facebook hide 5_1: code 100/33 (HTTP 400): gone [fbtrace_id Ab]"},
		{GraphError{Op: "get", Object: "5_1", HTTPStatus: 502, Message: "Bad Gateway"}, "facebook get 5_1: HTTP 502: Bad Gateway"},
		{GraphError{Op: "delete", Object: "5_1", Err: errors.New("dial tcp: refused")}, "facebook delete 5_1: dial tcp: refused"},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}
