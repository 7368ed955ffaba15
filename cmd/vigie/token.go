package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// runToken makes a random API token. The token is shown once; only its
// digest goes into config.yaml (intake.api_tokens).
func runToken(_ context.Context, env *Env, args []string) error {
	fs, _ := flags(env, "token")
	if err := parse(fs, args); err != nil {
		return err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	fmt.Fprintf(env.Stdout, "token:  %s\ndigest: %s\n", tok, HashToken(tok))
	fmt.Fprintln(env.Stderr, "Give the token to the client; put the digest under intake.api_tokens in config.yaml.")
	return nil
}
