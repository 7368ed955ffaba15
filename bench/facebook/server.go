package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is one process the benchmark started: the fake Graph API or
// `vigie serve`.
type proc struct {
	cmd    *exec.Cmd
	exited chan error
	once   sync.Once
	err    error
}

// stop sends SIGTERM and waits, SIGKILL after 30 s; again, it returns what
// the first call did.
func (p *proc) stop() error {
	if p == nil || p.cmd.Process == nil {
		return nil
	}
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case p.err = <-p.exited:
		case <-time.After(30 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.exited
			p.err = errors.New("did not stop within 30s of SIGTERM: killed")
		}
	})
	return p.err
}

// cpuTime is the process's user+system CPU so far, from /proc/PID/stat
// (clock ticks of 1/100 s, the Linux default USER_HZ).
func (p *proc) cpuTime() time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/stat")
	if err != nil {
		return 0
	}
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

var fakeURL = regexp.MustCompile(`fake Graph API on (http://127\.0\.0\.1:[0-9]+) `)

// startFake runs `vigie facebook fake-graph` on a loopback port and returns
// its URL.
func startFake(ctx context.Context, bin, dir string) (*proc, string, error) {
	cmd := exec.Command(bin, "facebook", "fake-graph", "--addr", "127.0.0.1:0", "--page", benchPage+":"+benchToken)
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	p := &proc{cmd: cmd, exited: make(chan error, 1)}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := fakeURL.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, out)
		p.exited <- cmd.Wait()
	}()
	select {
	case u := <-urls:
		return p, u, nil
	case err := <-p.exited:
		p.exited <- err
		return nil, "", fmt.Errorf("fake Graph API exited: %v", err)
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, "", errors.New("fake Graph API did not say where it listens")
	case <-ctx.Done():
		p.stop()
		return nil, "", ctx.Err()
	}
}

// server is `vigie serve` on a fresh SQLite file.
type server struct {
	*proc
	addr, logPath string
}

// cleanEnv drops every VIGIE_* variable the caller may have set (an
// inherited VIGIE_SERVER_ADDR or VIGIE_DATABASE_DSN would send the
// benchmark elsewhere).
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VIGIE_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

func randomHex() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// startServer writes the run's config (every key not named keeps its
// default) and starts `vigie serve` with the Facebook secrets in its
// environment.
func startServer(ctx context.Context, bin, dir, graphURL, secret string, inboxWorkers int, logLevel string) (*server, error) {
	cfg := filepath.Join(dir, "config.yaml")
	yaml := fmt.Sprintf("server:\n  addr: 127.0.0.1:0\ndatabase:\n  driver: sqlite\n  dsn: data/vigie.db\nlog:\n  level: %s\n"+
		"facebook:\n  graph_url: %s\n", logLevel, graphURL)
	if inboxWorkers >= 0 { // else the server's default
		yaml += fmt.Sprintf("  inbox_workers: %d\n", inboxWorkers)
	}
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		return nil, err
	}
	s := &server{logPath: filepath.Join(dir, "server.log")}
	logf, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "serve", "--config", cfg)
	cmd.Dir = dir
	cmd.Env = cleanEnv("VIGIE_FACEBOOK_APP_SECRET="+secret, "VIGIE_FACEBOOK_VERIFY_TOKEN="+randomHex(),
		"VIGIE_FACEBOOK_PAGE_TOKENS="+benchPage+":"+benchToken, "VIGIE_ADMIN_PASSWORD="+randomHex())
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s.proc = &proc{cmd: cmd, exited: make(chan error, 1)}
	go func() { s.exited <- cmd.Wait() }()
	if err := s.waitListening(ctx, 60*time.Second); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// waitListening reads the log for "msg=listening addr=..." and refuses any
// address that is not 127.0.0.1.
func (s *server) waitListening(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.exited:
			s.exited <- err
			return fmt.Errorf("server exited before listening (%v):\n%s", err, s.tail(20))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		b, _ := os.ReadFile(s.logPath)
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.Contains(line, "msg=listening") {
				continue
			}
			for _, f := range strings.Fields(line) {
				if a, ok := strings.CutPrefix(f, "addr="); ok {
					if host, _, err := net.SplitHostPort(a); err != nil || host != "127.0.0.1" {
						return fmt.Errorf("server listens on %q, not 127.0.0.1: refusing to send load there", a)
					}
					s.addr = a
					return nil
				}
			}
		}
	}
	return fmt.Errorf("no \"msg=listening\" line after %v:\n%s", limit, s.tail(20))
}

func (s *server) tail(n int) string {
	b, _ := os.ReadFile(s.logPath)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// metrics reads the vigie_* series of /metrics.
func (s *server) metrics(c *http.Client) (map[string]float64, error) {
	resp, err := c.Get("http://" + s.addr + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if ok && strings.HasPrefix(name, "vigie_") {
			m[name], _ = strconv.ParseFloat(val, 64)
		}
	}
	return m, sc.Err()
}
