package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"vigie/api"
	"vigie/moderation"
)

// CheckpointsConfig is where signed checkpoints of the chain head come
// from and go to. The private key never sits in config.yaml: it comes from
// VIGIE_CHECKPOINT_KEY or from KeyFile, a file outside the repository.
type CheckpointsConfig struct {
	// KeyFile holds the base64 Ed25519 seed `vigie checkpoint keygen`
	// prints; VIGIE_CHECKPOINT_KEY wins over it. Neither: no checkpoints.
	KeyFile string `yaml:"key_file"`
	// PublicKey (base64) is what `vigie verify --checkpoints` checks with
	// when no --public-key is given; when a key is also set, they must match.
	PublicKey string `yaml:"public_key"`
	// Every is how often the server signs the head if it moved (and once
	// more at shutdown).
	Every time.Duration `yaml:"every"`
	// AppendFile, when set, gets each checkpoint as one JSON line.
	AppendFile string `yaml:"append_file"`
	// PostURL, when set, is sent each checkpoint as a JSON POST.
	PostURL string `yaml:"post_url"`
}

func (c CheckpointsConfig) validate() error {
	if c.Every < time.Second {
		return fmt.Errorf("checkpoints.every: must be at least 1s, got %s", c.Every)
	}
	if c.PublicKey != "" {
		if _, err := moderation.ParsePublicKey(c.PublicKey); err != nil {
			return fmt.Errorf("checkpoints.public_key: %v", err)
		}
	}
	if c.PostURL != "" {
		u, err := url.Parse(c.PostURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			// Not quoted whole: its query may hold a token.
			return fmt.Errorf("checkpoints.post_url: %s is not an http(s) URL", redactURL(c.PostURL))
		}
	}
	return nil
}

// checkpointSigner loads the signing key: nil when none is configured. An
// error never quotes the key.
func (a *App) checkpointSigner() (*moderation.CheckpointSigner, error) {
	raw, from := a.getenv("VIGIE_CHECKPOINT_KEY"), "VIGIE_CHECKPOINT_KEY"
	if raw == "" && a.Config.Checkpoints.KeyFile != "" {
		path := a.Config.Path(a.Config.Checkpoints.KeyFile)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("checkpoints.key_file: %w", err)
		}
		raw, from = string(b), "checkpoints.key_file"
	}
	if raw == "" {
		return nil, nil
	}
	s, err := moderation.ParseCheckpointKey(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", from, err)
	}
	if pub := a.Config.Checkpoints.PublicKey; pub != "" && strings.TrimSpace(pub) != s.PublicKeyBase64() {
		return nil, fmt.Errorf("checkpoints.public_key: does not match the key in %s", from)
	}
	return s, nil
}

// publicKey is the key checkpoints are checked with: the signer's, else
// the configured one ("" when neither).
func (a *App) checkpointPublicKey() (string, error) {
	s, err := a.checkpointSigner()
	if err != nil {
		return "", err
	}
	if s != nil {
		return s.PublicKeyBase64(), nil
	}
	return strings.TrimSpace(a.Config.Checkpoints.PublicKey), nil
}

// runCheckpoint is `vigie checkpoint keygen`.
func runCheckpoint(_ context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "keygen" {
		return &usageError{"usage: vigie checkpoint keygen"}
	}
	fs, _ := flags(env, "checkpoint keygen")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	seed, pub, err := moderation.NewCheckpointKey()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "key:        %s\npublic_key: %s\n", seed, pub)
	fmt.Fprintln(env.Stderr, "Keep the key secret, outside the repository: set VIGIE_CHECKPOINT_KEY, or write it to a file named by checkpoints.key_file.\n"+
		"Publish the public key (checkpoints.public_key): it is what anyone checks the checkpoints with.")
	return nil
}

// startCheckpoints signs the chain head every checkpoints.every when it
// moved, stores the checkpoint and publishes it, and exports its counts
// on the handler's /metrics. The returned func stops the loop and signs
// once more, so the head at shutdown is anchored too: call it after the
// last write, before the database closes.
func startCheckpoints(ctx context.Context, app *App, handler *api.Server) (func(), error) {
	s, err := app.checkpointSigner()
	if err != nil || s == nil {
		if err == nil {
			app.Log.Warn("no checkpoint key: the chain head is not anchored outside the database (set VIGIE_CHECKPOINT_KEY or checkpoints.key_file)")
		}
		return func() {}, err
	}
	p := &checkpointPublisher{app: app, signer: s}
	if u := app.Config.Checkpoints.PostURL; u != "" {
		// Retried within the checkpoint interval (checkpoint_post.go).
		p.push = newCheckpointPush(u, app.Log, app.Config.Checkpoints.Every)
	}
	p.export(handler)
	app.Log.Info("checkpoints on", "key_id", s.KeyID(), "every", app.Config.Checkpoints.Every)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		every(ctx, app.Config.Checkpoints.Every, func() { p.once(ctx) })
	}()
	return func() {
		cancel()
		<-done
		fctx, fcancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer fcancel()
		p.once(fctx)
	}, nil
}

