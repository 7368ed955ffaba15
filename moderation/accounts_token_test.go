package moderation_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	. "vigie/moderation"
	"vigie/storage"
)

// countingStore counts personal-token lookups.
type countingStore struct {
	*storage.DB
	lookups int
}

func (s *countingStore) TokenByDigest(ctx context.Context, digest string) (APIToken, error) {
	s.lookups++
	return s.DB.TokenByDigest(ctx, digest)
}

// TestIntakeTokensCostNoLookup: a Bearer token that is not a personal one
// (every intake request carries one) is refused as a user without a
// database read; a personal token is still found, and a forged one with
// the prefix is looked up and refused.
func TestIntakeTokensCostNoLookup(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, storage.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "v.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st := &countingStore{DB: db}
	acc := NewAccounts(st, nil)
	if _, err := acc.AddUser(ctx, "erin", RoleModerator, "un mot de passe assez long"); err != nil {
		t.Fatal(err)
	}
	tok, err := acc.IssueToken(ctx, "erin", "script")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, PersonalTokenPrefix) {
		t.Fatalf("personal token %q lacks its prefix", tok)
	}
	for _, intake := range []string{"test-token-0123456789abcdef", "", strings.TrimPrefix(tok, PersonalTokenPrefix)} {
		if _, err := acc.TokenUser(ctx, intake); !errors.Is(err, ErrUnauthorized) {
			t.Errorf("TokenUser(%q) = %v, want ErrUnauthorized", intake, err)
		}
	}
	if st.lookups != 0 {
		t.Fatalf("%d lookups for tokens that cannot be personal", st.lookups)
	}
	if u, err := acc.TokenUser(ctx, tok); err != nil || u.Name != "erin" {
		t.Fatalf("the personal token: %+v, %v", u, err)
	}
	if _, err := acc.TokenUser(ctx, PersonalTokenPrefix+"forged"); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("a forged personal token: %v", err)
	}
	if st.lookups != 2 {
		t.Errorf("%d lookups, want 2 (the real and the forged personal tokens)", st.lookups)
	}
}
