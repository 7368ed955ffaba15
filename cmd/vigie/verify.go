package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"vigie/moderation"
)

// verifyFailed makes `vigie verify` exit 1 with its message.
type verifyFailed struct{ err error }

func (e *verifyFailed) Error() string { return e.err.Error() }
func (e *verifyFailed) ExitCode() int { return 1 }
func (e *verifyFailed) Unwrap() error { return e.err }

// runVerify checks the database against its log (moderation.Verify), then,
// with --checkpoints, the log against signed checkpoints kept outside it,
// then recomputes the report counts.
func runVerify(ctx context.Context, env *Env, args []string) error {
	fs, cfgPath := flags(env, "verify")
	cpFile := fs.String("checkpoints", "", "JSON-lines file of signed checkpoints to check the log against")
	pubFlag := fs.String("public-key", "", "base64 Ed25519 public key of the checkpoints (default: checkpoints.public_key, or the configured key's)")
	app, err := openCommand(ctx, env, fs, cfgPath, args)
	if err != nil {
		return err
	}
	defer app.Close()

	// Read the checkpoints before the database: a bad file or key is a
	// usage mistake, said at once.
	var cps []moderation.Checkpoint
	var pub []byte
	if *cpFile != "" {
		if cps, err = readCheckpoints(*cpFile); err != nil {
			return &usageError{"--checkpoints: " + err.Error()}
		}
		key := *pubFlag
		if key == "" {
			if key, err = app.checkpointPublicKey(); err != nil {
				return err
			}
		}
		if key == "" {
			return &usageError{"--checkpoints needs a public key: --public-key, or checkpoints.public_key in the config"}
		}
		if pub, err = moderation.ParsePublicKey(key); err != nil {
			return &usageError{"--public-key: " + err.Error()}
		}
	}

	res, err := moderation.Verify(ctx, app.DB, moderation.VerifyOptions{})
	if err != nil {
		return err
	}
	problems := res.Problems
	if cps != nil {
		cp, err := moderation.CheckCheckpoints(ctx, app.DB, pub, cps)
		if err != nil {
			return err
		}
		problems = append(problems, cp...)
	}
	if len(problems) > 0 {
		return &verifyFailed{&moderation.VerifyError{Problems: problems, Dropped: res.Dropped}}
	}
	fmt.Fprintf(env.Stdout, "ok: %d events, chain head %s\n", res.Events, res.Head)
	fmt.Fprintf(env.Stdout, "ok: %d comments: each has events and the status and category its last event set; every event has its comment and its verdict\n", res.Comments)
	fmt.Fprintf(env.Stdout, "ok: texts and authors of %d comments not yet purged match their digests in the chain (%d purged)\n", res.Comments-res.Purged, res.Purged)
	if res.LegacyPurged > 0 {
		// Accepted, and said: purges older than the first purge event
		// (moderation/verify_purge.go).
		fmt.Fprintf(env.Stdout, "ok: legacy purges (no purge event, before the first one): %d, comments %s\n", res.LegacyPurged, idList(res.Legacy, res.LegacyPurged))
	}
	if cps != nil {
		fmt.Fprintf(env.Stdout, "ok: %d checkpoints signed by key %s are in the log: it only grew since\n", len(cps), moderation.KeyID(pub))
	}
	return verifyReport(ctx, env, app)
}

// idList writes ids, and how many more there are.
func idList(ids []int64, total int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	s := strings.Join(parts, ", ")
	if more := total - int64(len(ids)); more > 0 {
		s += fmt.Sprintf(" … and %d more", more)
	}
	return s
}
