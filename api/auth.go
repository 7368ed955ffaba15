package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
)

// The scopes an API token can carry.
const (
	// ScopeIntake sends comments (POST /api/v1/comments) and appeals on an
	// author's behalf, under the token's sources only.
	ScopeIntake = "intake"
	// ScopeRead reads back comments of the token's sources, personal data
	// included (GET /api/v1/comments/{id}).
	ScopeRead = "read"
)

// Scopes lists every scope, in the order they are printed.
var Scopes = []string{ScopeIntake, ScopeRead}

// Grant is what one API token may do.
type Grant struct {
	Name   string
	Scopes []string
	// Sources are the sources the token may write and read: exact
	// ("api:cms"), a kind ("api:*"), or "*" for every source. Writing under
	// the Facebook connector's sources ("facebook:…") takes "facebook:*"
	// or an exact "facebook:<page>": "*" does not give it, since those
	// comments come only from the signed webhook.
	Sources []string
	// limitKey is the token's digest, set by NewTokens: the intake rate
	// limit's bucket key, so the token is not hashed a second time.
	limitKey string
}

// Can reports whether the grant carries scope.
func (g *Grant) Can(scope string) bool { return slices.Contains(g.Scopes, scope) }

// Covers reports whether the grant reaches source (in its canonical form)
// for reading, or for writing when write is set.
func (g *Grant) Covers(source string, write bool) bool {
	kind, _, _ := strings.Cut(source, ":")
	for _, p := range g.Sources {
		switch {
		case p == "*":
			if !write || kind != "facebook" {
				return true
			}
		case strings.HasSuffix(p, ":*"):
			if strings.HasPrefix(source, p[:len(p)-1]) {
				return true
			}
		case p == source:
			return true
		}
	}
	return false
}

// String is the grant as `vigie token list` prints it.
func (g *Grant) String() string {
	return fmt.Sprintf("scopes=%s sources=%s", strings.Join(g.Scopes, ","), strings.Join(g.Sources, ","))
}

// TokenSpec is one accepted token: the SHA-256 digest of the token
// ("sha256:<hex>", never the token) and what it may do.
type TokenSpec struct {
	Digest string
	Grant
}

// Tokens checks Bearer tokens against stored SHA-256 digests. A token is
// high-entropy, so a fast hash is enough (bcrypt is for passwords); the
// comparison is constant-time and visits every digest.
type Tokens struct {
	digests [][]byte
	grants  []*Grant
}

// NewTokens takes the accepted tokens; specs whose digest is malformed are
// left out (the configuration refuses them before this).
func NewTokens(specs []TokenSpec) *Tokens {
	t := &Tokens{}
	for _, s := range specs {
		b, err := hex.DecodeString(strings.TrimPrefix(s.Digest, "sha256:"))
		if err == nil && len(b) == sha256.Size {
			g := s.Grant
			g.limitKey = string(b)
			t.digests = append(t.digests, b)
			t.grants = append(t.grants, &g)
		}
	}
	return t
}

// Lookup returns the grant of token, if it is one of the accepted ones.
func (t *Tokens) Lookup(token string) (*Grant, bool) {
	if token == "" || t == nil {
		return nil, false
	}
	sum := sha256.Sum256([]byte(token))
	found := -1
	for i, d := range t.digests {
		if subtle.ConstantTimeCompare(sum[:], d) == 1 {
			found = i
		}
	}
	if found < 0 {
		return nil, false
	}
	return t.grants[found], true
}

const grantKey = "vigie_token_grant"

// grantOf is the API token's grant of this request, if one was accepted.
func grantOf(c *gin.Context) (*Grant, bool) {
	v, ok := c.Get(grantKey)
	if !ok {
		return nil, false
	}
	g, ok := v.(*Grant)
	return g, ok
}

// requireToken guards the intake API: a valid Bearer token carrying scope.
func (s *Server) requireToken(scope string) gin.HandlerFunc {
	return func(c *gin.Context) {
		token, ok := bearer(c)
		g, valid := s.tokens.Lookup(token)
		if !ok || !valid {
			s.abort(c, &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "a valid Bearer API token is required"})
			return
		}
		if !g.Can(scope) {
			s.abort(c, scopeMissing(scope))
			return
		}
		c.Set(grantKey, g)
		c.Next()
	}
}

func scopeMissing(scope string) *Error {
	return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "this API token does not carry the " + scope + " scope"}
}

// sourceAllowed refuses a source the request's API token does not reach:
// for writing the field named, for reading when field is "". Requests made
// by a user (session or personal token) are not limited by source here:
// their role decides.
func sourceAllowed(c *gin.Context, source, field string) error {
	g, ok := grantOf(c)
	if !ok || g.Covers(source, field != "") {
		return nil
	}
	if field == "" {
		// Reading: whether a comment of another source exists is none of
		// this token's business.
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such comment"}
	}
	return &Error{Status: http.StatusForbidden, Code: "forbidden_source", Field: field,
		Message: fmt.Sprintf("this API token may not write under source %q", source)}
}
