package storage

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/moderation/moderationtest"
)

// TestAccountsLifecycle walks one account through what an admin does to it,
// on both databases: a session and a token work until the account is
// disabled, enabling it brings neither back, a new password ends the
// sessions, an expired session is gone.
func TestAccountsLifecycle(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		db := openDB(t, cfg)
		clock := moderationtest.NewClock(t0)
		acc := moderation.NewAccounts(db, clock)

		if _, err := acc.AddUser(ctx, "alice", moderation.RoleModerator, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
		if _, err := acc.AddUser(ctx, "alice", moderation.RoleViewer, "another password"); !errors.Is(err, moderation.ErrConflict) {
			t.Fatalf("second alice: got %v, want ErrConflict", err)
		}
		if _, _, err := acc.Login(ctx, "alice", "wrong password", "10.0.0.1"); !errors.Is(err, moderation.ErrUnauthorized) {
			t.Fatalf("wrong password: got %v, want ErrUnauthorized", err)
		}
		_, cookie, err := acc.Login(ctx, "alice", "correct horse battery", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		sess, u, err := acc.SessionUser(ctx, cookie)
		if err != nil || u.Name != "alice" || u.Role != moderation.RoleModerator || sess.CSRF == "" {
			t.Fatalf("session: got %+v %+v %v", sess, u, err)
		}
		tok, err := acc.IssueToken(ctx, "alice", "script")
		if err != nil {
			t.Fatal(err)
		}
		if u, err := acc.TokenUser(ctx, tok); err != nil || u.Name != "alice" {
			t.Fatalf("token: got %+v %v", u, err)
		}

		if n, err := acc.SetDisabled(ctx, "alice", true); err != nil || n != 1 {
			t.Fatalf("disable: %d tokens revoked, %v; want 1", n, err)
		}
		if _, _, err := acc.SessionUser(ctx, cookie); !errors.Is(err, moderation.ErrUnauthorized) {
			t.Errorf("session of a disabled account: got %v, want ErrUnauthorized", err)
		}
		if _, err := acc.TokenUser(ctx, tok); !errors.Is(err, moderation.ErrUnauthorized) {
			t.Errorf("token of a disabled account: got %v, want ErrUnauthorized", err)
		}
		if _, _, err := acc.Login(ctx, "alice", "correct horse battery", "10.0.0.1"); !errors.Is(err, moderation.ErrUnauthorized) {
			t.Errorf("login of a disabled account: got %v, want ErrUnauthorized", err)
		}

		if n, err := acc.SetDisabled(ctx, "alice", false); err != nil || n != 0 {
			t.Fatalf("enable: %d tokens revoked, %v; want 0 (revoked when disabled)", n, err)
		}
		if _, _, err := acc.SessionUser(ctx, cookie); !errors.Is(err, moderation.ErrUnauthorized) {
			t.Errorf("enabling again must not revive the old session: got %v", err)
		}
		if _, err := acc.TokenUser(ctx, tok); !errors.Is(err, moderation.ErrUnauthorized) {
			t.Errorf("enabling again must not revive the old token: got %v", err)
		}
		fresh, err := acc.IssueToken(ctx, "alice", "script")
		if err != nil {
			t.Fatal(err)
		}
		if u, err := acc.TokenUser(ctx, fresh); err != nil || u.Name != "alice" {
			t.Errorf("a new token after enabling: got %+v %v", u, err)
		}
		_, cookie, err = acc.Login(ctx, "alice", "correct horse battery", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if err := acc.SetPassword(ctx, "alice", "a new long password"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := acc.SessionUser(ctx, cookie); !errors.Is(err, moderation.ErrUnauthorized) {
			t.Errorf("a new password ends the sessions: got %v", err)
		}
		_, cookie, err = acc.Login(ctx, "alice", "a new long password", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(moderation.SessionTTL + time.Second)
		if _, _, err := acc.SessionUser(ctx, cookie); !errors.Is(err, moderation.ErrUnauthorized) {
			t.Errorf("expired session: got %v, want ErrUnauthorized", err)
		}
	})
}

// TestAccountSecretsAreStoredHashed reads the tables back: no password, no
// cookie token and no API token appears in them, only hashes and digests.
func TestAccountSecretsAreStoredHashed(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		db := openDB(t, cfg)
		acc := moderation.NewAccounts(db, moderationtest.NewClock(t0))
		const pw = "correct horse battery"
		if _, err := acc.AddUser(ctx, "bob", moderation.RoleAdmin, pw); err != nil {
			t.Fatal(err)
		}
		_, cookie, err := acc.Login(ctx, "bob", pw, "10.0.0.2")
		if err != nil {
			t.Fatal(err)
		}
		tok, err := acc.IssueToken(ctx, "bob", "")
		if err != nil {
			t.Fatal(err)
		}
		sqlDB, err := db.r.DB()
		if err != nil {
			t.Fatal(err)
		}
		var stored []string
		for _, q := range []string{`SELECT password_hash FROM users`, `SELECT digest FROM sessions`, `SELECT digest FROM api_tokens`} {
			var s string
			if err := sqlDB.QueryRowContext(ctx, q).Scan(&s); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			stored = append(stored, s)
		}
		if !strings.HasPrefix(stored[0], "$2") {
			t.Errorf("password_hash %q is not a bcrypt hash", stored[0])
		}
		for _, s := range stored {
			for _, secret := range []string{pw, cookie, tok} {
				if strings.Contains(s, secret) {
					t.Errorf("a secret is stored in clear: %q", s)
				}
			}
		}
		if stored[1] != moderation.TokenDigest(cookie) || stored[2] != moderation.TokenDigest(tok) {
			t.Errorf("stored digests %q, %q are not the tokens' SHA-256", stored[1], stored[2])
		}
	})
}

// TestFirstAdminIsCreatedOnce: the first run makes "admin"; later runs,
// or a second instance starting at the same time, make nothing.
func TestFirstAdminIsCreatedOnce(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		db := openDB(t, cfg)
		acc := moderation.NewAccounts(db, nil)
		gen, created, err := acc.EnsureAdmin(ctx, "")
		if err != nil || !created || len(gen) < moderation.MinPasswordLen {
			t.Fatalf("first run: generated %q, created %v, err %v", gen, created, err)
		}
		if _, _, err := acc.Login(ctx, "admin", gen, "127.0.0.1"); err != nil {
			t.Fatalf("the generated password does not log in: %v", err)
		}
		gen2, created, err := acc.EnsureAdmin(ctx, "another password")
		if err != nil || created || gen2 != "" {
			t.Fatalf("second run: generated %q, created %v, err %v", gen2, created, err)
		}
		us, err := acc.Users(ctx)
		if err != nil || len(us) != 1 || us[0].Role != moderation.RoleAdmin {
			t.Fatalf("users: %+v %v", us, err)
		}
	})
}

