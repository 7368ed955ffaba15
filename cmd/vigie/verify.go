package main

import (
	"context"
	"errors"
	"fmt"

	"vigie/moderation"
)

// verifyFailed makes `vigie verify` exit 1 with its message.
type verifyFailed struct{ err error }

func (e *verifyFailed) Error() string { return e.err.Error() }
func (e *verifyFailed) ExitCode() int { return 1 }
func (e *verifyFailed) Unwrap() error { return e.err }

// runVerify recomputes the hash chain from the first event and checks the
// stored chain head; it then recomputes the report counts from the log.
func runVerify(ctx context.Context, env *Env, args []string) error {
	fs, cfgPath := flags(env, "verify")
	app, err := openCommand(ctx, env, fs, cfgPath, args)
	if err != nil {
		return err
	}
	defer app.Close()

	// The head first: a running server may append while we read, and the
	// events up to this head are what the stored head vouches for.
	seq, head, err := app.DB.Head(ctx)
	if err != nil {
		return err
	}
	v := moderation.NewChainVerifier()
	for v.Count < seq {
		evs, err := app.DB.EventsAfter(ctx, v.Count, int(min(5000, seq-v.Count)))
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			break
		}
		for i := range evs {
			if err := v.Check(&evs[i]); err != nil {
				var br *moderation.ChainBreak
				if errors.As(err, &br) {
					return &verifyFailed{fmt.Errorf("chain broken at %w", br)}
				}
				return err
			}
		}
	}
	if v.Count != seq || v.Head() != head {
		return &verifyFailed{fmt.Errorf("chain head mismatch: the log ends at event %d (%s) but the stored head is event %d (%s): events were removed or added outside Vigie", v.Count, short(v.Head()), seq, short(head))}
	}
	fmt.Fprintf(env.Stdout, "ok: %d events, chain head %s\n", v.Count, v.Head())
	return verifyReport(ctx, env, app)
}

func short(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	return h
}
