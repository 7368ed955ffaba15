package moderation

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// AccountStore is what accounts need from persistence. Like claims, these
// are writes without events: who may sign in is not a moderation decision.
type AccountStore interface {
	// CreateUser stores a new user and sets u.ID; a taken name is ErrConflict.
	CreateUser(ctx context.Context, u *User) error
	// UpdateUser writes the role, password hash and disabled flag.
	UpdateUser(ctx context.Context, u User) error
	UserByName(ctx context.Context, name string) (User, error)
	UserByID(ctx context.Context, id int64) (User, error)
	// Users lists every account by name.
	Users(ctx context.Context) ([]User, error)
	CreateSession(ctx context.Context, s Session) error
	// SessionByDigest returns a session unless it is missing or expired at
	// now (both ErrNotFound).
	SessionByDigest(ctx context.Context, digest string, now time.Time) (Session, error)
	DeleteSession(ctx context.Context, digest string) error
	// DeleteSessions signs a user out everywhere.
	DeleteSessions(ctx context.Context, userID int64) error
	// CreateToken stores a personal token and sets t.ID. A disabled user
	// is ErrForbidden, checked in the same write as the insert (under the
	// user's row lock), so no token slips in while the account is being
	// disabled and its tokens revoked.
	CreateToken(ctx context.Context, t *APIToken) error
	// TokenByDigest returns a personal token (ErrNotFound, also once it is
	// revoked).
	TokenByDigest(ctx context.Context, digest string) (APIToken, error)
	// RevokeTokens marks every personal token of a user not yet revoked
	// as revoked at `at` (the rows stay, as the record of it) and says how
	// many it revoked.
	RevokeTokens(ctx context.Context, userID int64, at time.Time) (int, error)
}

// SessionTTL is how long a sign-in lasts: a working day, then the
// moderator signs in again.
const SessionTTL = 12 * time.Hour

// bcryptCost is bcrypt's work factor, the library's default: 70 ms a check
// on this kind of machine (11 took 180 ms), slow for a guesser, unnoticed
// by a person signing in; the throttle does the rest.
const bcryptCost = bcrypt.DefaultCost

// Accounts manages users, sessions and personal tokens.
type Accounts struct {
	store    AccountStore
	clock    Clock
	throttle *Throttle
	// dummy is compared against when the name is unknown, so a login
	// takes as long for a wrong name as for a wrong password. Made on
	// first use: commands that never log anyone in don't pay for it.
	dummy func() []byte
}

// NewAccounts builds the account service; clock nil is the system clock.
func NewAccounts(store AccountStore, clock Clock) *Accounts {
	if clock == nil {
		clock = SystemClock{}
	}
	dummy := sync.OnceValue(func() []byte {
		h, _ := bcrypt.GenerateFromPassword([]byte("not a password of anyone"), bcryptCost)
		return h
	})
	return &Accounts{store: store, clock: clock, throttle: NewThrottle(clock), dummy: dummy}
}

