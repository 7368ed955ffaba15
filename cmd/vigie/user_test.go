package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"vigie/moderation"
	"vigie/storage"
)

// userPassword is a valid password for the tests of `vigie user`.
const userPassword = "un mot de passe assez long"

// userAccounts opens the accounts of the database the commands wrote.
func userAccounts(t *testing.T, dbPath string) *moderation.Accounts {
	t.Helper()
	db, err := storage.Open(context.Background(), storage.Config{Driver: "sqlite", DSN: dbPath}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return moderation.NewAccounts(db, nil)
}

// userLogin tries a password, as the login form would.
func userLogin(t *testing.T, dbPath, name, pw string) error {
	t.Helper()
	_, _, err := userAccounts(t, dbPath).Login(context.Background(), name, pw, "127.0.0.1")
	return err
}

// userMust runs a `vigie user` command that must succeed.
func userMust(t *testing.T, cfg string, env map[string]string, stdin string, args ...string) string {
	t.Helper()
	code, out, errOut := concRunEnv(t, env, stdin, append(append([]string{"user"}, args...), "--config", cfg)...)
	if code != 0 {
		t.Fatalf("vigie user %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	return out
}

var withPassword = map[string]string{"VIGIE_USER_PASSWORD": userPassword}

func TestUserAddTakesThePasswordFromEnvironmentOrStdinOrMakesOne(t *testing.T) {
	cfg, dbPath := testConfig(t)
	out := userMust(t, cfg, withPassword, "", "add", "alice")
	if !strings.Contains(out, "user alice added (moderator)") || strings.Contains(out, "password") {
		t.Errorf("add with VIGIE_USER_PASSWORD printed %q", out)
	}
	out = userMust(t, cfg, nil, "mot de passe de bob\n", "add", "bob", "--role", "viewer")
	if !strings.Contains(out, "user bob added (viewer)") || strings.Contains(out, "password") {
		t.Errorf("add with a password on stdin printed %q", out)
	}
	out = userMust(t, cfg, nil, "", "add", "--role", "admin", "carol")
	m := regexp.MustCompile(`(?m)^password: (\S+)$`).FindStringSubmatch(out)
	if m == nil || strings.Count(out, m[1]) != 1 {
		t.Fatalf("add with no password printed %q, want the generated password once", out)
	}
	for name, pw := range map[string]string{"alice": userPassword, "bob": "mot de passe de bob", "carol": m[1]} {
		if err := userLogin(t, dbPath, name, pw); err != nil {
			t.Errorf("%s cannot sign in with the password given to add: %v", name, err)
		}
	}
	list := userMust(t, cfg, nil, "", "list")
	for _, want := range []string{"NAME", "ROLE", "STATE", "alice", "moderator", "bob", "viewer", "carol", "admin", "active"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}
	if a, b, c := strings.Index(list, "alice"), strings.Index(list, "bob"), strings.Index(list, "carol"); !(a < b && b < c) {
		t.Errorf("list is not by name:\n%s", list)
	}
}

func TestUserPasswdReplacesThePasswordAndEndsSessions(t *testing.T) {
	cfg, dbPath := testConfig(t)
	userMust(t, cfg, withPassword, "", "add", "dave")
	acc := userAccounts(t, dbPath)
	_, cookie, err := acc.Login(context.Background(), "dave", userPassword, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	userMust(t, cfg, nil, "le nouveau mot de passe\n", "passwd", "dave")
	if err := userLogin(t, dbPath, "dave", userPassword); !errors.Is(err, moderation.ErrUnauthorized) {
		t.Errorf("old password after passwd: %v, want refused", err)
	}
	if err := userLogin(t, dbPath, "dave", "le nouveau mot de passe"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if _, _, err := acc.SessionUser(context.Background(), cookie); !errors.Is(err, moderation.ErrUnauthorized) {
		t.Errorf("the session opened before passwd: %v, want ended", err)
	}
	userMust(t, cfg, map[string]string{"VIGIE_USER_PASSWORD": "encore un autre"}, "", "passwd", "dave")
	if err := userLogin(t, dbPath, "dave", "encore un autre"); err != nil {
		t.Errorf("password from VIGIE_USER_PASSWORD: %v", err)
	}
}

// Disabling stops the sign-in and revokes the personal tokens; enabling
// restores the sign-in but not the old tokens: new ones are made.
func TestUserDisableStopsSignInAndRevokesTokens(t *testing.T) {
	cfg, dbPath := testConfig(t)
	userMust(t, cfg, withPassword, "", "add", "erin")
	tok := strings.TrimSpace(userMust(t, cfg, nil, "", "token", "erin"))
	acc := userAccounts(t, dbPath)
	ctx := context.Background()

	if out := userMust(t, cfg, nil, "", "disable", "erin"); !strings.Contains(out, "1 personal token(s) revoked") {
		t.Errorf("disable printed %q, want the count of revoked tokens", out)
	}
	if list := userMust(t, cfg, nil, "", "list"); !regexp.MustCompile(`erin\s+moderator\s+disabled`).MatchString(list) {
		t.Errorf("list after disable:\n%s", list)
	}
	if _, err := acc.TokenUser(ctx, tok); !errors.Is(err, moderation.ErrUnauthorized) {
		t.Errorf("token of a disabled account: %v, want refused", err)
	}
	if err := userLogin(t, dbPath, "erin", userPassword); !errors.Is(err, moderation.ErrUnauthorized) {
		t.Errorf("sign-in of a disabled account: %v, want refused", err)
	}
	if code, out, errOut := concRunEnv(t, nil, "", "user", "token", "erin", "--config", cfg); code == 0 || out != "" || !strings.Contains(errOut, "disabled") {
		t.Errorf("token for a disabled account: exit %d, %q %q; want an error saying it is disabled", code, out, errOut)
	}

	if out := userMust(t, cfg, nil, "", "enable", "erin"); strings.Contains(out, "revoked") {
		t.Errorf("enable printed %q: nothing was left to revoke", out)
	}
	if _, err := acc.TokenUser(ctx, tok); !errors.Is(err, moderation.ErrUnauthorized) {
		t.Errorf("the old token after enable: %v, want refused (revoked when disabled)", err)
	}
	if err := userLogin(t, dbPath, "erin", userPassword); err != nil {
		t.Errorf("sign-in after enable: %v", err)
	}
	fresh := strings.TrimSpace(userMust(t, cfg, nil, "", "token", "erin"))
	if u, err := acc.TokenUser(ctx, fresh); err != nil || u.Name != "erin" {
		t.Errorf("a new token after enable: %v %v", u.Name, err)
	}
}

func TestUserRoleChangesWhatTheUserMayDo(t *testing.T) {
	cfg, dbPath := testConfig(t)
	userMust(t, cfg, withPassword, "", "add", "fanny", "--role", "viewer")
	if out := userMust(t, cfg, nil, "", "role", "fanny", "admin"); !strings.Contains(out, "fanny is now admin") {
		t.Errorf("role printed %q", out)
	}
	us, err := userAccounts(t, dbPath).Users(context.Background())
	if err != nil || len(us) != 1 || us[0].Role != moderation.RoleAdmin || !us[0].Can(moderation.PermAdmin) {
		t.Errorf("after role admin: %+v %v", us, err)
	}
}

// The token is printed once, on stdout alone; the database keeps only its
// digest: no copy of the token in any of the SQLite files.
func TestUserTokenIsPrintedOnceAndOnlyItsDigestIsStored(t *testing.T) {
	cfg, dbPath := testConfig(t)
	userMust(t, cfg, withPassword, "", "add", "gaby")
	code, out, errOut := concRunEnv(t, nil, "", "user", "token", "gaby", "--label", "script de nuit", "--config", cfg)
	tok := strings.TrimSpace(out)
	if code != 0 || strings.Count(out, "\n") != 1 || len(tok) < 40 || strings.Contains(errOut, tok) || !strings.Contains(errOut, "shown once") {
		t.Fatalf("token: exit %d, stdout %q, stderr %q; want the token alone on stdout and a note on stderr", code, out, errOut)
	}
	again := strings.TrimSpace(userMust(t, cfg, nil, "", "token", "gaby"))
	if again == tok {
		t.Errorf("two tokens are the same: %s", tok)
	}
	if u, err := userAccounts(t, dbPath).TokenUser(context.Background(), tok); err != nil || u.Name != "gaby" {
		t.Fatalf("the printed token does not authenticate gaby: %v %v", u.Name, err)
	}
	files, _ := filepath.Glob(dbPath + "*")
	var all []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(tok)) || bytes.Contains(b, []byte(again)) {
			t.Errorf("%s holds a copy of the token", filepath.Base(f))
		}
		all = append(all, b...)
	}
	if !bytes.Contains(all, []byte(moderation.TokenDigest(tok))) {
		t.Errorf("the token's digest is not in %v: the search looked in the wrong place", files)
	}
}

// A mistake gives a message that says what is wrong, a non-zero exit, and
// changes nothing.
func TestUserMistakesAreExplained(t *testing.T) {
	cfg, _ := testConfig(t)
	userMust(t, cfg, withPassword, "", "add", "hugo")
	for _, tc := range []struct {
		name  string
		env   map[string]string
		stdin string
		args  []string
		want  string
	}{
		{"bad role on add", withPassword, "", []string{"add", "ines", "--role", "superuser"}, `role must be viewer, moderator or admin, not "superuser"`},
		{"bad role", nil, "", []string{"role", "hugo", "god"}, `role must be viewer, moderator or admin, not "god"`},
		{"short password on add", map[string]string{"VIGIE_USER_PASSWORD": "court"}, "", []string{"add", "ines"}, "at least 10 characters"},
		{"short password on stdin", nil, "court\n", []string{"passwd", "hugo"}, "at least 10 characters"},
		{"passwd without a password", nil, "", []string{"passwd", "hugo"}, "VIGIE_USER_PASSWORD"},
		{"name taken", withPassword, "", []string{"add", "hugo"}, "hugo exists"},
		{"bad name", withPassword, "", []string{"add", "jean dupont"}, "a user name has only letters"},
		{"unknown user: passwd", withPassword, "", []string{"passwd", "nobody"}, "user nobody: no such user"},
		{"unknown user: disable", nil, "", []string{"disable", "nobody"}, "user nobody: no such user"},
		{"unknown user: enable", nil, "", []string{"enable", "nobody"}, "user nobody: no such user"},
		{"unknown user: role", nil, "", []string{"role", "nobody", "admin"}, "user nobody: no such user"},
		{"unknown user: token", nil, "", []string{"token", "nobody"}, "user nobody: no such user"},
		{"no name", withPassword, "", []string{"add"}, "usage: vigie user"},
		{"unknown subcommand", nil, "", []string{"remove", "hugo"}, "usage: vigie user"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := concRunEnv(t, tc.env, tc.stdin, append(append([]string{"user"}, tc.args...), "--config", cfg)...)
			if code == 0 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want a non-zero exit and %q", code, errOut, tc.want)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
	list := userMust(t, cfg, nil, "", "list")
	if strings.Count(list, "\n") != 2 || !regexp.MustCompile(`hugo\s+moderator\s+active`).MatchString(list) {
		t.Errorf("the mistakes changed the accounts:\n%s", list)
	}
}

// The first `serve` creates "admin": with VIGIE_ADMIN_PASSWORD it says so
// in the log without the password; without it, it prints a generated
// password once on stderr, outside the structured log, and never again.
func TestServeCreatesTheFirstAdminOnce(t *testing.T) {
	t.Run("from VIGIE_ADMIN_PASSWORD", func(t *testing.T) {
		cfg, dbPath := testConfig(t)
		const pw = "le mot de passe de l'admin"
		s := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken, "VIGIE_ADMIN_PASSWORD="+pw)
		concStop(t, s)
		if log := s.log(); !strings.Contains(log, "account admin created with VIGIE_ADMIN_PASSWORD") || strings.Contains(log, pw) || strings.Contains(log, "First run") {
			t.Errorf("first start with VIGIE_ADMIN_PASSWORD logged:\n%s", log)
		}
		if err := userLogin(t, dbPath, "admin", pw); err != nil {
			t.Errorf("admin with VIGIE_ADMIN_PASSWORD: %v", err)
		}
	})
	t.Run("generated", func(t *testing.T) {
		cfg, dbPath := testConfig(t)
		s := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken, "VIGIE_ADMIN_PASSWORD=")
		concStop(t, s)
		log := s.log()
		m := regexp.MustCompile(`First run: account "admin" created with password (\S+)`).FindStringSubmatch(log)
		if m == nil || strings.Count(log, m[1]) != 1 {
			t.Fatalf("first start printed:\n%s\nwant the generated password once", log)
		}
		for _, line := range strings.Split(log, "\n") {
			if strings.Contains(line, m[1]) && (strings.Contains(line, "level=") || strings.HasPrefix(line, "time=")) {
				t.Errorf("the password is in a log line: %s", line)
			}
		}
		if err := userLogin(t, dbPath, "admin", m[1]); err != nil {
			t.Errorf("admin with the printed password: %v", err)
		}
		again := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken, "VIGIE_ADMIN_PASSWORD=")
		concStop(t, again)
		if log := again.log(); strings.Contains(log, "First run") || strings.Contains(log, m[1]) || strings.Contains(log, "account admin created") {
			t.Errorf("second start printed:\n%s", log)
		}
		us, err := userAccounts(t, dbPath).Users(context.Background())
		if err != nil || len(us) != 1 || us[0].Name != "admin" || us[0].Role != moderation.RoleAdmin {
			t.Errorf("accounts after two starts: %+v %v", us, err)
		}
	})
}
