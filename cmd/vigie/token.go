package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"text/tabwriter"

	"vigie/api"
)

// runToken is `vigie token [--name N] [--scopes intake,read] [--sources
// api:cms]`: a random API token, shown once, and the config entry that
// accepts it (its digest, never the token, with its scopes and sources).
// `vigie token list` prints the configured tokens and what each may do.
func runToken(_ context.Context, env *Env, args []string) error {
	if len(args) > 0 && args[0] == "list" {
		return listTokens(env, args[1:])
	}
	fs, _ := flags(env, "token")
	name := fs.String("name", "", "a name for the token (shown in `vigie token list`)")
	scopes := fs.String("scopes", api.ScopeIntake, "what it may do, comma-separated: "+strings.Join(api.Scopes, ", "))
	sources := fs.String("sources", "", `where: sources, comma-separated ("api:cms", "api:*", or "*" for all but Facebook's)`)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *sources == "" {
		return &usageError{"usage: vigie token --sources api:NAME[,…] [--scopes intake,read] [--name NAME] | vigie token list"}
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	t := TokenConfig{Name: *name, Digest: HashToken(tok), Scopes: strings.Split(*scopes, ","), Sources: strings.Split(*sources, ",")}
	if err := validateToken("token", t); err != nil {
		return &usageError{err.Error()}
	}
	fmt.Fprintf(env.Stdout, "token:   %s\nscopes:  %s\nsources: %s\n\n", tok, strings.Join(t.Scopes, ", "), strings.Join(t.Sources, ", "))
	fmt.Fprintln(env.Stdout, "Put this under intake.api_tokens in config.yaml (the token itself never goes there):")
	fmt.Fprintf(env.Stdout, "  - name: %q\n    digest: %s\n    scopes: [%s]\n    sources: [%s]\n", t.Name, t.Digest, strings.Join(t.Scopes, ", "), quoteAll(t.Sources))
	fmt.Fprintln(env.Stderr, "Give the token to the client now: it is not shown again.")
	return nil
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// listTokens prints each accepted token's name, digest prefix, scopes and
// sources, and flags the unscoped ones.
func listTokens(env *Env, args []string) error {
	fs, cfgPath := flags(env, "token list")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, _, err := loadConfig(env, *cfgPath)
	if err != nil {
		return err
	}
	specs, err := cfg.apiTokens()
	if err != nil {
		return err
	}
	if len(specs) == 0 {
		fmt.Fprintln(env.Stdout, "no API token is configured: intake is closed")
		return nil
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tDIGEST\tSCOPES\tSOURCES")
	for _, s := range specs {
		fmt.Fprintf(w, "%s\t%.23s…\t%s\t%s\n", s.Name, s.Digest, strings.Join(s.Scopes, ","), strings.Join(s.Sources, ","))
	}
	return w.Flush()
}
