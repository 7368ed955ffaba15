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
	if err := parse(fs, args); err != nil {
		return err
	}
	app, err := openApp(ctx, env, *cfgPath)
	if err != nil {
		return err
	}
	defer app.Close()

	v := moderation.NewChainVerifier()
	var after int64
	for {
		evs, err := app.DB.EventsAfter(ctx, after, 5000)
		if err != nil {
			return err
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
		if len(evs) == 0 {
			break
		}
		after = evs[len(evs)-1].Seq
	}
	seq, head, err := app.DB.Head(ctx)
	if err != nil {
		return err
	}
	if seq != v.Count || head != v.Head() {
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
