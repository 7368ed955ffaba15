package httperr

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigie/moderation"
)

// TestDescribeMapsEachDomainError: every sentinel, however deeply wrapped,
// gets its status and code; a field error keeps its field and message; a
// transport *Error is answered as written; a 5xx never shows its details.
func TestDescribeMapsEachDomainError(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("claim 7: %w", fmt.Errorf("store: %w", err)) }
	cases := []struct {
		name   string
		err    error
		status int
		want   Detail
	}{
		{"invalid", wrap(moderation.ErrInvalid), 400, Detail{Code: "invalid", Message: "claim 7: store: invalid"}},
		{"field error names its field", wrap(moderation.Errorf(moderation.ErrInvalid, "to", "to %q is not a date", "x")),
			400, Detail{Code: "invalid", Message: `to "x" is not a date`, Field: "to"}},
		{"not found", wrap(moderation.ErrNotFound), 404, Detail{Code: "not_found", Message: "claim 7: store: not found"}},
		{"conflict", wrap(moderation.ErrConflict), 409, Detail{Code: "conflict", Message: "claim 7: store: conflict"}},
		{"invalid transition is a conflict", moderation.ErrInvalidTransition, 409, Detail{Code: "conflict", Message: "transition not allowed"}},
		{"unauthorized", moderation.ErrUnauthorized, 401, Detail{Code: "unauthorized", Message: "unauthorized"}},
		{"forbidden", wrap(moderation.ErrForbidden), 403, Detail{Code: "forbidden", Message: "claim 7: store: forbidden"}},
		{"unavailable hides its details", wrap(moderation.ErrUnavailable), 503, Detail{Code: "unavailable", Message: InternalMessage}},
		{"unknown error is internal and hidden", errors.New("disk full at /var/lib/vigie"), 500, Detail{Code: "internal", Message: InternalMessage}},
		{"transport error as written", &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: "body over 1 MiB"},
			413, Detail{Code: "too_large", Message: "body over 1 MiB"}},
		{"wrapped transport error", fmt.Errorf("decode: %w", &Error{Status: 400, Code: "malformed_json", Message: "not JSON", Field: "text"}),
			400, Detail{Code: "malformed_json", Message: "not JSON", Field: "text"}},
	}
	for _, c := range cases {
		status, d := Describe(c.err)
		if status != c.status {
			t.Errorf("%s: status %d, want %d", c.name, status, c.status)
		}
		if diff := cmp.Diff(c.want, d); diff != "" {
			t.Errorf("%s: detail (-want +got):\n%s", c.name, diff)
		}
	}
}

// TestBodyShape: the JSON every error answer has, with field and request id
// left out when empty.
func TestBodyShape(t *testing.T) {
	for _, c := range []struct {
		d    Detail
		want string
	}{
		{Detail{Code: "invalid", Message: "bad", Field: "from", RequestID: "r1"},
			`{"error":{"code":"invalid","message":"bad","field":"from","request_id":"r1"}}`},
		{Detail{Code: "internal", Message: InternalMessage},
			`{"error":{"code":"internal","message":"internal error; quote the request id when reporting it"}}`},
	} {
		b, err := json.Marshal(Body{Error: c.d})
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != c.want {
			t.Errorf("got %s, want %s", b, c.want)
		}
	}
}
