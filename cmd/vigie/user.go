package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"vigie/moderation"
)

const userUsage = `usage: vigie user <add|passwd|disable|enable|role|list|token> [--config FILE] [NAME]
  add NAME [--role moderator]   create an account (viewer, moderator or admin)
  passwd NAME                   set a new password (ends the user's sessions)
  disable NAME / enable NAME    disabling ends the sessions and revokes the personal tokens
                                (enabling again brings neither back)
  role NAME ROLE                change what the user may do
  list                          the accounts
  token NAME [--label TEXT]     a personal API token for scripts, printed once
The password is read from VIGIE_USER_PASSWORD, else from the first line of
standard input; with neither, add generates one and prints it once.`

// runUser manages moderator accounts.
func runUser(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return &usageError{userUsage}
	}
	sub := args[0]
	fs, cfgPath := flags(env, "user "+sub)
	role := fs.String("role", "moderator", "role of a new account: viewer, moderator or admin")
	label := fs.String("label", "", "what the token is for (token)")
	if err := parse(fs, reorder(args[1:])); err != nil {
		return err
	}
	rest := fs.Args()
	wantArgs := map[string]int{"add": 1, "passwd": 1, "disable": 1, "enable": 1, "role": 2, "list": 0, "token": 1}
	n, ok := wantArgs[sub]
	if !ok || len(rest) != n {
		return &usageError{userUsage}
	}
	app, err := openApp(ctx, env, *cfgPath)
	if err != nil {
		return err
	}
	defer app.Close()
	acc := app.Accounts
	switch sub {
	case "add":
		r, err := moderation.ParseRole(*role)
		if err != nil {
			return err
		}
		pw, generated, err := password(env, true)
		if err != nil {
			return err
		}
		if _, err := acc.AddUser(ctx, rest[0], r, pw); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "user %s added (%s)\n", rest[0], r)
		if generated {
			fmt.Fprintf(env.Stdout, "password: %s\n(shown once: give it to %s, who can have it changed with vigie user passwd)\n", pw, rest[0])
		}
	case "passwd":
		pw, _, err := password(env, false)
		if err != nil {
			return err
		}
		if err := acc.SetPassword(ctx, rest[0], pw); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "password of %s changed; their sessions are closed\n", rest[0])
	case "disable", "enable":
		revoked, err := acc.SetDisabled(ctx, rest[0], sub == "disable")
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "user %s %sd\n", rest[0], sub)
		if revoked > 0 {
			fmt.Fprintf(env.Stdout, "%d personal token(s) revoked: %s makes new ones with vigie user token once enabled\n", revoked, rest[0])
		}
	case "role":
		r, err := moderation.ParseRole(rest[1])
		if err != nil {
			return err
		}
		if err := acc.SetRole(ctx, rest[0], r); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "user %s is now %s\n", rest[0], r)
	case "list":
		return listUsers(ctx, env, acc)
	case "token":
		tok, err := acc.IssueToken(ctx, rest[0], *label)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s\n", tok)
		fmt.Fprintf(env.Stderr, "Personal token of %s, shown once (only its digest is stored). Send it as \"Authorization: Bearer <token>\".\n", rest[0])
	}
	return nil
}

func listUsers(ctx context.Context, env *Env, acc *moderation.Accounts) error {
	us, err := acc.Users(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tSTATE\tCREATED")
	for _, u := range us {
		state := "active"
		if u.Disabled {
			state = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, state, u.CreatedAt.Format("2006-01-02"))
	}
	return tw.Flush()
}

// password reads a new password from VIGIE_USER_PASSWORD or the first line
// of standard input. With neither, and mayGenerate, it makes one.
func password(env *Env, mayGenerate bool) (pw string, generated bool, err error) {
	if pw := env.Getenv("VIGIE_USER_PASSWORD"); pw != "" {
		return pw, false, nil
	}
	if env.Stdin != nil && !env.IsTerminal {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if line = strings.TrimRight(line, "\r\n"); line != "" {
			return line, false, nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return "", false, err
		}
	}
	if !mayGenerate {
		return "", false, &usageError{"give the new password in VIGIE_USER_PASSWORD or on standard input"}
	}
	return moderation.RandomToken()[:20], true, nil
}

// reorder puts flags before positional arguments, so "add alice --role
// admin" parses like "add --role admin alice".
func reorder(args []string) []string {
	var flagArgs, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			flagArgs = append(flagArgs, a)
			if !strings.Contains(a, "=") && i+1 < len(args) {
				flagArgs = append(flagArgs, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flagArgs, pos...)
}

// ensureAdmin creates the first account on the first run: "admin", with
// VIGIE_ADMIN_PASSWORD or a generated password printed once (on standard
// error, never through the logger: logs are kept and shipped).
func (a *App) ensureAdmin(ctx context.Context, env *Env) error {
	generated, created, err := a.Accounts.EnsureAdmin(ctx, a.Config.adminPassword)
	if err != nil {
		return fmt.Errorf("first admin account: %w", err)
	}
	switch {
	case created && generated != "":
		fmt.Fprintf(env.Stderr, "\nFirst run: account \"admin\" created with password %s\n(shown once; change it with: vigie user passwd admin)\n\n", generated)
	case created:
		a.Log.Info("first run: account admin created with VIGIE_ADMIN_PASSWORD")
	}
	return nil
}
