package main

import (
	"context"
	"encoding/json"
	"fmt"
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

// measureServe builds the real binary, starts `vigie serve` on the file
// and measures what a visitor sees: time from process start until the
// report covers the whole log, then the page and JSON medians, and the
// server's RSS.
func measureServe(ctx context.Context, repo, path string, m marker, runs int) error {
	dir, err := os.MkdirTemp("", "reportscale-serve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "vigie")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/vigie")
	build.Dir, build.Stdout, build.Stderr = repo, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build vigie: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	cfg := filepath.Join(dir, "config.yaml")
	conf := fmt.Sprintf("server:\n  addr: %s\ndatabase:\n  dsn: %s\nlog:\n  level: info\n", addr, abs)
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "serve", "--config", cfg)
	cmd.Stdout, cmd.Stderr = logf, logf
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	pid := strconv.Itoa(cmd.Process.Pid)
	base := "http://" + addr
	client := &http.Client{Timeout: 120 * time.Second}

	var listening time.Duration
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		resp, err := client.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			listening = time.Since(start)
			break
		}
		if time.Since(start) > time.Minute {
			b, _ := os.ReadFile(filepath.Join(dir, "serve.log"))
			return fmt.Errorf("vigie serve did not answer /healthz: %v\n%s", err, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The first report waits for the background catch-up (Sync is
	// serialised), then pays its own Sync: it answers once the index holds
	// the whole log.
	var caughtUp time.Duration
	var first time.Duration
	for {
		t := time.Now()
		resp, err := client.Get(base + "/transparency.json?period=2025")
		if err != nil {
			return err
		}
		var r struct {
			Chain struct {
				LastSeq int64 `json:"last_seq"`
			} `json:"chain"`
		}
		err = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if first == 0 {
			first = time.Since(t)
		}
		if r.Chain.LastSeq == m.HeadSeq {
			caughtUp = time.Since(start)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	rss, peak := procStatus(pid)
	fmt.Printf("\n(e) the real binary: `vigie serve` on the file (%s)\n", addr)
	fmt.Printf("    /healthz answered %s after start; first JSON report covering all %d events %s after start (that request waited %s)\n",
		listening.Round(time.Millisecond), m.HeadSeq, caughtUp.Round(time.Millisecond), first.Round(time.Millisecond))
	if b, err := os.ReadFile(filepath.Join(dir, "serve.log")); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, "caught up") {
				fmt.Printf("    server log: %s\n", strings.TrimSpace(l))
			}
		}
	}
	fmt.Printf("    server RSS after catch-up %d MB (peak %d MB)\n", rss, peak)
	if err := httpRuns(base, runs); err != nil {
		return err
	}
	rss, peak = procStatus(pid)
	fmt.Printf("    server RSS after the runs %d MB (peak %d MB)\n", rss, peak)
	return nil
}