// TestLoginSprayOfImpossibleNamesIsThrottledByAddress: names no account can
// have (too long, spaces, controls) are refused like wrong passwords and
// count against the address, so one address cannot try them without end.
func TestLoginSprayOfImpossibleNamesIsThrottledByAddress(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, sqliteConfig(t))
	acc := moderation.NewAccounts(db, moderationtest.NewClock(t0))
	if _, err := acc.AddUser(ctx, "alice", moderation.RoleModerator, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	var throttled error
	for i := range 25 {
		name := strings.Repeat("x", 1000) + " " + string(rune('a'+i))
		_, _, err := acc.Login(ctx, name, "whatever password", "10.0.0.9")
		var te *moderation.ThrottledError
		if errors.As(err, &te) {
			throttled = err
			break
		}
		if !errors.Is(err, moderation.ErrUnauthorized) {
			t.Fatalf("try %d: %v, want ErrUnauthorized", i, err)
		}
	}
	if throttled == nil {
		t.Fatal("25 impossible names from one address were never throttled")
	}
	if _, _, err := acc.Login(ctx, "alice", "correct horse battery", "10.0.0.10"); err != nil {
		t.Errorf("another address is held back too: %v", err)
	}
}

// TestRevokedTokensAreRecorded: a revocation keeps the token's row, with
// when; a token cannot be made for a disabled account even past the
// domain's check; enabling an account that was never disabled revokes
// nothing; enabling a disabled one revokes what a failed revocation left.
func TestRevokedTokensAreRecorded(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		db := openDB(t, cfg)
		clock := moderationtest.NewClock(t0)
		acc := moderation.NewAccounts(db, clock)
		u, err := acc.AddUser(ctx, "carol", moderation.RoleModerator, "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		for _, label := range []string{"a", "b"} {
			if _, err := acc.IssueToken(ctx, "carol", label); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := acc.SetDisabled(ctx, "carol", false); err != nil || n != 0 {
			t.Fatalf("enabling an active account: %d revoked, %v; want 0", n, err)
		}
		clock.Advance(time.Hour)
		if n, err := acc.SetDisabled(ctx, "carol", true); err != nil || n != 2 {
			t.Fatalf("disable: %d revoked, %v; want 2", n, err)
		}
		sqlDB, err := db.r.DB()
		if err != nil {
			t.Fatal(err)
		}
		var rows, revokedAt int
		if err := sqlDB.QueryRowContext(ctx, db.dialect.bind(`SELECT COUNT(*), COUNT(revoked_at) FROM api_tokens WHERE user_id = ?`), u.ID).
			Scan(&rows, &revokedAt); err != nil {
			t.Fatal(err)
		}
		if rows != 2 || revokedAt != 2 {
			t.Errorf("%d token rows, %d with revoked_at; want both kept and marked", rows, revokedAt)
		}
		err = db.CreateToken(ctx, &moderation.APIToken{UserID: u.ID, Digest: moderation.TokenDigest("vgu_x"), CreatedAt: clock.Now()})
		if !errors.Is(err, moderation.ErrForbidden) {
			t.Errorf("storing a token for a disabled account: %v, want ErrForbidden", err)
		}
		// A disable whose revocation failed left a live token: it is
		// revoked when the account is enabled.
		if err := db.exec(ctx, `UPDATE api_tokens SET revoked_at = NULL WHERE label = ?`, "a"); err != nil {
			t.Fatal(err)
		}
		if n, err := acc.SetDisabled(ctx, "carol", false); err != nil || n != 1 {
			t.Errorf("enable after a failed revocation: %d revoked, %v; want 1", n, err)
		}
	})
}
