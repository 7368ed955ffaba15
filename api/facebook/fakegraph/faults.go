package fakegraph

import (
	"encoding/json"
	"net/http"
	"time"
)

// Op is a kind of Graph call, to script faults for and to find in Calls.
type Op string

const (
	OpGet      Op = "get"      // GET /{comment-id}
	OpHide     Op = "hide"     // POST /{comment-id} is_hidden=true
	OpUnhide   Op = "unhide"   // POST /{comment-id} is_hidden=false
	OpDelete   Op = "delete"   // DELETE /{comment-id}
	OpPosts    Op = "posts"    // GET /{page-id}/posts
	OpComments Op = "comments" // GET /{post-id}/comments
	OpOther    Op = "other"    // anything else: answered with an error
)

// Fault is one scripted answer. With Status 0 the call is answered normally
// after Delay (a slow Meta that still does the work); otherwise Meta's error
// object is answered, after Delay, and the call does nothing.
type Fault struct {
	Status        int
	Code          int
	Subcode       int
	Type          string
	Message       string
	RegainMinutes int           // estimated_time_to_regain_access, on throttling
	Delay         time.Duration // before answering, or until the client gives up
}

// Throttle is the answer a Page token gets when throttled (code 80001),
// with X-Business-Use-Case-Usage saying to wait minutes.
func Throttle(minutes int) Fault {
	return Fault{Status: http.StatusBadRequest, Code: 80001, Type: "OAuthException", RegainMinutes: minutes,
		Message: "(#80001) There have been too many calls to this Page account. Wait a bit and try again."}
}

// ServerError is a 5xx with Meta's transient code 2.
func ServerError() Fault {
	return Fault{Status: http.StatusInternalServerError, Code: 2, Type: "OAuthException",
		Message: "An unexpected error has occurred. Please retry your request later."}
}

// Timeout holds the call for d (past the client's timeout), then answers
// 504 without doing anything, if the client is still there.
func Timeout(d time.Duration) Fault {
	f := ServerError()
	f.Status, f.Delay = http.StatusGatewayTimeout, d
	return f
}

// Slow answers normally, and does the work, after d: with d past the
// client's timeout, the action happens but its answer is lost.
func Slow(d time.Duration) Fault { return Fault{Delay: d} }

// NotFound is code 100 subcode 33: Meta's one answer for "does not exist",
// "cannot be loaded due to missing permissions" and "not supported".
func NotFound() Fault {
	return Fault{Status: http.StatusBadRequest, Code: 100, Subcode: 33, Type: "GraphMethodException",
		Message: "Unsupported request. Object does not exist, cannot be loaded due to missing permissions, or does not support this operation."}
}

// InvalidToken is code 190: the token expired or was revoked.
func InvalidToken() Fault {
	return Fault{Status: http.StatusBadRequest, Code: 190, Subcode: 463, Type: "OAuthException",
		Message: "Error validating access token: Session has expired."}
}

// faultKey finds a queue: one operation on one object, or on any ("").
type faultKey struct {
	op     Op
	object string
}

// Script queues answers for op on object (any object when ""), answered in
// order by the next calls; a call takes from its object's queue first.
// Once a queue is empty, calls are answered normally again.
func (s *Server) Script(op Op, object string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := faultKey{op, object}
	s.faults[k] = append(s.faults[k], faults...)
}

// nextFault takes the next scripted answer for a call, if any.
func (s *Server) nextFault(op Op, object string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range []faultKey{{op, object}, {op, ""}} {
		if q := s.faults[k]; len(q) > 0 {
			s.faults[k] = q[1:]
			return q[0], true
		}
	}
	return Fault{}, false
}

// answer is what the fake replies: a status, a JSON body and its code when
// it is an error.
type answer struct {
	status int
	body   any
	code   int
	header http.Header
}

func ok(body any) answer { return answer{status: http.StatusOK, body: body} }

func success() answer { return ok(map[string]bool{"success": true}) }

// graphError builds Meta's error shape:
// {"error":{"message","type","code","error_subcode","fbtrace_id"}}.
func graphError(f Fault) answer {
	e := map[string]any{"message": f.Message, "type": f.Type, "code": f.Code, "fbtrace_id": "AfakeTrace" + f.Type}
	if f.Subcode != 0 {
		e["error_subcode"] = f.Subcode
	}
	a := answer{status: f.Status, body: map[string]any{"error": e}, code: f.Code}
	if isThrottle(f.Code) {
		usage, _ := json.Marshal(map[string]any{"fakebusiness": []map[string]any{{
			"type": "pages", "call_count": 100, "total_cputime": 25, "total_time": 25,
			"estimated_time_to_regain_access": f.RegainMinutes,
		}}})
		a.header = http.Header{"X-Business-Use-Case-Usage": {string(usage)}}
	}
	return a
}

func isThrottle(code int) bool {
	return code == 4 || code == 17 || code == 32 || code == 613 || code == 80001
}

func notFound() answer { return graphError(NotFound()) }

func badRequest(code int, message string) answer {
	return graphError(Fault{Status: http.StatusBadRequest, Code: code, Type: "OAuthException", Message: message})
}

func (a answer) write(w http.ResponseWriter) {
	for k, v := range a.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(a.status)
	_ = json.NewEncoder(w).Encode(a.body)
}
