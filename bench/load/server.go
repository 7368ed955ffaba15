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
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is one `vigie serve` process, on a fresh SQLite file or a fresh
// PostgreSQL schema (shared by the processes of one run).
type server struct {
	cmd     *exec.Cmd
	dir     string
	addr    string // 127.0.0.1:PORT, checked
	pprof   string // address of the profiling listener, if the binary has one
	token   string
	logPath string
	exited  chan error
	pid     int    // the vigie process (under strace, strace's child)
	syncLog string // strace -c summary, when counting fsyncs
	stopped bool
}

// configFor writes the scenario's config: the repository's defaults (every
// key omitted keeps its default), with only what the benchmark must change.
func configFor(sc scenario, logLevel, dsn string) string {
	return fmt.Sprintf(`server:
  addr: 127.0.0.1:0
database:
  driver: %s
  dsn: %q
  batch_wait: %s
log:
  level: %s
rules:
  language_detection: %t
`, sc.db, dsn, durationYAML(sc.batchWait), logLevel, sc.langDetect)
}

func durationYAML(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	return d.String()
}

// cleanEnv drops every VIGIE_* variable the caller may have set (an inherited
// VIGIE_SERVER_ADDR or VIGIE_DATABASE_DSN would send the benchmark elsewhere)
// and sets the ones the benchmark needs.
func cleanEnv(token, driver string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VIGIE_") {
			env = append(env, kv)
		}
	}
	return append(env,
		"VIGIE_SERVER_ADDR=127.0.0.1:0",
		"VIGIE_DATABASE_DRIVER="+driver,
		"VIGIE_API_TOKEN="+token,
		"VIGIE_BENCH_PPROF=1", // only read by a binary built with --cpuprofile
	)
}

// startServer starts one `vigie serve` in a folder of its own, on dsn (a
// SQLite path relative to that folder, or a PostgreSQL DSN), with token.
func startServer(ctx context.Context, bin string, sc scenario, logLevel string, countSyncs bool, dsn, token string) (*server, error) {
	dir, err := os.MkdirTemp("", "vigie-load-")
	if err != nil {
		return nil, err
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(configFor(sc, logLevel, dsn)), 0o600); err != nil {
		return nil, err
	}
	s := &server{dir: dir, token: token, logPath: filepath.Join(dir, "server.log"), exited: make(chan error, 1)}
	// The server's log goes to a file, not a pipe: at level info it writes
	// one access line per request, and a pipe we read would put that work
	// on the load generator's CPU (or block the server if we did not read).
	logf, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	s.cmd = exec.Command(bin, "serve", "--config", cfg)
	if countSyncs {
		// With synchronous=FULL every SQLite commit in WAL mode ends with
		// one fsync of the WAL, so fsyncs count commits (plus two per
		// checkpoint). --seccomp-bpf stops the process on those two
		// syscalls only, not on every syscall.
		s.syncLog = filepath.Join(dir, "fsyncs.txt")
		s.cmd = exec.Command("strace", "-f", "--seccomp-bpf", "-qq", "-c", "-e", "trace=fsync,fdatasync",
			"-o", s.syncLog, bin, "serve", "--config", cfg)
	}
	s.cmd.Dir = dir
	s.cmd.Env = cleanEnv(s.token, sc.db)
	s.cmd.Stdout = logf
	s.cmd.Stderr = logf
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() { s.exited <- s.cmd.Wait() }()
	s.pid = s.cmd.Process.Pid
	if err := s.waitListening(ctx, 60*time.Second); err != nil {
		s.stop()
		os.RemoveAll(dir)
		return nil, err
	}
	if countSyncs {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", s.pid, s.pid))
		f := strings.Fields(string(b))
		if err != nil || len(f) != 1 {
			s.stop()
			os.RemoveAll(dir)
			return nil, fmt.Errorf("cannot find the vigie process under strace (%v, %q)", err, b)
		}
		s.pid, _ = strconv.Atoi(f[0])
	}
	return s, nil
}

// waitListening polls the log for "msg=listening addr=..." and refuses any
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
		f, err := os.Open(s.logPath)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			if a := field(line, "addr"); a != "" && strings.Contains(line, "msg=pprof") {
				s.pprof = a
			}
			if !strings.Contains(line, "msg=listening") {
				continue
			}
			addr := field(line, "addr")
			host, _, err := net.SplitHostPort(addr)
			if err != nil || host != "127.0.0.1" {
				f.Close()
				return fmt.Errorf("server listens on %q, not 127.0.0.1: refusing to send load there", addr)
			}
			s.addr = addr
			f.Close()
			return nil
		}
		f.Close()
	}
	return fmt.Errorf("no \"msg=listening\" line after %v:\n%s", limit, s.tail(20))
}

