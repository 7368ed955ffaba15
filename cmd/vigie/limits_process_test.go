package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// limitsConfig writes a config for the real server with extra server keys.
func limitsConfig(t *testing.T, serverKeys string) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "config.yaml")
	cfg := "server:\n  addr: 127.0.0.1:0\n" + serverKeys + "database:\n  dsn: data/vigie.db\nlog:\n  level: info\n"
	if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// keepAlive is one client connection that stays open between requests.
type keepAlive struct {
	conn net.Conn
	r    *bufio.Reader
}

func dial(t *testing.T, addr string) *keepAlive {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &keepAlive{conn: c, r: bufio.NewReader(c)}
}

func (k *keepAlive) send(path string) error {
	_, err := fmt.Fprintf(k.conn, "GET %s HTTP/1.1\r\nHost: vigie\r\n\r\n", path)
	return err
}

func (k *keepAlive) status() (int, error) {
	resp, err := http.ReadResponse(k.r, nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

func (k *keepAlive) get(t *testing.T, path string) int {
	t.Helper()
	if err := k.send(path); err != nil {
		t.Fatal(err)
	}
	code, err := k.status()
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// With server.max_connections at N and N connections held open, a new
// connection's request waits while the held ones keep being answered; it is
// answered as soon as one of them closes.
func TestConnectionCapMakesNewcomersWait(t *testing.T) {
	const capN = 4
	srv := startServer(t, limitsConfig(t, fmt.Sprintf("  max_connections: %d\n", capN)))
	held := make([]*keepAlive, capN)
	for i := range held {
		held[i] = dial(t, srv.addr)
		if code := held[i].get(t, "/healthz"); code != http.StatusOK {
			t.Fatalf("held connection %d: status %d", i, code)
		}
	}

	extra := dial(t, srv.addr) // the kernel completes the handshake; the server does not accept it yet
	if err := extra.send("/healthz"); err != nil {
		t.Fatal(err)
	}
	answered := make(chan int, 1)
	go func() {
		code, err := extra.status()
		if err != nil {
			code = -1
		}
		answered <- code
	}()

	// The held connections are served, twice each, after the newcomer sent
	// its request...
	for round := range 2 {
		for i, k := range held {
			if code := k.get(t, "/healthz"); code != http.StatusOK {
				t.Fatalf("round %d, held connection %d: status %d, want 200", round, i, code)
			}
		}
	}
	// ...which is still waiting to be accepted.
	select {
	case code := <-answered:
		t.Fatalf("connection over the cap of %d was answered (%d) while %d were open", capN, code, capN)
	default:
	}

	held[0].conn.Close()
	select {
	case code := <-answered:
		if code != http.StatusOK {
			t.Fatalf("newcomer after a slot freed: status %d, want 200", code)
		}
	case <-time.After(30 * time.Second): // a guard against hanging, not a measure
		t.Fatalf("newcomer not answered after a held connection closed\n%s", srv.log())
	}
	for i, k := range held[1:] {
		if code := k.get(t, "/healthz"); code != http.StatusOK {
			t.Errorf("held connection %d after: status %d", i+1, code)
		}
	}
}

// The probe that found the problem, against the real binary with the
// shipped defaults: 2,000 wrong-token requests. The first ones get 401,
// then the address gets 429 with Retry-After.
func TestWrongTokenFloodGets429FromTheRealServer(t *testing.T) {
	srv := startServer(t, limitsConfig(t, ""), "VIGIE_API_TOKEN="+testAPIToken)
	client := &http.Client{Timeout: 10 * time.Second}
	counts := map[int]int{}
	firstLimited, retryAfter := -1, ""
	start := time.Now()
	for i := range 2000 {
		req, _ := http.NewRequest("POST", "http://"+srv.addr+"/api/v1/comments", strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer wrong-token-"+strconv.Itoa(i))
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		counts[resp.StatusCode]++
		if resp.StatusCode == http.StatusTooManyRequests && firstLimited < 0 {
			firstLimited, retryAfter = i, resp.Header.Get("Retry-After")
		}
	}
	// The default bucket holds 20 failures and refills one a second: on a
	// loaded machine the run takes seconds, each worth one more 401.
	refill := int(time.Since(start).Seconds()) + 1
	if firstLimited < 20 || firstLimited > 20+refill || counts[401]+counts[429] != 2000 || counts[401] > 20+refill {
		t.Fatalf("first 429 at request %d, answers %v in %s; want 20 × 401 first (plus one a second) and then only 429", firstLimited, counts, time.Since(start))
	}
	if secs, err := strconv.Atoi(retryAfter); err != nil || secs < 1 {
		t.Errorf("Retry-After %q, want whole seconds >= 1", retryAfter)
	}
}
