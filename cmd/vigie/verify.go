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
	n, err := verifySnapshots(ctx, app, v.Count)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "ok: texts and authors of %d comments not yet purged match their digests in the chain\n", n)
	return verifyReport(ctx, env, app)
}

// verifySnapshots checks what the chain vouches for only through salted
// digests: each event's stored text, each comment's author, and each
// comment's current text (against its latest event), for every comment whose
// salt still exists (a purge erases salt and values together). It returns
// how many comments it checked.
func verifySnapshots(ctx context.Context, app *App, upTo int64) (int, error) {
	latest := map[int64]string{} // comment id → text digest of its latest event
	for after := int64(0); after < upTo; {
		evs, err := app.DB.EventsAfter(ctx, after, int(min(5000, upTo-after)))
		if err != nil {
			return 0, err
		}
		if len(evs) == 0 {
			break
		}
		after = evs[len(evs)-1].Seq
		ids := make([]int64, 0, len(evs))
		for _, e := range evs {
			ids = append(ids, e.CommentID)
		}
		cs, err := app.DB.CommentsByID(ctx, ids)
		if err != nil {
			return 0, err
		}
		for _, e := range evs {
			c, ok := cs[e.CommentID]
			if !ok || len(c.Salt) == 0 {
				continue // purged: nothing left to compare
			}
			if e.Text != "" && moderation.Digest(c.Salt, e.Text) != e.TextDigest {
				return 0, &verifyFailed{fmt.Errorf("event %d: its stored text does not match the text digest in the chain (the snapshot was altered)", e.Seq)}
			}
			if moderation.Digest(c.Salt, c.Author.ID, c.Author.Name) != e.AuthorDigest {
				return 0, &verifyFailed{fmt.Errorf("comment %d: its author does not match the author digest of event %d (the comment was altered)", c.ID, e.Seq)}
			}
			latest[c.ID] = e.TextDigest
		}
	}
	checked := 0
	for after := int64(0); ; {
		cs, err := app.DB.Comments(ctx, after, 5000)
		if err != nil {
			return 0, err
		}
		if len(cs) == 0 {
			return checked, nil
		}
		after = cs[len(cs)-1].ID
		for _, c := range cs {
			want, ok := latest[c.ID]
			if len(c.Salt) == 0 || !ok {
				continue // purged, or received after the head we checked
			}
			if moderation.Digest(c.Salt, c.Text) != want {
				return 0, &verifyFailed{fmt.Errorf("comment %d: its text does not match the text digest of its latest event (the comment was altered)", c.ID)}
			}
			checked++
		}
	}
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