type checkpointPublisher struct {
	app    *App
	signer *moderation.CheckpointSigner
	push   *checkpointPush // nil without checkpoints.post_url
	// Counts for /metrics: checkpoints signed, and failures to sign or to
	// append (a push given up on is push.failed). A failure is only
	// logged otherwise, and an operator must see the anchoring stop.
	signed, signFailed, appendFailed atomic.Int64
}

// export puts the counts on handler's /metrics.
func (p *checkpointPublisher) export(handler *api.Server) {
	load := func(n *atomic.Int64) func() float64 { return func() float64 { return float64(n.Load()) } }
	handler.CountFunc("vigie_checkpoints_signed_total", "Checkpoints of the chain head signed.", nil, load(&p.signed))
	failures := "Checkpoint steps that failed: signing (reading the head, storing the checkpoint), appending to checkpoints.append_file, posting to checkpoints.post_url (given up after retries)."
	handler.CountFunc("vigie_checkpoint_failures_total", failures, map[string]string{"stage": "sign"}, load(&p.signFailed))
	handler.CountFunc("vigie_checkpoint_failures_total", failures, map[string]string{"stage": "append"}, load(&p.appendFailed))
	if p.push != nil {
		handler.CountFunc("vigie_checkpoint_failures_total", failures, map[string]string{"stage": "post"}, load(&p.push.failed))
	}
}

// once makes a checkpoint if the head moved, then appends and posts it.
// Failures are logged: the checkpoint is in the table and the public list
// either way, and the next one covers this one's head. The append comes
// first and does not depend on the push, which may retry for up to the
// checkpoint interval on this loop's goroutine (ctx ends it at shutdown).
func (p *checkpointPublisher) once(ctx context.Context) {
	c, err := moderation.MakeCheckpoint(ctx, p.app.DB, p.signer, time.Now())
	if err != nil {
		p.signFailed.Add(1)
		p.app.Log.Error("checkpoint", "err", err)
		return
	}
	if c == nil {
		return
	}
	p.signed.Add(1)
	p.app.Log.Info("checkpoint signed", "seq", c.Seq, "hash", c.Hash, "key_id", c.KeyID)
	line, err := json.Marshal(c)
	if err != nil {
		p.signFailed.Add(1)
		p.app.Log.Error("checkpoint", "err", err)
		return
	}
	if path := p.app.Config.Checkpoints.AppendFile; path != "" {
		if err := appendLine(p.app.Config.Path(path), line); err != nil {
			p.appendFailed.Add(1)
			p.app.Log.Error("checkpoint append", "file", path, "err", err)
		}
	}
	if p.push != nil {
		p.push.send(ctx, line) // logs and counts a push given up on
	}
}

// appendLine appends one line and syncs it: a checkpoint acknowledged in
// the log is on disk. A file that does not end with a newline (a crash
// cut its last line) gets one first, so the torn line stays alone and
// the new one is whole.
func appendLine(path string, line []byte) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	out := append(line, '\n')
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, fi.Size()-1); err == nil && last[0] != '\n' {
			out = append([]byte{'\n'}, out...)
		}
	}
	if _, err := f.Write(out); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readCheckpoints reads checkpoints from a JSON-lines file (the append
// file, what the post URL received) or from a saved copy of
// /transparency/checkpoints (whose public key is not trusted: the key
// comes from the reader). A line that does not parse is an error naming
// it: a checkpoint silently skipped would prove nothing.
func readCheckpoints(path string) ([]moderation.Checkpoint, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Schema      string                  `json:"schema"`
		PublicKey   string                  `json:"public_key"`
		KeyID       string                  `json:"key_id"`
		Checkpoints []moderation.Checkpoint `json:"checkpoints"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if dec.Decode(&doc) == nil && doc.Schema == "vigie.checkpoints/v1" {
		return doc.Checkpoints, nil
	}
	var out []moderation.Checkpoint
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var c moderation.Checkpoint
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("%s:%d: not a checkpoint: %v", path, n, err)
		}
		if c.Seq <= 0 || c.Hash == "" || c.Signature == "" {
			return nil, fmt.Errorf("%s:%d: not a checkpoint: seq, hash and signature are required", path, n)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no checkpoint in it", path)
	}
	return out, nil
}

// checkpointKeyForPage is the public key the public list shows; a broken
// key was already refused at start, so an error here shows none.
func (a *App) checkpointKeyForPage() string {
	k, err := a.checkpointPublicKey()
	if err != nil {
		return ""
	}
	return k
}
