package fakegraph

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	return resp.StatusCode, string(b)
}

// TestAdminEndpointsByHand: seeding, a scripted fault and the state, over
// HTTP, as the fake is used when it runs by hand.
func TestAdminEndpointsByHand(t *testing.T) {
	s := New()
	t.Cleanup(s.Close)
	for _, c := range []struct {
		path, body string
		status     int
	}{
		{"/_fake/pages", `{"id":"111","name":"P","token":"tok"}`, 200},
		{"/_fake/posts", `{"id":"111_5","page_id":"111","message":"m"}`, 200},
		{"/_fake/comments", `{"id":"5_9","post_id":"111_5","from":{"id":"7","name":"Ana"},"message":"Café"}`, 200},
		{"/_fake/comments", `{"id":"5_9","post_id":"111_5"}`, 400},
		{"/_fake/comments", `{"id":"5_10","post_id":"111_5","colour":"red"}`, 400},
		{"/_fake/faults", `{"op":"hide","object":"5_9","kind":"throttle","times":1,"regain_minutes":1}`, 200},
		{"/_fake/faults", `{"op":"hide","kind":"teapot"}`, 400},
		{"/_fake/faults", `{"op":"hid","kind":"throttle"}`, 400},
		{"/_fake/faults", `{"op":"get","kind":"timeout","delay":"soon"}`, 400},
	} {
		if status, body := post(t, s.URL()+c.path, c.body); status != c.status {
			t.Errorf("POST %s %s: HTTP %d %s, want %d", c.path, c.body, status, body, c.status)
		}
	}
	if r := call(t, "POST", s.URL()+"/v21.0/5_9", "tok", hideForm("true")); r.status != 400 {
		t.Errorf("scripted throttle: HTTP %d, want 400", r.status)
	}
	if r := call(t, "POST", s.URL()+"/v21.0/5_9", "tok", hideForm("true")); r.status != 200 {
		t.Errorf("after the throttle: HTTP %d, want 200", r.status)
	}
	resp, err := http.Get(s.URL() + "/_fake/comments/5_9")
	must(t, err)
	defer resp.Body.Close()
	var c Comment
	must(t, json.NewDecoder(resp.Body).Decode(&c))
	if !c.Hidden || c.Message != "Café" {
		t.Errorf("state %+v, want Café hidden", c)
	}
	resp2, err := http.Get(s.URL() + "/_fake/calls")
	must(t, err)
	defer resp2.Body.Close()
	var calls []Call
	must(t, json.NewDecoder(resp2.Body).Decode(&calls))
	if len(calls) != 2 || !calls[0].Scripted || calls[1].Status != 200 {
		t.Errorf("calls %+v, want a scripted one then a success", calls)
	}
}

// TestServeRunsUntilCancelled: the by-hand entry point serves on the
// address given and stops with its context.
func TestServeRunsUntilCancelled(t *testing.T) {
	s := NewUnstarted()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, "127.0.0.1:0") }()
	for s.URL() == "" {
		select {
		case err := <-done:
			t.Fatalf("Serve returned early: %v", err)
		default:
			time.Sleep(time.Millisecond)
		}
	}
	if status, body := post(t, s.URL()+"/_fake/pages", `{"id":"1","token":"t"}`); status != 200 {
		t.Errorf("HTTP %d %s", status, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
}
