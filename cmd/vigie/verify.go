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
	for {
		if err := verifyUpTo(ctx, app, v, seq); err != nil {
			return err
		}
		if v.Count != seq || v.Head() != head {
			return &verifyFailed{fmt.Errorf("chain head mismatch: the log ends at event %d (%s) but the stored head is event %d (%s): events were removed or added outside Vigie", v.Count, short(v.Head()), seq, short(head))}
		}
		// An event past the head is either one a running server committed
		// since we read the head (the head moved with it, in the same
		// transaction) or one the stored head does not vouch for: a head
		// rolled back by hand. Read the head again after seeing the event
		// to tell them apart, and go on checking up to the new head.
		next, err := app.DB.EventsAfter(ctx, v.Count, 1)
		if err != nil {
			return err
		}
		if len(next) == 0 {
			break
		}
		if seq, head, err = app.DB.Head(ctx); err != nil {
			return err
		}
		if seq < next[0].Seq {
			return &verifyFailed{fmt.Errorf("chain head mismatch: the log goes on to event %d past the stored head, event %d (%s): the head was changed outside Vigie", next[0].Seq, seq, short(head))}
		}
	}
	fmt.Fprintf(env.Stdout, "ok: %d events, chain head %s\n", v.Count, v.Head())
	return verifyReport(ctx, env, app)
}

// verifyUpTo checks the events after the last one v checked, up to seq.
func verifyUpTo(ctx context.Context, app *App, v *moderation.ChainVerifier, seq int64) error {
	for v.Count < seq {
		evs, err := app.DB.EventsAfter(ctx, v.Count, int(min(5000, seq-v.Count)))
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
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
	return nil
}

func short(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	return h
}