// field reads key=value from a slog text line (values here are never quoted).
func field(line, key string) string {
	for _, f := range strings.Fields(line) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

func (s *server) tail(n int) string {
	b, _ := os.ReadFile(s.logPath)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// stop sends SIGTERM and waits; SIGKILL after 30 s. It returns how long the
// graceful shutdown took. The caller removes s.dir.
func (s *server) stop() (time.Duration, error) {
	start := time.Now()
	if s.cmd.Process == nil || s.stopped {
		return 0, nil
	}
	s.stopped = true
	_ = syscall.Kill(s.pid, syscall.SIGTERM)
	select {
	case err := <-s.exited:
		return time.Since(start), err
	case <-time.After(30 * time.Second):
		_ = syscall.Kill(s.pid, syscall.SIGKILL)
		_ = s.cmd.Process.Kill()
		<-s.exited
		return time.Since(start), errors.New("server did not stop within 30s of SIGTERM: killed")
	}
}

// cpuTime is the server's user+system CPU so far, from /proc/PID/stat
// (clock ticks of 1/100 s, the Linux default USER_HZ).
func (s *server) cpuTime() time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(s.pid) + "/stat")
	if err != nil {
		return 0
	}
	// Fields after the ")" that closes the command name; utime and stime
	// are fields 14 and 15 of the whole line.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// writeCounters reads, from /metrics, the writer's rows and commits if the
// server exports them (any counter named *commits_total, and one named
// *rows_total or *write_requests_total). ok is false when it does not.
func (s *server) writeCounters(c *http.Client) (rows, commits float64, ok bool) {
	resp, err := c.Get("http://" + s.addr + "/metrics")
	if err != nil {
		return 0, 0, false
	}
	defer resp.Body.Close()
	var haveRows, haveCommits bool
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, val, found := strings.Cut(line, " ")
		if !found {
			continue
		}
		if i := strings.IndexByte(name, '{'); i >= 0 {
			name = name[:i]
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			continue
		}
		switch {
		case strings.HasPrefix(name, "vigie_") && strings.HasSuffix(name, "commits_total"):
			commits += v
			haveCommits = true
		case strings.HasPrefix(name, "vigie_") && (strings.HasSuffix(name, "_rows_total") || strings.HasSuffix(name, "write_requests_total") || strings.HasSuffix(name, "batched_total")):
			rows += v
			haveRows = true
		}
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return rows, commits, haveRows && haveCommits
}

// syncs reads the strace -c summary written when the server exited: the
// number of fsync and fdatasync calls. Call after stop, before the folder
// is removed.
func (s *server) syncs() (int64, bool) {
	b, err := os.ReadFile(s.syncLog)
	if err != nil {
		return 0, false
	}
	var n int64
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 5 && (f[len(f)-1] == "fsync" || f[len(f)-1] == "fdatasync") {
			// columns: %time seconds usecs/call calls [errors] syscall
			c, err := strconv.ParseInt(f[3], 10, 64)
			if err == nil {
				n += c
			}
		}
	}
	return n, true
}

// newToken is a random API token for one run.
func newToken() string {
	var tok [16]byte
	_, _ = rand.Read(tok[:])
	return "bench-" + hex.EncodeToString(tok[:])
}

// newSchema creates an empty schema on the PostgreSQL server through psql
// (the load generator links no database driver) and returns its name; drop
// removes it with everything the run wrote.
func newSchema(ctx context.Context, dsn string) (name string, drop func(), err error) {
	var b [6]byte
	_, _ = rand.Read(b[:])
	name = "vigie_load_" + hex.EncodeToString(b[:])
	if err := psql(ctx, dsn, "CREATE SCHEMA "+name); err != nil {
		return "", nil, err
	}
	return name, func() {
		if err := psql(context.Background(), dsn, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			fmt.Fprintln(os.Stderr, "load: drop schema:", err)
		}
	}, nil
}

func psql(ctx context.Context, dsn, stmt string) error {
	out, err := exec.CommandContext(ctx, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", stmt, dsn).CombinedOutput()
	if err != nil {
		return fmt.Errorf("psql %q: %w: %s", stmt, err, out)
	}
	return nil
}
