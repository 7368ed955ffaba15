package fakegraph

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestScriptedAnswersComeInOrder: two throttles then the real answer, with
// the usage header on the throttles; an object's own queue goes first.
func TestScriptedAnswersComeInOrder(t *testing.T) {
	s := seeded(t)
	s.Script(OpHide, "", Throttle(3), Throttle(3))
	s.Script(OpHide, "5_2", InvalidToken())
	type step struct {
		id      string
		status  int
		code    int
		hidden  bool
		usageOK bool
	}
	for i, st := range []step{
		{"5_2", 400, 190, false, false}, // its own queue first
		{"5_1", 400, 80001, false, true},
		{"5_2", 400, 80001, false, true}, // then the shared one
		{"5_1", 200, 0, true, false},
		{"5_2", 200, 0, true, false},
	} {
		r := call(t, "POST", s.URL()+"/v21.0/"+st.id, tokenA, hideForm("true"))
		code, _ := r.errorCode()
		if r.status != st.status || code != st.code {
			t.Errorf("call %d on %s: HTTP %d code %d, want %d code %d", i, st.id, r.status, code, st.status, st.code)
		}
		usage := r.header.Get("X-Business-Use-Case-Usage")
		if hasRegain := strings.Contains(usage, `"estimated_time_to_regain_access":3`); hasRegain != st.usageOK {
			t.Errorf("call %d: usage header %q, want the regain time: %v", i, usage, st.usageOK)
		}
	}
	if c, _ := s.Comment("5_1"); !c.Hidden {
		t.Error("5_1 not hidden after the scripted answers")
	}
	var scripted int
	for _, c := range s.Calls() {
		if c.Scripted {
			scripted++
		}
	}
	if scripted != 3 {
		t.Errorf("%d calls marked scripted, want 3", scripted)
	}
}

// TestTimeoutAndSlow: a Timeout fault makes the client give up and does
// nothing; a Slow one makes it give up but still does the work.
func TestTimeoutAndSlow(t *testing.T) {
	s := seeded(t)
	client := &http.Client{Timeout: 100 * time.Millisecond}
	hide := func(id string) error {
		req, err := http.NewRequestWithContext(context.Background(), "POST", s.URL()+"/v21.0/"+id,
			strings.NewReader("is_hidden=true"))
		must(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+tokenA)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	s.Script(OpHide, "5_1", Timeout(5*time.Second))
	s.Script(OpHide, "5_2", Slow(300*time.Millisecond))
	for _, id := range []string{"5_1", "5_2"} {
		var netErr interface{ Timeout() bool }
		if err := hide(id); !errors.As(err, &netErr) || !netErr.Timeout() {
			t.Errorf("%s: error %v, want a client timeout", id, err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, _ := s.Comment("5_2")
		if c.Hidden {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a slow hide never happened")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if c, _ := s.Comment("5_1"); c.Hidden {
		t.Error("a timed-out hide was done")
	}
}
