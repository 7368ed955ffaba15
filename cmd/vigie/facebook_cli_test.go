package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"vigie/api/facebook/fakegraph"
)

// The replay tool signs a file as Meta would and the server takes it.
func TestFacebookReplaySignsTheFileForTheServer(t *testing.T) {
	fx := newFbSetup(t)
	s := startServer(t, fx.cfg, fx.env...)
	file := filepath.Join(t.TempDir(), "delivery.json")
	writeFile(t, file, fbMixedDelivery())
	env := map[string]string{"VIGIE_FACEBOOK_APP_SECRET": fbSecret}
	code, out, errOut := fbRun(t, env, "facebook", "replay", file, "--url", "http://"+s.addr, "--config", fx.cfg)
	if code != 0 || !strings.HasPrefix(out, "200 OK") {
		t.Fatalf("replay: exit %d %q %s", code, out, errOut)
	}
	env["VIGIE_FACEBOOK_APP_SECRET"] = "not-the-secret"
	code, out, _ = fbRun(t, env, "facebook", "replay", file, "--url", "http://"+s.addr, "--config", fx.cfg)
	if code == 0 || !strings.HasPrefix(out, "403") {
		t.Errorf("replay with the wrong secret: exit %d %q, want 403 and a failure", code, out)
	}
	fbSettle(t, s)
	fbCheckMixed(t, fbComments(t, s))
	fbStop(t, s, syscall.SIGTERM)
}

// sync takes in what the webhook missed, and only that: run twice, or
// after the webhook, it adds nothing. What it takes in owes the same
// actions, which the server's outbox then performs.
func TestFacebookSyncTakesInWhatTheWebhookMissed(t *testing.T) {
	fx := newFbSetup(t)
	fx.comment(t, "555_1", fbPostA)
	if err := fx.fake.AddComment(fakegraph.Comment{ID: "555_2", PostID: fbPostA, ParentID: "555_1",
		From: fakegraph.Author{ID: "7002", Name: "Bo"}, Message: "Espèce de connard, tu mens."}); err != nil {
		t.Fatal(err)
	}
	if err := fx.fake.AddComment(fakegraph.Comment{ID: "555_3", PostID: fbPostA,
		From: fakegraph.Author{ID: fbPageA, Name: "La Page"}, Message: "Merci à tous."}); err != nil {
		t.Fatal(err)
	}
	// The webhook brought 555_1 before the outage.
	s := startServer(t, fx.cfg, fx.env...)
	fbDeliver(t, s, fbDelivery(map[string][]string{fbPageA: {
		fbChange("comment", "add", "555_1", fbPostA, fbPostA, "7001", "...", 1717171700)}}))
	fbSettle(t, s)
	fbStop(t, s, syscall.SIGTERM)

	env := fbEnvMap(fx)
	sync := func() string {
		t.Helper()
		code, out, errOut := fbRun(t, env, "facebook", "sync", "--page", fbPageA, "--since", "24h", "--config", fx.cfg)
		if code != 0 {
			t.Fatalf("sync: exit %d\n%s", code, errOut)
		}
		return strings.TrimSpace(out)
	}
	// 555_1 (known) and 555_2 read; the page's own comment left out.
	if out, want := sync(), "page 111: 1 posts, 2 comments read, 1 new"; out != want {
		t.Errorf("first sync: %q, want %q", out, want)
	}
	if out, want := sync(), "page 111: 1 posts, 2 comments read, 0 new"; out != want {
		t.Errorf("second sync: %q, want %q", out, want)
	}
	if code, _, errOut := fbRun(t, env, "facebook", "sync", "--page", "999", "--config", fx.cfg); code == 0 || !strings.Contains(errOut, "not configured") {
		t.Errorf("sync of a page not configured: exit %d %s", code, errOut)
	}

	s = startServer(t, fx.cfg, fx.env...)
	fbSettle(t, s)
	got := fbComments(t, s)
	if c := got["facebook:111/555_2"]; c.Status != "refused" || c.ParentID != "555_1" || len(got) != 2 {
		t.Errorf("after sync: %+v", got)
	}
	if calls := fbCalls(fx.fake, "555_2"); calls != "hide:200" {
		t.Errorf("Graph calls on 555_2: %q, want the hide its refusal owes", calls)
	}
	fbStop(t, s, syscall.SIGTERM)
}

// fbEnvMap is the setup's environment for in-process commands.
func fbEnvMap(fx *fbSetup) map[string]string {
	m := map[string]string{}
	for _, kv := range fx.env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

// fake-graph serves on loopback until interrupted, with the comments of a
// delivery on its pages, and refuses to listen anywhere else.
func TestFacebookFakeGraphServesUntilInterrupted(t *testing.T) {
	file := filepath.Join(t.TempDir(), "delivery.json")
	writeFile(t, file, fbMixedDelivery())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	env := &Env{Stdin: strings.NewReader(""), Stdout: pw, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, env, []string{"facebook", "fake-graph", "--addr", "127.0.0.1:0",
			"--page", fbPageA + ":tok-a", "--page", fbPageB + ":tok-b", "--comments", file})
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var url string
	for url == "" && sc.Scan() {
		if _, rest, ok := strings.Cut(sc.Text(), "fake Graph API on "); ok {
			url, _, _ = strings.Cut(rest, " ")
		}
	}
	go io.Copy(io.Discard, pr)
	if url == "" {
		t.Fatalf("no URL printed (exit %d)", <-done)
	}
	// The reply 555_2 and 600_1 are there; the page's own 555_3 is not.
	for id, want := range map[string]int{"555_2": 200, "600_1": 200, "555_3": 404} {
		resp, err := http.Get(url + "/_fake/comments/" + id)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("comment %s on the fake: %d, want %d", id, resp.StatusCode, want)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d after the interrupt, want 0", code)
	}
	if code, _, errOut := fbRun(t, nil, "facebook", "fake-graph", "--addr", "0.0.0.0:0"); code != 2 || !strings.Contains(errOut, "loopback") {
		t.Errorf("a public address: exit %d %s, want 2 and a message", code, errOut)
	}
}

func TestFacebookWorkerSettingsNameTheirKey(t *testing.T) {
	env := envMap(map[string]string{"VIGIE_FACEBOOK_APP_SECRET": "s", "VIGIE_FACEBOOK_VERIFY_TOKEN": "v", "VIGIE_FACEBOOK_PAGE_TOKENS": "111:t"})
	cfg, err := ParseConfig([]byte(""), env)
	if err != nil || cfg.Facebook.InboxWorkers != 1 || cfg.Facebook.OutboxWorkers != 2 {
		t.Fatalf("defaults: %d inbox, %d outbox workers (%v), want 1 and 2", cfg.Facebook.InboxWorkers, cfg.Facebook.OutboxWorkers, err)
	}
	cfg, err = ParseConfig([]byte("facebook:\n  inbox_workers: 0\n  outbox_workers: 0\n"), env)
	if err != nil || cfg.Facebook.InboxWorkers != 0 || cfg.Facebook.OutboxWorkers != 0 {
		t.Errorf("zero workers (a process that only receives): %+v %v", cfg.Facebook, err)
	}
	for _, tc := range []struct{ yaml, key string }{
		{"facebook:\n  inbox_workers: -1\n", "facebook.inbox_workers"},
		{"facebook:\n  outbox_workers: 65\n", "facebook.outbox_workers"},
	} {
		if _, err := ParseConfig([]byte(tc.yaml), env); err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%q: %v, want an error naming %s", tc.yaml, err, tc.key)
		}
	}
}