// TokenDigest is the stored form of a random token (session or API token).
func TokenDigest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// RandomToken makes a 256-bit token, URL-safe.
func RandomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// AddUser creates an account.
func (a *Accounts) AddUser(ctx context.Context, name string, role Role, password string) (User, error) {
	if err := ValidateUserName(name); err != nil {
		return User{}, err
	}
	if !role.Can(PermRead) {
		return User{}, Errorf(ErrInvalid, "role", "role must be viewer, moderator or admin")
	}
	hash, err := hashPassword(password)
	if err != nil {
		return User{}, err
	}
	now := TruncateTime(a.clock.Now())
	u := User{Name: name, Role: role, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := a.store.CreateUser(ctx, &u); err != nil {
		return User{}, fmt.Errorf("add user %s: %w", name, err)
	}
	return u, nil
}

func hashPassword(pw string) (string, error) {
	if err := ValidatePassword(pw); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcryptCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// EnsureAdmin creates the first account, "admin", when there is none. With
// password empty it generates one and returns it, to be shown once.
func (a *Accounts) EnsureAdmin(ctx context.Context, password string) (generated string, created bool, err error) {
	us, err := a.store.Users(ctx)
	if err != nil || len(us) > 0 {
		return "", false, err
	}
	if password == "" {
		password = RandomToken()[:20]
		generated = password
	}
	if _, err := a.AddUser(ctx, "admin", RoleAdmin, password); err != nil {
		if errors.Is(err, ErrConflict) { // another instance made it first
			return "", false, nil
		}
		return "", false, err
	}
	return generated, true, nil
}

// SetPassword changes a password and signs the user out everywhere.
func (a *Accounts) SetPassword(ctx context.Context, name, password string) error {
	u, err := a.store.UserByName(ctx, name)
	if err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	if u.PasswordHash, err = hashPassword(password); err != nil {
		return err
	}
	return a.update(ctx, u)
}

// SetRole changes what a user may do; their sessions end so the new role
// applies at once.
func (a *Accounts) SetRole(ctx context.Context, name string, role Role) error {
	u, err := a.store.UserByName(ctx, name)
	if err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	if !role.Can(PermRead) {
		return Errorf(ErrInvalid, "role", "role must be viewer, moderator or admin")
	}
	u.Role = role
	return a.update(ctx, u)
}

// SetDisabled disables or enables an account and says how many personal
// tokens it revoked. A disabled account's sessions end and its personal
// tokens are revoked: enabling it again brings neither back, its owner
// signs in and makes new tokens. The account is disabled first (from then
// on no token can be issued to it), then its tokens are revoked; if that
// fails the error says so, the tokens stay unusable while the account is
// disabled, and enabling it revokes them before anything else.
func (a *Accounts) SetDisabled(ctx context.Context, name string, disabled bool) (revoked int, err error) {
	u, err := a.store.UserByName(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("user %s: %w", name, err)
	}
	wasDisabled := u.Disabled
	u.Disabled = disabled
	if disabled {
		if err := a.update(ctx, u); err != nil {
			return 0, err
		}
		return a.revokeTokens(ctx, u)
	}
	if wasDisabled {
		// Any token still live was issued before the account was
		// disabled: it must not come back with it.
		if revoked, err = a.revokeTokens(ctx, u); err != nil {
			return 0, err
		}
	}
	return revoked, a.update(ctx, u)
}

func (a *Accounts) revokeTokens(ctx context.Context, u User) (int, error) {
	n, err := a.store.RevokeTokens(ctx, u.ID, TruncateTime(a.clock.Now()))
	if err != nil {
		return 0, fmt.Errorf("user %s: revoke personal tokens: %w", u.Name, err)
	}
	return n, nil
}

func (a *Accounts) update(ctx context.Context, u User) error {
	u.UpdatedAt = TruncateTime(a.clock.Now())
	if err := a.store.UpdateUser(ctx, u); err != nil {
		return fmt.Errorf("user %s: %w", u.Name, err)
	}
	if err := a.store.DeleteSessions(ctx, u.ID); err != nil {
		return fmt.Errorf("user %s: end sessions: %w", u.Name, err)
	}
	return nil
}

// Users lists the accounts.
func (a *Accounts) Users(ctx context.Context) ([]User, error) { return a.store.Users(ctx) }

// IssueToken makes a personal API token for a user. The token is returned
// once; only its digest is kept.
func (a *Accounts) IssueToken(ctx context.Context, name, label string) (string, error) {
	u, err := a.store.UserByName(ctx, name)
	if err != nil {
		return "", fmt.Errorf("user %s: %w", name, err)
	}
	if u.Disabled {
		return "", fmt.Errorf("user %s is disabled: %w", name, ErrForbidden)
	}
	if len(label) > 100 || !printable(label) {
		return "", Errorf(ErrInvalid, "label", "a token label has at most 100 printable characters")
	}
	tok := PersonalTokenPrefix + RandomToken()
	t := APIToken{UserID: u.ID, Digest: TokenDigest(tok), Label: label, CreatedAt: TruncateTime(a.clock.Now())}
	if err := a.store.CreateToken(ctx, &t); err != nil {
		return "", fmt.Errorf("token for %s: %w", name, err)
	}
	return tok, nil
}

// Login checks a name and password from addr and opens a session. Too
// many failures for the name or from the address are ErrThrottled (with
// how long to wait) before any password is checked.
func (a *Accounts) Login(ctx context.Context, name, password, addr string) (Session, string, error) {
	if ValidateUserName(name) != nil {
		// No account has such a name. It is not kept as a throttle key
		// either (a sprayer of 10 MB names would fill memory): the
		// failure counts against the address alone.
		name = ""
	}
	if wait := a.throttle.Wait(name, addr); wait > 0 {
		return Session{}, "", &ThrottledError{RetryAfter: wait}
	}
	u, err := a.store.UserByName(ctx, name)
	switch {
	case errors.Is(err, ErrNotFound):
		_ = bcrypt.CompareHashAndPassword(a.dummy(), []byte(password))
	case err != nil:
		return Session{}, "", fmt.Errorf("login: %w", err)
	}
	if err != nil || u.Disabled || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		a.throttle.Fail(name, addr)
		return Session{}, "", fmt.Errorf("wrong name or password: %w", ErrUnauthorized)
	}
	a.throttle.Succeed(name)
	now := TruncateTime(a.clock.Now())
	tok := RandomToken()
	s := Session{Digest: TokenDigest(tok), UserID: u.ID, CSRF: RandomToken(), CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	if err := a.store.CreateSession(ctx, s); err != nil {
		return Session{}, "", fmt.Errorf("login: %w", err)
	}
	return s, tok, nil
}

// Logout ends the session of this cookie token.
func (a *Accounts) Logout(ctx context.Context, token string) error {
	return a.store.DeleteSession(ctx, TokenDigest(token))
}

// SessionUser returns the session and user of a cookie token. A missing or
// expired session, or a disabled user, is ErrUnauthorized.
func (a *Accounts) SessionUser(ctx context.Context, token string) (Session, User, error) {
	if token == "" {
		return Session{}, User{}, ErrUnauthorized
	}
	s, err := a.store.SessionByDigest(ctx, TokenDigest(token), a.clock.Now())
	if err != nil {
		return Session{}, User{}, unauthorized(err)
	}
	u, err := a.store.UserByID(ctx, s.UserID)
	if err != nil {
		return Session{}, User{}, unauthorized(err)
	}
	if u.Disabled {
		return Session{}, User{}, fmt.Errorf("account disabled: %w", ErrUnauthorized)
	}
	return s, u, nil
}

// PersonalTokenPrefix starts every personal API token (`vigie user token`),
// which tells it from an intake token without a lookup.
const PersonalTokenPrefix = "vgu_"

// errNotPersonalToken is made once: every intake request gets it.
var errNotPersonalToken = fmt.Errorf("not a personal token: %w", ErrUnauthorized)

// TokenUser returns the user of a personal API token, unless the account
// is disabled (ErrUnauthorized).
func (a *Accounts) TokenUser(ctx context.Context, token string) (User, error) {
	if !strings.HasPrefix(token, PersonalTokenPrefix) {
		// An intake API token, or garbage: no query. Every intake request
		// carries a Bearer token, and looking it up here cost a database
		// read per comment (5% of intake CPU).
		return User{}, errNotPersonalToken
	}
	t, err := a.store.TokenByDigest(ctx, TokenDigest(token))
	if err != nil {
		return User{}, unauthorized(err)
	}
	u, err := a.store.UserByID(ctx, t.UserID)
	if err != nil {
		return User{}, unauthorized(err)
	}
	if u.Disabled {
		return User{}, fmt.Errorf("account disabled: %w", ErrUnauthorized)
	}
	return u, nil
}

// unauthorized turns "no such session or token" into ErrUnauthorized and
// keeps other failures (the database is down) as they are.
func unauthorized(err error) error {
	if errors.Is(err, ErrNotFound) {
		return ErrUnauthorized
	}
	return err
}
