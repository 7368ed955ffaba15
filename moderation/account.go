package moderation

import (
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"
)

// Role is what an account may do. Roles are nested: an admin can do all a
// moderator can, a moderator all a viewer can.
type Role int

const (
	// RoleViewer reads the queue, the audits and the appeals.
	RoleViewer Role = iota + 1
	// RoleModerator also decides: the queue, appeals and audits.
	RoleModerator
	// RoleAdmin also manages users and rules and exports statements.
	RoleAdmin
)

var roleNames = map[Role]string{RoleViewer: "viewer", RoleModerator: "moderator", RoleAdmin: "admin"}

func (r Role) String() string {
	if n, ok := roleNames[r]; ok {
		return n
	}
	return fmt.Sprintf("role(%d)", int(r))
}

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	for r, n := range roleNames {
		if n == s {
			return r, nil
		}
	}
	return 0, Errorf(ErrInvalid, "role", "role must be viewer, moderator or admin, not %q", s)
}

// Permission is one thing a route needs; a role grants a set of them.
type Permission int

const (
	// PermRead shows the queue, comments, audits and appeals.
	PermRead Permission = iota + 1
	// PermDecide publishes, refuses, reinstates, claims.
	PermDecide
	// PermAdmin manages users and rules and exports statements of reasons.
	PermAdmin
)

// Can reports whether the role grants p.
func (r Role) Can(p Permission) bool {
	switch p {
	case PermRead:
		return r >= RoleViewer && r <= RoleAdmin
	case PermDecide:
		return r == RoleModerator || r == RoleAdmin
	case PermAdmin:
		return r == RoleAdmin
	}
	return false
}

// User is a person who signs in to the moderator UI or uses a personal
// API token. PasswordHash is a bcrypt hash; the password itself is never
// kept.
type User struct {
	ID           int64
	Name         string
	Role         Role
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Actor is how the user appears in the event log.
func (u User) Actor() string { return "moderator:" + u.Name }

// Can reports whether the user may do p: a disabled account may do nothing.
func (u User) Can(p Permission) bool { return !u.Disabled && u.Role.Can(p) }

// Name limits: short enough for a log line, plain enough to read in one.
const (
	maxUserName    = 64
	MinPasswordLen = 10
	// bcrypt reads at most 72 bytes: a longer password would be silently
	// cut, so it is refused instead.
	MaxPasswordLen = 72
)

// ValidateUserName checks a login name: 1–64 Latin letters (accents
// included), ASCII digits, '.', '-', '_' or '@'. No spaces, controls, or
// letters of other scripts that look like Latin ones ("аdmin" with a
// Cyrillic а) in the event log or the user list.
func ValidateUserName(name string) error {
	if name == "" || len(name) > maxUserName || !utf8.ValidString(name) {
		return Errorf(ErrInvalid, "name", "a user name has 1 to %d characters", maxUserName)
	}
	for _, r := range name {
		if !(unicode.Is(unicode.Latin, r) || '0' <= r && r <= '9' || r == '.' || r == '-' || r == '_' || r == '@') {
			return Errorf(ErrInvalid, "name", "a user name has only letters, digits and . - _ @ (not %q)", r)
		}
	}
	return nil
}

// ValidatePassword checks a new password's length.
func ValidatePassword(pw string) error {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return Errorf(ErrInvalid, "password", "a password has at least %d characters", MinPasswordLen)
	case len(pw) > MaxPasswordLen:
		return Errorf(ErrInvalid, "password", "a password has at most %d bytes", MaxPasswordLen)
	}
	return nil
}

// Session is a signed-in browser. The cookie carries a random token; only
// its SHA-256 digest is stored, so a copy of the database opens no session.
type Session struct {
	Digest    string // hex SHA-256 of the cookie's token
	UserID    int64
	CSRF      string // the token every form and script must send back
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken is a personal token for scripts, stored as a digest only.
type APIToken struct {
	ID        int64
	UserID    int64
	Digest    string
	Label     string
	CreatedAt time.Time
}
